from odoo import _, api, fields, models
from odoo.tools import float_is_zero

from odoo.addons.rma_factory.models.factory_rma_outcome import (
    CHARGED_RESPONSIBILITIES,
    DEFAULT_DESTINATION,
    DESTINATIONS,
    OUTCOMES,
    RESPONSIBILITIES,
    SERVICE_CHARGES,
)

from .factory_rma_inspection import GOOD_OUTCOME


class FactoryRmaInspection(models.Model):
    """Verdict, responsibility and classification, and how they become the line's decision."""

    _inherit = "factory.rma.inspection"

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

    @api.depends("verdict", "responsibility", "qty_unrepairable", "requested_outcome")
    def _compute_outcome(self):
        """Proposal only: the claim does not hold → send back; the dealer or
        the customer caused it → repair on their behalf (帮修品); otherwise
        what the customer asked for. Without a verdict nothing is proposed
        and a classification chosen by hand stays."""
        for inspection in self:
            if inspection.verdict == "not_confirmed":
                inspection.outcome = "send_back"
            elif inspection.verdict == "confirmed" and (
                inspection.responsibility in CHARGED_RESPONSIBILITIES
            ):
                inspection.outcome = "send_back" if inspection.qty_unrepairable else "repair"
            elif inspection.verdict == "confirmed":
                inspection.outcome = inspection.requested_outcome or "refund"

    @api.depends("outcome", "qty_defective", "product_id")
    def _compute_destination(self):
        """Return-only goods (只退不补) go back to stock when open customer
        orders wait for the product and the goods are good, else to the
        slow-moving store. (The open orders are searched when the outcome
        is proposed; they do not move a destination already proposed.)"""
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

    @api.depends("outcome", "requested_outcome")
    def _compute_classification_mismatch(self):
        for inspection in self:
            inspection.classification_mismatch = bool(
                inspection.outcome
                and inspection.requested_outcome
                and inspection.outcome != inspection.requested_outcome
            )

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
            user = rma.user_id or self.env.user
            # in the language of the salesperson who agrees with the customer
            in_lang = inspection._in_lang_of(user)
            env = in_lang.env
            outcome_label = dict(in_lang._fields["outcome"]._description_selection(env))[
                inspection.outcome
            ]
            rma.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                summary=env._(
                    "Agree “%(outcome)s” for %(product)s with the customer",
                    outcome=outcome_label,
                    product=in_lang.product_id.display_name,
                ),
                note=env._(
                    "The inspection %(name)s classified the goods as “%(outcome)s” "
                    "(service: %(charge)s). Record the customer's agreement on the RMA line.",
                    name=inspection.name,
                    outcome=outcome_label,
                    charge=dict(in_lang._fields["service_charge"]._description_selection(env)).get(
                        inspection.service_charge, "-"
                    ),
                ),
                user_id=user.id,
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

    def _has_two_portions(self):
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
        if self._has_two_portions():
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
            "claim_not_confirmed": self.verdict == "not_confirmed",
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
