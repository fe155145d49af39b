from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRmaApproval(models.Model):
    """Approval trail of an RMA: who submitted, approved, rejected or
    overrode what, when, and why. Written by the RMA buttons only."""

    _name = "factory.rma.approval"
    _description = "RMA Approval Step"
    _order = "date, id"

    rma_id = fields.Many2one("factory.rma", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="rma_id.company_id", store=True)
    step = fields.Selection(
        [
            ("submit", "Submission"),
            ("manager", "Manager approval"),
            ("approver", "Approver approval"),
            ("reject", "Rejection"),
            ("override", "Eligibility override"),
            ("outcome", "Outcome approval"),
            ("surplus", "Surplus accepted"),
        ],
        required=True,
    )
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    comment = fields.Text()

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        """The trail is evidence: no one removes a step (it goes only with a
        draft or cancelled RMA that is deleted)."""
        if self:
            raise UserError(_("The approval trail of an RMA cannot be deleted."))
