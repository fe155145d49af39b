import math
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.rma_factory.models.factory_rma_outcome import (
    CHARGED_RESPONSIBILITIES,
    DEFAULT_DESTINATION,
    DESTINATIONS,
    OUTCOMES,
    RESPONSIBILITIES,
    SERVICE_CHARGES,
)

from .factory_rma_defect import SEVERITIES

#: the seeds sample at least 10 % of the returned goods (004 §e 6); a
#: policy may ask for more, never less.
MIN_SAMPLE_PERCENT = 10.0

#: goods whose good part comes out of a 100 % sort go back to the
#: customer unless the inspector decides otherwise (AS-13).
GOOD_OUTCOME = "reject"

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

    # Verdict and responsibility (INSP-03, RESP-01..04)
    verdict = fields.Selection(
        [("confirmed", "Defect confirmed"), ("not_confirmed", "Claim not confirmed")],
        tracking=True,
    )
    responsibility = fields.Selection(RESPONSIBILITIES, tracking=True)
    responsibility_side = fields.Selection(
        [("company", "Company"), ("external", "External")],
        compute="_compute_responsibility_side",
    )
    responsible_partner_id = fields.Many2one("res.partner", "Responsible Party")
    responsible_unit = fields.Char("Responsible Unit")
    responsible_user_id = fields.Many2one("res.users", "Responsible Person")
    service_charge = fields.Selection(
        SERVICE_CHARGES, compute="_compute_service_charge", store=True, readonly=False
    )

    # Disposition
    outcome = fields.Selection(
        OUTCOMES,
        "Classification",
        compute="_compute_outcome",
        store=True,
        readonly=False,
        tracking=True,
        help="Refund (销退品), repair on behalf of the customer (帮修品), return only "
        "(只退不补), replacement, send back, scrap or sell-off. Applies to the defective "
        "units, or to every unit when only a sample was inspected.",
    )
    destination = fields.Selection(
        DESTINATIONS, compute="_compute_destination", store=True, readonly=False
    )
    good_outcome = fields.Selection(
        OUTCOMES, "Good Units Outcome", default=GOOD_OUTCOME, help="After a 100 % sort."
    )
    good_destination = fields.Selection(
        DESTINATIONS,
        "Good Units Destination",
        compute="_compute_good_destination",
        store=True,
        readonly=False,
    )
    classification_mismatch = fields.Boolean(compute="_compute_classification_mismatch")

    # Analysis and actions (INSP-09, INSP-16, REP)
    cause_analysis = fields.Text()
    test_result = fields.Text()
    rework_plan = fields.Html("Rework Plan", help="返工方案: copied to the repair order.")
    corrective_action = fields.Text()
    preventive_action = fields.Text()

    # Severity and 8D (SEV-01..04)
    severity_computed = fields.Selection(
        SEVERITIES, compute="_compute_severity", store=True, string="Severity by Rules"
    )
    severity_unclassified = fields.Boolean(
        compute="_compute_severity",
        store=True,
        help="Some defects are not covered by the severity table: the company default was used.",
    )
    severity_manual = fields.Selection(SEVERITIES, "Raised Severity", readonly=True, copy=False)
    severity_reason = fields.Text("Severity Raise Reason", readonly=True, copy=False)
    severity = fields.Selection(SEVERITIES, compute="_compute_severity_final", store=True)
    customer_requests_report = fields.Boolean(
        related="rma_id.customer_requests_report", groups="base.group_user"
    )
    requires_8d = fields.Boolean("8D Required", compute="_compute_requires_8d", store=True)
    eightd_id = fields.Many2one("factory.rma.8d", "8D Report", readonly=True, copy=False)
    review_ids = fields.One2many("factory.rma.review", "inspection_id", "Review Meetings")

    _sql_constraints = [
        (
            "quantities_positive",
            "CHECK(qty_inspected >= 0 AND qty_good >= 0 AND qty_defective >= 0 "
            "AND qty_unrepairable >= 0 AND sample_size >= 0)",
            "Inspection quantities cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.depends(
        "line_id.move_ids.state",
        "line_id.move_ids.rma_move_kind",
        "line_id.move_ids.move_line_ids.quantity",
        "line_id.move_ids.move_line_ids.lot_id",
        "lot_id",
    )
    def _compute_qty_received(self):
        """Goods of the inspection's lot received on its line's receipts.
        The inspection keeps this quantity when its own closing splits the
        line into good and defective portions (lines are not split by hand
        while an inspection is open)."""
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

    @api.depends("qty_inspected", "qty_received")
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

    @api.depends("date_received", "defect_ids.defect_id.inspection_days")
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

    @api.depends("responsibility")
    def _compute_responsibility_side(self):
        Line = self.env["factory.rma.line"]
        for inspection in self:
            inspection.responsibility_side = Line._responsibility_side_for(
                inspection.responsibility
            )

    @api.depends("responsibility", "rma_id.policy_id.free_customer_repairs")
    def _compute_service_charge(self):
        Line = self.env["factory.rma.line"]
        for inspection in self:
            inspection.service_charge = Line._service_charge_for(
                inspection.responsibility, inspection.rma_id.policy_id
            )

    @api.depends("verdict", "responsibility", "qty_unrepairable")
    def _compute_outcome(self):
        """Proposal only: the claim does not hold → send back; the dealer or
        the customer caused it → repair on their behalf (帮修品); otherwise
        what the customer asked for."""
        for inspection in self:
            if inspection.verdict == "not_confirmed":
                inspection.outcome = "reject"
            elif inspection.verdict == "confirmed" and (
                inspection.responsibility in CHARGED_RESPONSIBILITIES
            ):
                inspection.outcome = "reject" if inspection.qty_unrepairable else "repair"
            elif inspection.verdict == "confirmed":
                inspection.outcome = inspection.requested_outcome or "refund"
            else:
                inspection.outcome = inspection.outcome or False

    @api.depends("outcome", "qty_good", "qty_defective")
    def _compute_destination(self):
        """Return-only goods (只退不补) go back to stock when open customer
        orders wait for the product and the goods are good, else to the
        slow-moving store."""
        for inspection in self:
            destination = DEFAULT_DESTINATION.get(inspection.outcome, False)
            if (
                inspection.outcome == "return_only"
                and not inspection.qty_defective
                and inspection._has_open_demand()
            ):
                destination = "stock"
            inspection.destination = destination

    def _has_open_demand(self):
        self.ensure_one()
        if not self.product_id:
            return False
        return bool(
            self.env["stock.move"]
            .sudo()
            .search_count(
                [
                    ("product_id", "=", self.product_id.id),
                    ("location_dest_id.usage", "=", "customer"),
                    ("state", "in", ("confirmed", "waiting", "partially_available")),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=1,
            )
        )

    @api.depends("good_outcome")
    def _compute_good_destination(self):
        for inspection in self:
            inspection.good_destination = DEFAULT_DESTINATION.get(inspection.good_outcome, False)

    @api.depends("outcome", "requested_outcome", "line_id.customer_agreed")
    def _compute_classification_mismatch(self):
        for inspection in self:
            inspection.classification_mismatch = bool(
                inspection.outcome
                and inspection.requested_outcome
                and inspection.outcome != inspection.requested_outcome
            )

    @api.depends("defect_ids.count", "defect_ids.category", "verdict")
    def _compute_severity(self):
        Rule = self.env["factory.rma.severity.rule"]
        for inspection in self:
            counts = {}
            for defect in inspection.defect_ids:
                counts[defect.category] = counts.get(defect.category, 0) + defect.count
            if not counts:
                inspection.severity_computed = False
                inspection.severity_unclassified = False
                continue
            company = inspection.company_id or self.env.company
            severity, unclassified = Rule._evaluate(counts, company)
            if unclassified:
                default = inspection.rma_id.policy_id.default_severity or "minor"
                severity = "major" if "major" in (severity, default) else "minor"
            inspection.severity_computed = severity
            inspection.severity_unclassified = bool(unclassified)

    @api.depends("severity_computed", "severity_manual")
    def _compute_severity_final(self):
        for inspection in self:
            levels = {inspection.severity_computed, inspection.severity_manual}
            if "major" in levels:
                inspection.severity = "major"
            else:
                inspection.severity = "minor" if "minor" in levels else False

    @api.depends("severity", "rma_id.customer_requests_report")
    def _compute_requires_8d(self):
        for inspection in self:
            inspection.requires_8d = (
                inspection.severity == "major" or inspection.rma_id.customer_requests_report
            )

    # ------------------------------------------------------------------
    # Constraints (sampling arithmetic)
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _("Inspections are created when the goods are received in RMA/Input.")
            )
        for vals in vals_list:
            line = self.env["factory.rma.line"].browse(vals.get("line_id"))
            if "sample_percent" not in vals:
                vals["sample_percent"] = max(
                    MIN_SAMPLE_PERCENT, line.rma_id.policy_id.sample_percent or 0.0
                )
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(line.company_id or self.env.company)
                    .next_by_code("factory.rma.inspection")
                    or "/"
                )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Controls
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_start(self):
        self._check_group(QUALITY_INSPECTOR, _("inspect returned goods"))
        self._lock_for_update()
        self._check_state(("draft",), _("Starting the inspection"))
        for inspection in self:
            inspection._write_workflow(
                {"state": "in_progress", "inspector_id": inspection.inspector_id.id or self.env.uid}
            )
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
            if inspection._portions_split() and (
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
        for inspection in self:
            vals = {"date_done": now, "inspector_id": inspection.inspector_id.id or self.env.uid}
            if inspection._needs_customer_agreement():
                vals["state"] = "waiting"
                inspection._write_workflow(vals)
                inspection._schedule_agreement_activity()
            else:
                vals["state"] = "done"
                inspection._write_workflow(vals)
        self.filtered(lambda i: i.state == "done")._apply_disposition()
        self._after_verdict()
        return True

    def _needs_customer_agreement(self):
        """Sales must agree the classification with the customer when it
        differs from the request, and the fee when the service is charged
        (AS-06)."""
        self.ensure_one()
        if self.line_id.customer_agreed:
            return False
        charged_repair = self.outcome == "repair" and self.service_charge == "charged"
        return self.classification_mismatch or charged_repair

    def _schedule_agreement_activity(self):
        activity_type = self.env.ref(
            "rma_factory_quality.mail_activity_type_rma_customer_agreement"
        )
        for inspection in self:
            rma = inspection.rma_id
            outcome_label = dict(inspection._fields["outcome"]._description_selection(self.env))[
                inspection.outcome
            ]
            rma.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                summary=_(
                    "Agree “%(outcome)s” for %(product)s with the customer",
                    outcome=outcome_label,
                    product=inspection.product_id.display_name,
                ),
                note=_(
                    "The inspection %(name)s classified the goods as “%(outcome)s” "
                    "(service: %(charge)s). Record the customer's agreement on the RMA line.",
                    name=inspection.name,
                    outcome=outcome_label,
                    charge=dict(
                        inspection._fields["service_charge"]._description_selection(self.env)
                    ).get(inspection.service_charge, "-"),
                ),
                user_id=rma.user_id.id or self.env.uid,
            )

    def _on_customer_agreement(self):
        """Called by ``factory.rma.line.action_record_customer_agreement``:
        the waiting inspections apply their disposition."""
        waiting = self.filtered(lambda i: i.state == "waiting")
        if not waiting:
            return
        self._serialize_on(waiting.rma_id)
        waiting._write_workflow({"state": "done"})
        activity_type = self.env.ref(
            "rma_factory_quality.mail_activity_type_rma_customer_agreement"
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "factory.rma"),
                    ("res_id", "in", waiting.rma_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        open_left = waiting.rma_id.line_ids.inspection_ids.filtered(lambda i: i.state == "waiting")
        activities.filtered(lambda a: a.res_id not in open_left.rma_id.ids).action_feedback(
            feedback=_("The customer agreed.")
        )
        waiting._apply_disposition()
        waiting._after_verdict()

    def _portions_split(self):
        """A 100 % sort with both good and defective units gives two
        portions with their own dispositions."""
        self.ensure_one()
        rounding = self.line_id._qty_rounding()
        return (
            self.full_sort
            and not float_is_zero(self.qty_good, precision_rounding=rounding)
            and not float_is_zero(self.qty_defective, precision_rounding=rounding)
        )

    def _portions(self):
        """[(quantity, outcome, destination)] this inspection decides for
        its received goods."""
        self.ensure_one()
        if self._portions_split():
            return [
                (self.qty_received - self.qty_good, self.outcome, self.destination),
                (self.qty_good, self.good_outcome, self.good_destination),
            ]
        return [(self.qty_received, self.outcome, self.destination)]

    def _prepare_line_judgement_vals(self):
        """Responsibility fields written on the RMA line(s) of this
        inspection; integrators add theirs here."""
        self.ensure_one()
        vals = {
            "responsibility": self.responsibility or False,
            "responsible_partner_id": self.responsible_partner_id.id or False,
            "responsible_unit": self.responsible_unit or False,
            "responsible_user_id": self.responsible_user_id.id or False,
        }
        if self.service_charge:
            vals["service_charge"] = self.service_charge
        return vals

    def _apply_disposition(self):
        """Write outcome, destination and responsibility on the RMA lines
        once every inspection of a line is closed; split the line per lot
        and per good/defective portion when they differ."""
        for line in self.line_id:
            inspections = line.inspection_ids.filtered(lambda i: i.state != "cancelled").sorted(
                "id"
            )
            if any(i.state != "done" for i in inspections):
                continue
            line._apply_inspections(inspections)

    def _after_verdict(self):
        """8D, severity alert, judgement and processing of the RMAs whose
        inspections are all closed."""
        self._create_8d_reports()
        self._alert_major_severity()
        rmas = self.rma_id.sudo()
        to_judge = rmas.filtered(
            lambda rma: (
                rma.state == "received"
                and not rma._open_inspections()
                and all(
                    line.decided_outcome
                    or float_is_zero(line.qty_received, precision_rounding=line._qty_rounding())
                    for line in rma.line_ids
                )
            )
        )
        if not to_judge:
            return
        to_judge.action_judge()
        to_process = to_judge.filtered(lambda rma: rma._can_process_automatically())
        if to_process:
            to_process.action_process()

    def _alert_major_severity(self):
        """A major complaint is reviewed at once (SEV-04): an activity for
        the Quality Managers."""
        managers = self.env.ref(QUALITY_MANAGER).users
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for inspection in self.filtered(lambda i: i.severity == "major"):
            user = managers.filtered(
                lambda u, c=inspection.company_id: not u.share and c in u.company_ids
            ).sorted("id")[:1]
            if not user:
                continue
            inspection.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Major complaint: review now"),
                user_id=user.id,
            )

    def _create_8d_reports(self):
        for inspection in self.filtered(lambda i: i.requires_8d and not i.eightd_id):
            existing = (
                self.env["factory.rma.8d"]
                .sudo()
                .search(
                    [("rma_id", "=", inspection.rma_id.id), ("state", "!=", "cancelled")], limit=1
                )
            )
            report = existing or self.env["factory.rma.8d"].sudo().create(
                inspection._prepare_8d_vals()
            )
            inspection._write_workflow({"eightd_id": report.id})

    def _prepare_8d_vals(self):
        """The 8D report of a major complaint (or one the customer asked
        for), with the problem description filled from the inspection."""
        self.ensure_one()
        defects = ", ".join(f"{d.defect_id.name} × {d.count}" for d in self.defect_ids)
        lot = self.lot_id.name or ""
        return {
            "rma_id": self.rma_id.id,
            "inspection_id": self.id,
            "company_id": self.company_id.id,
            "leader_id": self.env.uid,
            "problem_what": _(
                "%(product)s: %(defects)s",
                product=self.product_id.display_name,
                defects=defects or self.customer_description or "",
            ),
            "problem_who": self.partner_id.display_name,
            "problem_where": self.rma_id.name,
            "problem_when": fields.Date.to_string(self.line_id.delivery_date) or "",
            "problem_how_many": _(
                "%(bad)s defective of %(inspected)s inspected (%(received)s returned) %(lot)s",
                bad=self.qty_defective,
                inspected=self.qty_inspected,
                received=self.qty_received,
                lot=lot,
            ),
            "problem_why": self.cause_analysis or False,
            "problem_how": self.test_result or False,
        }

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

    def action_open_severity_wizard(self):
        self.ensure_one()
        self._check_group(QUALITY_MANAGER, _("raise the severity"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Raise Severity"),
            "res_model": "factory.rma.severity.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_inspection_id": self.id},
        }

    def _raise_severity(self, severity, reason):
        self.ensure_one()
        self._check_group(QUALITY_MANAGER, _("raise the severity"))
        self._lock_for_update()
        self._check_state(("draft", "in_progress", "waiting", "done"), _("Raising the severity"))
        if not (reason or "").strip():
            raise UserError(_("Give the reason for the severity change."))
        if self.severity == "major" and severity == "major":
            raise UserError(_("%s is already major.", self.name))
        if severity == "minor":
            raise UserError(_("Severity can only be raised, not lowered."))
        self._write_workflow({"severity_manual": severity, "severity_reason": reason})
        self.message_post(body=_("Severity raised to major: %s", reason))
        if self.state == "done":
            self._create_8d_reports()
            self._alert_major_severity()
        return True

    def action_view_8d(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma.8d",
            "view_mode": "form",
            "res_id": self.eightd_id.id,
        }

    def _suspect_quants(self):
        """Unreserved stock of the same product (and lot, when the
        inspection has one) in the company's internal locations outside the
        RMA locations."""
        self.ensure_one()
        action = self.rma_id._containment_action(self.product_id)
        domain = list(action["domain"])
        if self.lot_id:
            domain.append(("lot_id", "=", self.lot_id.id))
        quants = self.env["stock.quant"].sudo().search(domain)
        return quants.filtered(lambda q: q.quantity - q.reserved_quantity > 0)

    def action_quarantine_suspect_stock(self):
        """Containment (INSP-20, AS-14): move the suspect stock of the same
        product and lot to RMA/Input, where no delivery reserves it, until
        quality releases it."""
        self.ensure_one()
        self._check_group(QUALITY_INSPECTOR, _("quarantine suspect stock"))
        quants = self._suspect_quants()
        if not quants:
            raise UserError(_("No free stock of %s to quarantine.", self.product_id.display_name))
        rma = self.rma_id.sudo()
        warehouse = rma.warehouse_id
        by_location = {}
        for quant in quants:
            by_location.setdefault(quant.location_id, self.env["stock.quant"])
            by_location[quant.location_id] |= quant
        pickings = self.env["stock.picking"].sudo()
        for location, location_quants in by_location.items():
            vals = rma._prepare_picking_vals(
                warehouse.rma_int_type_id, location, warehouse.rma_input_loc_id
            )
            vals["origin"] = _("%(rma)s containment (%(name)s)", rma=rma.name, name=self.name)
            vals["move_ids"] = [
                Command.create(
                    {
                        "name": self.product_id.display_name,
                        "product_id": self.product_id.id,
                        "product_uom": self.product_id.uom_id.id,
                        "product_uom_qty": sum(
                            q.quantity - q.reserved_quantity for q in location_quants
                        ),
                        "location_id": location.id,
                        "location_dest_id": warehouse.rma_input_loc_id.id,
                        "company_id": rma.company_id.id,
                    }
                )
            ]
            picking = self.env["stock.picking"].sudo().create(vals)
            picking.action_confirm()
            picking.move_ids.move_line_ids.unlink()
            for quant in location_quants:
                self.env["stock.move.line"].sudo().create(
                    {
                        "move_id": picking.move_ids.id,
                        "picking_id": picking.id,
                        "product_id": self.product_id.id,
                        "product_uom_id": self.product_id.uom_id.id,
                        "lot_id": quant.lot_id.id,
                        "quantity": quant.quantity - quant.reserved_quantity,
                        "location_id": location.id,
                        "location_dest_id": warehouse.rma_input_loc_id.id,
                    }
                )
            pickings |= picking
        self.message_post(
            body=_("Suspect stock sent to quarantine: %s", ", ".join(pickings.mapped("name")))
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", pickings.ids)],
            "name": _("Quarantine Transfers"),
        }

    def action_containment(self):
        """Same product elsewhere (INSP-20): stock in the company's internal
        locations and open customer deliveries, to check for the defect."""
        self.ensure_one()
        return self.rma_id._containment_action(self.product_id)

    def _schedule_inspection_activity(self):
        """The inspection is assigned to its inspector, else to the first
        Quality Inspector of the company, with the inspection deadline."""
        inspectors = self.env.ref(QUALITY_INSPECTOR).users
        activity_type = self.env.ref("rma_factory_quality.mail_activity_type_rma_inspection")
        for inspection in self:
            user = (
                inspection.inspector_id
                or inspectors.filtered(
                    lambda u, c=inspection.company_id: not u.share and c in u.company_ids
                ).sorted("id")[:1]
            )
            if not user:
                continue
            inspection.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Inspect %s", inspection.product_id.display_name),
                date_deadline=(inspection.deadline or fields.Datetime.now()).date(),
                user_id=user.id,
            )
