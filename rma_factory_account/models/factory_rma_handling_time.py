from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .factory_rma import RMA_USER_GROUP

#: kind of time -> cost type of the ledger
HANDLING_KINDS = [
    ("sorting", "Sorting"),
    ("inspection", "Inspection"),
    ("repair", "Repair labour"),
    ("other", "Other handling"),
]


class FactoryRmaHandlingTime(models.Model):
    """Time spent on an RMA line (sorting, inspection, repair labour, RESP-
    24/25): hours at the company's labour cost, booked to the reprocessing
    cost of sales (销售成本), or to sales expense for a repeated misjudgment,
    against the labour absorbed account."""

    _name = "factory.rma.handling.time"
    _inherit = ["factory.rma.guard"]
    _description = "RMA Handling Time"
    _order = "date desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "factory.rma.line", "RMA Line", required=True, ondelete="restrict", index=True
    )
    rma_id = fields.Many2one(related="line_id.rma_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    date = fields.Date(required=True, default=fields.Date.context_today)
    kind = fields.Selection(HANDLING_KINDS, required=True, default="inspection")
    user_id = fields.Many2one(
        "res.users", "Done By", default=lambda self: self.env.user, check_company=True
    )
    hours = fields.Float(required=True, digits=(16, 2))
    cost_hour = fields.Float(
        "Cost per Hour",
        digits="Product Price",
        compute="_compute_cost_hour",
        store=True,
        readonly=False,
    )
    amount = fields.Monetary(compute="_compute_amount", store=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True, copy=False)
    note = fields.Char()

    _sql_constraints = [
        ("hours_positive", "CHECK(hours > 0)", "The hours of handling time must be positive."),
    ]

    @api.depends("company_id")
    def _compute_cost_hour(self):
        for time in self:
            if not time.cost_hour:
                time.cost_hour = (time.company_id or self.env.company).rma_labour_cost_hour

    @api.depends("hours", "cost_hour", "currency_id")
    def _compute_amount(self):
        for time in self:
            amount = time.hours * time.cost_hour
            time.amount = time.currency_id.round(amount) if time.currency_id else amount

    @api.constrains("cost_hour")
    def _check_cost_hour(self):
        for time in self:
            if time.cost_hour < 0:
                raise ValidationError(_("The cost of an hour cannot be negative."))

    def _workflow_fields(self):
        """The entry is linked when the time is booked."""
        return super()._workflow_fields() | {"move_id"}

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            lines = self.env["factory.rma.line"].browse(
                {vals.get("line_id") for vals in vals_list if vals.get("line_id")}
            )
            self._check_group(RMA_USER_GROUP, _("Recording handling time"))
            lines._check_handling_time_allowed()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_editable(_("Changing handling time"))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_booked(self):
        self._check_editable(_("Deleting handling time"))

    def _check_editable(self, action_label):
        """RMA users record time on received lines; booked time is final."""
        if self.env.su:
            return
        self._check_group(RMA_USER_GROUP, action_label)
        for time in self:
            if time.move_id:
                raise UserError(
                    _("%(line)s: this handling time is booked.", line=time.line_id.display_name)
                )
        self.line_id._check_handling_time_allowed()

    def _cost_type(self):
        self.ensure_one()
        return "repair_labour" if self.kind == "repair" else "handling"

    def _cost_account(self):
        """Reprocessing (cost of sales), or sales expense for a repeated
        misjudgment."""
        self.ensure_one()
        company = self.company_id
        if self.rma_id.repeated_misjudgment:
            return company._rma_check_account("rma_misjudgment_account_id")
        return company._rma_check_account("rma_reprocessing_account_id")
