from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRmaReview(models.Model):
    """Review meeting (会审, INSP-24/25): joint inspection, handling review,
    closing or month-end review, on an inspection or an 8D report.

    Closing and month-end reviews come after the document is closed, so a
    meeting can always be recorded; once its document is closed, a recorded
    meeting is no longer changed or removed."""

    _name = "factory.rma.review"
    _description = "RMA Review Meeting"
    _order = "date desc, id desc"

    inspection_id = fields.Many2one("factory.rma.inspection", ondelete="cascade", index=True)
    eightd_id = fields.Many2one("factory.rma.8d", "8D Report", ondelete="cascade", index=True)
    rma_id = fields.Many2one("factory.rma", compute="_compute_rma_id", store=True)
    company_id = fields.Many2one("res.company", compute="_compute_rma_id", store=True, index=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    kind = fields.Selection(
        [
            ("joint", "Joint inspection"),
            ("handling", "Handling review"),
            ("closing", "Closing review"),
            ("month_end", "Month-end review"),
        ],
        default="handling",
        required=True,
    )
    chair_id = fields.Many2one("res.users", "Chair", default=lambda self: self.env.user)
    participant_ids = fields.Many2many("res.users", string="Participants")
    partner_ids = fields.Many2many("res.partner", string="External Participants")
    decision = fields.Selection(
        [
            ("return", "Return"),
            ("exchange", "Exchange"),
            ("claim", "Claim"),
            ("repair", "Repair"),
            ("scrap", "Scrap"),
            ("other", "Other"),
        ]
    )
    conclusion = fields.Text(required=True)

    @api.depends("inspection_id.rma_id.company_id", "eightd_id.rma_id.company_id")
    def _compute_rma_id(self):
        for review in self:
            rma = review.inspection_id.rma_id or review.eightd_id.rma_id
            review.rma_id = rma
            review.company_id = rma.company_id

    def _check_document_open(self):
        if self.env.su:
            return
        reviews = self.sudo()
        for documents in (reviews.inspection_id._closed(), reviews.eightd_id._closed()):
            if documents:
                raise UserError(
                    _(
                        "%s is closed: its review meetings can no longer be changed or removed.",
                        documents[0].display_name,
                    )
                )

    def write(self, vals):
        self._check_document_open()
        res = super().write(vals)
        if {"inspection_id", "eightd_id"} & set(vals):
            self._check_document_open()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_document(self):
        self._check_document_open()
