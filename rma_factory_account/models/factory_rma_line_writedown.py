from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class FactoryRmaLine(models.Model):
    """Write-down of defective goods to their realisable value, by responsibility."""

    _inherit = "factory.rma.line"

    realisable_value = fields.Float(
        "Realisable Value",
        digits="Product Price",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Net realisable value per unit of the defective goods (市场可变现价格), entered "
        "by an RMA Manager or an accountant in the write-down wizard.",
    )
    writedown_move_ids = fields.One2many(
        "account.move",
        "rma_writedown_line_id",
        string="Write-down Entries",
        readonly=True,
        groups="base.group_user",
    )
    writedown_amount = fields.Monetary(
        "Written Down",
        compute="_compute_writedown_amount",
        compute_sudo=True,
        currency_field="company_currency_id",
        groups="base.group_user",
        help="Loss posted so far for the defective goods of this line.",
    )

    @api.depends("writedown_move_ids.state", "writedown_move_ids.rma_writedown_amount")
    def _compute_writedown_amount(self):
        for line in self:
            line.writedown_amount = sum(
                line.writedown_move_ids.filtered(lambda m: m.state == "posted").mapped(
                    "rma_writedown_amount"
                )
            )

    def _writedown_qty(self):
        """Quantity (product UoM) this line moved into RMA/Defective."""
        self.ensure_one()
        defective = self.rma_id.warehouse_id.rma_defective_loc_id
        moves = self.move_ids.filtered(
            lambda m: (
                m.rma_move_kind == "routing"
                and m.state == "done"
                and m.location_dest_id == defective
            )
        )
        return sum(moves.mapped("product_qty"))

    def _writedown_unit_cost(self):
        """Unit cost of the returned goods: the value the receipt brought
        back into stock, else the product's current cost."""
        self.ensure_one()
        layers = (
            self.move_ids.filtered(lambda m: m.rma_move_kind == "receipt" and m.state == "done")
            .sudo()
            .stock_valuation_layer_ids
        )
        qty = sum(layers.mapped("quantity"))
        if qty > 0:
            return sum(layers.mapped("value")) / qty
        return self.product_id.with_company(self.company_id).standard_price

    def _writedown_accounts(self):
        """(loss account, allowance account, journal) of the write-down."""
        self.ensure_one()
        company = self.company_id
        loss = company.rma_writedown_loss_account_id
        if not loss:
            raise UserError(
                _(
                    "Set the defective-goods loss account of %(company)s in the settings first.",
                    company=company.name,
                )
            )
        accounts = self.product_id.product_tmpl_id.with_company(company).get_product_accounts()
        allowance = company.rma_writedown_allowance_account_id or accounts["stock_valuation"]
        if not allowance:
            raise UserError(
                _(
                    "No allowance or stock valuation account for %(product)s.",
                    product=self.product_id.display_name,
                )
            )
        journal = (
            company.rma_writedown_journal_id
            or accounts.get("stock_journal")
            or self.env["account.journal"].search(
                [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
            )
        )
        return loss, allowance, journal

    def _check_realisable_value(self, value):
        self.ensure_one()
        cost = self._writedown_unit_cost()
        if value < 0:
            raise UserError(
                _(
                    "The realisable value of %(product)s cannot be negative.",
                    product=self.product_id.display_name,
                )
            )
        if float_compare(value, cost, precision_digits=6) > 0:
            raise UserError(
                _(
                    "The realisable value of %(product)s (%(value)s) cannot be above its cost "
                    "(%(cost)s).",
                    product=self.product_id.display_name,
                    value=value,
                    cost=round(cost, 6),
                )
            )

    def _writedown_booked(self):
        """Loss already booked for the goods of this line: posted write-down
        entries and the drafts waiting for accounting."""
        self.ensure_one()
        return sum(
            self.sudo()
            .writedown_move_ids.filtered(lambda m: m.state != "cancel")
            .mapped("rma_writedown_amount")
        )

    def _set_realisable_value(self, value):
        """Record the realisable value and create the draft entry of the
        difference between the loss it implies and the loss already booked
        (never twice). Called by the write-down wizard after its rights
        check; the wizard posts it when the caller has accounting rights."""
        self.ensure_one()
        self._check_realisable_value(value)
        qty = self._writedown_qty()
        if float_is_zero(qty, precision_rounding=self.product_id.uom_id.rounding):
            raise UserError(
                _(
                    "No goods of %(product)s are in the defective store.",
                    product=self.product_id.display_name,
                )
            )
        currency = self.company_id.currency_id
        target = currency.round((self._writedown_unit_cost() - value) * qty)
        diff = currency.round(target - self._writedown_booked())
        self._write_workflow({"realisable_value": value})
        if currency.is_zero(diff):
            return self.env["account.move"]
        # the accounts of the product and the company are read as superuser
        # to prepare the entry; the entry itself is the caller's draft
        vals = self.sudo()._prepare_writedown_move_vals(diff, qty)
        Move = self.rma_id._rma_prepare_model("account.move")
        return Move.with_company(self.company_id).create(vals).with_env(self.env)

    def _prepare_writedown_move_vals(self, amount, qty):
        """Journal entry of a write-down of ``amount`` (negative: the value
        went up again): Dr loss / Cr allowance, with the RMA line, the
        responsible party and the responsibility analytic account."""
        self.ensure_one()
        loss, allowance, journal = self._writedown_accounts()
        rma = self.rma_id
        distribution = self._rma_analytic_distribution()
        partner = self.responsible_partner_id or rma.partner_id.commercial_partner_id
        label = _(
            "%(rma)s: %(product)s written down to realisable value %(value)s",
            rma=rma.name,
            product=self.product_id.display_name,
            value=self.realisable_value,
        )
        common = {
            "name": label,
            "partner_id": partner.id,
            "product_id": self.product_id.id,
            "quantity": qty,
            "rma_line_id": self.id,
        }
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "rma_id": rma.id,
            "rma_writedown_line_id": self.id,
            "rma_writedown_amount": amount,
            "line_ids": [
                fields.Command.create(
                    dict(
                        common,
                        account_id=loss.id,
                        balance=amount,
                        analytic_distribution=distribution,
                        rma_cost_type="write_down",
                        rma_cost_party=self._rma_cost_party(),
                    )
                ),
                fields.Command.create(
                    dict(
                        common,
                        account_id=allowance.id,
                        balance=-amount,
                        analytic_distribution=distribution,
                    )
                ),
            ],
        }
