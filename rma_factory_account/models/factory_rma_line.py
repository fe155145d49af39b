from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class FactoryRmaLine(models.Model):
    _inherit = "factory.rma.line"

    credit_line_ids = fields.One2many(
        "account.move.line", "rma_line_id", readonly=True, groups="base.group_user"
    )
    qty_credited = fields.Float(compute="_compute_qty_credited", store=True)
    qty_credit_draft = fields.Float(
        "In Draft Credit Notes",
        digits="Product Unit of Measure",
        compute="_compute_qty_credited",
        store=True,
        groups="base.group_user",
    )
    credit_origin_line_ids = fields.Many2many(
        "account.move.line",
        "factory_rma_line_credit_origin_rel",
        "rma_line_id",
        "invoice_line_id",
        string="Chosen Invoice Lines",
        readonly=True,
        copy=False,
        help="Invoice lines chosen by the user in the credit note wizard when the "
        "line has no sale or invoice line of its own.",
        groups="base.group_user",
    )
    qty_not_invoiced = fields.Float(
        "Never Invoiced",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Received quantity of a partly invoiced sale line that was never billed: only "
        "the sale quantities change, nothing is credited.",
        groups="base.group_user",
    )
    credit_not_invoiced = fields.Boolean(
        "Not Invoiced",
        readonly=True,
        copy=False,
        help="The user stated that the goods of this line were never invoiced: nothing to credit.",
        groups="base.group_user",
    )

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
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency", groups="base.group_user"
    )

    def _workflow_fields(self):
        """What the credit and write-down buttons record on the line."""
        return super()._workflow_fields() | {
            "qty_not_invoiced",
            "credit_not_invoiced",
            "credit_origin_line_ids",
            "realisable_value",
        }

    @api.depends("writedown_move_ids.state", "writedown_move_ids.rma_writedown_amount")
    def _compute_writedown_amount(self):
        for line in self:
            line.writedown_amount = sum(
                line.writedown_move_ids.filtered(lambda m: m.state == "posted").mapped(
                    "rma_writedown_amount"
                )
            )

    @api.depends(
        "credit_line_ids.quantity",
        "credit_line_ids.parent_state",
        "credit_line_ids.move_type",
        "credit_line_ids.rma_charge_type",
    )
    def _compute_qty_credited(self):
        for line in self:
            posted = draft = 0.0
            for aml in line.credit_line_ids.filtered(
                lambda x: (
                    x.move_type == "out_refund"
                    and x.display_type == "product"
                    and x.rma_charge_type != "concession"
                )
            ):
                qty = aml.product_uom_id._compute_quantity(aml.quantity, line.product_uom_id)
                if aml.parent_state == "posted":
                    posted += qty
                elif aml.parent_state == "draft":
                    draft += qty
            line.qty_credited = posted
            line.qty_credit_draft = draft

    @api.depends("qty_credit_draft", "credit_origin_line_ids", "credit_not_invoiced")
    def _compute_is_resolved(self):
        return super()._compute_is_resolved()

    @api.depends("qty_not_invoiced")
    def _compute_qty_to_credit(self):
        """Units never billed are not to credit."""
        res = super()._compute_qty_to_credit()
        for line in self:
            if line.qty_to_credit:
                line.qty_to_credit = max(line.qty_to_credit - line.qty_not_invoiced, 0.0)
        return res

    def _qty_left_to_credit(self):
        """Accepted quantity (received, never more than authorised) not yet on
        a credit note nor known as never billed."""
        self.ensure_one()
        return (
            self._qty_accepted() - self.qty_credited - self.qty_credit_draft - self.qty_not_invoiced
        )

    def _never_billed_qty(self):
        """Quantity (line UoM) of the sale line delivered but never invoiced
        and not yet claimed as such by an RMA line: what an over-credit may
        legitimately leave uncredited on a partly invoiced order."""
        self.ensure_one()
        sale_line = self.sale_line_id
        if not sale_line or self.invoice_line_id or self.credit_origin_line_ids:
            return 0.0
        uom = self.product_id.uom_id
        delivered = self._delivered_qty_of_sale_line(sale_line)
        billed = sum(
            aml.product_uom_id._compute_quantity(aml.quantity, uom)
            for aml in sale_line.invoice_lines
            if aml.move_id.move_type == "out_invoice" and aml.parent_state == "posted"
        )
        claimed = sum(
            line.product_uom_id._compute_quantity(line.qty_not_invoiced, uom)
            for line in self.search([("sale_line_id", "=", sale_line.id)])
        )
        return uom._compute_quantity(max(delivered - billed - claimed, 0.0), self.product_uom_id)

    def _origin_invoice_lines(self):
        """Posted customer invoice lines the goods were billed on: the line's
        own invoice line, else the lines chosen in the credit wizard, else
        those of its sale line, oldest invoice first."""
        self.ensure_one()
        if self.invoice_line_id:
            return self.invoice_line_id
        candidates = self.credit_origin_line_ids or self.sale_line_id.invoice_lines
        return candidates.filtered(
            lambda aml: aml.move_id.move_type == "out_invoice" and aml.parent_state == "posted"
        ).sorted(lambda aml: (aml.move_id.invoice_date or aml.move_id.date, aml.id))

    def _invoice_undetermined(self):
        """Whether the invoice of a credited line cannot be determined: no
        invoice line and nothing chosen yet, and either no sale line or a
        sale line billed on several invoices that still have something to
        credit. Such lines are never guessed: the user picks the invoice
        lines in the credit wizard."""
        self.ensure_one()
        if (
            not self._credits_customer()
            or self.invoice_line_id
            or self.credit_origin_line_ids
            or self.credit_not_invoiced
        ):
            return False
        if not self.sale_line_id:
            return True
        invoice_lines = self._origin_invoice_lines()
        if len(invoice_lines.move_id) <= 1:
            return False
        credited = self._credited_qty_by_invoice_line(invoice_lines)
        open_invoices = invoice_lines.filtered(
            lambda aml: (
                float_compare(
                    aml.quantity - credited[aml.id],
                    0.0,
                    precision_rounding=aml.product_uom_id.rounding or 0.01,
                )
                > 0
            )
        ).move_id
        return len(open_invoices) > 1

    def _needs_credit_note(self):
        self.ensure_one()
        if not self._credits_customer() or self.credit_not_invoiced:
            return False
        return self._invoice_undetermined() or bool(self._origin_invoice_lines())

    def _check_resolved(self):
        """A credited line is resolved only once its credit note is posted;
        lines whose goods were never invoiced need none."""
        resolved = super()._check_resolved()
        if not resolved or not self._needs_credit_note():
            return resolved
        return (
            float_compare(
                self.qty_credited + self.qty_not_invoiced,
                self._qty_accepted(),
                precision_rounding=self._qty_rounding(),
            )
            >= 0
        )

    @api.model
    def _credited_qty_by_invoice_line(self, invoice_lines):
        """Quantity (invoice UoM) already credited on each invoice line by
        non-cancelled customer credit notes, RMA or not."""
        refunds = self.env["account.move.line"].search(
            [
                ("move_id.move_type", "=", "out_refund"),
                ("parent_state", "!=", "cancel"),
                ("rma_charge_type", "=", False),
                "|",
                ("rma_origin_line_id", "in", invoice_lines.ids),
                "&",
                ("rma_origin_line_id", "=", False),
                ("sale_line_ids", "in", invoice_lines.sale_line_ids.ids),
            ]
        )
        credited = defaultdict(float)
        for refund in refunds:
            origin = refund.rma_origin_line_id
            if not origin:
                # Credit notes made outside RMAs: charge them to the sale
                # line's first invoice line.
                origin = invoice_lines.filtered(
                    lambda inv, refund=refund: inv.sale_line_ids & refund.sale_line_ids
                )[:1]
            if origin:
                credited[origin.id] += refund.product_uom_id._compute_quantity(
                    refund.quantity, origin.product_uom_id
                )
        return credited

    def _prepare_credit_line_vals(self, invoice_line, qty):
        """Credit note line priced from the original invoice line, never from
        the current list price, and linked to the same sale lines."""
        self.ensure_one()
        return {
            "product_id": invoice_line.product_id.id,
            "name": invoice_line.name,
            "quantity": qty,
            "product_uom_id": invoice_line.product_uom_id.id,
            "price_unit": invoice_line.price_unit,
            "discount": invoice_line.discount,
            "tax_ids": [fields.Command.set(invoice_line.tax_ids.ids)],
            "account_id": invoice_line.account_id.id,
            "analytic_distribution": invoice_line.analytic_distribution,
            "sale_line_ids": [fields.Command.set(invoice_line.sale_line_ids.ids)],
            "rma_line_id": self.id,
            "rma_origin_line_id": invoice_line.id,
        }

    def _credit_allocation(self, credited):
        """[(invoice line, qty in invoice UoM)] for the quantity still to
        credit, taken from the invoice lines in order, never more than each
        invoice line has left."""
        self.ensure_one()
        rounding = self._qty_rounding()
        left = self._qty_left_to_credit()
        allocation = []
        for inv_line in self._origin_invoice_lines():
            if float_compare(left, 0.0, precision_rounding=rounding) <= 0:
                break
            available = inv_line.quantity - credited[inv_line.id]
            available = inv_line.product_uom_id._compute_quantity(available, self.product_uom_id)
            take = min(left, available)
            if float_is_zero(take, precision_rounding=rounding) or take < 0:
                continue
            inv_qty = self.product_uom_id._compute_quantity(take, inv_line.product_uom_id)
            allocation.append((inv_line, inv_qty))
            credited[inv_line.id] += inv_qty
            left -= take
        return allocation, left

    # ------------------------------------------------------------------
    # Write-down of defective goods to their realisable value
    # ------------------------------------------------------------------
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

    def _responsibility_analytic_account(self):
        self.ensure_one()
        if not self.responsibility:
            return self.env["account.analytic.account"]
        return (
            self.env.ref(
                f"rma_factory_account.analytic_responsibility_{self.responsibility}",
                raise_if_not_found=False,
            )
            or self.env["account.analytic.account"]
        )

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
        analytic = self._responsibility_analytic_account()
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
                        analytic_distribution={str(analytic.id): 100} if analytic else False,
                    )
                ),
                fields.Command.create(dict(common, account_id=allowance.id, balance=-amount)),
            ],
        }

    # ------------------------------------------------------------------
    # Charges
    # ------------------------------------------------------------------
    def _prepare_dealer_charge_line_vals(self, qty):
        """Charge-back of ``qty`` replaced units to the dealer judged
        responsible, at the original (net) sale price and taxes, on the
        service product "RMA charge" so that no cost of goods is booked."""
        self.ensure_one()
        rma = self.rma_id
        origin = self._origin_invoice_lines()[:1]
        taxes = origin.tax_ids or self.sale_line_id.tax_id
        return {
            "product_id": rma._charge_product("dealer").id,
            "name": _(
                "%(rma)s: replacement of %(qty)s %(product)s (dealer responsible)",
                rma=rma.name,
                qty=qty,
                product=self.product_id.display_name,
            ),
            "quantity": qty,
            "price_unit": self.price_unit,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "rma_line_id": self.id,
            "rma_charge_type": "dealer",
        }

    # ------------------------------------------------------------------
    # Concession / discount in lieu of a return (complaint only)
    # ------------------------------------------------------------------
    def _is_concession(self):
        """Whether the line grants an amount instead of taking goods back."""
        self.ensure_one()
        return (
            self.decided_outcome == "concession"
            and self.rma_id.rma_type == "complaint"
            and not self.currency_id.is_zero(self.concession_amount)
        )

    def _concession_credit_lines(self, state=None):
        """Non-cancelled (or only ``state``) credit lines of the concession."""
        self.ensure_one()
        return self.credit_line_ids.filtered(
            lambda x: (
                x.rma_charge_type == "concession"
                and x.move_type == "out_refund"
                and (x.parent_state == state if state else x.parent_state != "cancel")
            )
        )

    @api.model
    def _credited_amount_by_invoice_line(self, invoice_lines):
        """Untaxed amount (invoice currency) already credited on each
        invoice line by non-cancelled RMA credit lines, goods or concessions."""
        refunds = self.env["account.move.line"].search(
            [
                ("move_id.move_type", "=", "out_refund"),
                ("parent_state", "!=", "cancel"),
                ("rma_origin_line_id", "in", invoice_lines.ids),
            ]
        )
        credited = defaultdict(float)
        for refund in refunds:
            credited[refund.rma_origin_line_id.id] += refund.price_subtotal
        return credited

    def _concession_origin_line(self):
        """Invoice line the concession reduces: the first of the goods'
        invoice lines with enough amount left, none when the goods' invoice
        is not known. A concession above what is left is refused."""
        self.ensure_one()
        invoice_lines = self._origin_invoice_lines()
        if not invoice_lines:
            return invoice_lines
        credited = self._credited_amount_by_invoice_line(invoice_lines)
        left = 0.0
        for inv_line in invoice_lines:
            left = inv_line.price_subtotal - credited[inv_line.id]
            if inv_line.currency_id.compare_amounts(left, self.concession_amount) >= 0:
                return inv_line
        raise UserError(
            _(
                "The concession of %(amount)s on %(product)s is more than the %(left)s left "
                "to credit on its invoice.",
                amount=self.concession_amount,
                product=self.product_id.display_name,
                left=max(left, 0.0),
            )
        )

    def _prepare_concession_credit_line_vals(self, invoice_line):
        """Price-only credit line of a concession: quantity 1 at the granted
        amount, on the service product "RMA concession" so that no stock or
        cost is touched and the sale line's invoiced quantity stays; taxes,
        account and analytic of the goods' invoice line when known, else the
        goods' income account and taxes."""
        self.ensure_one()
        rma = self.rma_id
        if invoice_line:
            taxes = invoice_line.tax_ids
            account = invoice_line.account_id
            analytic = invoice_line.analytic_distribution
        else:
            product = self.product_id.with_company(self.company_id)
            fpos = self.env["account.fiscal.position"]._get_fiscal_position(
                rma.partner_id.commercial_partner_id
            )
            taxes = fpos.map_tax(
                product.taxes_id.filtered(lambda t: t.company_id in self.company_id.parent_ids)
            )
            account = fpos.map_account(product.product_tmpl_id.get_product_accounts()["income"])
            analytic = False
        return {
            "product_id": self.env.ref("rma_factory_account.product_rma_concession").id,
            "name": _(
                "%(rma)s: concession on %(product)s (no return)",
                rma=rma.name,
                product=self.product_id.display_name,
            ),
            "quantity": 1.0,
            "price_unit": self.concession_amount,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "account_id": account.id,
            "analytic_distribution": analytic,
            "rma_line_id": self.id,
            "rma_origin_line_id": invoice_line.id,
            "rma_charge_type": "concession",
        }

    # ------------------------------------------------------------------
    # Deposit applied, unreturned spare part
    # ------------------------------------------------------------------
    def _origin_taxes(self):
        """Taxes the goods were sold with: the invoice line's, else the sale line's."""
        self.ensure_one()
        return self._origin_invoice_lines()[:1].tax_ids or self.sale_line_id.tax_id

    def _prepare_deposit_invoice_line_vals(self):
        """Invoice line of the replacement the deposit pays for: the replaced
        quantity (the whole line while the replacement is on its way) at the
        original net price and taxes, on the service product "RMA charge"
        so that no cost of goods is booked twice."""
        self.ensure_one()
        rma = self.rma_id
        qty = self.qty_replaced or self.quantity
        return {
            "product_id": rma._charge_product("dealer").id,
            "name": _(
                "%(rma)s: replacement of %(qty)s %(product)s paid by the deposit",
                rma=rma.name,
                qty=qty,
                product=self.product_id.display_name,
            ),
            "quantity": qty,
            "price_unit": self.price_unit,
            "tax_ids": [fields.Command.set(self._origin_taxes().ids)],
            "rma_line_id": self.id,
            "rma_charge_type": "deposit",
        }

    def _spare_product(self):
        self.ensure_one()
        return self.replacement_product_id or self.product_id

    def _qty_spare_to_charge(self):
        """Spare parts shipped whose defective part did not come back and
        that are not charged yet."""
        self.ensure_one()
        charged = sum(
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("rma_line_id", "=", self.id),
                    ("rma_charge_type", "=", "spare_part"),
                    ("parent_state", "!=", "cancel"),
                ]
            )
            .mapped("quantity")
        )
        qty = min(self.qty_replaced, self.quantity) - self.qty_received - charged
        if float_compare(qty, 0.0, precision_rounding=self._qty_rounding()) <= 0:
            return 0.0
        return qty

    def _prepare_spare_part_charge_line_vals(self):
        """Invoice line of the unreturned spare part: the goods' original
        price and taxes when the spare part is the product itself, else the
        spare part's sale price and taxes (fiscal position applied)."""
        self.ensure_one()
        rma = self.rma_id
        product = self._spare_product()
        qty = self._qty_spare_to_charge()
        if product == self.product_id:
            price = self.price_unit
            taxes = self._origin_taxes()
        else:
            product = product.with_company(self.company_id)
            fpos = self.env["account.fiscal.position"]._get_fiscal_position(
                rma.partner_id.commercial_partner_id
            )
            # the spare part's sales price, in the RMA's currency
            price = self.company_id.currency_id._convert(
                product.lst_price,
                rma.currency_id,
                self.company_id,
                fields.Date.context_today(self),
                round=False,
            )
            taxes = fpos.map_tax(
                product.taxes_id.filtered(lambda t: t.company_id in self.company_id.parent_ids)
            )
        return {
            "product_id": product.id,
            "name": _(
                "%(rma)s: %(qty)s %(product)s shipped as spare part, defective part not returned",
                rma=rma.name,
                qty=qty,
                product=product.display_name,
            ),
            "quantity": qty,
            "price_unit": price,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "rma_line_id": self.id,
            "rma_charge_type": "spare_part",
        }

    def _cancel_open_receipts(self):
        """Cancel the receipt moves still waiting for the charged parts."""
        moves = self.move_ids.filtered(
            lambda m: m.rma_move_kind == "receipt" and m.state not in ("done", "cancel")
        )
        if moves:
            moves.sudo()._action_cancel()
