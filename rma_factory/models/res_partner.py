from odoo import api, fields, models

from .factory_rma import RMA_READER_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    rma_customer_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        string="RMA Customer Class",
        default="c",
        help="Drives the replenish-first promise time: A same day, B 2 days, "
        "C 3 days (set on the return policy).",
        groups="base.group_user",
    )
    rma_disclose_in_reports = fields.Boolean(
        "Name Allowed in Customer Reports",
        help="Supplier names are hidden in the reports sent to customers (confidentiality "
        "rule); tick to allow this supplier's name (e.g. power supply or wire suppliers).",
        groups="base.group_user",
    )
    rma_ids = fields.One2many("factory.rma", "partner_id", string="RMAs", groups=RMA_READER_GROUPS)
    rma_count = fields.Integer(compute="_compute_rma_count", string="RMA Count")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_rma_count(self):
        """RMAs of the commercial partner that the reader may see: every user
        reads partners, most of them without RMA rights (they read 0)."""
        data = self.env["factory.rma"]._visible_count(
            [("partner_id", "child_of", self.commercial_partner_id.ids)], "partner_id"
        )
        counts = {}
        for partner, count in data.items():
            key = partner.commercial_partner_id.id
            counts[key] = counts.get(key, 0) + count
        for partner in self:
            partner.rma_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_rmas(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("rma_factory.action_factory_rma")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {"default_partner_id": self.id}
        return action
