from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    rma_id = fields.Many2one(
        "factory.rma", "RMA", index="btree_not_null", copy=False, readonly=True
    )
    rma_freight_rma_id = fields.Many2one(
        "factory.rma",
        "Carrier Freight of RMA",
        index="btree_not_null",
        copy=False,
        domain=[("rma_type", "=", "shortage")],
        help="Carrier's freight bill of a shortage / carrier-damage RMA: its payment is "
        "withheld while the claim is open when the RMA says so.",
    )
    rma_freight_withheld = fields.Boolean(
        "Carrier Freight Withheld", compute="_compute_rma_freight_withheld"
    )
    rma_writedown_line_id = fields.Many2one(
        "factory.rma.line",
        "Written-down RMA Line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    rma_writedown_amount = fields.Monetary(
        "Write-down Amount",
        currency_field="company_currency_id",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Loss this entry adds (negative: takes back) for the defective goods.",
    )

    rma_selloff_invoice_id = fields.Many2one(
        "account.move",
        "Sell-off Invoice",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Invoice of sold-off defective goods whose write-down this entry releases.",
    )

    @api.depends(
        "move_type",
        "commercial_partner_id",
        "rma_freight_rma_id.withhold_carrier_freight",
        "rma_freight_rma_id.claim_state",
        "rma_freight_rma_id.carrier_id.commercial_partner_id",
    )
    def _compute_rma_freight_withheld(self):
        for move in self:
            rma = move.rma_freight_rma_id.sudo()
            move.rma_freight_withheld = bool(
                rma
                and move.move_type in ("in_invoice", "in_refund")
                and rma.withhold_carrier_freight
                and rma.claim_state in ("to_claim", "claimed")
                and (
                    not rma.carrier_id
                    or move.commercial_partner_id == rma.carrier_id.commercial_partner_id
                )
            )

    def _check_rma_freight_not_withheld(self):
        """Called before a payment is registered: the carrier's freight is
        withheld until its damage claim is settled (shortage RMAs whose
        policy says so)."""
        withheld = self.filtered("rma_freight_withheld")
        if withheld:
            raise UserError(
                _(
                    "%(bill)s is the carrier's freight of %(rma)s: its payment is withheld "
                    "until the carrier claim is settled.",
                    bill=withheld[0].display_name,
                    rma=withheld[0].rma_freight_rma_id.name,
                )
            )

    def action_register_payment(self):
        """Extends the payment button: withheld carrier freight cannot be
        paid."""
        self._check_rma_freight_not_withheld()
        return super().action_register_payment()

    @api.depends("reversed_entry_id", "rma_id")
    def _compute_invoice_currency_rate(self):
        """RMA credit notes in the invoice's currency use the rate of the
        invoice they reverse, so that the red-ink entry mirrors the invoice
        in company currency and reconciles without exchange difference."""
        res = super()._compute_invoice_currency_rate()
        for move in self:
            invoice = move.reversed_entry_id
            if (
                move.rma_id
                and move.move_type == "out_refund"
                and invoice
                and invoice.currency_id == move.currency_id
                and invoice.invoice_currency_rate
            ):
                move.invoice_currency_rate = invoice.invoice_currency_rate
        return res

    def action_view_rma(self):
        """Smart button of invoices, credit notes and write-downs: their RMA."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma",
            "res_id": self.rma_id.id,
            "views": [(False, "form")],
        }

    def _rma_action_view(self, action_xmlid):
        """Window action on these moves (smart buttons of the RMA)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["domain"] = [("id", "in", self.ids)]
        action["context"] = {"create": False}
        if len(self) == 1:
            action.update(views=[(False, "form")], res_id=self.id)
        return action

    def _invoice_paid_hook(self):
        """A paid carrier-claim invoice settles its RMA's claim."""
        res = super()._invoice_paid_hook()
        self.rma_id.sudo()._settle_paid_claims()
        return res

    def _post(self, soft=True):
        """Posting an RMA credit note reconciles it with the open receivable
        of the invoice it reverses (full or partial); posting the documents
        of an RMA deposit matches them."""
        posted = super()._post(soft=soft)
        for refund in posted.filtered(lambda m: m.rma_id and m.reversed_entry_id):
            invoice = refund.reversed_entry_id
            if invoice.state != "posted":
                continue
            lines = (refund.line_ids | invoice.line_ids).filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
            )
            if len(lines.account_id) == 1 and lines & invoice.line_ids:
                lines.reconcile()
        posted._rma_release_selloff_writedowns()
        posted.rma_id._sync_state_from_stock()
        posted.rma_id._close_refund_escalations()
        notes = posted.filtered(lambda m: m.rma_id and m.move_type == "out_refund")
        if notes:
            notes.rma_id.sudo()._record_credit_notes(notes)
        self.env["factory.rma"]._reconcile_deposits_of(posted)
        return posted

    def _rma_release_selloff_writedowns(self):
        """Posting the invoice of sold-off defective goods (an accountant's
        act) posts the release of their write-down: the loss booked on the
        units sold meets the revenue (once per invoice)."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if not invoices:
            return
        released = (
            self.sudo()
            .search([("rma_selloff_invoice_id", "in", invoices.ids), ("state", "!=", "cancel")])
            .rma_selloff_invoice_id
        )
        releases = self.browse()
        for invoice in invoices - released:
            for aml in invoice.invoice_line_ids:
                rma_line = aml.sale_line_ids.order_id.sudo().rma_selloff_line_id[:1]
                if not rma_line:
                    continue
                qty = aml.product_uom_id._compute_quantity(aml.quantity, aml.product_id.uom_id)
                amount = rma_line._selloff_release_amount(qty)
                if invoice.company_currency_id.is_zero(amount):
                    continue
                releases |= self.create(
                    rma_line._prepare_selloff_release_move_vals(invoice, amount, qty)
                )
        if releases:
            releases._post(soft=False)
