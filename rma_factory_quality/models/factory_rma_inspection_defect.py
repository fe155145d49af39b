from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class FactoryRmaInspectionDefect(models.Model):
    """A defect found by an inspection, with the number of defective
    moulds/units and, where relevant, a measurement against its tolerance.
    Stored so that defects can be analysed (Pareto) by product, defect and
    responsibility."""

    _name = "factory.rma.inspection.defect"
    _description = "RMA Inspection Defect"
    _inherit = ["factory.rma.quality.row"]
    _document_field = "inspection_id"
    _order = "inspection_id, sequence, id"

    inspection_id = fields.Many2one(
        "factory.rma.inspection", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    defect_id = fields.Many2one("factory.rma.defect", required=True, ondelete="restrict")
    category = fields.Selection(related="defect_id.category", store=True)
    count = fields.Integer("Defective Count", default=1, help="Moulds/units showing this defect.")
    needs_measurement = fields.Boolean(related="defect_id.needs_measurement")
    measured_value = fields.Float(digits=(16, 4))
    tolerance_min = fields.Float("Lower Tolerance", digits=(16, 4))
    tolerance_max = fields.Float("Upper Tolerance", digits=(16, 4))
    out_of_tolerance = fields.Boolean(compute="_compute_out_of_tolerance", store=True)
    note = fields.Text("Test Notes")
    # Analysis dimensions (stored for pivot and graph views).
    company_id = fields.Many2one(related="inspection_id.company_id", store=True, index=True)
    rma_id = fields.Many2one(related="inspection_id.rma_id", store=True)
    product_id = fields.Many2one(related="inspection_id.product_id", store=True)
    partner_id = fields.Many2one(related="inspection_id.partner_id", store=True)
    responsibility = fields.Selection(related="inspection_id.responsibility", store=True)
    verdict = fields.Selection(related="inspection_id.verdict", store=True)
    date = fields.Datetime(related="inspection_id.date_received", store=True)

    @api.depends("measured_value", "tolerance_min", "tolerance_max", "needs_measurement")
    def _compute_out_of_tolerance(self):
        for line in self:
            line.out_of_tolerance = bool(
                line.needs_measurement
                and (line.tolerance_min or line.tolerance_max)
                and not (line.tolerance_min <= line.measured_value <= line.tolerance_max)
            )

    @api.constrains("count", "tolerance_min", "tolerance_max")
    def _check_values(self):
        for line in self:
            if line.count <= 0:
                raise ValidationError(
                    _("The count of defect “%s” must be positive.", line.defect_id.name)
                )
            if line.tolerance_max < line.tolerance_min:
                raise ValidationError(
                    _("The upper tolerance of “%s” is below the lower one.", line.defect_id.name)
                )
