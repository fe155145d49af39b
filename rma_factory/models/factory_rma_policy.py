from odoo import api, fields, models


class FactoryRmaPolicy(models.Model):
    """Return policy: eligibility rules, approval threshold and service levels.

    One policy is the company default (``res.company.rma_policy_id``); an RMA
    may use another one.
    """

    _name = "factory.rma.policy"
    _description = "RMA Return Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # Eligibility
    warranty_months = fields.Integer(
        default=12,
        help="Warranty used when neither the product nor its category sets one.",
    )
    return_window_days = fields.Integer(
        help="Calendar days after delivery within which a return may be asked. 0 means no window.",
    )
    require_bcd = fields.Boolean(
        "Require one of B/C/D",
        default=True,
        help="Besides criterion A (within warranty), at least one of B (quality "
        "below the contract standard), C (payment cannot be collected) or "
        "D (major change at the customer) must hold.",
    )
    require_original_packaging = fields.Boolean(default=True)
    require_accessories = fields.Boolean("Require Accessories Complete", default=True)
    require_no_human_damage = fields.Boolean(default=True)

    # Approval
    second_approval_amount = fields.Monetary(
        default=500.0,
        currency_field="currency_id",
        help="Above this total (company currency) the RMA Approver must also approve.",
    )

    # Service levels
    review_hours = fields.Float(default=24.0, help="Clock hours to review a submitted RMA.")
    return_working_days = fields.Integer(
        default=7, help="Working days after approval for the customer to send the goods."
    )
    refund_working_days = fields.Integer(
        default=3, help="Working days after the goods are accepted to refund."
    )
    promise_days_a = fields.Integer("Promise Days (Class A)", default=0)
    promise_days_b = fields.Integer("Promise Days (Class B)", default=2)
    promise_days_c = fields.Integer("Promise Days (Class C)", default=3)
    promise_is_delivery_deadline = fields.Boolean(
        help="Read the class A/B/C days as deadlines to deliver the replacement "
        "instead of deadlines to promise an arrival date.",
    )
    credit_return_only = fields.Boolean(
        "Credit Return-only Goods",
        default=True,
        help="Return-only (只退不补) lines are credited to the customer.",
    )
    shortage_report_days = fields.Integer(
        default=2,
        help="Calendar days after delivery within which the customer reports a shortage or "
        "carrier damage; later reports fail the eligibility check.",
    )
    carrier_claim_hours = fields.Float(
        default=24.0, help="Clock hours after delivery to file the claim with the carrier."
    )
    withhold_carrier_freight = fields.Boolean(
        default=True, help="Withhold the carrier's freight until a damage claim is settled."
    )
    spare_part_return_months = fields.Integer(
        default=1,
        help="Months within which the defective part replaced by a spare part comes back.",
    )
    # Freight (RESP-18)
    freight_payer_quality = fields.Selection(
        [("company", "Company"), ("customer", "Customer"), ("split", "Split")],
        "Freight Payer (Quality Returns)",
        default="split",
        required=True,
    )
    freight_payer_non_quality = fields.Selection(
        [("company", "Company"), ("customer", "Customer"), ("split", "Split")],
        "Freight Payer (Other Returns)",
        default="customer",
        required=True,
    )
    freight_split_percent = fields.Float(
        "Customer Freight Share (%)", default=50.0, help="Customer's share when split."
    )
    # Step deadlines (SEED §3.3)
    onsite_working_days = fields.Integer(
        "On-site Verification (working days)",
        default=3,
        help="Working days after the submission to verify the goods at the customer's "
        "warehouse, when the RMA needs it (TIME-34).",
    )
    judgement_days = fields.Integer(
        "Quality Judgement (days after receipt)",
        default=2,
        help="Calendar days after the goods are received to judge them and mark the result on "
        "the packaging (TIME-13).",
    )
    analysis_working_days = fields.Integer(
        "Analysis (working days)",
        default=3,
        help="Cause analysis, counted from the receipt of the goods (from the approval when "
        "no goods come back).",
    )
    solution_working_days = fields.Integer(
        "Solution and Reply (working days)",
        default=7,
        help="Solved and answered (domestic), counted from the receipt of the goods (from the "
        "approval when no goods come back).",
    )
    intl_solution_working_days = fields.Integer(
        "International Solution (working days)",
        default=30,
        help="Customers abroad: working days to solve and answer, 15 to 30 in the seeds, "
        "counted like the domestic solution (TIME-29).",
    )
    urgent_solution_working_days = fields.Integer(
        "Urgent Solution (working days)",
        default=2,
        help="Urgent cases after the leadership's special approval (domestic), counted like the "
        "solution.",
    )
    intl_urgent_solution_working_days = fields.Integer(
        "International Urgent Solution (working days)",
        default=3,
        help="Customers abroad, after the leadership's special approval: working days to solve "
        "and answer (TIME-29).",
    )
    complaint_reply_external_working_days = fields.Integer(
        "Complaint Reply, Not Our Cause (working days)",
        default=1,
        help="Complaint only, not the company's cause: working days after the judgement to "
        "answer the customer (TIME-23).",
    )
    complaint_reply_internal_working_days = fields.Integer(
        "Complaint Corrective-action Reply (working days)",
        default=2,
        help="Complaint only, the company's cause: working days after the judgement to send "
        "the customer the corrective action (TIME-24).",
    )
    reply_deemed_days = fields.Integer(
        "Reply Deemed Accepted After (days)",
        default=45,
        help="Calendar days after the customer reply report without an answer after which "
        "it is deemed accepted and the RMA closed.",
    )
    recheck_days = fields.Integer(
        "Closure Re-check After (days)",
        default=30,
        help="Days after closure for the re-check activity and the satisfaction request.",
    )
    free_customer_repairs = fields.Boolean(
        help="Repairs of goods damaged by the dealer or the customer are free instead of "
        "charged (帮修品 without a fee).",
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalation Manager",
        help="Receives the escalation activities of overdue RMAs. Defaults to "
        "an RMA Manager of the company.",
    )

    _sql_constraints = [
        (
            "positive_numbers",
            "CHECK(warranty_months >= 0 AND return_window_days >= 0 AND review_hours >= 0 "
            "AND return_working_days >= 0 AND refund_working_days >= 0 "
            "AND promise_days_a >= 0 AND promise_days_b >= 0 AND promise_days_c >= 0)",
            "Policy durations cannot be negative.",
        ),
    ]

    @api.model
    def _get_default(self, company=None):
        company = company or self.env.company
        return company.rma_policy_id or self.search([("company_id", "=", company.id)], limit=1)

    def _promise_days(self, customer_class):
        self.ensure_one()
        return {
            "a": self.promise_days_a,
            "b": self.promise_days_b,
            "c": self.promise_days_c,
        }.get(customer_class or "c", self.promise_days_c)
