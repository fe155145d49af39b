from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from .factory_rma_outcome import (
    CREDIT_OUTCOMES,
    NO_GOODS_TYPES,
    OUTCOMES,
)


def _quantity_bucket(string=None, **kwargs):
    """An internal quantity of the line computed from its stock moves and
    repair orders by ``_compute_quantities``."""
    return fields.Float(
        string,
        digits="Product Unit of Measure",
        compute="_compute_quantities",
        store=True,
        groups="base.group_user",
        **kwargs,
    )


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

    # Goods the company did not sell
    is_third_party = fields.Boolean(
        "Third-party Goods",
        help="Goods the company did not sell (non-company products): no sale link, no credit; "
        "sent back or scrapped.",
        groups="base.group_user",
    )

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
    qty_pending_receipt = _quantity_bucket("Awaited")
    qty_judged = _quantity_bucket("Judged")
    qty_routed = _quantity_bucket("Routed")
    qty_repaired = _quantity_bucket("Repaired")
    qty_replaced = _quantity_bucket("Replaced")
    qty_replacement_planned = _quantity_bucket()
    qty_returned = _quantity_bucket("Returned to Customer")
    qty_scrapped = _quantity_bucket("Scrapped")
    qty_processed = _quantity_bucket(help="Quantity for which outcome documents exist.")
    qty_pending_return = _quantity_bucket(
        "Pending Return",
        help="Replenish-first: replaced quantity whose goods have not come back yet.",
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

    @api.depends("rma_id.name", "product_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.rma_id.name} – {line.product_id.display_name}"

    @api.depends("product_id", "sale_line_id")
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

    @api.depends("price_unit", "quantity", "currency_id")
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

    @api.depends(
        "move_ids.state",
        "move_ids.quantity",
        "move_ids.product_uom_qty",
        "move_ids.product_uom",
        "move_ids.rma_move_kind",
        "move_ids.move_orig_ids.rma_line_id",
        "move_ids.move_orig_ids.rma_move_kind",
        "move_ids.location_dest_id.usage",
        "repair_ids.state",
        "repair_ids.product_qty",
        "repair_ids.product_uom",
        "product_uom_id",
        "qty_received_adjust",
        "decided_outcome",
        "rma_id.replenish_first",
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
        "qty_received",
        "quantity",
        "qty_credited",
        "decided_outcome",
        "is_third_party",
        "rma_id.policy_id.credit_return_only",
    )
    def _compute_qty_to_credit(self):
        for line in self:
            if line._credits_customer():
                line.qty_to_credit = max(line._qty_accepted() - line.qty_credited, 0.0)
            else:
                line.qty_to_credit = 0.0

    @api.depends(
        "product_id.type",
        "product_uom_id",
        "quantity",
        "qty_received",
        "qty_pending_receipt",
        "qty_routed",
        "qty_replaced",
        "qty_returned",
        "qty_scrapped",
        "decided_outcome",
        "destination",
        "rma_id.rma_type",
    )
    def _compute_is_resolved(self):
        for line in self:
            line.is_resolved = line._is_resolved()

    def _qty_rounding(self):
        """Rounding used to compare the line's quantities: its unit's, or the
        precision of product quantities while the line has no unit yet (a new
        line in the form before the product is chosen)."""
        self.ensure_one()
        if self.product_uom_id.rounding:
            return self.product_uom_id.rounding
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        return 10**-digits

    def _is_resolved(self):
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
        if outcome in ("repair", "send_back"):
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

    def _expects_goods_back(self):
        """Whether the approval creates a receipt for this line. Hook for
        RMA types where no goods come back (shortage, complaint only)."""
        self.ensure_one()
        return self.product_id.type == "consu" and self.rma_id.rma_type not in NO_GOODS_TYPES

    def _workflow_fields(self):
        """The related state and the credited quantity are the workflow's;
        each concern of the line adds its own fields."""
        return super()._workflow_fields() | {"state", "qty_credited"}

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

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.state not in ("draft", "cancelled", False) for line in self):
            raise UserError(_("Lines can only be removed from draft RMAs."))

    def _qty_accepted(self):
        """Goods the company takes back for this line: what came back, never
        more than the authorised quantity. Credits and replacements are
        capped by it."""
        self.ensure_one()
        return min(self.qty_received, self.quantity)
