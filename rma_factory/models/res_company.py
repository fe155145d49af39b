from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    rma_policy_id = fields.Many2one(
        "factory.rma.policy",
        string="Default Return Policy",
        domain="[('company_id', '=', id)]",
    )
    rma_report_partner_ids = fields.Many2many(
        "res.partner",
        "res_company_rma_report_partner_rel",
        "company_id",
        "partner_id",
        string="RMA Statistics Recipients",
        help="Who receives the RMA periodic reports by mail: the monthly statistics on the 1st, "
        "free vs charged twice a month, the quarterly return-rate review.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._rma_ensure_sequence()
        companies._rma_ensure_policy()
        return companies

    def _rma_ensure_policy(self):
        """A new company can take RMAs at once: it gets a standard return
        policy of its own (the policy's defaults), which it can edit."""
        Policy = self.env["factory.rma.policy"].sudo()
        for company in self.filtered(lambda c: not c.sudo().rma_policy_id):
            policy = Policy.search([("company_id", "=", company.id)], limit=1) or Policy.create(
                {"name": self.env._("Standard return policy"), "company_id": company.id}
            )
            company.sudo().rma_policy_id = policy

    @api.model
    def _rma_ensure_sequence_all(self):
        """Called from ``data/rma_setup_data.xml`` on install and update."""
        self.search([])._rma_ensure_sequence()

    def _rma_ensure_sequence(self):
        """Each company numbers its RMAs on its own: RMA/YYYY/NNNNN."""
        Sequence = self.env["ir.sequence"].sudo()
        existing = Sequence.search(
            [("code", "=", "factory.rma"), ("company_id", "in", self.ids)]
        ).mapped("company_id")
        for company in self - existing:
            Sequence.create(
                {
                    "name": f"RMA ({company.name})",
                    "code": "factory.rma",
                    "prefix": "RMA/%(range_year)s/",
                    "padding": 5,
                    "use_date_range": True,
                    "company_id": company.id,
                }
            )
