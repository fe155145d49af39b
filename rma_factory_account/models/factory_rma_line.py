from collections import defaultdict

from odoo import api, fields, models
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

    @api.depends(
        "credit_line_ids.quantity",
        "credit_line_ids.product_uom_id",
        "credit_line_ids.parent_state",
        "credit_line_ids.move_type",
        "credit_line_ids.display_type",
        "credit_line_ids.rma_charge_type",
        "product_uom_id",
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

    @api.depends(
        "qty_credited",
        "qty_not_invoiced",
        "credit_not_invoiced",
        "credit_origin_line_ids",
        "invoice_line_id",
        "is_third_party",
        "rma_id.policy_id.credit_return_only",
        "sale_line_id.invoice_lines.parent_state",
        # what other credit notes took from the invoice lines is searched
        # (``_credited_qty_by_invoice_line``): a draft credit note of the
        # line is the change that moves it
        "qty_credit_draft",
    )
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

    def _is_resolved(self):
        """A credited line is resolved only once its credit note is posted;
        lines whose goods were never invoiced need none."""
        resolved = super()._is_resolved()
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
