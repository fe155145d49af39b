from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    rma_disclose_in_reports = fields.Boolean(
        "Name Allowed in Customer Reports",
        help="Supplier names are hidden in 8D and complaint replies sent to customers "
        "(confidentiality rule); tick to allow this supplier's name (e.g. power supply or "
        "wire suppliers).",
    )
