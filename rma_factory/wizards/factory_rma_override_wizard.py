from odoo import fields, models


class FactoryRmaOverrideWizard(models.TransientModel):
    _name = "factory.rma.override.wizard"
    _description = "Override RMA Eligibility"

    rma_id = fields.Many2one("factory.rma", required=True)
    eligibility_summary = fields.Text(compute="_compute_eligibility_summary")
    justification = fields.Text(required=True)

    def _compute_eligibility_summary(self):
        for wizard in self:
            wizard.eligibility_summary = "\n".join(
                f"{line.product_id.display_name}: {line.eligibility_note}"
                for line in wizard.rma_id.line_ids.filtered(
                    lambda x: x.eligibility_state == "failed"
                )
            )

    def action_override(self):
        self.ensure_one()
        self.rma_id._override_eligibility(self.justification)
        return {"type": "ir.actions.act_window_close"}
