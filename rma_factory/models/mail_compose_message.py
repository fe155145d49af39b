from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        """A document of the RMA addons sent to the customer with its own
        template (customer reply report, 8D report) moves to "sent". The
        document decides, from the caller's groups and its state, whether
        the sending counts (``_rma_template_sent``); no context key does."""
        result = super()._action_send_mail(auto_commit=auto_commit)
        for wizard in self:
            if (
                wizard.composition_mode != "comment"
                or not wizard.model
                or not wizard.template_id
                or wizard.model not in self.env
            ):
                continue
            records = self.env[wizard.model].browse(wizard._evaluate_res_ids())
            if hasattr(records, "_rma_template_sent"):
                records._rma_template_sent(wizard.template_id)
        return result
