from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRmaCreditWizard(models.TransientModel):
    """Opened by ``factory.rma.action_create_credit_note`` when the invoice of
    some credited lines cannot be determined (no invoice line, no sale line):
    the user picks the invoice lines to credit, or states that the goods
    were never invoiced. Nothing is guessed."""

    _name = "factory.rma.credit.wizard"
    _description = "RMA Credit Note: Choose Invoices"

    rma_ids = fields.Many2many("factory.rma", string="RMAs", readonly=True)
    line_ids = fields.One2many("factory.rma.credit.wizard.line", "wizard_id", "Lines")

    @api.model
    def _prepare_wizard_vals(self, rmas, rma_lines):
        return {
            "rma_ids": [fields.Command.set(rmas.ids)],
            "line_ids": [
                fields.Command.create(
                    {
                        "rma_line_id": line.id,
                        "quantity": line._qty_left_to_credit(),
                    }
                )
                for line in rma_lines
            ],
        }

    def _check_choices(self):
        self.ensure_one()
        for line in self.line_ids:
            rma_line = line.rma_line_id
            if rma_line.rma_id not in self.rma_ids:
                raise UserError(
                    _(
                        "%(product)s is not a line of the RMAs being credited.",
                        product=rma_line.product_id.display_name,
                    )
                )
            if line.not_invoiced and line.invoice_line_ids:
                raise UserError(
                    _(
                        "%(product)s: choose invoice lines or tick 'Not invoiced', not both.",
                        product=rma_line.product_id.display_name,
                    )
                )
            if not line.not_invoiced and not line.invoice_line_ids:
                raise UserError(
                    _(
                        "%(product)s: choose the invoice lines to credit or tick 'Not invoiced'.",
                        product=rma_line.product_id.display_name,
                    )
                )
            wrong = line.invoice_line_ids.filtered(
                lambda aml, rma_line=rma_line: (
                    aml.move_id.move_type != "out_invoice"
                    or aml.parent_state != "posted"
                    or aml.product_id != rma_line.product_id
                    or aml.company_id != rma_line.company_id
                    or aml.move_id.commercial_partner_id
                    != rma_line.rma_id.partner_id.commercial_partner_id
                    or (rma_line.sale_line_id and rma_line.sale_line_id not in aml.sale_line_ids)
                )
            )
            if wrong:
                raise UserError(
                    _(
                        "Invoice line %(line)s is not a posted invoice line of %(partner)s "
                        "for %(product)s.",
                        line=wrong[0].move_id.name,
                        partner=rma_line.rma_id.partner_id.display_name,
                        product=rma_line.product_id.display_name,
                    )
                )

    def action_confirm(self):
        """Record the choices on the RMA lines, then create the credit notes."""
        self.ensure_one()
        rmas = self.rma_ids
        rmas._check_can_create_credit_note()
        rmas._lock_for_update()
        self._check_choices()
        for line in self.line_ids:
            # Accountants may not write RMA lines: the choice is checked
            # above, then recorded by the workflow.
            line.rma_line_id._write_workflow(
                {
                    "credit_origin_line_ids": [fields.Command.set(line.invoice_line_ids.ids)],
                    "credit_not_invoiced": line.not_invoiced,
                }
            )
        if rmas._lines_to_credit():
            return rmas.action_create_credit_note()
        rmas._sync_state_from_stock()
        return {"type": "ir.actions.act_window_close"}
