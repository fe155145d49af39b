from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    rma_policy_id = fields.Many2one(
        "factory.rma.policy",
        string="Default Return Policy",
        domain="[('company_id', '=', id)]",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._rma_ensure_sequence()
        return companies

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
