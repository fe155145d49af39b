from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from .factory_rma_outcome import RMA_TYPES

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

    Confidentiality: the fields the customer portal shows carry no
    ``groups``; every other field is internal (``groups="base.group_user"``),
    so that a portal user reads over RPC what the portal page shows, nothing
    more (``factory_rma_portal.py``).
    """

    _name = "factory.rma"
    _description = "Customer Return (RMA)"
    _inherit = ["portal.mixin", "rating.mixin", "mail.activity.mixin", "factory.rma.guard"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        "Number", required=True, copy=False, readonly=True, index="trigram", default="/"
    )
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        help="Currency of the origin sale order or invoice (prices, credits and charges), "
        "else the company's.",
        groups="base.group_user",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency", groups="base.group_user"
    )
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
    partner_contact_id = fields.Many2one(
        "res.partner", "Contact", check_company=True, groups="base.group_user"
    )
    partner_shipping_id = fields.Many2one(
        "res.partner",
        "Delivery Address",
        compute="_compute_partner_addresses",
        store=True,
        readonly=False,
        check_company=True,
        groups="base.group_user",
    )
    partner_invoice_id = fields.Many2one(
        "res.partner",
        "Invoice Address",
        compute="_compute_partner_addresses",
        store=True,
        readonly=False,
        check_company=True,
        groups="base.group_user",
    )
    customer_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        compute="_compute_customer_class",
        store=True,
        readonly=False,
        help="Copied from the customer; drives the replenish-first promise time.",
        groups="base.group_user",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
        groups="base.group_user",
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
        groups="base.group_user",
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
        groups="base.group_user",
    )
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

    # Follow-up: the sales team (late steps are reported by team), what the
    # customer said and when the goods came back, were judged, were done
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        check_company=True,
        groups="base.group_user",
    )
    description = fields.Html("Customer Description", groups="base.group_user")
    internal_note = fields.Html(groups="base.group_user")
    date_request = fields.Date(
        "Request Date", default=fields.Date.context_today, required=True, tracking=True
    )
    date_received = fields.Datetime(readonly=True, copy=False)
    date_judged = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    date_done = fields.Datetime(readonly=True, copy=False)

    # Lines and documents
    line_ids = fields.One2many("factory.rma.line", "rma_id", "Lines", copy=True)
    amount_total = fields.Monetary(
        compute="_compute_amount_total", store=True, groups="base.group_user"
    )
    product_summary = fields.Char(
        "Products",
        compute="_compute_product_summary",
        help="Products and quantities returned.",
        groups="base.group_user",
    )
    picking_ids = fields.Many2many(
        "stock.picking",
        compute="_compute_stock_documents",
        string="Transfers",
        groups="base.group_user",
    )
    repair_ids = fields.Many2many(
        "repair.order", compute="_compute_stock_documents", groups="base.group_user"
    )

    # Counts are computed as superuser: every role that reads the RMA (stock,
    # accounting, quality) sees them on the form, also when it cannot read the
    # documents themselves (a quality inspector and stock moves, an accountant
    # and repair orders). The documents stay behind their own access rights.
    picking_count = fields.Integer(
        compute="_compute_stock_document_counts", compute_sudo=True, groups="base.group_user"
    )
    repair_count = fields.Integer(
        compute="_compute_stock_document_counts", compute_sudo=True, groups="base.group_user"
    )
    has_received_goods = fields.Boolean(
        compute="_compute_stock_document_counts", compute_sudo=True, groups="base.group_user"
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "The RMA number must be unique."),
    ]

    @api.depends("company_id.currency_id", "sale_order_id.currency_id", "invoice_id.currency_id")
    def _compute_currency_id(self):
        for rma in self:
            rma.currency_id = (
                rma.sale_order_id.currency_id
                or rma.invoice_id.currency_id
                or rma.company_id.currency_id
            )

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

    @api.depends(
        "line_ids.product_id.default_code", "line_ids.product_id.name", "line_ids.quantity"
    )
    def _compute_product_summary(self):
        for rma in self:
            quantities = defaultdict(float)
            for line in rma.line_ids:
                quantities[line.product_id] += line.quantity
            rma.product_summary = ", ".join(
                f"{product.default_code or product.name} × {qty:g}"
                for product, qty in quantities.items()
            )

    @api.depends("user_id")
    def _compute_team_id(self):
        """The responsible's sales team, proposed when the responsible
        changes and has one; a team chosen by hand stays otherwise."""
        for rma in self.filtered("user_id.sale_team_id"):
            rma.team_id = rma.user_id.sale_team_id

    @api.depends("line_ids.move_ids.picking_id", "line_ids.repair_ids")
    def _compute_stock_documents(self):
        for rma in self:
            rma.picking_ids = rma.line_ids.move_ids.picking_id
            rma.repair_ids = rma.line_ids.repair_ids

    @api.depends(
        "line_ids.move_ids.picking_id",
        "line_ids.move_ids.state",
        "line_ids.move_ids.rma_move_kind",
        "line_ids.repair_ids",
    )
    def _compute_stock_document_counts(self):
        for rma in self:
            moves = rma.line_ids.move_ids
            rma.picking_count = len(moves.picking_id)
            rma.repair_count = len(rma.line_ids.repair_ids)
            rma.has_received_goods = any(
                m.rma_move_kind == "receipt" and m.state == "done" for m in moves
            )

    def _workflow_fields(self):
        """The RMA's state and the dates of its steps change only through its
        buttons; each concern of the RMA adds its own fields."""
        return super()._workflow_fields() | {"state", "date_received", "date_judged", "date_done"}

    def _frozen_fields(self):
        """What the customer asked for and the policy it was checked
        against: fixed from the submission."""
        return {
            "partner_id",
            "company_id",
            "currency_id",
            "policy_id",
            "rma_type",
            "sale_order_id",
            "picking_id",
            "invoice_id",
            "warehouse_id",
            "criterion_b",
            "criterion_c",
            "criterion_d",
            "replenish_first",
            "date_request",
        }

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, creating=True)
        for vals in vals_list:
            # the number always comes from the sequence, except for server
            # code (data files, migrations) that brings its own
            if vals.get("name", "/") == "/" or not self.env.su:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self._next_number(company, vals.get("date_request"))
        return super().create(vals_list)

    def _next_number(self, company, date):
        """Next RMA number of the company (RMA/YYYY/NNNNN). The first RMA of a
        year creates the year's range of the sequence: concurrent first RMAs
        of a year are serialized on the sequence so that they never draw the
        same number (the later one is retried by Odoo)."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [("code", "=", "factory.rma"), ("company_id", "in", [company.id, False])],
                order="company_id",
                limit=1,
            )
        )
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        if sequence.use_date_range and not sequence.date_range_ids.filtered(
            lambda r: r.date_from <= date <= r.date_to
        ):
            self._serialize_on(sequence)
        return (
            self.env["ir.sequence"]
            .with_company(company)
            .next_by_code("factory.rma", sequence_date=date)
            or "/"
        )

    def write(self, vals):
        if "name" in vals and not self.env.su:
            raise UserError(_("The RMA number comes from its sequence and cannot be changed."))
        if not self.env.su and self._frozen_fields() & set(vals):
            submitted = self.filtered(lambda r: r.state != "draft")
            if submitted:
                raise UserError(
                    _(
                        "%s is submitted: its customer, origin documents, policy and lines are "
                        "fixed. Reset it to draft (rejected or cancelled RMAs) to change them.",
                        submitted[0].name,
                    )
                )
        if not self.env.su and {"claim_amount", "claim_reference"} & set(vals):
            filed = self.filtered(lambda r: r.claim_state not in (False, "to_claim"))
            if filed:
                raise UserError(
                    _(
                        "The carrier claim of %s is filed: its amount and reference are fixed.",
                        filed[0].name,
                    )
                )
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

    def action_draft(self):
        """Reset a rejected or cancelled RMA to draft."""
        self._check_group("rma_factory.group_rma_user", _("reset RMAs to draft"))
        self._lock_for_update()
        self._check_state(("rejected", "cancelled"), _("Resetting to draft"))
        self._check_can_reset()
        self._write_workflow(
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
        self.line_ids._write_workflow(
            {"eligibility_state": "not_checked", "eligibility_note": False}
        )
        return True

    def action_cancel(self):
        """Cancel before any goods have moved: open pickings are cancelled."""
        self._check_group("rma_factory.group_rma_user", _("cancel RMAs"))
        self._lock_for_update()
        self._check_state(("draft", "submitted", "approved"), _("Cancelling"))
        self._check_can_cancel()
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
        self._write_workflow({"state": "cancelled"})
        self._close_approval_activities()
        self._close_escalations(list(self._escalation_step_labels()))
        return True

    def _check_can_reset(self):
        """Hook: what keeps a rejected or cancelled RMA from going back to
        draft (the accounting addon refuses it while a deposit is held)."""
        return True

    def _check_can_cancel(self):
        """Hook: what keeps an RMA from being cancelled (the accounting addon
        refuses it while a received deposit is neither released nor
        applied)."""
        return True

    def _check_can_judge(self):
        self._check_state(("received",), _("Confirming the judgement"))
        self._check_group("rma_factory.group_rma_user", _("judge RMAs"))
        for rma in self:
            undecided = rma.line_ids.filtered(
                lambda line: (
                    (
                        not line._expects_goods_back()
                        or not float_is_zero(
                            line.qty_received, precision_rounding=line._qty_rounding()
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
        self._write_workflow({"state": "judged", "date_judged": fields.Datetime.now()})
        self._close_escalations(["judgement", "analysis"])
        return True

    def _check_can_process(self):
        self._check_state(("judged", "processing"), _("Processing"))
        self._check_group("rma_factory.group_rma_user", _("process RMAs"))
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
        self.filtered(lambda r: r.state == "judged")._write_workflow({"state": "processing"})
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
            to_receive._write_workflow(
                {"state": "received", "date_received": fields.Datetime.now()}
            )
            to_receive._close_escalations(["return"])
        to_finish = rmas.filtered(lambda r: r.state == "processing" and r._ready_to_close())
        if to_finish:
            to_finish._action_done()

    def _action_done(self):
        """Done: escalations close and the satisfaction request goes out
        (``factory_rma_customer_steps``); the re-check follows one month
        later (``_cron_closure_followup``)."""
        self._write_workflow({"state": "done", "date_done": fields.Datetime.now()})
        self._close_escalations(list(self._escalation_step_labels()))

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
