from odoo import models


class FactoryRmaInspection(models.Model):
    """The inspection's evidence sent with a supplier 8D request."""

    _inherit = "factory.rma.inspection"

    def _supplier_evidence_attachments(self):
        """Photos and files attached to the inspection."""
        if not self:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
