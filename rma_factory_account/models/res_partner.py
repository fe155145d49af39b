from odoo import api, fields, models


class ResPartner(models.Model):
    """How often a customer's RMA claims did not hold (KPI-20)."""

    _inherit = "res.partner"

    rma_invalid_claim_count = fields.Integer(
        "Invalid RMA Claims",
        compute="_compute_rma_invalid_claim_count",
        # staff only: the customer does not read its own misjudgment count
        groups="base.group_user",
        help="RMAs of this customer whose claim the judgement did not confirm (客户误判).",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_rma_invalid_claim_count(self):
        """Counted over the RMAs the reader may see (0 without RMA rights)."""
        data = self.env["factory.rma"]._visible_count(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("line_ids.claim_not_confirmed", "=", True),
            ],
            "commercial_partner_id",
        )
        for partner in self:
            partner.rma_invalid_claim_count = data.get(partner.commercial_partner_id, 0)
