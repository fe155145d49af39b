from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from .factory_rma_outcome import (
    APPROVER_OUTCOMES,
    CHARGED_RESPONSIBILITIES,
    COMPANY_RESPONSIBILITIES,
    CREDIT_OUTCOMES,
    DEFAULT_DESTINATION,
    DESTINATIONS,
    NO_GOODS_TYPES,
    OUTCOMES,
    RESPONSIBILITIES,
    SERVICE_CHARGES,
    SHIP_FIRST_TYPES,
)

#: goods destinations each outcome may use.
ALLOWED_DESTINATIONS = {
    "refund": ("stock", "defective", "slow_moving", "scrap"),
    "replace": ("stock", "defective", "slow_moving", "scrap"),
    "return_only": ("slow_moving", "stock", "defective", "scrap"),
    "sell_off": ("defective", "slow_moving", "stock"),
    "scrap": ("scrap",),
    "reject": ("customer",),
    "repair": ("customer",),
    "concession": (),
}

#: RMA states in which a line still counts against the returnable quantity.
BLOCKING_STATES = ("draft", "submitted", "approved", "received", "judged", "processing", "done")


class FactoryRmaLine(models.Model):
    """One product of an RMA with its quantity buckets.

    Quantities received, routed, replaced, returned to the customer and
    scrapped are computed from the stock moves linked to the line
    (``stock.move.rma_line_id``); repaired from the repair orders. A split
    moves part of the received quantity to a new line through
    ``qty_received_adjust`` so that the buckets stay exact.

    The fields the customer portal shows (product, lot, reason, requested
    and received quantities, outcome) carry no ``groups``; every other field
    is internal (``groups="base.group_user"``).
    """

    _name = "factory.rma.line"
    _inherit = ["factory.rma.guard"]
    _description = "RMA Line"
    _order = "rma_id, sequence, id"
    _check_company_auto = True

    rma_id = fields.Many2one("factory.rma", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rma_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="rma_id.partner_id", store=True)
    state = fields.Selection(related="rma_id.state", store=True)
    currency_id = fields.Many2one(related="rma_id.currency_id", groups="base.group_user")
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, domain="[('type', '=', 'consu')]"
    )
    product_uom_id = fields.Many2one(
        "uom.uom",
        "Unit",
        required=True,
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    tracking = fields.Selection(related="product_id.tracking", groups="base.group_user")
    quantity = fields.Float(
        "Requested", digits="Product Unit of Measure", required=True, default=1.0
    )
    lot_id = fields.Many2one(
        "stock.lot", "Lot/Serial", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        "Sale Line",
        check_company=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    move_id = fields.Many2one(
        "stock.move",
        "Origin Delivery Move",
        check_company=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    invoice_line_id = fields.Many2one(
        "account.move.line",
        "Origin Invoice Line",
        check_company=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    price_unit = fields.Float(
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        groups="base.group_user",
    )
    price_subtotal = fields.Monetary(
        compute="_compute_price_subtotal", store=True, groups="base.group_user"
    )
    reason_id = fields.Many2one("factory.rma.reason", "Reason")
    reason_category = fields.Selection(related="reason_id.category", groups="base.group_user")
    description = fields.Text("Problem Description", groups="base.group_user")
    requested_outcome = fields.Selection(
        OUTCOMES,
        compute="_compute_requested_outcome",
        store=True,
        readonly=False,
        precompute=True,
        groups="base.group_user",
    )
    decided_outcome = fields.Selection(OUTCOMES, copy=False)
    destination = fields.Selection(
        DESTINATIONS,
        "Goods Destination",
        compute="_compute_destination",
        store=True,
        readonly=False,
        copy=False,
        groups="base.group_user",
    )
    replacement_product_id = fields.Many2one(
        "product.product",
        compute="_compute_replacement_product_id",
        store=True,
        readonly=False,
        check_company=True,
        help="Product shipped as replacement; the returned product by default.",
        groups="base.group_user",
    )
    outcome_approved = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    outcome_approved_by = fields.Many2one(
        "res.users", readonly=True, copy=False, groups="base.group_user"
    )
    split_from_id = fields.Many2one(
        "factory.rma.line", readonly=True, copy=False, groups="base.group_user"
    )
    needs_outcome_approval = fields.Boolean(
        compute="_compute_needs_outcome_approval",
        help="Scrap, sell-off and taking back customer-caused goods need the RMA Approver.",
        groups="base.group_user",
    )
    surplus_of_id = fields.Many2one(
        "factory.rma.line",
        "Surplus of",
        readonly=True,
        copy=False,
        help="Goods the customer sent beyond the authorised quantity of that line, accepted by an "
        "RMA Manager.",
        groups="base.group_user",
    )

    # Responsibility judgement: set by hand or by the quality inspection,
    # read by the accounting addon (charges, write-down analytics).
    responsibility = fields.Selection(RESPONSIBILITIES, copy=False, groups="base.group_user")
    responsibility_side = fields.Selection(
        [("company", "Company"), ("external", "External")],
        compute="_compute_responsibility_side",
        store=True,
        groups="base.group_user",
    )
    responsible_partner_id = fields.Many2one(
        "res.partner",
        "Responsible Party",
        copy=False,
        help="Supplier, carrier or dealer judged responsible.",
        groups="base.group_user",
    )
    responsible_unit = fields.Char(
        "Responsible Unit", copy=False, help="责任单位", groups="base.group_user"
    )
    responsible_user_id = fields.Many2one(
        "res.users", "Responsible Person", copy=False, groups="base.group_user"
    )
    service_charge = fields.Selection(
        SERVICE_CHARGES,
        compute="_compute_service_charge",
        store=True,
        readonly=False,
        copy=False,
        help="Free when the company is responsible; charged when the dealer or "
        "the customer is, unless the policy makes such repairs free.",
        groups="base.group_user",
    )
    customer_agreed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The customer agreed to the charged service (帮修品) or to a "
        "classification that differs from the request.",
        groups="base.group_user",
    )
    customer_agreed_date = fields.Datetime(readonly=True, copy=False, groups="base.group_user")

    # RMA types
    is_third_party = fields.Boolean(
        "Third-party Goods",
        help="Goods the company did not sell (non-company products): no sale link, no credit; "
        "sent back or scrapped.",
        groups="base.group_user",
    )
    concession_amount = fields.Monetary(
        help="Discount or concession granted instead of a return (complaint only).",
        groups="base.group_user",
    )
    replacement_special_request = fields.Boolean(
        "Special Replacement Quantity",
        readonly=True,
        copy=False,
        help="平数补货: a replacement equals the accepted quantity unless an RMA Manager records "
        "the customer's special request.",
        groups="base.group_user",
    )
    replacement_special_note = fields.Text(readonly=True, copy=False, groups="base.group_user")

    # Eligibility
    delivery_date = fields.Date(
        compute="_compute_delivery_date",
        store=True,
        readonly=False,
        help="Start of the warranty and of the return window.",
        groups="base.group_user",
    )
    warranty_end_date = fields.Date(readonly=True, copy=False, groups="base.group_user")
    cond_original_packaging = fields.Boolean("Original Packaging", groups="base.group_user")
    cond_accessories_complete = fields.Boolean("Accessories Complete", groups="base.group_user")
    cond_no_human_damage = fields.Boolean("No Human Damage", groups="base.group_user")
    eligibility_state = fields.Selection(
        [
            ("not_checked", "Not checked"),
            ("eligible", "Eligible"),
            ("failed", "Failed"),
            ("overridden", "Overridden"),
        ],
        default="not_checked",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    eligibility_note = fields.Text(readonly=True, copy=False, groups="base.group_user")

    # Stock documents and quantity buckets
    move_ids = fields.One2many("stock.move", "rma_line_id", readonly=True, groups="base.group_user")
    repair_ids = fields.One2many(
        "repair.order", "rma_line_id", readonly=True, groups="base.group_user"
    )
    qty_received_adjust = fields.Float(
        digits="Product Unit of Measure", readonly=True, copy=False, groups="base.group_user"
    )
    qty_received = fields.Float(
        "Received", digits="Product Unit of Measure", compute="_compute_quantities", store=True
    )
    qty_pending_receipt = fields.Float(
        "Awaited",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_judged = fields.Float(
        "Judged",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_routed = fields.Float(
        "Routed",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_repaired = fields.Float(
        "Repaired",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_replaced = fields.Float(
        "Replaced",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_replacement_planned = fields.Float(
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_returned = fields.Float(
        "Returned to Customer",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_scrapped = fields.Float(
        "Scrapped",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
    )
    qty_processed = fields.Float(
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        help="Quantity for which outcome documents exist.",
        groups="base.group_user",
    )
    qty_pending_return = fields.Float(
        "Pending Return",
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        help="Replenish-first: replaced quantity whose goods have not come back yet.",
        groups="base.group_user",
    )
    qty_to_credit = fields.Float(
        "To Credit",
        digits="Product Unit of Measure",
        compute="_compute_qty_to_credit",
        store=True,
        help="Received quantity of refund / return-only lines not yet credited.",
        groups="base.group_user",
    )
    qty_credited = fields.Float(
        "Credited",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Set by the accounting addon from the credit notes.",
        groups="base.group_user",
    )
    is_resolved = fields.Boolean(
        compute="_compute_is_resolved", store=True, groups="base.group_user"
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The requested quantity must be positive."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.model
    def _responsibility_side_for(self, responsibility):
        """Company or external side of a responsibility (shared with the
        quality inspection)."""
        if not responsibility:
            return False
        return "company" if responsibility in COMPANY_RESPONSIBILITIES else "external"

    @api.model
    def _service_charge_for(self, responsibility, policy):
        """Free or charged service (免费/收费) for a responsibility under a
        policy (shared with the quality inspection)."""
        if not responsibility:
            return False
        if responsibility in CHARGED_RESPONSIBILITIES and not policy.free_customer_repairs:
            return "charged"
        return "free"

    @api.depends("responsibility")
    def _compute_responsibility_side(self):
        for line in self:
            line.responsibility_side = self._responsibility_side_for(line.responsibility)

    @api.depends("responsibility", "rma_id.policy_id.free_customer_repairs")
    def _compute_service_charge(self):
        for line in self:
            line.service_charge = (
                self._service_charge_for(line.responsibility, line.rma_id.policy_id)
                or line.service_charge
            )

    @api.depends("rma_id.name", "product_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.rma_id.name} – {line.product_id.display_name}"

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if (
                not line.product_uom_id
                or line.product_uom_id.category_id != line.product_id.uom_id.category_id
            ):
                line.product_uom_id = line.sale_line_id.product_uom or line.product_id.uom_id

    @api.depends("product_id", "sale_line_id", "invoice_line_id", "rma_id.currency_id")
    def _compute_price_unit(self):
        for line in self:
            if line.sale_line_id:
                line.price_unit = line.sale_line_id.price_reduce_taxexcl
            elif line.invoice_line_id and line.invoice_line_id.quantity:
                line.price_unit = (
                    line.invoice_line_id.price_subtotal / line.invoice_line_id.quantity
                )
            elif not line.price_unit:
                # the sales price of the product, in the RMA's currency
                rma = line.rma_id
                company_currency = (rma.company_id or self.env.company).currency_id
                line.price_unit = company_currency._convert(
                    line.product_id.lst_price,
                    rma.currency_id or company_currency,
                    rma.company_id or self.env.company,
                    rma.date_request or fields.Date.context_today(line),
                    round=False,
                )

    @api.depends("price_unit", "quantity")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = (
                line.currency_id.round(line.price_unit * line.quantity)
                if line.currency_id
                else line.price_unit * line.quantity
            )

    @api.depends("reason_id")
    def _compute_requested_outcome(self):
        for line in self:
            if line.reason_id.default_outcome:
                line.requested_outcome = line.reason_id.default_outcome
            elif not line.requested_outcome:
                line.requested_outcome = "refund"

    @api.depends("decided_outcome")
    def _compute_destination(self):
        for line in self:
            allowed = ALLOWED_DESTINATIONS.get(line.decided_outcome, ())
            if line.decided_outcome and line.destination not in allowed:
                line.destination = DEFAULT_DESTINATION[line.decided_outcome]

    @api.depends("product_id")
    def _compute_replacement_product_id(self):
        for line in self:
            line.replacement_product_id = line.product_id

    @api.depends("move_id.date", "sale_line_id.move_ids.date", "lot_id")
    def _compute_delivery_date(self):
        for line in self:
            moves = line.move_id or line.sale_line_id.move_ids.filtered(
                lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
            )
            if moves:
                line.delivery_date = fields.Date.to_date(min(moves.mapped("date")))
            elif line.invoice_line_id.move_id.invoice_date:
                line.delivery_date = line.invoice_line_id.move_id.invoice_date
            elif line.lot_id and not line.delivery_date:
                line.delivery_date = fields.Date.to_date(line.lot_id.create_date)

    @api.depends(
        "move_ids.state",
        "move_ids.quantity",
        "move_ids.product_uom_qty",
        "move_ids.rma_move_kind",
        "move_ids.move_orig_ids",
        "move_ids.location_dest_id",
        "repair_ids.state",
        "repair_ids.product_qty",
        "qty_received_adjust",
        "decided_outcome",
        "quantity",
    )
    def _compute_quantities(self):
        for line in self:
            buckets = defaultdict(float)
            uom = line.product_uom_id
            for move in line.move_ids:
                if move.state == "cancel":
                    continue
                done = move.state == "done"
                qty = move.product_uom._compute_quantity(
                    move.quantity if done else move.product_uom_qty, uom, rounding_method="HALF-UP"
                )
                kind = move.rma_move_kind
                # outgoing documents may run in several steps (pick, pack,
                # ship): plan on the first leg, count what reached the customer
                first_leg = kind not in ("replacement", "send_back") or line._is_first_leg(move)
                delivered = done and move.location_dest_id.usage == "customer"
                if kind == "receipt":
                    buckets["received" if done else "pending"] += qty
                elif kind == "replacement":
                    if first_leg:
                        buckets["replacement_planned"] += qty
                    if delivered:
                        buckets["replaced"] += qty
                elif kind == "send_back":
                    if first_leg and line.decided_outcome != "repair":
                        buckets["processed"] += qty
                    if delivered:
                        buckets["send_back"] += qty
                elif kind in ("routing", "scrap"):
                    buckets["processed"] += qty
                    if done:
                        buckets[kind] += qty
            for repair in line.repair_ids.filtered(lambda r: r.state != "cancel"):
                qty = repair.product_uom._compute_quantity(repair.product_qty, uom)
                if line.decided_outcome == "repair":
                    buckets["processed"] += qty
                if repair.state == "done":
                    buckets["repaired"] += qty
            received = buckets["received"] + line.qty_received_adjust
            line.qty_received = received
            line.qty_pending_receipt = buckets["pending"]
            line.qty_judged = received if line.decided_outcome else 0.0
            line.qty_routed = buckets["routing"]
            line.qty_returned = buckets["send_back"]
            line.qty_scrapped = buckets["scrap"]
            line.qty_repaired = buckets["repaired"]
            line.qty_replaced = buckets["replaced"]
            line.qty_replacement_planned = buckets["replacement_planned"]
            line.qty_processed = buckets["processed"]
            line.qty_pending_return = (
                max(buckets["replacement_planned"] - received, 0.0)
                if line.rma_id.replenish_first
                else 0.0
            )

    @api.depends(
        "qty_received", "qty_credited", "decided_outcome", "rma_id.policy_id.credit_return_only"
    )
    def _compute_qty_to_credit(self):
        for line in self:
            if line._credits_customer():
                line.qty_to_credit = max(line._qty_accepted() - line.qty_credited, 0.0)
            else:
                line.qty_to_credit = 0.0

    @api.depends(
        "qty_received",
        "qty_pending_receipt",
        "qty_routed",
        "qty_repaired",
        "qty_replaced",
        "qty_replacement_planned",
        "qty_returned",
        "qty_scrapped",
        "decided_outcome",
        "destination",
    )
    def _compute_is_resolved(self):
        for line in self:
            line.is_resolved = line._check_resolved()

    def _qty_rounding(self):
        """Rounding used to compare the line's quantities: its unit's, or the
        precision of product quantities while the line has no unit yet (a new
        line in the form before the product is chosen)."""
        self.ensure_one()
        if self.product_uom_id.rounding:
            return self.product_uom_id.rounding
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        return 10**-digits

    def _check_resolved(self):
        """Whether every received unit has reached its final place. The
        accounting addon extends this to also require the credit note."""
        self.ensure_one()
        if not self.product_id:
            return False
        rounding = self._qty_rounding()

        def reached(qty, target):
            return float_compare(qty, target, precision_rounding=rounding) >= 0

        if not float_is_zero(self.qty_pending_receipt, precision_rounding=rounding):
            return False
        if not self._expects_goods_back():
            # Shortage and complaint lines: nothing comes back; resolved once
            # decided and, for a replacement, once it has been delivered.
            if not self.decided_outcome:
                return False
            if self.decided_outcome == "replace":
                return reached(self.qty_replaced, self.quantity)
            return True
        base = self.qty_received
        if float_is_zero(base, precision_rounding=rounding):
            # Nothing came back and nothing is awaited: resolved unless a
            # replacement already left for goods that never came.
            return float_is_zero(self.qty_replaced, precision_rounding=rounding)
        outcome = self.decided_outcome
        if not outcome:
            return False
        if outcome in ("repair", "reject"):
            goods_done = reached(self.qty_returned, base)
        elif self.destination == "scrap":
            goods_done = reached(self.qty_scrapped, base)
        else:
            goods_done = reached(self.qty_routed, base)
        if outcome == "replace":
            return goods_done and reached(self.qty_replaced, base)
        return goods_done

    def _credits_customer(self):
        """Whether the line's received goods are credited (refund, and
        return-only unless the policy says otherwise)."""
        self.ensure_one()
        if self.is_third_party:
            return False
        if self.decided_outcome == "return_only":
            return self.rma_id.policy_id.credit_return_only
        return self.decided_outcome in CREDIT_OUTCOMES

    def _needs_outcome_approval(self):
        """Scrap and sell-off, and taking back customer-caused goods
        (credited or replaced) need the RMA Approver — the general manager
        (APPR-10, APPR-18)."""
        self.ensure_one()
        return (
            self.decided_outcome in APPROVER_OUTCOMES
            or self.destination == "scrap"
            or (
                self._is_customer_caused()
                and self.decided_outcome in ("refund", "return_only", "replace")
            )
        )

    @api.depends("decided_outcome", "destination", "responsibility", "eligibility_state")
    def _compute_needs_outcome_approval(self):
        for line in self:
            line.needs_outcome_approval = bool(line.decided_outcome) and (
                line._needs_outcome_approval()
            )

    def _is_customer_caused(self):
        """Goods damaged by the customer: judged so, or the customer could
        not exclude human damage on the checklist."""
        self.ensure_one()
        if self.responsibility:
            return self.responsibility == "customer"
        return self.eligibility_state in ("failed", "overridden") and not self.cond_no_human_damage

    def _expects_goods_back(self):
        """Whether the approval creates a receipt for this line. Hook for
        RMA types where no goods come back (shortage, complaint only)."""
        self.ensure_one()
        return self.product_id.type == "consu" and self.rma_id.rma_type not in NO_GOODS_TYPES

    # ------------------------------------------------------------------
    # Constraints and guards
    # ------------------------------------------------------------------
    @api.constrains("quantity", "sale_line_id", "move_id", "product_id")
    def _constrain_quantities(self):
        self._check_quantities()

    @api.constrains("is_third_party", "sale_line_id", "move_id", "invoice_line_id")
    def _check_third_party(self):
        for line in self.filtered("is_third_party"):
            if line.sale_line_id or line.move_id or line.invoice_line_id:
                raise ValidationError(
                    _(
                        "%s is flagged as third-party goods: it cannot refer to a sale, delivery "
                        "or invoice of the company.",
                        line.product_id.display_name,
                    )
                )

    @api.constrains("sale_line_id", "move_id", "invoice_line_id", "product_id", "rma_id")
    def _check_origin_consistency(self):
        for line in self.sudo():
            customer = line.rma_id.partner_id.commercial_partner_id
            for origin, partner in (
                (line.sale_line_id, line.sale_line_id.order_id.partner_id),
                (line.move_id, line.move_id.picking_id.partner_id or line.move_id.partner_id),
                (line.invoice_line_id, line.invoice_line_id.move_id.partner_id),
            ):
                if origin and partner.commercial_partner_id != customer:
                    raise ValidationError(
                        _(
                            "The origin document of %(product)s belongs to another customer "
                            "than %(customer)s.",
                            product=line.product_id.display_name,
                            customer=customer.display_name,
                        )
                    )
            for origin, product in (
                (line.sale_line_id, line.sale_line_id.product_id),
                (line.move_id, line.move_id.product_id),
                (line.invoice_line_id, line.invoice_line_id.product_id),
            ):
                if origin and product != line.product_id:
                    raise ValidationError(
                        _(
                            "The origin document of line %(product)s is for another product (%(other)s).",  # noqa: E501
                            product=line.product_id.display_name,
                            other=product.display_name,
                        )
                    )
            if line.move_id and line.move_id.location_dest_id.usage != "customer":
                raise ValidationError(
                    _("The origin move of an RMA line must be a delivery to a customer.")
                )

    def _check_quantities(self):
        """A line never asks for more than delivered minus what other open or
        done RMAs already return for the same sale line or delivery move.
        Works for the whole recordset with a fixed number of queries."""
        for line in self:
            if float_compare(line.quantity, 0.0, precision_rounding=line._qty_rounding()) <= 0:
                raise ValidationError(
                    _("The quantity of %s must be positive.", line.product_id.display_name)
                )
        # Delivered quantities come from stock moves the RMA user may not
        # read: the check itself runs as superuser.
        lines = self.sudo().filtered(lambda x: x.sale_line_id or x.move_id)
        if not lines:
            return
        # Two RMAs claiming the same delivered units at the same time: the
        # later transaction is retried and then sees the first one's lines.
        self._serialize_on(lines.sale_line_id)
        self._serialize_on(lines.move_id)
        others = lines.search(
            [
                "|",
                ("sale_line_id", "in", lines.sale_line_id.ids),
                ("move_id", "in", lines.move_id.ids),
                ("rma_id.state", "in", BLOCKING_STATES),
            ]
        )
        used_by_sale_line = defaultdict(float)
        used_by_move = defaultdict(float)
        for other in others:
            qty = other._blocking_qty()
            if other.sale_line_id:
                used_by_sale_line[other.sale_line_id.id] += qty
            if other.move_id:
                used_by_move[other.move_id.id] += qty
        checked_sale_lines = set()
        checked_moves = set()
        for line in lines:
            product_uom = line.product_id.uom_id
            if line.sale_line_id and line.sale_line_id.id not in checked_sale_lines:
                checked_sale_lines.add(line.sale_line_id.id)
                delivered = line._delivered_qty_of_sale_line(line.sale_line_id)
                line._raise_if_excess(
                    delivered, used_by_sale_line[line.sale_line_id.id], product_uom
                )
            if line.move_id and line.move_id.id not in checked_moves:
                checked_moves.add(line.move_id.id)
                delivered = line._delivered_qty_of_move(line.move_id)
                line._raise_if_excess(delivered, used_by_move[line.move_id.id], product_uom)

    def _blocking_qty(self):
        """Quantity (product UoM) this line takes from the returnable
        quantity: what came back once the RMA is done, else what it asks."""
        self.ensure_one()
        qty = self.qty_received if self.rma_id.state == "done" else self.quantity
        return self.product_uom_id._compute_quantity(qty, self.product_id.uom_id)

    def _raise_if_excess(self, delivered, used, uom):
        if float_compare(used, delivered, precision_rounding=uom.rounding) > 0:
            raise ValidationError(
                _(
                    "You cannot return more %(product)s than delivered: delivered %(delivered)s, "
                    "on RMAs %(used)s.",
                    product=self.product_id.display_name,
                    delivered=delivered,
                    used=used,
                )
            )

    @api.model
    def _is_non_rma_customer_return(self, move):
        return (
            move.state == "done"
            and not move.rma_line_id
            and move.location_id.usage == "customer"
            and move.origin_returned_move_id
        )

    @api.model
    def _delivered_qty_of_move(self, move):
        """Done quantity of a delivery move less the returns made outside RMAs."""
        if move.state != "done":
            return 0.0
        qty = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
        for returned in move.returned_move_ids.filtered(self._is_non_rma_customer_return):
            qty -= returned.product_uom._compute_quantity(returned.quantity, move.product_id.uom_id)
        return qty

    @api.model
    def _delivered_qty_of_sale_line(self, sale_line):
        qty = 0.0
        for move in sale_line.move_ids.filtered(
            lambda m: (
                m.state == "done" and m.location_dest_id.usage == "customer" and not m.rma_line_id
            )
        ):
            qty += self._delivered_qty_of_move(move)
        return qty

    def _check_outcomes(self):
        for line in self.filtered("decided_outcome"):
            if line.reason_id and not line.reason_id._allows_outcome(line.decided_outcome):
                raise UserError(
                    _(
                        "The reason “%(reason)s” does not allow this outcome for %(product)s.",
                        reason=line.reason_id.name,
                        product=line.product_id.display_name,
                    )
                )
            if line.is_third_party and line.decided_outcome not in ("reject", "scrap"):
                raise UserError(
                    _(
                        "Third-party goods (%s) can only be sent back or scrapped.",
                        line.product_id.display_name,
                    )
                )
            if not line._expects_goods_back():
                continue
            if line.destination not in ALLOWED_DESTINATIONS[line.decided_outcome]:
                raise UserError(
                    _(
                        "The goods destination of %(product)s does not fit its outcome.",
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("decided_outcome", "destination")
    def _constrain_outcome_destination(self):
        for line in self.filtered("decided_outcome"):
            if (
                line.destination
                and line.destination not in ALLOWED_DESTINATIONS[line.decided_outcome]
            ):
                raise ValidationError(
                    _(
                        "The goods destination of %(product)s does not fit its outcome.",
                        product=line.product_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # ORM: who may change what, when
    # ------------------------------------------------------------------
    def _workflow_fields(self):
        """Results of the checks and approvals, the customer's agreement and
        the quantity adjustments of a split change only through buttons."""
        return super()._workflow_fields() | {
            "state",
            "eligibility_state",
            "eligibility_note",
            "warranty_end_date",
            "outcome_approved",
            "outcome_approved_by",
            "customer_agreed",
            "customer_agreed_date",
            "replacement_special_request",
            "replacement_special_note",
            "qty_received_adjust",
            "qty_credited",
            "split_from_id",
            "surplus_of_id",
        }

    def _frozen_fields(self):
        """What the customer returns, fixed from the submission."""
        return {
            "product_id",
            "product_uom_id",
            "quantity",
            "lot_id",
            "price_unit",
            "sale_line_id",
            "move_id",
            "invoice_line_id",
            "is_third_party",
        }

    def _outcome_fields(self):
        """The decision on the goods: taken by an RMA user once the goods
        can be judged, final once the RMA is judged (a manager's override
        or the quality inspection changes it afterwards)."""
        return {"decided_outcome", "destination", "concession_amount", "replacement_product_id"}

    def _judgement_fields(self):
        """Who caused the problem and who pays: set while the goods are
        judged."""
        return {
            "responsibility",
            "responsible_partner_id",
            "responsible_unit",
            "responsible_user_id",
            "service_charge",
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            rmas = self.env["factory.rma"].browse({vals.get("rma_id") for vals in vals_list})
            if rmas.filtered(lambda r: r.state != "draft"):
                raise UserError(_("Lines can only be added to draft RMAs."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_user_write(set(vals))
        res = super().write(vals)
        if self._outcome_fields() & set(vals) and "outcome_approved" not in vals:
            # a new decision needs a new approval
            self.filtered("outcome_approved")._write_workflow(
                {"outcome_approved": False, "outcome_approved_by": False}
            )
        return res

    def _check_user_write(self, names):
        """What a user (not the workflow) may change on the lines, by state
        and group."""
        if "rma_id" in names:
            raise UserError(_("A line cannot move to another RMA."))
        if self._frozen_fields() & names:
            if self.filtered(lambda x: x.state not in ("draft", False)):
                raise UserError(
                    _("Products and quantities can only be changed while the RMA is a draft.")
                )
        if self._outcome_fields() & names:
            self._check_outcome_editable()
        if self._judgement_fields() & names:
            self._check_group("rma_factory.group_rma_user", _("judge the responsibility"))
            locked = self.filtered(lambda x: x.state not in ("received", "judged"))
            if locked:
                raise UserError(
                    _(
                        "The responsibility of %s is judged once the goods are received and "
                        "before the outcomes run.",
                        locked[0].display_name,
                    )
                )

    def _check_outcome_editable(self):
        self._check_group("rma_factory.group_rma_user", _("decide outcomes"))
        locked = self.filtered(
            lambda line: line.state in ("judged", "processing", "done", "rejected", "cancelled")
        )
        if locked:
            raise UserError(
                _("The outcome of %s cannot change any more.", locked[0].product_id.display_name)
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.state not in ("draft", "cancelled", False) for line in self):
            raise UserError(_("Lines can only be removed from draft RMAs."))

    # ------------------------------------------------------------------
    # Eligibility
    # ------------------------------------------------------------------
    def _compute_eligibility(self):
        """Check criterion A (warranty), B/C/D, the return window and the
        conditions checklist; store the result and the reasons per line."""
        for line in self:
            rma = line.rma_id
            policy = rma.policy_id
            reference = rma.date_request or fields.Date.context_today(line)
            failures = []
            months = line.product_id.product_tmpl_id._rma_warranty_months(policy)
            warranty_end = False
            if not line.delivery_date:
                failures.append(_("A failed: the delivery date is unknown."))
            else:
                warranty_end = line.delivery_date + relativedelta(months=months)
                if reference > warranty_end:
                    failures.append(
                        _("A failed: warranty ended %s.", fields.Date.to_string(warranty_end))
                    )
                if policy.return_window_days:
                    window_end = line.delivery_date + relativedelta(days=policy.return_window_days)
                    if reference > window_end:
                        failures.append(
                            _("Return window closed on %s.", fields.Date.to_string(window_end))
                        )
            if line.is_third_party:
                # not the company's goods: no warranty nor return window
                failures, warranty_end = [], False
            if (
                rma.rma_type == "shortage"
                and line.delivery_date
                and reference > line.delivery_date + relativedelta(days=policy.shortage_report_days)
            ):
                failures.append(
                    _(
                        "Shortage reported more than %s days after delivery.",
                        policy.shortage_report_days,
                    )
                )
            if rma._is_carrier_damage() and not rma.carrier_note_ref:
                failures.append(
                    _("The packaging was damaged: the carrier's signed delivery note is missing.")
                )
            if policy.require_bcd and not (rma.criterion_b or rma.criterion_c or rma.criterion_d):
                failures.append(_("No B/C/D criterion met."))
            if policy.require_original_packaging and not line.cond_original_packaging:
                failures.append(_("Original packaging missing."))
            if policy.require_accessories and not line.cond_accessories_complete:
                failures.append(_("Accessories incomplete."))
            if policy.require_no_human_damage and not line.cond_no_human_damage:
                failures.append(_("Human damage not excluded."))
            line._write_workflow(
                {
                    "warranty_end_date": warranty_end,
                    "eligibility_state": "failed" if failures else "eligible",
                    "eligibility_note": "\n".join(failures) or _("All criteria met."),
                }
            )

    # ------------------------------------------------------------------
    # Creation helpers
    # ------------------------------------------------------------------
    @api.model
    def _prepare_vals_from_move(self, move, max_qty=None):
        """Line values for the not yet returned quantity of a done delivery
        move, one line per delivered lot."""
        if (
            move.state != "done"
            or move.location_dest_id.usage != "customer"
            or move.origin_returned_move_id
        ):
            return []
        already = sum(
            line._blocking_qty()
            for line in self.sudo().search(
                [("move_id", "=", move.id), ("rma_id.state", "in", BLOCKING_STATES)]
            )
        )
        left = self._delivered_qty_of_move(move) - already
        if max_qty is not None:
            left = min(left, max_qty)
        rounding = move.product_id.uom_id.rounding
        if float_compare(left, 0.0, precision_rounding=rounding) <= 0:
            return []
        base = {
            "product_id": move.product_id.id,
            "product_uom_id": move.product_id.uom_id.id,
            "move_id": move.id,
            "sale_line_id": move.sale_line_id.id,
        }
        by_lot = defaultdict(float)
        for move_line in move.move_line_ids:
            by_lot[move_line.lot_id] += move_line.product_uom_id._compute_quantity(
                move_line.quantity, move.product_id.uom_id
            )
        vals_list = []
        for lot, qty in by_lot.items():
            qty = min(qty, left)
            if float_compare(qty, 0.0, precision_rounding=rounding) <= 0:
                continue
            left -= qty
            vals_list.append(dict(base, quantity=qty, lot_id=lot.id))
        return vals_list

    def _prepare_move_base_vals(self, qty, location, location_dest, kind):
        self.ensure_one()
        return {
            "name": self.rma_id.name,
            "product_id": self.product_id.id,
            "product_uom": self.product_uom_id.id,
            "product_uom_qty": qty,
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "partner_id": (self.rma_id.partner_shipping_id or self.rma_id.partner_id).id,
            "company_id": self.company_id.id,
            "origin": self.rma_id.name,
            "rma_line_id": self.id,
            "rma_move_kind": kind,
            "procure_method": "make_to_stock",
        }

    def _prepare_receipt_move_vals(self):
        """Receipt move customer → RMA/Input, linked to the original delivery
        move (``origin_returned_move_id``) and sale line so that Odoo's sale
        quantities and return valuation stay right."""
        self.ensure_one()
        rma = self.rma_id
        vals = self._prepare_move_base_vals(
            self.quantity,
            rma._customer_location(),
            rma.warehouse_id.rma_input_loc_id,
            "receipt",
        )
        vals["picking_type_id"] = rma.warehouse_id.rma_in_type_id.id
        if self.move_id:
            vals["origin_returned_move_id"] = self.move_id.id
        if self.sale_line_id:
            vals["sale_line_id"] = self.sale_line_id.id
            vals["to_refund"] = True
        return vals

    def _prepare_routing_move_vals(self, qty, location_dest):
        self.ensure_one()
        rma = self.rma_id
        vals = self._prepare_move_base_vals(
            qty, rma.warehouse_id.rma_input_loc_id, location_dest, "routing"
        )
        vals["picking_type_id"] = rma.warehouse_id.rma_int_type_id.id
        return vals

    # ------------------------------------------------------------------
    # Outgoing documents: procured through the warehouse's rules
    # ------------------------------------------------------------------
    def _prepare_procurement_values(self, kind):
        """Values of the procurement of an outgoing RMA document (``kind``
        replacement or send_back): the RMA's procurement group, the RMA link
        that every move the rules create carries (``rma_line_id``,
        ``rma_move_kind``), the promised date; send-backs take the
        warehouse's RMA send-back route (from RMA/Input). Integrators add
        their own values with ``super()``."""
        self.ensure_one()
        rma = self.rma_id
        values = {
            "group_id": rma._get_procurement_group(),
            "warehouse_id": rma.warehouse_id,
            "company_id": rma.company_id,
            "date_planned": rma.promised_date or fields.Datetime.now(),
            "rma_line_id": self.id,
            "rma_move_kind": kind,
        }
        if kind == "send_back":
            values["route_ids"] = rma.warehouse_id.rma_send_back_route_id
        return values

    def _prepare_replacement_procurement(self, qty):
        """Replacement (or spare part) for the customer, procured at the
        customer's location: the warehouse's delivery steps and the product's
        routes (make to order, manufacture, buy) decide the documents. Not
        linked to the sale line: the customer keeps the delivered quantity
        it paid for."""
        self.ensure_one()
        product = self.replacement_product_id or self.product_id
        uom = self.product_uom_id if product == self.product_id else product.uom_id
        return self._prepare_procurement(product, qty, uom, "replacement")

    def _prepare_send_back_procurement(self, qty):
        """Goods sent back to the customer from RMA/Input (repaired or as
        they are), through the RMA send-back route and the warehouse's
        delivery steps."""
        self.ensure_one()
        return self._prepare_procurement(self.product_id, qty, self.product_uom_id, "send_back")

    def _prepare_procurement(self, product, qty, uom, kind):
        self.ensure_one()
        rma = self.rma_id
        return self.env["procurement.group"].Procurement(
            product,
            qty,
            uom,
            rma._customer_location(),
            rma.name,
            rma.name,
            rma.company_id,
            self._prepare_procurement_values(kind),
        )

    def _run_procurements(self, procurements):
        """Run ``procurements`` of these lines; returns the moves they
        created."""
        Move = self.env["stock.move"].sudo()
        before = Move.search([("rma_line_id", "in", self.ids)])
        self.env["procurement.group"].run(procurements)
        return (Move.search([("rma_line_id", "in", self.ids)]) - before).with_env(self.env)

    def _is_first_leg(self, move):
        """Whether ``move`` starts a chain of the line's outgoing moves (the
        pick of a pick-pack-ship, the only move of a one-step delivery):
        planned quantities count first legs, delivered ones count the legs
        that reach the customer."""
        return not (
            move.move_orig_ids.filtered(
                lambda m: m.rma_line_id == self and m.rma_move_kind == move.rma_move_kind
            )
        )

    def _prepare_repair_vals(self, qty):
        """Repair order on the goods in RMA/Input; repaired in place, then
        sent back by an RMA delivery. Free (under warranty) by default."""
        self.ensure_one()
        rma = self.rma_id
        warehouse = rma.warehouse_id
        return {
            "product_id": self.product_id.id,
            "product_qty": qty,
            "product_uom": self.product_uom_id.id,
            "lot_id": self._single_received_lot().id,
            "partner_id": rma.partner_id.id,
            "company_id": rma.company_id.id,
            "picking_type_id": warehouse.repair_type_id.id,
            "product_location_src_id": warehouse.rma_input_loc_id.id,
            "product_location_dest_id": warehouse.rma_input_loc_id.id,
            "under_warranty": self.service_charge != "charged",
            "rma_line_id": self.id,
            "internal_notes": self.description or False,
        }

    def _prepare_scrap_vals(self, qty, lot):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "scrap_qty": qty,
            "product_uom_id": self.product_uom_id.id,
            "lot_id": lot.id,
            "location_id": self.rma_id.warehouse_id.rma_input_loc_id.id,
            "company_id": self.company_id.id,
            "origin": self.rma_id.name,
            "rma_line_id": self.id,
        }

    def _destination_location(self):
        self.ensure_one()
        warehouse = self.rma_id.warehouse_id
        return {
            "stock": warehouse.lot_stock_id,
            "defective": warehouse.rma_defective_loc_id,
            "slow_moving": warehouse.rma_slow_loc_id,
        }[self.destination]

    # ------------------------------------------------------------------
    # Lots
    # ------------------------------------------------------------------
    def _received_lot_quantities(self):
        """{lot: quantity} still in RMA/Input for this line: received lots
        minus what outgoing documents of the line already take."""
        self.ensure_one()
        if self.lot_id or self.product_id.tracking == "none":
            return {self.lot_id: self.qty_received - self.qty_processed}
        lots = defaultdict(float)
        source = self.split_from_id or self
        for move in source.move_ids.filtered(
            lambda m: m.rma_move_kind == "receipt" and m.state == "done"
        ):
            for move_line in move.move_line_ids:
                lots[move_line.lot_id] += move_line.quantity
        rma_input = self.rma_id.warehouse_id.rma_input_loc_id
        for move in self.move_ids.filtered(
            lambda m: (
                m.rma_move_kind in ("routing", "send_back", "scrap")
                and m.state != "cancel"
                and m.location_id == rma_input
            )
        ):
            for move_line in move.move_line_ids:
                lots[move_line.lot_id] -= move_line.quantity
        return {lot: qty for lot, qty in lots.items() if qty > 0}

    def _single_received_lot(self):
        self.ensure_one()
        if self.lot_id:
            return self.lot_id
        lots = [lot for lot in self._received_lot_quantities() if lot]
        return lots[0] if len(lots) == 1 else self.env["stock.lot"]

    def _reserve_line_lots(self, moves):
        """Reserve RMA/Input goods for outgoing RMA moves with the lots the
        line received, never another RMA's goods of the same product."""
        generic = self.env["stock.move"]
        for move in moves:
            line = move.rma_line_id
            if line.product_id.tracking == "none":
                generic |= move
                continue
            left = move.product_uom_qty
            vals_list = []
            for lot, qty in line._received_lot_quantities().items():
                take = min(qty, left)
                if take <= 0:
                    continue
                vals_list.append(
                    {
                        "move_id": move.id,
                        "picking_id": move.picking_id.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id,
                        "quantity": take,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "company_id": move.company_id.id,
                    }
                )
                left -= take
            if vals_list:
                self.env["stock.move.line"].create(vals_list)
            else:
                generic |= move
        if generic:
            generic._action_assign()
        (moves - generic)._recompute_state()

    # ------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------
    def _qty_to_process(self):
        self.ensure_one()
        return max(self.qty_received - self.qty_processed, 0.0)

    def _run_outcomes(self):
        """Create the documents of each line's outcome for its received and
        not yet processed quantity. Called by ``factory.rma.action_process``."""
        routing = defaultdict(lambda: defaultdict(list))  # rma -> dest -> vals
        send_back = []  # (line, qty)
        repairs_vals = []
        scraps = []
        to_replace = self.browse()
        for line in self:
            rounding = line._qty_rounding()
            qty = line._qty_to_process()
            outcome = line.decided_outcome
            if (
                outcome == "replace"
                and float_compare(
                    line.qty_received, line.qty_replacement_planned, precision_rounding=rounding
                )
                > 0
            ):
                to_replace |= line
            if float_is_zero(qty, precision_rounding=rounding) or not outcome:
                continue
            if outcome == "repair":
                repairs_vals.append(line._prepare_repair_vals(qty))
            elif outcome == "reject":
                send_back.append((line, qty))
            elif line.destination == "scrap":
                scraps.append((line, qty))
            else:
                location = line._destination_location()
                routing[line.rma_id][location].append(
                    line._prepare_routing_move_vals(qty, location)
                )
        moves = self.env["stock.move"]
        if send_back:
            send_back_lines = self.browse()
            procurements = []
            for line_qty in send_back:
                send_back_lines |= line_qty[0]
                procurements.append(line_qty[0]._prepare_send_back_procurement(line_qty[1]))
            moves |= send_back_lines._run_procurements(procurements).filtered(
                lambda m: m.location_id == m.rma_line_id.rma_id.warehouse_id.rma_input_loc_id
            )
        for rma, by_dest in routing.items():
            warehouse = rma.warehouse_id
            for location, vals_list in by_dest.items():
                picking_vals = rma._prepare_picking_vals(
                    warehouse.rma_int_type_id, warehouse.rma_input_loc_id, location
                )
                picking_vals["move_ids"] = [fields.Command.create(v) for v in vals_list]
                picking = self.env["stock.picking"].create(picking_vals)
                picking.action_confirm()
                moves |= picking.move_ids
        if moves:
            self._reserve_line_lots(moves)
        if repairs_vals:
            repairs = self.env["repair.order"].create(repairs_vals)
            repairs._action_repair_confirm()
        for line, qty in scraps:
            line._scrap(qty)
        if to_replace:
            to_replace._create_replacements()

    def _scrap(self, qty):
        self.ensure_one()
        scraps = self.env["stock.scrap"]
        left = qty
        for lot, lot_qty in self._received_lot_quantities().items():
            take = min(lot_qty, left)
            if take <= 0:
                continue
            scraps |= self.env["stock.scrap"].create(self._prepare_scrap_vals(take, lot))
            left -= take
        if float_compare(left, 0.0, precision_rounding=self._qty_rounding()) > 0:
            scraps |= self.env["stock.scrap"].create(
                self._prepare_scrap_vals(left, self.env["stock.lot"])
            )
        for scrap in scraps:
            scrap.do_scrap()
        return scraps

    def _create_replacements(self):
        """Replacement deliveries for replace lines: the received quantity
        not yet covered, or the whole requested quantity for replenish-first
        lines before the goods come back."""
        procurements = []
        for line in self:
            qty = line._replacement_target_qty() - line.qty_replacement_planned
            if float_compare(qty, 0.0, precision_rounding=line._qty_rounding()) > 0:
                procurements.append(line._prepare_replacement_procurement(qty))
        if not procurements:
            return self.env["stock.picking"]
        moves = self._run_procurements(procurements)
        moves.filtered(lambda m: m.state in ("confirmed", "partially_available"))._action_assign()
        return moves.picking_id

    def _qty_accepted(self):
        """Goods the company takes back for this line: what came back, never
        more than the authorised quantity. Credits and replacements are
        capped by it."""
        self.ensure_one()
        return min(self.qty_received, self.quantity)

    def _replacement_target_qty(self):
        """Quantity a line's replacements add up to (平数补货): the requested
        quantity when the replacement ships first (replenish-first before the
        goods come back, shortage, spare part, advance replacement), else the
        received quantity."""
        self.ensure_one()
        rma = self.rma_id
        if rma.rma_type in SHIP_FIRST_TYPES or (rma.replenish_first and self.state == "approved"):
            return self.quantity
        return self._qty_accepted()

    def _replacement_allowed_qty(self):
        """Most a line may replace: the accepted quantity (the requested one
        for the types that ship first)."""
        self.ensure_one()
        if self.rma_id.rma_type in SHIP_FIRST_TYPES or self.rma_id.replenish_first:
            return self.quantity
        return self._qty_accepted()

    def _check_replacement_quantities(self, moves):
        """平数补货 (REPL, AS-13): validating replacements beyond the accepted
        quantity needs an RMA Manager's recorded special request."""
        for line in self:
            if line.replacement_special_request:
                continue
            done = sum(
                m.product_uom._compute_quantity(m.quantity, line.product_uom_id)
                for m in line.move_ids
                if m.rma_move_kind == "replacement"
                and m.location_dest_id.usage == "customer"
                and (m.state == "done" or m in moves)
            )
            if (
                float_compare(
                    done,
                    line._replacement_allowed_qty(),
                    precision_rounding=line._qty_rounding(),
                )
                > 0
            ):
                raise UserError(
                    _(
                        "The replacement of %(product)s (%(done)s) exceeds the accepted quantity "
                        "%(allowed)s. An RMA Manager must record the customer's special request.",
                        product=line.product_id.display_name,
                        done=done,
                        allowed=line._replacement_allowed_qty(),
                    )
                )

    def _check_receipt_quantities(self, moves):
        """Goods received on a line never exceed its authorised quantity: the
        warehouse books a surplus only on a line an RMA Manager accepted
        (``_authorise_surplus``)."""
        for line in self:
            incoming = sum(
                m.product_uom._compute_quantity(m.quantity, line.product_uom_id)
                for m in moves
                if m.rma_line_id == line
            )
            total = line.qty_received + incoming
            if float_compare(total, line.quantity, precision_rounding=line._qty_rounding()) > 0:
                raise UserError(
                    _(
                        "%(rma)s authorises %(authorised)s %(product)s; this receipt would bring "
                        "%(total)s. Receive the authorised quantity, or ask an RMA Manager to "
                        "accept the surplus on the RMA line first.",
                        rma=line.rma_id.name,
                        authorised=line.quantity,
                        product=line.product_id.display_name,
                        total=total,
                    )
                )

    def action_open_surplus_wizard(self):
        self.ensure_one()
        self._check_can_authorise_surplus()
        return {
            "type": "ir.actions.act_window",
            "name": _("Accept Surplus"),
            "res_model": "factory.rma.line.surplus.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def _check_can_authorise_surplus(self):
        self._check_group(
            "rma_factory.group_rma_manager", _("accept goods beyond the authorised quantity")
        )
        for line in self:
            if line.state not in ("approved", "received") or not line._expects_goods_back():
                raise UserError(
                    _(
                        "A surplus can be accepted only while the goods of %s are received.",
                        line.display_name,
                    )
                )

    def _prepare_surplus_line_vals(self, qty):
        """The new line of a surplus: same goods and origin, its own
        quantity; the returnable-quantity check applies to it."""
        self.ensure_one()
        return {
            "rma_id": self.rma_id.id,
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "product_uom_id": self.product_uom_id.id,
            "lot_id": self.lot_id.id,
            "quantity": qty,
            "price_unit": self.price_unit,
            "sale_line_id": self.sale_line_id.id,
            "move_id": self.move_id.id,
            "invoice_line_id": self.invoice_line_id.id,
            "reason_id": self.reason_id.id,
            "requested_outcome": self.requested_outcome,
            "description": self.description,
            "is_third_party": self.is_third_party,
            "cond_original_packaging": self.cond_original_packaging,
            "cond_accessories_complete": self.cond_accessories_complete,
            "cond_no_human_damage": self.cond_no_human_damage,
            "eligibility_state": self.eligibility_state,
            "eligibility_note": self.eligibility_note,
            "warranty_end_date": self.warranty_end_date,
            "delivery_date": self.delivery_date,
            "surplus_of_id": self.id,
        }

    def _authorise_surplus(self, qty, note):
        """An RMA Manager accepts goods the customer sent beyond the
        authorised quantity: a new line for them, and a receipt move on the
        RMA's open receipt (or a new one). Returns the new line."""
        self.ensure_one()
        self._check_can_authorise_surplus()
        self.rma_id._lock_for_update()
        if float_compare(qty, 0.0, precision_rounding=self._qty_rounding()) <= 0:
            raise UserError(_("The surplus quantity must be positive."))
        if not (note or "").strip():
            raise UserError(_("Record why the surplus is accepted."))
        # the line and its receipt are the workflow's: rights and state are
        # checked above
        new_line = self.sudo().create(self._prepare_surplus_line_vals(qty))
        open_receipt = self.rma_id.picking_ids.filtered(
            lambda p: (
                p.picking_type_id == self.rma_id.warehouse_id.rma_in_type_id
                and p.state not in ("done", "cancel")
            )
        )[:1]
        if open_receipt:
            move = (
                self.env["stock.move"]
                .sudo()
                .create(dict(new_line._prepare_receipt_move_vals(), picking_id=open_receipt.id))
            )
            move._action_confirm(merge=False)
            move._action_assign()
        else:
            self.rma_id.sudo()._create_receipts(lines=new_line)
        self.rma_id._log_approval("surplus", note)
        self.rma_id.message_post(
            body=_(
                "Surplus of %(qty)s %(product)s accepted by %(user)s: %(note)s",
                qty=qty,
                product=self.product_id.display_name,
                user=self.env.user.name,
                note=note,
            )
        )
        return new_line.with_env(self.env)

    def action_open_special_request_wizard(self):
        self.ensure_one()
        self._check_group(
            "rma_factory.group_rma_manager", _("accept a different replacement quantity")
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Special Replacement Quantity"),
            "res_model": "factory.rma.line.special.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def _record_replacement_special_request(self, note):
        """Called by an RMA Manager: the customer asks for a replacement
        quantity different from the returned one."""
        self._check_group(
            "rma_factory.group_rma_manager", _("accept a different replacement quantity")
        )
        if not (note or "").strip():
            raise UserError(_("Describe the customer's special request."))
        self._write_workflow(
            {"replacement_special_request": True, "replacement_special_note": note}
        )
        for line in self:
            line.rma_id.message_post(
                body=_(
                    "Special replacement quantity accepted for %(line)s: %(note)s",
                    line=line.display_name,
                    note=note,
                )
            )
        return True

    def _create_send_back_for_repairs(self, repairs):
        """Repaired goods go back to the customer (called when a repair
        order linked to the line is done)."""
        procurements = [
            repair.rma_line_id._prepare_send_back_procurement(
                repair.product_uom._compute_quantity(
                    repair.product_qty, repair.rma_line_id.product_uom_id
                )
            )
            for repair in repairs
        ]
        lines = repairs.rma_line_id
        moves = lines._run_procurements(procurements).filtered(
            lambda m: m.location_id == m.rma_line_id.rma_id.warehouse_id.rma_input_loc_id
        )
        if moves:
            self._reserve_line_lots(moves)
        return moves.picking_id

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_approve_outcome(self):
        """RMA Approver (general manager) approves scrap and sell-off, and the
        acceptance of customer-caused goods (APPR-10, APPR-18)."""
        self._check_group(
            "rma_factory.group_rma_approver",
            _("approve scrap, sell-off or customer-caused returns"),
        )
        self.rma_id._lock_for_update()
        for line in self:
            if not line._needs_outcome_approval():
                raise UserError(
                    _("The outcome of %s needs no approval.", line.product_id.display_name)
                )
            if line.outcome_approved:
                raise UserError(
                    _("The outcome of %s is already approved.", line.product_id.display_name)
                )
            if line.state not in ("received", "judged", "processing"):
                raise UserError(_("Outcomes can be approved only after the goods are received."))
        self._write_workflow({"outcome_approved": True, "outcome_approved_by": self.env.uid})
        outcome_labels = dict(self._fields["decided_outcome"]._description_selection(self.env))
        for line in self:
            line.rma_id._log_approval(
                "outcome",
                _(
                    "%(outcome)s of %(qty)s %(product)s",
                    outcome=outcome_labels[line.decided_outcome],
                    qty=line.qty_received,
                    product=line.product_id.display_name,
                ),
            )
        return True

    def _check_can_record_agreement(self):
        self._check_group("rma_factory.group_rma_user", _("record the customer's agreement"))
        for line in self:
            if line.state not in ("received", "judged", "processing"):
                raise UserError(
                    _(
                        "The customer's agreement can only be recorded once the goods of %s are received.",  # noqa: E501
                        line.display_name,
                    )
                )

    def action_record_customer_agreement(self):
        """Sales records that the customer agreed to the charged service or
        to the judged classification (AS-06); a charged repair only starts
        after this."""
        self._check_can_record_agreement()
        self.rma_id._lock_for_update()
        todo = self.filtered(lambda line: not line.customer_agreed)
        if not todo:
            return True
        todo._write_workflow(
            {"customer_agreed": True, "customer_agreed_date": fields.Datetime.now()}
        )
        for line in todo:
            line.rma_id.message_post(
                body=_("The customer agreed to the handling of %s.", line.display_name)
            )
        return True

    def action_open_split_wizard(self):
        self.ensure_one()
        self._check_can_split()
        return {
            "type": "ir.actions.act_window",
            "name": _("Split Line"),
            "res_model": "factory.rma.line.split.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def _check_can_split(self):
        self.ensure_one()
        self._check_group("rma_factory.group_rma_user", _("split RMA lines"))
        if self.state not in ("draft", "submitted", "received", "judged"):
            raise UserError(_("Lines can be split only before the outcomes run."))
        rounding = self._qty_rounding()
        if not float_is_zero(self.qty_pending_receipt, precision_rounding=rounding):
            raise UserError(
                _(
                    "Wait until the goods of this line are received, or cancel the rest of the receipt."  # noqa: E501
                )
            )
        if not float_is_zero(self.qty_processed, precision_rounding=rounding):
            raise UserError(_("This line already has outcome documents and cannot be split."))

    def _split(self, qty, vals=None):
        """Move ``qty`` of this line (requested and received) to a new line
        with its own outcome. Returns the new line."""
        self.ensure_one()
        self._check_can_split()
        rounding = self._qty_rounding()
        received = not float_is_zero(self.qty_received, precision_rounding=rounding)
        base = self.qty_received if received else self.quantity
        if (
            float_compare(qty, 0.0, precision_rounding=rounding) <= 0
            or float_compare(qty, base, precision_rounding=rounding) >= 0
        ):
            raise UserError(_("The quantity to split must be positive and less than %s.", base))
        new_vals = {
            "quantity": qty,
            "split_from_id": self.id,
            "qty_received_adjust": qty if received else 0.0,
            "eligibility_state": self.eligibility_state,
            "eligibility_note": self.eligibility_note,
            "warranty_end_date": self.warranty_end_date,
            "delivery_date": self.delivery_date,
            "price_unit": self.price_unit,
        }
        new_vals.update(vals or {})
        # Reduce this line first so that the returnable-quantity constraint
        # never sees both quantities at once. The split is the workflow's:
        # rights and state were checked above.
        self._write_workflow(
            {
                "quantity": self.quantity - qty,
                "qty_received_adjust": self.qty_received_adjust - (qty if received else 0.0),
            }
        )
        new_line = self.sudo().copy(new_vals).with_env(self.env)
        self.rma_id.message_post(
            body=_(
                "Line %(product)s split: %(qty)s moved to a new line.",
                product=self.product_id.display_name,
                qty=qty,
            )
        )
        return new_line
