from odoo import fields, models


class FactoryRma8dCause(models.Model):
    """Root cause of an 8D report (D4), classified by the 6M, with its
    verification and the escape point."""

    _name = "factory.rma.8d.cause"
    _description = "RMA 8D Root Cause"
    _inherit = ["factory.rma.quality.row"]
    _document_field = "eightd_id"
    _order = "eightd_id, sequence, id"

    eightd_id = fields.Many2one("factory.rma.8d", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="eightd_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(
        [
            ("man", "Man"),
            ("machine", "Machine"),
            ("material", "Material"),
            ("method", "Method"),
            ("measurement", "Measurement"),
            ("environment", "Environment"),
        ],
        required=True,
        default="method",
    )
    kind = fields.Selection(
        [("occurrence", "Why it occurred"), ("escape", "Why it escaped")],
        required=True,
        default="occurrence",
    )
    name = fields.Text("Cause", required=True)
    escape_point = fields.Char(help="Process step where the defect should have been caught.")
    verified = fields.Boolean()
    verification = fields.Text(help="How the cause was proven (test, reproduction…).")
