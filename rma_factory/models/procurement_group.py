from odoo import fields, models


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    rma_id = fields.Many2one("factory.rma", "RMA", index="btree_not_null", readonly=True)
