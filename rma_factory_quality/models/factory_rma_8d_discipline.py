from odoo import fields, models

from .factory_rma_8d import DISCIPLINES


class FactoryRma8dDiscipline(models.Model):
    """Planning row of one discipline (D0–D8) of an 8D report: owner, due
    date and done date."""

    _name = "factory.rma.8d.discipline"
    _description = "RMA 8D Discipline"
    _inherit = ["factory.rma.quality.row"]
    _document_field = "eightd_id"
    _order = "eightd_id, code"

    eightd_id = fields.Many2one("factory.rma.8d", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="eightd_id.company_id", store=True)
    code = fields.Selection([(code, label) for code, label, _days in DISCIPLINES], required=True)
    name = fields.Char(required=True, translate=True)
    user_id = fields.Many2one("res.users", "Owner")
    date_due = fields.Date("Due Date")
    date_done = fields.Date("Done Date")
    is_late = fields.Boolean(compute="_compute_is_late")

    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for row in self:
            row.is_late = bool(row.date_due and not row.date_done and row.date_due < today)
