import math
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

#: the seeds sample at least 10 % of the returned goods (004 §e 6); a
#: policy may ask for more, never less.
MIN_SAMPLE_PERCENT = 10.0

#: goods whose good part comes out of a 100 % sort go back to the
#: customer unless the inspector decides otherwise (AS-13).
GOOD_OUTCOME = "send_back"

QUALITY_INSPECTOR = "rma_factory_quality.group_quality_inspector"
QUALITY_MANAGER = "rma_factory_quality.group_quality_manager"


class FactoryRmaInspection(models.Model):
    """Quality inspection of the goods of one RMA line (one per lot for
    tracked products), created when the goods reach RMA/Input.

    The inspector records the sample, the counts, the defects, the verdict
    and the responsibility judgement, and proposes the disposition. Closing
    the inspection (``action_done``) writes the outcome, destination and
    responsibility on the RMA line through the core fields, judges the RMA
    when no inspection is left open and runs the outcomes."""

    _name = "factory.rma.inspection"
    _description = "RMA Quality Inspection"
    _inherit = ["mail.thread", "mail.activity.mixin", "factory.rma.quality.document"]
    _order = "deadline, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("draft", "To Inspect"),
            ("in_progress", "In Progress"),
            ("waiting", "Awaiting Customer Agreement"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        group_expand=True,
    )
    line_id = fields.Many2one(
        "factory.rma.line", "RMA Line", required=True, ondelete="restrict", index=True
    )
    rma_id = fields.Many2one(related="line_id.rma_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="line_id.partner_id", store=True)
    product_id = fields.Many2one(related="line_id.product_id", store=True)
    product_uom_id = fields.Many2one(related="line_id.product_uom_id")
    lot_id = fields.Many2one("stock.lot", readonly=True, copy=False)
    requested_outcome = fields.Selection(related="line_id.requested_outcome")
    reason_id = fields.Many2one(related="line_id.reason_id")
    customer_description = fields.Text(related="line_id.description")
    inspector_id = fields.Many2one(
        "res.users", "Inspector", tracking=True, domain=[("share", "=", False)]
    )
    participant_ids = fields.Many2many(
        "res.users",
        string="Joint Inspection",
        help="Sales, production and quality staff at the joint inspection (INSP-06).",
    )
    date_received = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    deadline = fields.Datetime(
        compute="_compute_deadline",
        store=True,
        help="Receipt plus the longest handling days of the defects found "
        "(appearance 7, function 28) or the policy's default.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue")

    # Sampling (INSP-05)
    qty_received = fields.Float(
        compute="_compute_qty_received", digits="Product Unit of Measure", store=True
    )
    sample_percent = fields.Float(
        "Minimum Sample (%)", default=MIN_SAMPLE_PERCENT, readonly=True, copy=False
    )
    sample_size_min = fields.Float(
        compute="_compute_sample_size_min", digits="Product Unit of Measure"
    )
    sample_size = fields.Float(
        compute="_compute_sample_size",
        store=True,
        readonly=False,
        digits="Product Unit of Measure",
        tracking=True,
    )
    qty_inspected = fields.Float("Inspected", digits="Product Unit of Measure", tracking=True)
    qty_good = fields.Float("Good", digits="Product Unit of Measure", tracking=True)
    qty_defective = fields.Float("Defective", digits="Product Unit of Measure", tracking=True)
    qty_unrepairable = fields.Float(
        "Unrepairable", digits="Product Unit of Measure", help="Part of the defective count."
    )
    full_sort = fields.Boolean(
        compute="_compute_full_sort",
        help="Every received unit was inspected: good and defective units get their own "
        "dispositions.",
    )
    defect_ids = fields.One2many("factory.rma.inspection.defect", "inspection_id", "Defects")

    # Checklist (INSP-10, INSP-17)
    check_documents = fields.Boolean("Related Documents Checked")
    check_batch_records = fields.Boolean("Batch Quality Records Checked")
    check_retained_sample = fields.Boolean("Retained Sample Retested")
    check_ageing = fields.Boolean("Ageing Test Done")
    on_site = fields.Boolean("On-site Inspection")
    review_ids = fields.One2many("factory.rma.review", "inspection_id", "Review Meetings")

    _sql_constraints = [
        (
            "quantities_positive",
            "CHECK(qty_inspected >= 0 AND qty_good >= 0 AND qty_defective >= 0 "
            "AND qty_unrepairable >= 0 AND sample_size >= 0)",
            "Inspection quantities cannot be negative.",
        ),
    ]

    @api.depends(
        "line_id.move_ids.state",
        "line_id.move_ids.rma_move_kind",
        "line_id.move_ids.move_line_ids.quantity",
        "line_id.move_ids.move_line_ids.product_uom_id",
        "line_id.move_ids.move_line_ids.lot_id",
        "line_id.product_uom_id",
        "lot_id",
    )
    def _compute_qty_received(self):
        """Goods of the inspection's lot received on its line's receipts.
        The inspection keeps this quantity when its own closing splits the
        line into good and defective portions (lines are not split by hand
        while an inspection is open)."""
        # the move lines of every inspection read at once, not per inspection
        self.line_id.move_ids.move_line_ids.mapped("lot_id")
        for inspection in self:
            line = inspection.line_id
            qty = 0.0
            moves = line.move_ids.filtered(
                lambda m: m.rma_move_kind == "receipt" and m.state == "done"
            )
            for move_line in moves.move_line_ids:
                if inspection.lot_id and move_line.lot_id != inspection.lot_id:
                    continue
                qty += move_line.product_uom_id._compute_quantity(
                    move_line.quantity, line.product_uom_id
                )
            inspection.qty_received = qty

    @api.depends("qty_received", "sample_percent")
    def _compute_sample_size_min(self):
        for inspection in self:
            inspection.sample_size_min = inspection._minimum_sample(inspection.qty_received)

    def _minimum_sample(self, qty):
        """At least ``sample_percent`` of the returned quantity, rounded
        up, at least one unit, never above the quantity."""
        self.ensure_one()
        if qty <= 0:
            return 0.0
        return min(max(math.ceil(qty * self.sample_percent / 100.0 - 1e-9), 1.0), qty)

    @api.depends("qty_received", "sample_percent")
    def _compute_sample_size(self):
        for inspection in self:
            minimum = inspection._minimum_sample(inspection.qty_received)
            if inspection.sample_size < minimum:
                inspection.sample_size = minimum

    @api.depends("qty_inspected", "qty_received", "line_id.product_uom_id")
    def _compute_full_sort(self):
        for inspection in self:
            rounding = inspection.line_id._qty_rounding()
            inspection.full_sort = (
                not float_is_zero(inspection.qty_received, precision_rounding=rounding)
                and float_compare(
                    inspection.qty_inspected, inspection.qty_received, precision_rounding=rounding
                )
                >= 0
            )

    @api.depends(
        "date_received",
        "defect_ids.defect_id.inspection_days",
        "rma_id.policy_id.inspection_days",
    )
    def _compute_deadline(self):
        for inspection in self:
            if not inspection.date_received:
                inspection.deadline = False
                continue
            days = inspection.defect_ids.defect_id.mapped("inspection_days")
            default = inspection.rma_id.policy_id.inspection_days or 7
            inspection.deadline = inspection.date_received + timedelta(
                days=max(days) if days else default
            )

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for inspection in self:
            inspection.is_overdue = bool(
                inspection.state in ("draft", "in_progress")
                and inspection.deadline
                and inspection.deadline < now
            )

    @api.constrains("sample_percent")
    def _check_sample_percent(self):
        """The sample is never below the policy's minimum, nor below the
        seeds' 10 % (INSP-05)."""
        for inspection in self:
            minimum = max(
                MIN_SAMPLE_PERCENT, inspection.line_id.rma_id.policy_id.sample_percent or 0.0
            )
            if (
                float_compare(inspection.sample_percent, minimum, precision_digits=2) < 0
                or float_compare(inspection.sample_percent, 100.0, precision_digits=2) > 0
            ):
                raise ValidationError(
                    _(
                        "%(name)s: the minimum sample must be between %(min)s %% and 100 %%.",
                        name=inspection.name,
                        min=minimum,
                    )
                )

    @api.constrains("sample_size", "qty_inspected", "qty_good", "qty_defective", "qty_unrepairable")
    def _check_counts(self):
        for inspection in self:
            inspection._check_count_arithmetic()

    def _check_count_arithmetic(self):
        self.ensure_one()
        rounding = self.line_id._qty_rounding()

        def cmp(a, b):
            return float_compare(a, b, precision_rounding=rounding)

        received = self.qty_received
        if cmp(self.sample_size, self._minimum_sample(received)) < 0:
            raise ValidationError(
                _(
                    "The sample of %(qty)s is below the minimum of %(min)s "
                    "(%(percent)s %% of %(received)s received).",
                    qty=self.sample_size,
                    min=self._minimum_sample(received),
                    percent=self.sample_percent,
                    received=received,
                )
            )
        if cmp(self.sample_size, received) > 0 or cmp(self.qty_inspected, received) > 0:
            raise ValidationError(
                _(
                    "%(name)s: the sample and the inspected quantity cannot exceed the "
                    "%(received)s units received.",
                    name=self.name,
                    received=received,
                )
            )
        if cmp(self.qty_good + self.qty_defective, self.qty_inspected) > 0:
            raise ValidationError(
                _(
                    "%(name)s: good (%(good)s) plus defective (%(bad)s) exceed the "
                    "%(inspected)s units inspected.",
                    name=self.name,
                    good=self.qty_good,
                    bad=self.qty_defective,
                    inspected=self.qty_inspected,
                )
            )
        if cmp(self.qty_unrepairable, self.qty_defective) > 0:
            raise ValidationError(
                _("%s: unrepairable units are part of the defective ones.", self.name)
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _("Inspections are created when the goods are received in RMA/Input.")
            )
        sequences = {}  # the sequence of each company, searched once
        for vals in vals_list:
            line = self.env["factory.rma.line"].browse(vals.get("line_id"))
            if "sample_percent" not in vals:
                vals["sample_percent"] = max(
                    MIN_SAMPLE_PERCENT, line.rma_id.policy_id.sample_percent or 0.0
                )
            if vals.get("name", "/") == "/":
                company = line.company_id or self.env.company
                if company not in sequences:
                    sequences[company] = self.env["ir.sequence"].search(
                        [
                            ("code", "=", "factory.rma.inspection"),
                            ("company_id", "in", [company.id, False]),
                        ],
                        order="company_id",
                        limit=1,
                    )
                sequence = sequences[company]
                vals["name"] = (sequence and sequence._next()) or "/"
        return super().create(vals_list)

    def _workflow_fields(self):
        """The state, its dates, the goods inspected, the sampling rule, the
        raised severity and the 8D link change only through the buttons;
        the results computed from the inspection's data are never written."""
        return super()._workflow_fields() | {
            "state",
            "line_id",
            "lot_id",
            "date_received",
            "date_done",
            "sample_percent",
            "severity_manual",
            "severity_reason",
            "eightd_id",
            "qty_received",
            "deadline",
            "severity_computed",
            "severity_unclassified",
            "severity",
            "requires_8d",
        }

    def _decision_fields(self):
        """What the closing applies to the RMA line: fixed from the closing
        (also while the customer's agreement is awaited)."""
        return {
            "sample_size",
            "qty_inspected",
            "qty_good",
            "qty_defective",
            "qty_unrepairable",
            "verdict",
            "responsibility",
            "responsible_partner_id",
            "responsible_unit",
            "responsible_user_id",
            "outcome",
            "destination",
            "good_outcome",
            "good_destination",
            "service_charge",
            "defect_ids",
        }

    def _closed_states(self):
        """Done or cancelled, the whole inspection is fixed (a cancelled one
        is reopened with Reopen)."""
        return ("done", "cancelled")

    def _locked_fields(self, state):
        """Awaiting the customer's agreement, the decision is fixed (Reopen
        brings the inspection back to work)."""
        if state == "waiting":
            return self._decision_fields()
        return super()._locked_fields(state)

    def action_start(self):
        self._check_group(QUALITY_INSPECTOR, _("inspect returned goods"))
        self._lock_for_update()
        self._check_state(("draft",), _("Starting the inspection"))
        # one write per inspector (the inspections of a list at once)
        for inspector, inspections in self.grouped(
            lambda i: i.inspector_id.id or self.env.uid
        ).items():
            inspections._write_workflow({"state": "in_progress", "inspector_id": inspector})
        return True

    def _check_can_done(self):
        self._check_group(QUALITY_INSPECTOR, _("close inspections"))
        self._check_state(("draft", "in_progress"), _("Closing the inspection"))
        for inspection in self:
            rounding = inspection.line_id._qty_rounding()
            inspection._check_count_arithmetic()
            if float_is_zero(inspection.qty_received, precision_rounding=rounding):
                raise UserError(_("%s: no goods have been received yet.", inspection.name))
            if (
                float_compare(
                    inspection.qty_inspected, inspection.sample_size, precision_rounding=rounding
                )
                < 0
            ):
                raise UserError(
                    _(
                        "%(name)s: inspect at least the sample of %(qty)s units.",
                        name=inspection.name,
                        qty=inspection.sample_size,
                    )
                )
            if float_compare(
                inspection.qty_good + inspection.qty_defective,
                inspection.qty_inspected,
                precision_rounding=rounding,
            ):
                raise UserError(
                    _(
                        "%(name)s: good plus defective must equal the %(qty)s units inspected.",
                        name=inspection.name,
                        qty=inspection.qty_inspected,
                    )
                )
            if not inspection.verdict:
                raise UserError(_("%s: record the verdict first.", inspection.name))
            if inspection.verdict == "confirmed":
                if not inspection.defect_ids:
                    raise UserError(
                        _("%s: list the defects found to confirm the claim.", inspection.name)
                    )
                if not inspection.responsibility:
                    raise UserError(_("%s: judge the responsibility first.", inspection.name))
            if inspection.responsibility == "supplier" and not inspection.responsible_partner_id:
                raise UserError(_("%s: record the supplier responsible.", inspection.name))
            if not inspection.outcome or not inspection.destination:
                raise UserError(
                    _("%s: choose the classification and the goods destination.", inspection.name)
                )
            if inspection._has_two_portions() and (
                not inspection.good_outcome or not inspection.good_destination
            ):
                raise UserError(
                    _("%s: choose what happens to the good units of the sort.", inspection.name)
                )

    def action_done(self):
        """Close the inspection. When the classification differs from what
        the customer asked, or the repair is charged, the line waits for the
        customer's agreement (recorded by sales on the RMA line); otherwise
        the disposition is applied at once.

        Two inspectors closing the last two inspections of an RMA at the same
        time: the RMAs are serialized before anything is decided, so the
        later transaction is retried on fresh data and judges the RMA once."""
        self._lock_for_update()
        self._serialize_on(self.rma_id)
        self._check_can_done()
        now = fields.Datetime.now()
        waiting = self.filtered(lambda i: i._needs_customer_agreement())
        waiting_ids = set(waiting.ids)
        # one write per inspector and state (the inspections of a list at once)
        for (inspector, state), inspections in self.grouped(
            lambda i: (
                i.inspector_id.id or self.env.uid,
                "waiting" if i.id in waiting_ids else "done",
            )
        ).items():
            inspections._write_workflow(
                {"date_done": now, "inspector_id": inspector, "state": state}
            )
        for inspection in waiting:
            inspection._schedule_agreement_activity()
        self.filtered(lambda i: i.state == "done")._apply_disposition()
        self._after_verdict()
        return True

    def action_cancel(self):
        self._check_group(QUALITY_MANAGER, _("cancel inspections"))
        self._lock_for_update()
        self._check_state(("draft", "in_progress", "waiting"), _("Cancelling"))
        self._write_workflow({"state": "cancelled"})
        return True

    def action_reset(self):
        """Reopen: a waiting inspection goes back to work (e.g. the customer
        does not agree with the classification), a cancelled one too (and
        leaves the archive). The only way to change a closed decision before
        the judgement; a done inspection is final."""
        self._check_group(QUALITY_INSPECTOR, _("reopen inspections"))
        self._lock_for_update()
        self._check_state(("waiting", "cancelled"), _("Reopening"))
        if any(i.rma_id.state not in ("received",) for i in self):
            raise UserError(_("Only inspections of received RMAs can be reopened."))
        self._write_workflow({"state": "in_progress", "active": True})
        return True

    def _schedule_inspection_activity(self):
        """The inspection is assigned to its inspector, else to the first
        Quality Inspector of the company, with the inspection deadline: one
        activity per inspection, created in one batch, without Odoo's
        "assigned to you" e-mail per activity (the goods of a whole list of
        receipts arrive at once)."""
        if not self or self.env.context.get("mail_activity_automation_skip"):
            return
        inspector_group = self.env.ref(QUALITY_INSPECTOR)
        activity_type = self.env.ref("rma_factory_quality.mail_activity_type_rma_inspection")
        model_id = self.env["ir.model"]._get_id(self._name)
        inspector_by_company = {}
        vals_list = []
        for inspection in self:
            user = inspection.inspector_id
            if not user:
                company = inspection.company_id
                if company not in inspector_by_company:
                    # the company's first internal inspector, searched
                    # instead of reading every member of the group
                    inspector_by_company[company] = self.env["res.users"].search(
                        [
                            ("groups_id", "in", inspector_group.id),
                            ("company_ids", "in", company.id),
                            ("share", "=", False),
                        ],
                        order="id",
                        limit=1,
                    )
                user = inspector_by_company[company]
            if not user:
                continue
            in_lang = inspection._in_lang_of(user)
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": in_lang.env._("Inspect %s", in_lang.product_id.display_name),
                    "note": activity_type.default_note,
                    "automated": True,
                    "user_id": user.id,
                    "date_deadline": (inspection.deadline or fields.Datetime.now()).date(),
                    "res_model_id": model_id,
                    "res_id": inspection.id,
                }
            )
        if vals_list:
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                vals_list
            )
