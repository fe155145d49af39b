import re
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from .factory_rma_outcome import NO_GOODS_TYPES, RMA_TYPES

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("received", "Received"),
    ("judged", "Judged"),
    ("processing", "Processing"),
    ("done", "Done"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]

# Groups that read RMAs through the core's access rights. The relations the
# addons add to Odoo's own documents (sale order and line, partner, invoice)
# carry these groups: the other users of those documents (a salesperson
# without Inventory, Invoicing or RMA rights, an auditor) read them as before
# and simply do not get the RMAs.
RMA_READER_GROUPS = (
    "rma_factory.group_rma_user,stock.group_stock_user,account.group_account_invoice"
)

REJECT_ALTERNATIVES = [
    ("repair", "Repair"),
    ("spare_parts", "Spare parts"),
    ("discount", "Discount"),
    ("technical_support", "Technical support"),
    ("other", "Other"),
]


class FactoryRma(models.Model):
    """Customer return (客退 / 退换货) authorisation.

    The header carries the customer, the origin documents, the policy and the
    approval trail; the lines carry products, quantities and outcomes. States
    move only through the ``action_*`` buttons and through stock events
    (receipt done, outcome documents done), never by writing ``state``.
    """

    _name = "factory.rma"
    _description = "Customer Return (RMA)"
    _inherit = ["portal.mixin", "rating.mixin", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        "Number", required=True, copy=False, readonly=True, index="trigram", default="/"
    )
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, tracking=True, check_company=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    partner_contact_id = fields.Many2one("res.partner", "Contact", check_company=True)
    partner_shipping_id = fields.Many2one(
        "res.partner",
        "Delivery Address",
        compute="_compute_partner_addresses",
        store=True,
        readonly=False,
        check_company=True,
    )
    partner_invoice_id = fields.Many2one(
        "res.partner",
        "Invoice Address",
        compute="_compute_partner_addresses",
        store=True,
        readonly=False,
        check_company=True,
    )
    customer_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        compute="_compute_customer_class",
        store=True,
        readonly=False,
        help="Copied from the customer; drives the replenish-first promise time.",
    )
    sale_order_id = fields.Many2one(
        "sale.order", "Sale Order", check_company=True, index="btree_not_null", tracking=True
    )
    picking_id = fields.Many2one(
        "stock.picking",
        "Origin Delivery",
        check_company=True,
        index="btree_not_null",
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done')]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        "Origin Invoice",
        check_company=True,
        index="btree_not_null",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    policy_id = fields.Many2one(
        "factory.rma.policy",
        "Return Policy",
        required=True,
        check_company=True,
        compute="_compute_policy_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("portal", "Portal"),
            ("on_site", "On site"),
            ("other", "Other"),
        ],
        default="phone",
    )
    return_method = fields.Selection(
        [
            ("courier", "Courier"),
            ("pickup", "Company pick-up"),
            ("drop_off", "Customer drop-off"),
        ],
        default="courier",
    )
    freight_payer = fields.Selection(
        [
            ("company", "Company"),
            ("customer", "Customer"),
            ("split", "Split"),
            ("dealer", "Dealer"),
            ("carrier", "Carrier"),
        ],
        compute="_compute_freight_payer",
        store=True,
        readonly=False,
        tracking=True,
        help="Default from the policy by reason category (quality returns split 50/50 per the "
        "seeds), then by the judged responsibility (dealer, customer or carrier pays).",
    )
    freight_split_percent = fields.Float(
        "Customer Freight Share (%)",
        compute="_compute_freight_payer",
        store=True,
        readonly=False,
    )
    expected_arrival_date = fields.Date(
        help="Pick-up and drop-off are pre-notified: when the goods are expected.",
    )
    pickup_place = fields.Char("Pick-up / Arrival Place")
    rma_type = fields.Selection(
        RMA_TYPES,
        "Type",
        default="return",
        required=True,
        tracking=True,
        help="Return: goods come back. Shortage / carrier damage: nothing comes back, the missing "
        "quantity is replenished and the carrier claimed. Complaint only: reply and corrective "
        "action, or a concession. Spare part first: the part ships at approval, the defective "
        "part comes back within a month. Advance replacement: the replacement ships once a "
        "deposit is received.",
    )
    # Shortage / carrier damage
    carrier_id = fields.Many2one("res.partner", "Carrier", tracking=True)
    carrier_note_ref = fields.Char(
        "Carrier's Signed Note", help="Reference of the delivery note the carrier signed."
    )
    claim_deadline = fields.Datetime("Carrier Claim Deadline", readonly=True, copy=False)
    claim_amount = fields.Monetary("Claim Amount", copy=False)
    claim_state = fields.Selection(
        [
            ("to_claim", "To claim"),
            ("claimed", "Claimed"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
            ("paid", "Paid"),
        ],
        "Carrier Claim",
        copy=False,
        tracking=True,
    )
    claim_reference = fields.Char("Claim Reference", copy=False)
    withhold_carrier_freight = fields.Boolean(
        compute="_compute_withhold_carrier_freight",
        store=True,
        readonly=False,
        help="The freight owed to the carrier is withheld until the claim is settled.",
    )
    # Advance replacement against a deposit (先发新货,再退回)
    deposit_amount = fields.Monetary(
        compute="_compute_deposit_amount", store=True, readonly=False, copy=False
    )
    deposit_state = fields.Selection(
        [
            ("to_collect", "To collect"),
            ("received", "Received"),
            ("released", "Released"),
            ("applied", "Applied"),
        ],
        readonly=True,
        copy=False,
        tracking=True,
    )
    date_deposit = fields.Datetime("Deposit Date", readonly=True, copy=False)
    # Step deadlines (SEED §3.3)
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    urgent = fields.Boolean(
        tracking=True,
        help="Leadership's special approval: shortened solution limit (2 working days, 3 "
        "international) counted from the approval.",
    )
    is_international = fields.Boolean(
        compute="_compute_is_international",
        store=True,
        readonly=False,
        help="Customer abroad: solution within 15–30 working days instead of 7.",
    )
    needs_onsite = fields.Boolean(
        "On-site Verification", help="Someone verifies the goods at the customer's warehouse."
    )
    date_onsite = fields.Datetime("On-site Verified", readonly=True, copy=False)
    onsite_deadline = fields.Datetime(compute="_compute_step_deadlines", store=True)
    judgement_deadline = fields.Datetime(compute="_compute_step_deadlines", store=True)
    analysis_deadline = fields.Datetime(compute="_compute_step_deadlines", store=True)
    solution_deadline = fields.Datetime(compute="_compute_step_deadlines", store=True)
    reply_deadline = fields.Datetime(
        "Complaint Reply Deadline", compute="_compute_step_deadlines", store=True
    )
    # Customer reply report (顾客退换货答复报告)
    customer_cause = fields.Text(
        "Cause (customer wording)",
        help="The cause as the customer reads it in the reply report: never processes, "
        "production flow or suppliers.",
    )
    customer_corrective_action = fields.Text("Corrective Action (customer wording)")
    reply_state = fields.Selection(
        [
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("rejected", "Not accepted"),
            ("deemed_accepted", "Deemed accepted"),
        ],
        "Customer Reply",
        readonly=True,
        copy=False,
        tracking=True,
    )
    reply_version = fields.Integer(readonly=True, copy=False)
    date_reply_sent = fields.Datetime("Reply Sent", readonly=True, copy=False)
    date_reply_answer = fields.Datetime("Customer Answer", readonly=True, copy=False)
    followup_done = fields.Boolean(
        "Closure Re-checked",
        readonly=True,
        copy=False,
        help="The re-check one month after closure was scheduled and the satisfaction "
        "request sent.",
    )
    replenish_first = fields.Boolean(
        "Replenish First",
        tracking=True,
        help="先补发,再追究: the replacement ships at approval, before the goods come back.",
    )
    description = fields.Html("Customer Description")
    internal_note = fields.Html()
    date_request = fields.Date(
        "Request Date", default=fields.Date.context_today, required=True, tracking=True
    )

    # Eligibility criteria B/C/D (A is per line: warranty)
    criterion_b = fields.Boolean(
        "B: Quality below contract standard",
        help="Product quality does not reach the contract's acceptance standard.",
    )
    criterion_c = fields.Boolean(
        "C: Payment cannot be collected",
        help="After delivery the customer still cannot pay after repeated communication.",
    )
    criterion_d = fields.Boolean(
        "D: Major change at the customer",
        help="Wrong model chosen, partnership dissolved, change of industry, poor "
        "business condition…",
    )
    eligibility_state = fields.Selection(
        [
            ("not_checked", "Not checked"),
            ("eligible", "Eligible"),
            ("not_eligible", "Not eligible"),
            ("overridden", "Overridden"),
        ],
        default="not_checked",
        readonly=True,
        copy=False,
        tracking=True,
    )
    eligibility_override_reason = fields.Text(readonly=True, copy=False)

    # Approval
    approval_ids = fields.One2many("factory.rma.approval", "rma_id", readonly=True, copy=False)
    manager_approved = fields.Boolean(readonly=True, copy=False)
    needs_second_approval = fields.Boolean(compute="_compute_needs_second_approval")
    reject_reason = fields.Text(readonly=True, copy=False, tracking=True)
    reject_alternative = fields.Selection(
        REJECT_ALTERNATIVES, readonly=True, copy=False, tracking=True
    )

    # Dates and deadlines
    date_submitted = fields.Datetime(readonly=True, copy=False)
    date_approved = fields.Datetime(readonly=True, copy=False)
    date_received = fields.Datetime(readonly=True, copy=False)
    date_judged = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    review_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    return_deadline = fields.Datetime("Customer Return Deadline", readonly=True, copy=False)
    promise_deadline = fields.Datetime(readonly=True, copy=False)
    promised_date = fields.Datetime(
        "Promised Arrival",
        copy=False,
        tracking=True,
        help="Arrival date promised to the customer for the replacement; it "
        "becomes the replacement delivery's scheduled date.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")

    # Lines and documents
    line_ids = fields.One2many("factory.rma.line", "rma_id", "Lines", copy=True)
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)
    picking_ids = fields.Many2many(
        "stock.picking", compute="_compute_stock_documents", string="Transfers"
    )
    picking_count = fields.Integer(compute="_compute_stock_documents")
    repair_ids = fields.Many2many("repair.order", compute="_compute_stock_documents")
    repair_count = fields.Integer(compute="_compute_stock_documents")
    has_received_goods = fields.Boolean(compute="_compute_stock_documents")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "The RMA number must be unique."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("company_id")
    def _compute_currency_id(self):
        for rma in self:
            rma.currency_id = rma.company_id.currency_id

    @api.depends("partner_id")
    def _compute_partner_addresses(self):
        for rma in self:
            addresses = (
                rma.partner_id.address_get(["delivery", "invoice"]) if rma.partner_id else {}
            )
            rma.partner_shipping_id = addresses.get("delivery", False)
            rma.partner_invoice_id = addresses.get("invoice", False)

    @api.depends("partner_id")
    def _compute_customer_class(self):
        for rma in self:
            rma.customer_class = rma.partner_id.commercial_partner_id.rma_customer_class or "c"

    @api.depends("company_id", "sale_order_id")
    def _compute_warehouse_id(self):
        for rma in self:
            if rma.sale_order_id.warehouse_id:
                rma.warehouse_id = rma.sale_order_id.warehouse_id
            elif not rma.warehouse_id or rma.warehouse_id.company_id != rma.company_id:
                rma.warehouse_id = self.env["stock.warehouse"].search(
                    [("company_id", "=", rma.company_id.id)], limit=1
                )

    @api.depends("company_id")
    def _compute_policy_id(self):
        for rma in self:
            if not rma.policy_id or rma.policy_id.company_id != rma.company_id:
                rma.policy_id = self.env["factory.rma.policy"]._get_default(rma.company_id)

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_total(self):
        for rma in self:
            rma.amount_total = sum(rma.line_ids.mapped("price_subtotal"))

    @api.depends("policy_id", "line_ids.reason_id.category", "line_ids.responsibility", "rma_type")
    def _compute_freight_payer(self):
        """Who pays the return freight (RESP-18): the policy's default for
        the reason category, replaced by the judged external party."""
        for rma in self:
            policy = rma.policy_id
            categories = set(rma.line_ids.reason_id.mapped("category"))
            payer = (
                policy.freight_payer_quality
                if "quality" in categories
                else policy.freight_payer_non_quality
            ) or "company"
            external = set(rma.line_ids.mapped("responsibility")) - {False}
            if external and external <= {"dealer"}:
                payer = "dealer"
            elif external and external <= {"customer", "dealer"}:
                payer = "customer"
            elif external and external <= {"carrier"}:
                payer = "carrier"
            rma.freight_payer = payer
            rma.freight_split_percent = (
                policy.freight_split_percent if payer == "split" else rma.freight_split_percent
            )

    @api.depends("user_id")
    def _compute_team_id(self):
        for rma in self:
            rma.team_id = rma.user_id.sale_team_id or rma.team_id

    @api.depends("partner_id.country_id", "company_id.country_id")
    def _compute_is_international(self):
        for rma in self:
            country = rma.partner_id.commercial_partner_id.country_id
            rma.is_international = bool(
                country and rma.company_id.country_id and country != rma.company_id.country_id
            )

    @api.depends(
        "needs_onsite",
        "urgent",
        "is_international",
        "rma_type",
        "date_submitted",
        "date_approved",
        "date_received",
        "date_judged",
        "line_ids.responsibility",
        "policy_id",
    )
    def _compute_step_deadlines(self):
        """Deadlines of the steps (SEED §3.3): clock/calendar days where the
        seeds say 天 or hours, working days on the company calendar where
        they say 工作日."""
        for rma in self:
            policy = rma.policy_id
            rma.onsite_deadline = (
                rma._add_working_days(rma.date_submitted, policy.onsite_working_days)
                if rma.needs_onsite and rma.date_submitted
                else False
            )
            rma.judgement_deadline = (
                rma.date_received + timedelta(days=policy.judgement_days)
                if rma.date_received and rma.rma_type not in NO_GOODS_TYPES
                else False
            )
            rma.analysis_deadline = (
                rma._add_working_days(rma.date_submitted, policy.analysis_working_days)
                if rma.date_submitted and policy.analysis_working_days
                else False
            )
            rma.solution_deadline = rma._solution_deadline()
            reply = False
            if rma.rma_type == "complaint" and rma.date_judged:
                ours = any(line.responsibility_side == "company" for line in rma.line_ids)
                days = (
                    policy.complaint_reply_internal_working_days
                    if ours
                    else policy.complaint_reply_external_working_days
                )
                reply = rma._add_working_days(rma.date_judged, days)
            rma.reply_deadline = reply

    def _solution_deadline(self):
        self.ensure_one()
        policy = self.policy_id
        if self.urgent and self.date_approved:
            days = (
                policy.intl_urgent_solution_working_days
                if self.is_international
                else policy.urgent_solution_working_days
            )
            return self._add_working_days(self.date_approved, days)
        if not self.date_submitted:
            return False
        days = (
            policy.intl_solution_working_days
            if self.is_international
            else policy.solution_working_days
        )
        return self._add_working_days(self.date_submitted, days) if days else False

    def action_onsite_verified(self):
        """The on-site verification at the customer's warehouse is done."""
        self._check_rma_group("rma_factory.group_rma_user", _("record the on-site verification"))
        for rma in self:
            if not rma.needs_onsite or rma.date_onsite:
                raise UserError(_("%s does not wait for an on-site verification.", rma.name))
        self.write({"date_onsite": fields.Datetime.now()})
        self._close_escalations(["onsite"])
        return True

    @api.depends("rma_type", "policy_id.withhold_carrier_freight")
    def _compute_withhold_carrier_freight(self):
        for rma in self:
            rma.withhold_carrier_freight = (
                rma.rma_type == "shortage" and rma.policy_id.withhold_carrier_freight
            )

    @api.depends("rma_type", "amount_total")
    def _compute_deposit_amount(self):
        for rma in self:
            if rma.rma_type != "advance_replacement":
                rma.deposit_amount = 0.0
            elif not rma.deposit_state:
                rma.deposit_amount = rma.amount_total
            else:
                # frozen once the deposit is asked for
                rma.deposit_amount = rma.deposit_amount

    @api.depends("amount_total", "policy_id.second_approval_amount", "currency_id")
    def _compute_needs_second_approval(self):
        for rma in self:
            amount = rma.currency_id._convert(
                rma.amount_total,
                rma.company_id.currency_id,
                rma.company_id,
                rma.date_request or fields.Date.context_today(rma),
            )
            rma.needs_second_approval = (
                float_compare(
                    amount,
                    rma.policy_id.second_approval_amount,
                    precision_rounding=rma.company_id.currency_id.rounding,
                )
                > 0
            )

    @api.depends("line_ids.move_ids.picking_id", "line_ids.move_ids.state", "line_ids.repair_ids")
    def _compute_stock_documents(self):
        for rma in self:
            moves = rma.line_ids.move_ids
            rma.picking_ids = moves.picking_id
            rma.picking_count = len(rma.picking_ids)
            rma.repair_ids = rma.line_ids.repair_ids
            rma.repair_count = len(rma.repair_ids)
            rma.has_received_goods = any(
                m.rma_move_kind == "receipt" and m.state == "done" for m in moves
            )

    def _overdue_domain(self):
        now = fields.Datetime.now()
        open_states = ("draft", "done", "rejected", "cancelled")
        return [
            "|",
            "|",
            "|",
            "|",
            "|",
            "&",
            "&",
            ("needs_onsite", "=", True),
            ("date_onsite", "=", False),
            "&",
            ("onsite_deadline", "<", now),
            ("state", "not in", open_states),
            "&",
            ("state", "=", "received"),
            ("judgement_deadline", "<", now),
            "&",
            ("state", "in", ("submitted", "approved", "received")),
            ("analysis_deadline", "<", now),
            "&",
            "&",
            ("date_reply_sent", "=", False),
            ("solution_deadline", "<", now),
            ("state", "not in", open_states),
            "&",
            "&",
            ("date_reply_sent", "=", False),
            ("reply_deadline", "<", now),
            ("state", "not in", ("rejected", "cancelled")),
            "|",
            "|",
            "&",
            ("state", "=", "submitted"),
            ("review_deadline", "<", now),
            "&",
            ("state", "=", "approved"),
            ("return_deadline", "<", now),
            "|",
            "&",
            ("claim_state", "=", "to_claim"),
            ("claim_deadline", "<", now),
            "&",
            "&",
            ("replenish_first", "=", True),
            ("promised_date", "=", False),
            "&",
            ("promise_deadline", "<", now),
            ("state", "not in", ("draft", "done", "rejected", "cancelled")),
        ]

    def _compute_is_overdue(self):
        overdue = self.filtered_domain(self._overdue_domain()) if self.ids else self.browse()
        for rma in self:
            rma.is_overdue = rma in overdue

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Overdue'."))
        domain = self._overdue_domain()
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("factory.rma", sequence_date=vals.get("date_request"))
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("promised_date"):
            self._apply_promised_date()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(rma.state not in ("draft", "cancelled") for rma in self):
            raise UserError(_("Only draft or cancelled RMAs can be deleted."))

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for rma in self:
            rma.access_url = f"/my/rma/{rma.id}"

    @api.model
    def _visible_count(self, domain, groupby):
        """RMA counters of Odoo's documents: ``{groupby value: count}`` over
        the RMAs of ``domain`` that the current user may read (access rights
        and record rules), empty when he may read none. The users of a sale
        order or a partner without RMA rights read the counter as 0 instead
        of an access error."""
        if not self.has_access("read"):
            return {}
        return dict(self._read_group(domain, [groupby], ["__count"]))

    def _rating_get_partner(self):
        return self.partner_id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _lock_for_update(self):
        """Row-lock the RMAs for the rest of the transaction so that two
        quick clicks (or two users) cannot run the same button twice; the
        second one waits or gets a clear error, then sees the new state."""
        if not self.ids:
            return
        try:
            self.env.cr.execute(
                "SELECT id FROM factory_rma WHERE id IN %s FOR UPDATE NOWAIT", [tuple(self.ids)]
            )
        except OperationalError as exc:
            raise UserError(
                _("This RMA is being processed by another action. Please try again.")
            ) from exc
        self.invalidate_recordset(["state"])

    def _check_state(self, states, action_label):
        wrong = self.filtered(lambda r: r.state not in states)
        if wrong:
            state_labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(action)s is not possible on %(rma)s in state %(state)s.",
                    action=action_label,
                    rma=wrong[0].name,
                    state=state_labels[wrong[0].state],
                )
            )

    def _check_rma_group(self, group_xmlid, action_label):
        if not self.env.su and not self.env.user.has_group(group_xmlid):
            group = self.env.ref(group_xmlid)
            raise AccessError(
                _(
                    "Only members of the group “%(group)s” can %(action)s.",
                    group=group.name,
                    action=action_label,
                )
            )

    def _tz(self):
        calendar = self.company_id.resource_calendar_id
        return pytz.timezone(calendar.tz or self.env.user.tz or "UTC")

    def _add_working_days(self, start, days):
        """Return the end of the ``days``-th working day after ``start`` on the
        company calendar (public holidays are calendar leaves). The start day
        itself never counts: approved Monday + 7 working days = Wednesday of
        the following week."""
        self.ensure_one()
        if not start:
            return False
        calendar = self.company_id.resource_calendar_id
        tz = self._tz()
        local_start = pytz.utc.localize(start).astimezone(tz)
        next_day = tz.localize(datetime.combine(local_start.date() + timedelta(days=1), time.min))
        if not calendar or days <= 0:
            return start
        end = calendar.plan_days(days, next_day, compute_leaves=True)
        if not end:
            return start + timedelta(days=days)
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    def _end_of_day_after(self, start, days):
        """End (23:59:59 local) of the calendar day ``days`` after ``start``."""
        self.ensure_one()
        tz = self._tz()
        local_start = pytz.utc.localize(start).astimezone(tz)
        local_end = tz.localize(
            datetime.combine(local_start.date() + timedelta(days=days), time(23, 59, 59))
        )
        return local_end.astimezone(pytz.utc).replace(tzinfo=None)

    def _log_approval(self, step, comment=False):
        self.env["factory.rma.approval"].sudo().create(
            [{"rma_id": rma.id, "step": step, "comment": comment} for rma in self]
        )

    def _notify_customer(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for rma in self:
            rma.with_context(mail_notify_author=True).message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=rma.partner_id.ids,
            )

    # ------------------------------------------------------------------
    # Submit and eligibility
    # ------------------------------------------------------------------
    def _check_can_submit(self):
        self._check_state(("draft",), _("Submitting"))
        for rma in self:
            if not rma.line_ids:
                raise UserError(
                    _("Add at least one product line to %s before submitting.", rma.name)
                )
        self.line_ids._check_quantities()

    def action_submit(self):
        """Customer service submits: the eligibility check runs line by line
        and the review deadline starts (policy, default 24 clock hours)."""
        self._lock_for_update()
        self._check_can_submit()
        now = fields.Datetime.now()
        self.line_ids._compute_eligibility()
        for rma in self:
            eligible = all(line.eligibility_state == "eligible" for line in rma.line_ids)
            rma.write(
                {
                    "state": "submitted",
                    "date_submitted": now,
                    "review_deadline": now + timedelta(hours=rma.policy_id.review_hours),
                    "eligibility_state": "eligible" if eligible else "not_eligible",
                    "promise_deadline": rma._end_of_day_after(
                        now, rma.policy_id._promise_days(rma.customer_class)
                    )
                    if rma.replenish_first
                    else False,
                }
            )
        self._log_approval("submit")
        self._schedule_approval_activity("manager")
        return True

    def action_check_eligibility(self):
        """Re-run the eligibility check without changing the state."""
        self._check_state(("draft", "submitted"), _("Checking eligibility"))
        self.line_ids._compute_eligibility()
        for rma in self.filtered(
            lambda r: r.state == "submitted" and r.eligibility_state != "overridden"
        ):
            eligible = all(line.eligibility_state == "eligible" for line in rma.line_ids)
            rma.eligibility_state = "eligible" if eligible else "not_eligible"
        return True

    def action_open_override_wizard(self):
        self._check_state(("submitted",), _("Overriding eligibility"))
        self._check_rma_group("rma_factory.group_rma_manager", _("override the eligibility check"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Override Eligibility"),
            "res_model": "factory.rma.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rma_id": self.id},
        }

    def _override_eligibility(self, justification):
        """Called by the override wizard. A written justification is
        mandatory and is logged in the approval trail and the chatter."""
        self._lock_for_update()
        self._check_state(("submitted",), _("Overriding eligibility"))
        self._check_rma_group("rma_factory.group_rma_manager", _("override the eligibility check"))
        justification = (justification or "").strip()
        if len(justification) < 10:
            raise UserError(_("Write a justification (at least 10 characters) for the override."))
        failed_lines = self.line_ids.filtered(lambda line: line.eligibility_state == "failed")
        failed_lines.write({"eligibility_state": "overridden"})
        self.write(
            {"eligibility_state": "overridden", "eligibility_override_reason": justification}
        )
        self._log_approval("override", justification)
        for rma in self:
            rma.message_post(
                body=_(
                    "Eligibility check overridden by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=justification,
                )
            )
        return True

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def _schedule_approval_activity(self, level):
        group = self.env.ref(
            "rma_factory.group_rma_approver"
            if level == "approver"
            else "rma_factory.group_rma_manager"
        )
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_approval")
        for rma in self:
            user = rma.policy_id.escalation_user_id
            if not user or group not in user.groups_id:
                user = group.users.filtered(
                    lambda u, rma=rma: rma.company_id in u.company_ids and not u.share
                )[:1]
            if not user:
                continue
            rma.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                date_deadline=(rma.review_deadline or fields.Datetime.now()).date(),
                summary=_("Approve RMA %s", rma.name),
            )

    def _close_approval_activities(self):
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_approval")
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).action_feedback()

    def _check_can_approve(self):
        self._check_state(("submitted",), _("Approving"))
        self._check_rma_group("rma_factory.group_rma_manager", _("approve RMAs"))
        not_eligible = self.filtered(
            lambda r: r.eligibility_state not in ("eligible", "overridden")
        )
        if not_eligible:
            reasons = "\n".join(
                f"- {line.product_id.display_name}: {line.eligibility_note}"
                for line in not_eligible[0].line_ids.filtered(
                    lambda x: x.eligibility_state == "failed"
                )
            )
            raise UserError(
                _(
                    "%(rma)s does not meet the return policy:\n%(reasons)s\n"
                    "Reject it, or override the check with a written justification.",
                    rma=not_eligible[0].name,
                    reasons=reasons,
                )
            )
        for rma in self:
            if rma.return_method in ("pickup", "drop_off") and (
                not rma.expected_arrival_date or not rma.pickup_place
            ):
                raise UserError(
                    _(
                        "%s: goods are picked up or dropped off only when pre-notified: record "
                        "the expected arrival date and place first.",
                        rma.name,
                    )
                )
        self.line_ids._check_quantities()

    def action_approve(self):
        """RMA Manager approves; above the policy amount the RMA Approver must
        approve as well. The final approval creates the return receipt (and,
        for replenish-first, the replacement delivery)."""
        self._lock_for_update()
        self._check_can_approve()
        is_approver = self.env.su or self.env.user.has_group("rma_factory.group_rma_approver")
        final = self.browse()
        for rma in self:
            if rma.needs_second_approval and not is_approver:
                if rma.manager_approved:
                    raise UserError(
                        _(
                            "%s is waiting for the RMA Approver: you have already approved it.",
                            rma.name,
                        )
                    )
                rma.manager_approved = True
                rma._log_approval("manager")
                rma._close_approval_activities()
                rma._schedule_approval_activity("approver")
                rma.message_post(
                    body=_(
                        "Approved by %(user)s; an RMA Approver must also approve (amount above %(limit)s).",  # noqa: E501
                        user=self.env.user.name,
                        limit=rma.policy_id.second_approval_amount,
                    )
                )
                continue
            rma._log_approval("approver" if rma.needs_second_approval else "manager")
            final |= rma
        if final:
            final._do_approve()
        return True

    def _do_approve(self):
        now = fields.Datetime.now()
        for rma in self:
            rma.write(rma._prepare_approval_vals(now))
        self._close_approval_activities()
        self._close_escalations(["review"])
        self._create_receipts()
        self._approve_by_type(now)
        replenish = self.filtered("replenish_first")
        if replenish:
            replenish.line_ids.filtered(
                lambda line: line.requested_outcome == "replace"
            )._create_replacements()
            replenish._schedule_promise_activity()
        self._notify_customer("rma_factory.mail_template_rma_approved")

    def _prepare_approval_vals(self, now):
        """Values written at the final approval: state, dates and the
        deadlines of the RMA type."""
        self.ensure_one()
        policy = self.policy_id
        vals = {
            "state": "approved",
            "manager_approved": True,
            "date_approved": now,
            "return_deadline": self._add_working_days(now, policy.return_working_days),
        }
        if self.rma_type in NO_GOODS_TYPES:
            vals["return_deadline"] = False
        elif self.rma_type == "spare_part":
            vals["return_deadline"] = now + relativedelta(months=policy.spare_part_return_months)
        if self.rma_type == "shortage":
            delivered = self.line_ids.move_id.filtered(lambda m: m.state == "done").mapped("date")
            start = self.picking_id.date_done or (max(delivered) if delivered else now)
            vals["claim_deadline"] = start + timedelta(hours=policy.carrier_claim_hours)
            vals["claim_state"] = "to_claim"
        if self.rma_type == "advance_replacement":
            vals["deposit_state"] = "to_collect"
        return vals

    def _approve_by_type(self, now):
        """Flow rules of the RMA types at approval: a shortage is replenished
        at once and needs no receipt nor judgement; a spare part ships at
        once; a complaint goes straight to the judgement."""
        shortage = self.filtered(lambda r: r.rma_type == "shortage")
        if shortage:
            shortage.line_ids.write({"decided_outcome": "replace"})
        ship_now = self.filtered(lambda r: r.rma_type in ("shortage", "spare_part"))
        if ship_now:
            ship_now.line_ids.filtered(lambda line: not line.is_third_party)._create_replacements()
        if shortage:
            shortage.write({"state": "processing", "date_judged": now})
        complaint = self.filtered(lambda r: r.rma_type == "complaint")
        if complaint:
            complaint.write({"state": "received", "date_received": now})

    # ------------------------------------------------------------------
    # Advance replacement against a deposit
    # ------------------------------------------------------------------
    def _check_deposit(self, states, action_label):
        self._check_rma_group("rma_factory.group_rma_manager", action_label)
        for rma in self:
            if rma.rma_type != "advance_replacement" or rma.deposit_state not in states:
                raise UserError(
                    _("%(action)s is not possible on %(rma)s.", action=action_label, rma=rma.name)
                )

    def action_deposit_received(self):
        """The customer paid the deposit: the replacement ships (先发新货,
        再退回). The accounting addon posts the deposit."""
        self._lock_for_update()
        self._check_deposit(("to_collect",), _("Recording the deposit"))
        self._check_state(
            ("approved", "received", "judged", "processing"), _("Recording the deposit")
        )
        self.write({"deposit_state": "received", "date_deposit": fields.Datetime.now()})
        self.line_ids.filtered(lambda line: not line.is_third_party)._create_replacements()
        return True

    def action_release_deposit(self):
        """The goods came back in order: the deposit is given back."""
        self._lock_for_update()
        self._check_deposit(("received",), _("Releasing the deposit"))
        for rma in self:
            missing = rma.line_ids.filtered(
                lambda line: (
                    float_compare(
                        line.qty_received,
                        line.quantity,
                        precision_rounding=line.product_uom_id.rounding,
                    )
                    < 0
                )
            )
            if missing:
                raise UserError(
                    _(
                        "%(rma)s: %(product)s has not fully come back; apply the deposit instead.",
                        rma=rma.name,
                        product=missing[0].product_id.display_name,
                    )
                )
        self.write({"deposit_state": "released"})
        return True

    def action_apply_deposit(self):
        """The goods did not come back, or not in order: the deposit is kept
        against the replacement."""
        self._lock_for_update()
        self._check_deposit(("received",), _("Applying the deposit"))
        self.write({"deposit_state": "applied"})
        return True

    def _schedule_promise_activity(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for rma in self:
            rma.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=rma.user_id.id or self.env.uid,
                date_deadline=(rma.promise_deadline or fields.Datetime.now()).date(),
                summary=_("Promise an arrival date for the replacement"),
            )

    def _apply_promised_date(self):
        """The promised arrival date becomes the replacement's scheduled date."""
        for rma in self:
            moves = rma.line_ids.move_ids.filtered(
                lambda m: m.rma_move_kind == "replacement" and m.state not in ("done", "cancel")
            )
            moves.picking_id.write({"scheduled_date": rma.promised_date})
            moves.write({"date": rma.promised_date})
        self._close_escalations(["promise"])

    def action_open_reject_wizard(self):
        self._check_state(("submitted",), _("Rejecting"))
        self._check_rma_group("rma_factory.group_rma_manager", _("reject RMAs"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject RMA"),
            "res_model": "factory.rma.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rma_ids": self.ids},
        }

    def _reject(self, reason, alternative):
        """Called by the reject wizard: a reason and a proposed alternative
        are mandatory; the customer is notified."""
        self._lock_for_update()
        self._check_state(("submitted",), _("Rejecting"))
        self._check_rma_group("rma_factory.group_rma_manager", _("reject RMAs"))
        reason = (reason or "").strip()
        if not reason or not alternative:
            raise UserError(_("A rejection needs a reason and a proposed alternative."))
        self.write(
            {"state": "rejected", "reject_reason": reason, "reject_alternative": alternative}
        )
        label = dict(REJECT_ALTERNATIVES)[alternative]
        self._log_approval("reject", f"{reason} / {label}")
        self._close_approval_activities()
        self._close_escalations(["review"])
        self._notify_customer("rma_factory.mail_template_rma_rejected")
        return True

    def action_draft(self):
        """Reset a rejected or cancelled RMA to draft."""
        self._lock_for_update()
        self._check_state(("rejected", "cancelled"), _("Resetting to draft"))
        self.write(
            {
                "state": "draft",
                "manager_approved": False,
                "eligibility_state": "not_checked",
                "eligibility_override_reason": False,
                "reject_reason": False,
                "reject_alternative": False,
                "review_deadline": False,
                "promise_deadline": False,
                "return_deadline": False,
            }
        )
        self.line_ids.write({"eligibility_state": "not_checked", "eligibility_note": False})
        return True

    def action_cancel(self):
        """Cancel before any goods have moved: open pickings are cancelled."""
        self._lock_for_update()
        self._check_state(("draft", "submitted", "approved"), _("Cancelling"))
        for rma in self:
            done_moves = rma.line_ids.move_ids.filtered(lambda m: m.state == "done")
            if done_moves:
                raise UserError(
                    _(
                        "%s cannot be cancelled: goods have already been received or shipped.",
                        rma.name,
                    )
                )
        self.line_ids.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        )._action_cancel()
        self.write({"state": "cancelled"})
        self._close_approval_activities()
        self._close_escalations(list(self._escalation_step_labels()))
        return True

    # ------------------------------------------------------------------
    # Stock documents
    # ------------------------------------------------------------------
    def _prepare_picking_vals(self, picking_type, location, location_dest):
        """Values of an RMA transfer; integrators extend it to add their
        own fields (carrier, tracking reference…)."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "partner_id": self.partner_shipping_id.id or self.partner_id.id,
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "rma_id": self.id,
            "move_type": "direct",
        }

    def _customer_location(self):
        self.ensure_one()
        return (
            (self.partner_shipping_id or self.partner_id)
            .with_company(self.company_id)
            .property_stock_customer
        )

    def _create_receipts(self):
        """One receipt per RMA (customer → RMA/Input) for every line that
        expects goods back, linked to the original delivery moves."""
        pickings = self.env["stock.picking"]
        for rma in self:
            lines = rma.line_ids.filtered(lambda line: line._expects_goods_back())
            if not lines:
                continue
            warehouse = rma.warehouse_id
            picking_vals = rma._prepare_picking_vals(
                warehouse.rma_in_type_id, rma._customer_location(), warehouse.rma_input_loc_id
            )
            picking_vals["move_ids"] = [
                fields.Command.create(line._prepare_receipt_move_vals()) for line in lines
            ]
            pickings |= self.env["stock.picking"].create(picking_vals)
        if pickings:
            pickings.action_confirm()
            pickings.action_assign()
            for move in pickings.move_ids.filtered(lambda m: m.rma_line_id.lot_id):
                move.move_line_ids.write({"lot_id": move.rma_line_id.lot_id.id})
        return pickings

    def _create_outgoing_pickings(self, moves_vals_by_rma):
        """Confirmed RMA deliveries (one per RMA and source location) from
        prepared move values; the caller reserves them."""
        pickings = self.env["stock.picking"]
        for rma, moves_vals in moves_vals_by_rma.items():
            by_location = {}
            for vals in moves_vals:
                by_location.setdefault(vals["location_id"], []).append(vals)
            for location_id, vals_list in by_location.items():
                picking_vals = rma._prepare_picking_vals(
                    rma.warehouse_id.rma_out_type_id,
                    self.env["stock.location"].browse(location_id),
                    rma._customer_location(),
                )
                picking_vals["move_ids"] = [fields.Command.create(v) for v in vals_list]
                pickings |= self.env["stock.picking"].create(picking_vals)
        if pickings:
            pickings.action_confirm()
        return pickings

    # ------------------------------------------------------------------
    # Judgement and processing
    # ------------------------------------------------------------------
    def _check_can_judge(self):
        self._check_state(("received",), _("Confirming the judgement"))
        self._check_rma_group("rma_factory.group_rma_user", _("judge RMAs"))
        for rma in self:
            undecided = rma.line_ids.filtered(
                lambda line: (
                    (
                        not line._expects_goods_back()
                        or not float_is_zero(
                            line.qty_received, precision_rounding=line.product_uom_id.rounding
                        )
                    )
                    and not line.decided_outcome
                )
            )
            if undecided:
                raise UserError(
                    _(
                        "Decide the outcome of every received line of %(rma)s first (%(product)s).",
                        rma=rma.name,
                        product=undecided[0].product_id.display_name,
                    )
                )
        self.line_ids._check_outcomes()

    def action_judge(self):
        """Confirm the decided outcomes (by hand here; by the quality
        inspection when rma_factory_quality is installed)."""
        self._lock_for_update()
        self._check_can_judge()
        self.write({"state": "judged", "date_judged": fields.Datetime.now()})
        self._close_escalations(["judgement", "analysis"])
        return True

    def _check_can_process(self):
        self._check_state(("judged", "processing"), _("Processing"))
        self._check_rma_group("rma_factory.group_rma_user", _("process RMAs"))
        self.line_ids._check_outcomes()
        unagreed = self.line_ids.filtered(
            lambda line: (
                line.decided_outcome == "repair"
                and line.service_charge == "charged"
                and not line.customer_agreed
            )
        )
        if unagreed:
            raise UserError(
                _(
                    "The repair of %(product)s on %(rma)s is charged: record the customer's agreement first.",  # noqa: E501
                    product=unagreed[0].product_id.display_name,
                    rma=unagreed[0].rma_id.name,
                )
            )
        unapproved = self.line_ids.filtered(
            lambda line: line._needs_outcome_approval() and not line.outcome_approved
        )
        if unapproved:
            raise UserError(
                _(
                    "The %(outcome)s of %(product)s on %(rma)s needs the RMA Approver's approval first.",  # noqa: E501
                    outcome=dict(
                        unapproved[0]._fields["decided_outcome"]._description_selection(self.env)
                    )[unapproved[0].decided_outcome],
                    product=unapproved[0].product_id.display_name,
                    rma=unapproved[0].rma_id.name,
                )
            )

    def action_process(self):
        """Run each line's outcome for its received, not yet processed
        quantity: routing transfers, repair orders, replacements, send-backs
        and scraps. Can be run again when more goods arrive."""
        self._lock_for_update()
        self._check_can_process()
        self.line_ids._run_outcomes()
        self.filtered(lambda r: r.state == "judged").write({"state": "processing"})
        self._sync_state_from_stock()
        return True

    def _sync_state_from_stock(self):
        """Move RMAs forward after stock events: approved → received when the
        first goods arrive; processing → done when every line is resolved.
        Called from stock move, repair and scrap hooks, as superuser because
        the warehouse user validating a transfer has no RMA rights."""
        rmas = self.sudo()
        to_receive = rmas.filtered(
            lambda r: (
                r.state == "approved"
                and any(
                    m.rma_move_kind == "receipt" and m.state == "done" for m in r.line_ids.move_ids
                )
            )
        )
        if to_receive:
            to_receive.write({"state": "received", "date_received": fields.Datetime.now()})
            to_receive._close_escalations(["return"])
        to_finish = rmas.filtered(
            lambda r: r.state == "processing" and all(line.is_resolved for line in r.line_ids)
        )
        if to_finish:
            to_finish._action_done()

    def _action_done(self):
        """Done: escalations close. The re-check and the satisfaction request
        follow one month later (``_cron_closure_followup``)."""
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._close_escalations(list(self._escalation_step_labels()))

    # ------------------------------------------------------------------
    # Customer reply report and closure follow-up
    # ------------------------------------------------------------------
    def _check_can_send_reply(self):
        self._check_rma_group("rma_factory.group_rma_user", _("send the customer reply"))
        self._check_state(("judged", "processing", "done"), _("Sending the customer reply"))
        for rma in self:
            if not (rma.customer_cause or "").strip():
                raise UserError(
                    _("%s: write the cause in customer wording before replying.", rma.name)
                )

    def action_send_customer_reply(self):
        """Open the mail composer with the customer reply report."""
        self.ensure_one()
        self._check_can_send_reply()
        template = self.env.ref("rma_factory.mail_template_rma_customer_reply")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "mark_rma_reply_sent": True,
                "force_email": True,
            },
        }

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """Posting from the composer of ``action_send_customer_reply`` marks
        the reply as sent."""
        if self.env.context.get("mark_rma_reply_sent"):
            self._mark_reply_sent()
        return super().message_post(**kwargs)

    def _mark_reply_sent(self):
        self._close_escalations(["solution", "reply"])
        for rma in self:
            rma.write(
                {
                    "reply_state": "sent",
                    "reply_version": rma.reply_version + 1,
                    "date_reply_sent": fields.Datetime.now(),
                    "date_reply_answer": False,
                }
            )

    def _check_can_record_reply(self):
        self._check_rma_group("rma_factory.group_rma_user", _("record the customer's answer"))
        for rma in self:
            if rma.reply_state != "sent":
                raise UserError(_("%s: no reply is waiting for the customer's answer.", rma.name))

    def _portal_record_reply(self, accepted):
        """The customer answers the reply report from the portal (the
        controller has checked the access token and calls this as
        superuser)."""
        self.ensure_one()
        if self.reply_state != "sent":
            raise UserError(_("%s: no reply is waiting for your answer.", self.name))
        self.message_post(
            body=_("The customer accepted the corrective action from the portal.")
            if accepted
            else _("The customer did not accept the corrective action (portal)."),
            author_id=self.partner_id.id,
        )
        if accepted:
            return self._do_reply_accepted()
        return self._do_reply_rejected()

    def action_reply_accepted(self):
        """The customer confirms the corrective action (from a reply or the
        portal)."""
        self._lock_for_update()
        self._check_can_record_reply()
        return self._do_reply_accepted()

    def _do_reply_accepted(self):
        self.write({"reply_state": "accepted", "date_reply_answer": fields.Datetime.now()})
        self._close_after_reply()
        return True

    def action_reply_rejected(self):
        """The customer does not accept: the corrective action is reworked
        and a new report issued (activity for the RMA's responsible)."""
        self._lock_for_update()
        self._check_can_record_reply()
        return self._do_reply_rejected()

    def _do_reply_rejected(self):
        self.write({"reply_state": "rejected", "date_reply_answer": fields.Datetime.now()})
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for rma in self:
            rma.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=rma.user_id.id or self.env.uid,
                summary=_("Customer did not accept: rework the corrective action and reply again"),
            )
        return True

    def _close_after_reply(self):
        """An accepted (or deemed accepted) reply closes the RMA once its
        goods and documents are complete."""
        to_close = self.filtered(
            lambda r: (
                r.state in ("judged", "processing") and all(line.is_resolved for line in r.line_ids)
            )
        )
        if to_close:
            to_close._action_done()

    @api.model
    def _cron_reply_deemed_accepted(self):
        """TIME-42: a reply without answer for the policy's days (45) is
        deemed accepted and the RMA closed."""
        now = fields.Datetime.now()
        rmas = self.search([("reply_state", "=", "sent")])
        deemed = rmas.filtered(
            lambda r: (
                r.date_reply_sent
                and r.date_reply_sent + timedelta(days=r.policy_id.reply_deemed_days) <= now
            )
        )
        if deemed:
            deemed.write({"reply_state": "deemed_accepted", "date_reply_answer": now})
            for rma in deemed:
                rma.message_post(
                    body=_(
                        "No answer from the customer within %s days: the reply is deemed accepted.",
                        rma.policy_id.reply_deemed_days,
                    )
                )
            deemed._close_after_reply()
        return deemed

    @api.model
    def _cron_closure_followup(self):
        """TIME-28: one month after closure, a re-check activity (was the
        complaint closed effectively?) and the satisfaction request."""
        now = fields.Datetime.now()
        rmas = self.search([("state", "=", "done"), ("followup_done", "=", False)])
        due = rmas.filtered(
            lambda r: r.date_done and r.date_done + timedelta(days=r.policy_id.recheck_days) <= now
        )
        if not due:
            return due
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for rma in due:
            rma.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=rma.user_id.id or self.env.uid,
                summary=_("Re-check: was the complaint closed effectively?"),
            )
        due.write({"followup_done": True})
        due._send_satisfaction_request()
        return due

    def _send_satisfaction_request(self):
        template = self.env.ref("rma_factory.mail_template_rma_rating", raise_if_not_found=False)
        if not template:
            return
        for rma in self.filtered("partner_id.email"):
            rma.rating_send_request(template, lang=rma.partner_id.lang, force_send=False)

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def _overdue_steps(self, now):
        self.ensure_one()
        steps = []
        if self.state == "submitted" and self.review_deadline and self.review_deadline < now:
            steps.append("review")
        if self.state == "approved" and self.return_deadline and self.return_deadline < now:
            steps.append("return")
        if (
            self.replenish_first
            and not self.promised_date
            and self.promise_deadline
            and self.promise_deadline < now
            and self.state not in ("draft", "done", "rejected", "cancelled")
        ):
            steps.append("promise")
        if self.claim_state == "to_claim" and self.claim_deadline and self.claim_deadline < now:
            steps.append("claim")
        active = self.state not in ("draft", "done", "rejected", "cancelled")

        def late(deadline):
            return bool(deadline and deadline < now)

        if active and self.needs_onsite and not self.date_onsite and late(self.onsite_deadline):
            steps.append("onsite")
        if self.state == "received" and late(self.judgement_deadline):
            steps.append("judgement")
        if self.state in ("submitted", "approved", "received") and late(self.analysis_deadline):
            steps.append("analysis")
        if active and not self.date_reply_sent and late(self.solution_deadline):
            steps.append("solution")
        if (
            self.state not in ("rejected", "cancelled")
            and not self.date_reply_sent
            and late(self.reply_deadline)
        ):
            steps.append("reply")
        return steps

    def _escalation_step_labels(self):
        """Summary of the escalation activity of each step. Addons adding
        steps to ``_overdue_steps`` and ``_overdue_domain`` add their label
        here."""
        return {
            "review": _("Review overdue"),
            "return": _("Customer return overdue"),
            "promise": _("Replacement arrival date not promised"),
            "claim": _("Carrier claim overdue"),
            "onsite": _("On-site verification overdue"),
            "judgement": _("Quality judgement overdue"),
            "analysis": _("Cause analysis overdue"),
            "solution": _("Solution and reply overdue"),
            "reply": _("Complaint reply overdue"),
        }

    def _escalation_user(self):
        """Who gets the escalation activity: the policy's escalation manager,
        else an RMA Manager of the company, else the RMA's responsible."""
        self.ensure_one()
        if self.policy_id.escalation_user_id:
            return self.policy_id.escalation_user_id
        managers = self.env.ref("rma_factory.group_rma_manager").users.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        return managers.sorted("id")[:1] or self.user_id or self.env.user

    @api.model
    def _cron_escalate_overdue(self):
        """Daily: one escalation activity per overdue step and RMA. Running
        it again creates nothing new while the activity is open."""
        now = fields.Datetime.now()
        rmas = self.search(self._overdue_domain())
        if not rmas:
            return
        existing = self.env["mail.activity"].search_read(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", rmas.ids),
                ("rma_escalation_step", "!=", False),
            ],
            ["res_id", "rma_escalation_step"],
        )
        done = {(a["res_id"], a["rma_escalation_step"]) for a in existing}
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_escalation")
        labels = self._escalation_step_labels()
        vals_list = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for rma in rmas:
            for step in rma._overdue_steps(now):
                if (rma.id, step) in done:
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": rma.id,
                        "activity_type_id": activity_type.id,
                        "user_id": rma._escalation_user().id,
                        "summary": f"{rma.name}: {labels[step]}",
                        "date_deadline": fields.Date.context_today(self),
                        "rma_escalation_step": step,
                    }
                )
        if vals_list:
            self.env["mail.activity"].create(vals_list)

    def _close_escalations(self, steps):
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("rma_escalation_step", "in", steps),
                ]
            )
        )
        if activities:
            activities.action_feedback(feedback=_("Step completed."))

    # ------------------------------------------------------------------
    # Confidentiality of documents sent to customers (8D-07)
    # ------------------------------------------------------------------
    def _confidential_partners(self, extra_partners=None):
        """Suppliers whose names never appear in a document for the
        customer: suppliers judged responsible on the lines and vendors of
        the products, except those whitelisted on the partner."""
        self.ensure_one()
        lines = self.line_ids.sudo()
        partners = lines.filtered(
            lambda line: line.responsibility == "supplier"
        ).responsible_partner_id
        partners |= lines.responsible_partner_id.filtered(lambda p: p.supplier_rank > 0)
        partners |= lines.product_id.seller_ids.partner_id
        if extra_partners:
            partners |= extra_partners.sudo()
        partners |= partners.commercial_partner_id
        return partners.filtered(lambda p: not p.rma_disclose_in_reports)

    def _customer_safe_text(self, text, extra_partners=None):
        """``text`` with the names of confidential suppliers replaced."""
        self.ensure_one()
        if not text:
            return text
        for partner in self._confidential_partners(extra_partners):
            for name in {partner.name} - {False, ""}:
                text = re.sub(re.escape(name), _("[supplier]"), text, flags=re.IGNORECASE)
        return text

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        if len(self.picking_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.picking_ids.id)
        return action

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("id", "in", self.repair_ids.ids)]
        action["context"] = {"create": False}
        if len(self.repair_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.repair_ids.id)
        return action

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "views": [(False, "form")],
            "res_id": self.sale_order_id.id,
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "views": [(False, "form")],
            "res_id": self.invoice_id.id,
        }

    # ------------------------------------------------------------------
    # Creation from origin documents
    # ------------------------------------------------------------------
    @api.model
    def _prepare_rma_vals_from_partner(self, partner, company):
        return {
            "partner_id": partner.id,
            "company_id": company.id,
        }

    @api.model
    def _create_from_moves(self, moves, header_vals):
        """Create a draft RMA with one line per delivered lot of ``moves``
        (done deliveries to the customer), for the quantity not yet returned
        on other RMAs. Raises when nothing is left to return."""
        line_vals = []
        for move in moves:
            line_vals.extend(self.env["factory.rma.line"]._prepare_vals_from_move(move))
        if not line_vals:
            raise UserError(
                _("Nothing left to return: every delivered quantity is already on an RMA.")
            )
        vals = dict(header_vals, line_ids=[fields.Command.create(v) for v in line_vals])
        return self.create(vals)

    def _action_open_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma",
            "views": [(False, "form")],
            "res_id": self.id,
        }

    @api.constrains("sale_order_id", "picking_id", "invoice_id", "partner_id")
    def _check_origin_partner(self):
        for rma in self:
            commercial = rma.partner_id.commercial_partner_id
            for origin in (rma.sale_order_id, rma.picking_id, rma.invoice_id):
                if origin and origin.partner_id.commercial_partner_id != commercial:
                    raise ValidationError(
                        _(
                            "%(origin)s belongs to another customer than %(rma)s.",
                            origin=origin.display_name,
                            rma=rma.name,
                        )
                    )
