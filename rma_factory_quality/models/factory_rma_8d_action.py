from odoo import fields, models


class FactoryRma8dAction(models.Model):
    """Containment (D3), corrective (D5) or preventive (D7) action of an 8D
    report, with its owner and dates."""

    _name = "factory.rma.8d.action"
    _description = "RMA 8D Action"
    _inherit = ["factory.rma.quality.row"]
    _document_field = "eightd_id"
    _order = "eightd_id, kind, sequence, id"

    eightd_id = fields.Many2one("factory.rma.8d", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="eightd_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("containment", "Containment"),
            ("corrective", "Corrective"),
            ("preventive", "Preventive"),
        ],
        required=True,
        default="corrective",
    )
    name = fields.Text("Action", required=True)
    user_id = fields.Many2one("res.users", "Owner")
    responsible_unit = fields.Char("Responsible Unit")
    date_due = fields.Date("Due Date")
    date_done = fields.Date("Done Date")
    evidence = fields.Text()
