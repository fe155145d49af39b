from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

#: RMA states in which received goods can be credited.
CREDIT_STATES = ("received", "judged", "processing", "done")


class FactoryRma(models.Model):
    _inherit = "factory.rma"

    credit_note_ids = fields.One2many(
        "account.move", "rma_id", string="Credit Notes", readonly=True
    )
    credit_note_count = fields.Integer(compute="_compute_credit_note_count")
    refund_state = fields.Selection(
        [
            ("none", "Nothing to credit"),
            ("to_credit", "To credit"),
            ("credited", "Credited"),
            ("reconciled", "Reconciled"),
        ],
        compute="_compute_refund_state",
    )

    @api.depends("credit_note_ids")
    def _compute_credit_note_count(self):
        for rma in self:
            rma.credit_note_count = len(rma.credit_note_ids)

    @api.depends("line_ids.qty_to_credit", "credit_note_ids.payment_state", "credit_note_ids.state")
    def _compute_refund_state(self):
        for rma in self:
            lines = rma.line_ids.filtered(lambda x: x._needs_credit_note())
            notes = rma.credit_note_ids.filtered(lambda m: m.state == "posted")
            if not lines:
                rma.refund_state = "none"
            elif any(line.qty_to_credit > 0 for line in lines):
                rma.refund_state = "to_credit"
            elif notes and all(
                m.payment_state in ("paid", "reversed", "in_payment") for m in notes
            ):
                rma.refund_state = "reconciled"
            else:
                rma.refund_state = "credited"

    def _check_can_create_credit_note(self):
        self._check_state(CREDIT_STATES, _("Crediting"))
        if not (
            self.env.su
            or self.env.user.has_group("rma_factory.group_rma_user")
            or self.env.user.has_group("account.group_account_invoice")
        ):
            raise UserError(_("Only RMA users and accountants can create RMA credit notes."))

    def action_create_credit_note(self):
        """One red-ink credit note per RMA and original invoice for the
        received, accepted quantity of refund and return-only lines. A
        second click creates nothing while the first note exists."""
        self._lock_for_update()
        self._check_can_create_credit_note()
        lines = self._lines_to_credit()
        if not lines:
            raise UserError(
                _("Nothing to credit: every accepted quantity is already on a credit note.")
            )
        undetermined = lines.filtered(lambda x: x._invoice_undetermined())
        if undetermined:
            return self._action_open_credit_wizard(undetermined)
        invoice_lines = self.env["account.move.line"]
        for line in lines:
            invoice_lines |= line._origin_invoice_lines()
        credited = self.env["factory.rma.line"]._credited_qty_by_invoice_line(invoice_lines)
        by_invoice = defaultdict(list)
        for line in lines:
            allocation, left = line._credit_allocation(credited)
            if float_compare(left, 0.0, precision_rounding=line.product_uom_id.rounding) > 0:
                raise UserError(
                    _(
                        "You cannot credit more %(product)s than invoiced: %(qty)s are not "
                        "covered by an invoice line.",
                        product=line.product_id.display_name,
                        qty=left,
                    )
                )
            for inv_line, qty in allocation:
                by_invoice[(line.rma_id, inv_line.move_id)].append(
                    line._prepare_credit_line_vals(inv_line, qty)
                )
        moves = self.env["account.move"]
        for (rma, invoice), lines_vals in by_invoice.items():
            vals = rma._prepare_credit_note_vals(invoice)
            vals["invoice_line_ids"] = [fields.Command.create(v) for v in lines_vals]
            moves |= self.env["account.move"].create(vals)
        return self._action_view_credit_notes(moves)

    def _lines_to_credit(self):
        """Credited lines with received quantity not yet on a credit note."""
        self.line_ids.flush_recordset()
        return self.line_ids.filtered(
            lambda x: (
                x._needs_credit_note()
                and float_compare(
                    x.qty_received - x.qty_credited - x.qty_credit_draft,
                    0.0,
                    precision_rounding=x.product_uom_id.rounding,
                )
                > 0
            )
        )

    def action_create_credit_note_batch(self):
        """Batch action of the RMA list: credit notes for every selected RMA
        that has something to credit; the others are skipped."""
        rmas = self.filtered(lambda r: r.state in CREDIT_STATES and r._lines_to_credit())
        if not rmas:
            raise UserError(_("None of the selected RMAs has anything left to credit."))
        return rmas.action_create_credit_note()

    def _action_open_credit_wizard(self, lines):
        """The invoice of some lines cannot be determined: the user picks
        the invoice lines (or states the goods were not invoiced)."""
        wizard = self.env["factory.rma.credit.wizard"].create(
            self.env["factory.rma.credit.wizard"]._prepare_wizard_vals(self, lines)
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Choose the Invoices to Credit"),
            "res_model": "factory.rma.credit.wizard",
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def _prepare_credit_note_vals(self, invoice):
        """Red-ink credit note header copied from the invoice it reverses."""
        self.ensure_one()
        return {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "currency_id": invoice.currency_id.id,
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "journal_id": invoice.journal_id.id,
            "invoice_payment_term_id": False,
            "reversed_entry_id": invoice.id,
            "invoice_origin": self.name,
            "ref": _("%(rma)s, reversal of %(invoice)s", rma=self.name, invoice=invoice.name),
            "invoice_user_id": invoice.invoice_user_id.id,
            "team_id": invoice.team_id.id,
            "company_id": invoice.company_id.id,
            "rma_id": self.id,
        }

    def _action_view_credit_notes(self, moves=None):
        moves = moves if moves is not None else self.credit_note_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        if len(moves) == 1:
            action.update(views=[(False, "form")], res_id=moves.id)
        return action

    def action_view_credit_notes(self):
        self.ensure_one()
        return self._action_view_credit_notes()
