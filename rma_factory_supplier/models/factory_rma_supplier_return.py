from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

QUALITY_INSPECTOR = "rma_factory_quality.group_quality_inspector"
RMA_USER = "rma_factory.group_rma_user"
#: who prepares and confirms returns to the vendor: quality (the CQE who
#: tracks the supplier) and customer service.
RETURN_GROUPS = [QUALITY_INSPECTOR, RMA_USER]
#: RMA states in which judged goods can go back to the vendor.
RETURN_RMA_STATES = ("judged", "processing", "done")
#: who reads supplier returns; the relations added to Odoo's pickings, moves
#: and invoices carry these groups, so that their other readers (a
#: salesperson, an auditor) read them as before.
SUPPLIER_RETURN_READERS = (
    "rma_factory.group_rma_user,rma_factory_quality.group_quality_inspector,"
    "stock.group_stock_user,account.group_account_invoice"
)


class FactoryRmaSupplierReturn(models.Model):
    """Return to vendor (退供应商) of defective goods of an RMA line.

    The goods leave RMA/Defective (and, for a batch defect, the rest of the
    supplier lot still in WH/Stock: containment) for the vendor. When the
    lot came in on a vendor receipt of a purchase order, the return is a
    purchase return of that receipt: its moves point to the receipt move
    and the purchase order line, so the line's received quantity drops and
    Odoo's vendor bill logic stays right. Otherwise it is a free return to
    the vendor."""

    _name = "factory.rma.supplier.return"
    _description = "RMA Supplier Return"
    _inherit = ["mail.thread", "mail.activity.mixin", "factory.rma.guard"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Waiting for Shipment"),
            ("done", "Returned"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    line_id = fields.Many2one(
        "factory.rma.line",
        "RMA Line",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    rma_id = fields.Many2one(related="line_id.rma_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="line_id.product_id", store=True)
    product_uom_id = fields.Many2one(related="line_id.product_uom_id")
    lot_id = fields.Many2one("stock.lot", "Supplier Lot", readonly=True, check_company=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Vendor",
        required=True,
        tracking=True,
        domain=[("is_company", "=", True)],
        check_company=True,
    )
    defect_scope = fields.Selection(
        [("single", "Single defect"), ("batch", "Batch defect")],
        "Defect Scope",
        default="single",
        required=True,
        tracking=True,
        help="Batch defect: the whole supplier lot is suspect, the units still in WH/Stock go "
        "back to the vendor too (containment) and a supplier meeting is scheduled. Single "
        "defect: only the defective units of the RMA go back.",
    )
    qty_defective = fields.Float(
        "From Defective Store",
        digits="Product Unit of Measure",
        tracking=True,
        help="Defective units of the RMA line returned from RMA/Defective.",
    )
    qty_stock = fields.Float(
        "From Stock (containment)",
        compute="_compute_qty_stock",
        store=True,
        readonly=False,
        digits="Product Unit of Measure",
        tracking=True,
        help="Batch defect: units of the same supplier lot returned from WH/Stock; the whole "
        "free quantity of the lot is proposed.",
    )
    qty_defective_available = fields.Float(
        "Available in Defective Store",
        compute="_compute_available",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    qty_stock_available = fields.Float(
        "Lot Free in Stock",
        compute="_compute_available",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    origin_move_id = fields.Many2one(
        "stock.move", "Vendor Receipt Move", readonly=True, copy=False, check_company=True
    )
    purchase_line_id = fields.Many2one(
        "purchase.order.line", "Purchase Order Line", readonly=True, copy=False
    )
    purchase_id = fields.Many2one(related="purchase_line_id.order_id", string="Purchase Order")
    move_ids = fields.One2many("stock.move", "rma_supplier_return_id", readonly=True)
    picking_ids = fields.Many2many(
        "stock.picking", compute="_compute_pickings", compute_sudo=True, string="Return Transfers"
    )
    replacement_picking_ids = fields.Many2many(
        "stock.picking",
        compute="_compute_pickings",
        compute_sudo=True,
        string="Replacement Receipts",
    )
    picking_count = fields.Integer(compute="_compute_pickings", compute_sudo=True)
    qty_returned = fields.Float(
        "Returned", compute="_compute_quantities", digits="Product Unit of Measure", store=True
    )
    qty_replacement_planned = fields.Float(
        compute="_compute_quantities", digits="Product Unit of Measure", store=True
    )
    qty_replaced = fields.Float(
        "Replaced by Vendor",
        compute="_compute_quantities",
        digits="Product Unit of Measure",
        store=True,
    )
    eightd_id = fields.Many2one(
        "factory.rma.8d", "Supplier 8D", readonly=True, copy=False, check_company=True
    )
    eightd_state = fields.Selection(related="eightd_id.state", string="8D State")
    note = fields.Text()

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("line_id", "lot_id", "state", "qty_defective")
    def _compute_available(self):
        for sreturn in self:
            if sreturn.line_id:
                sreturn.qty_defective_available = sreturn._defective_available()
                sreturn.qty_stock_available = sreturn._stock_available()
            else:
                sreturn.qty_defective_available = sreturn.qty_stock_available = 0.0

    @api.depends("defect_scope")
    def _compute_qty_stock(self):
        """A batch defect proposes the whole free lot in WH/Stock."""
        for sreturn in self:
            if sreturn.state != "draft":
                continue
            sreturn.qty_stock = (
                sreturn._stock_available() if sreturn.defect_scope == "batch" else 0.0
            )

    @api.depends("move_ids.picking_id", "move_ids.rma_supplier_move_kind")
    def _compute_pickings(self):
        for sreturn in self:
            moves = sreturn.move_ids
            sreturn.picking_ids = moves.filtered(
                lambda m: m.rma_supplier_move_kind == "return"
            ).picking_id
            sreturn.replacement_picking_ids = moves.filtered(
                lambda m: m.rma_supplier_move_kind == "replacement"
            ).picking_id
            sreturn.picking_count = len(moves.picking_id)

    @api.depends(
        "move_ids.state",
        "move_ids.quantity",
        "move_ids.product_uom_qty",
        "move_ids.rma_supplier_move_kind",
    )
    def _compute_quantities(self):
        for sreturn in self:
            returned = planned = replaced = 0.0
            uom = sreturn.product_id.uom_id
            for move in sreturn.move_ids.filtered(lambda m: m.state != "cancel"):
                done = move.state == "done"
                qty = move.product_uom._compute_quantity(
                    move.quantity if done else move.product_uom_qty, uom
                )
                if move.rma_supplier_move_kind == "return" and done:
                    returned += qty
                elif move.rma_supplier_move_kind == "replacement":
                    planned += qty
                    if done:
                        replaced += qty
            sreturn.qty_returned = returned
            sreturn.qty_replacement_planned = planned
            sreturn.qty_replaced = replaced

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                line = self.env["factory.rma.line"].browse(vals.get("line_id"))
                company = line.company_id or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("factory.rma.supplier.return")
                    or "/"
                )
        return super().create(vals_list)

    def _workflow_fields(self):
        """The line, lot, state and the documents found or created by the
        buttons are the workflow's."""
        return super()._workflow_fields() | {
            "state",
            "line_id",
            "lot_id",
            "origin_move_id",
            "purchase_line_id",
            "eightd_id",
        }

    def _draft_fields(self):
        """What is decided before the goods leave: fixed once confirmed."""
        return {"partner_id", "defect_scope", "qty_defective", "qty_stock"}

    def write(self, vals):
        if not self.env.su and self._draft_fields() & set(vals):
            self._check_group_any_return()
            self._check_state(("draft",), _("Changing the vendor, scope or quantities"))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(sreturn.state != "draft" for sreturn in self):
            raise UserError(_("Only draft supplier returns can be deleted: cancel it instead."))

    # ------------------------------------------------------------------
    # Available quantities
    # ------------------------------------------------------------------
    def _warehouse(self):
        self.ensure_one()
        return self.rma_id.sudo().warehouse_id

    def _defective_available(self, others=None, on_hand=None):
        """Units of the line that reached RMA/Defective and are on no other
        active return, never more than the store holds of the lot (stock
        figures read as superuser: quality and customer service have no
        stock rights). ``others`` (the line's other active returns) and
        ``on_hand`` (``_defective_on_hand``) when the caller found them for
        many returns at once."""
        self.ensure_one()
        sreturn = self.sudo()
        line = sreturn.line_id
        defective = sreturn._warehouse().rma_defective_loc_id
        routed = 0.0
        for move in line.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id._child_of(defective)
        ):
            routed += move.product_uom._compute_quantity(move.quantity, line.product_id.uom_id)
        if others is None:
            others = sreturn.search(
                [
                    ("line_id", "=", line.id),
                    ("state", "!=", "cancelled"),
                    ("id", "not in", self.ids),
                ]
            )
        routed -= sum(others.mapped("qty_defective"))
        if on_hand is None:
            on_hand = sreturn._defective_on_hand()
        if sreturn.state == "confirmed":
            # reserved by this return's own transfer
            on_hand += sum(
                sreturn.move_ids.filtered(
                    lambda m: m.location_id._child_of(defective) and m.state != "done"
                ).mapped("quantity")
            )
        return max(min(routed, on_hand), 0.0)

    def _defective_on_hand(self):
        """Free units of the lot (of the product) in the defective store."""
        self.ensure_one()
        sreturn = self.sudo()
        return sreturn.env["stock.quant"]._get_available_quantity(
            sreturn.product_id,
            sreturn._warehouse().rma_defective_loc_id,
            lot_id=sreturn.lot_id or None,
            strict=False,
        )

    def _stock_available(self):
        """Free units of the supplier lot in WH/Stock (batch containment)."""
        self.ensure_one()
        if not self.lot_id:
            return 0.0
        sreturn = self.sudo()
        return max(
            sreturn.env["stock.quant"]._get_available_quantity(
                sreturn.product_id,
                sreturn._warehouse().lot_stock_id,
                lot_id=sreturn.lot_id,
                strict=False,
            ),
            0.0,
        )

    def _origin_returnable(self):
        """What the vendor receipt move can still take back: the lot's
        received units less what earlier returns of the move took."""
        self.ensure_one()
        move = self.origin_move_id.sudo()
        uom = self.product_id.uom_id
        received = sum(
            ml.product_uom_id._compute_quantity(ml.quantity, uom)
            for ml in move.move_line_ids
            if not self.lot_id or ml.lot_id == self.lot_id
        )
        returned = sum(
            m.product_uom._compute_quantity(
                m.quantity if m.state == "done" else m.product_uom_qty, uom
            )
            for m in move.returned_move_ids.filtered(lambda m: m.state != "cancel")
            if m.rma_supplier_return_id != self
        )
        return received - returned

    # ------------------------------------------------------------------
    # Proposal from an RMA line
    # ------------------------------------------------------------------
    @api.model
    def _find_vendor_receipt_move(self, product, lot, vendor, company):
        """The latest done vendor receipt move of ``product`` (and ``lot``)
        on a purchase order of ``vendor`` (any vendor when empty)."""
        domain = [
            ("product_id", "=", product.id),
            ("state", "=", "done"),
            ("purchase_line_id", "!=", False),
            ("location_id.usage", "=", "supplier"),
            ("company_id", "=", company.id),
        ]
        if vendor:
            domain.append(
                ("purchase_line_id.partner_id", "child_of", vendor.commercial_partner_id.id)
            )
        if lot:
            domain.append(("move_line_ids.lot_id", "=", lot.id))
        return self.env["stock.move"].sudo().search(domain, order="date desc, id desc", limit=1)

    @api.model
    def _prepare_supplier_return_vals(self, line):
        """Draft return of ``line``: the vendor judged responsible (else the
        vendor of the lot's receipt, else the product's first vendor), the
        vendor receipt and purchase order line of the lot, and the
        defective units not yet returned."""
        line = line.sudo()
        vendor = (
            line.responsible_partner_id.commercial_partner_id
            if line.responsibility == "supplier"
            else self.env["res.partner"]
        )
        receipt = self._find_vendor_receipt_move(
            line.product_id, line.lot_id, vendor, line.company_id
        )
        if not receipt and vendor:
            receipt = self._find_vendor_receipt_move(
                line.product_id, line.lot_id, self.env["res.partner"], line.company_id
            )
            if receipt.purchase_line_id.partner_id.commercial_partner_id != vendor:
                receipt = self.env["stock.move"]
        if not vendor:
            vendor = (
                receipt.purchase_line_id.partner_id.commercial_partner_id
                or line.product_id.seller_ids.partner_id[:1].commercial_partner_id
            )
        return {
            "line_id": line.id,
            "lot_id": line.lot_id.id or False,
            "partner_id": vendor.id or False,
            "origin_move_id": receipt.id or False,
            "purchase_line_id": receipt.purchase_line_id.id or False,
        }

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _check_group_any_return(self):
        self._check_any_group(RETURN_GROUPS, _("return goods to the vendor"))

    def _check_can_confirm(self):
        """Each return within what is left for it; returns confirmed
        together draw on the same defective store, lot in stock and vendor
        receipt, found once for all of them."""
        self._check_group_any_return()
        self._check_state(("draft",), _("Confirming the return to the vendor"))
        active = self.sudo().search(
            [("line_id", "in", self.line_id.ids), ("state", "!=", "cancelled")]
        )
        # what the returns confirmed before in this batch leave, by
        # (warehouse, product, lot) in the defective store and in stock, and
        # by vendor receipt
        defective_left, stock_left, origin_left = {}, {}, {}
        for sreturn in self:
            rounding = sreturn.product_id.uom_id.rounding
            if sreturn.rma_id.state not in RETURN_RMA_STATES:
                raise UserError(
                    _("%s: the goods go back to the vendor once judged.", sreturn.rma_id.name)
                )
            if not sreturn.partner_id:
                raise UserError(_("%s: choose the vendor.", sreturn.name))
            if sreturn.qty_defective < 0 or sreturn.qty_stock < 0:
                raise UserError(_("%s: quantities cannot be negative.", sreturn.name))
            total = sreturn.qty_defective + sreturn.qty_stock
            if float_is_zero(total, precision_rounding=rounding):
                raise UserError(_("%s: nothing to return.", sreturn.name))
            if sreturn.defect_scope != "batch" and not float_is_zero(
                sreturn.qty_stock, precision_rounding=rounding
            ):
                raise UserError(
                    _(
                        "%s: units in stock go back only for a batch defect (containment).",
                        sreturn.name,
                    )
                )
            if sreturn.defect_scope == "batch" and not sreturn.lot_id:
                raise UserError(
                    _("%s: a batch defect needs the supplier lot of the goods.", sreturn.name)
                )
            key = (sreturn._warehouse(), sreturn.product_id, sreturn.lot_id)
            if key not in defective_left:
                defective_left[key] = sreturn._defective_on_hand()
            available = sreturn._defective_available(
                others=active.filtered(lambda r, s=sreturn: r.line_id == s.line_id and r != s),
                on_hand=defective_left[key],
            )
            if float_compare(sreturn.qty_defective, available, precision_rounding=rounding) > 0:
                raise UserError(
                    _(
                        "%(name)s: only %(available)s %(product)s of the RMA line are in the "
                        "defective store and on no other return, not %(qty)s.",
                        name=sreturn.name,
                        available=available,
                        product=sreturn.product_id.display_name,
                        qty=sreturn.qty_defective,
                    )
                )
            defective_left[key] -= sreturn.qty_defective
            if not float_is_zero(sreturn.qty_stock, precision_rounding=rounding):
                if key not in stock_left:
                    stock_left[key] = sreturn._stock_available()
                free = stock_left[key]
                if float_compare(sreturn.qty_stock, free, precision_rounding=rounding) > 0:
                    raise UserError(
                        _(
                            "%(name)s: only %(free)s units of the lot are free in stock, not "
                            "%(qty)s.",
                            name=sreturn.name,
                            free=free,
                            qty=sreturn.qty_stock,
                        )
                    )
                stock_left[key] -= sreturn.qty_stock
            if sreturn.origin_move_id:
                origin_key = (sreturn.origin_move_id, sreturn.lot_id)
                if origin_key not in origin_left:
                    origin_left[origin_key] = sreturn._origin_returnable()
                returnable = origin_left[origin_key]
                origin_left[origin_key] -= total
                if float_compare(total, returnable, precision_rounding=rounding) > 0:
                    raise UserError(
                        _(
                            "%(name)s: the vendor receipt %(receipt)s can take back %(left)s "
                            "more units, not %(qty)s.",
                            name=sreturn.name,
                            receipt=sreturn.origin_move_id.sudo().picking_id.name or "-",
                            left=returnable,
                            qty=total,
                        )
                    )

    def action_confirm(self):
        """Create the return transfers (from RMA/Defective, and from WH/Stock
        for a batch defect) to the vendor, reserved on the supplier lot."""
        self._lock_for_update()
        # two returns of one line confirmed at once decide on the same
        # defective units: the later transaction is retried on fresh data
        self._serialize_on(self.line_id)
        self._check_can_confirm()
        self._create_return_pickings()
        self._write_workflow({"state": "confirmed"})
        for sreturn in self.filtered(lambda r: r.defect_scope == "batch"):
            sreturn._schedule_supplier_meeting()
        return True

    def _create_return_pickings(self):
        """The return transfers of the returns (from RMA/Defective, and from
        WH/Stock for a batch defect), created, confirmed and reserved
        together."""
        Picking = self.env["stock.picking"].sudo()
        vals_list = []
        for sreturn in self:
            warehouse = sreturn._warehouse()
            for location, qty in (
                (warehouse.rma_defective_loc_id, sreturn.qty_defective),
                (warehouse.lot_stock_id, sreturn.qty_stock),
            ):
                if float_is_zero(qty, precision_rounding=sreturn.product_id.uom_id.rounding):
                    continue
                vals = sreturn._prepare_return_picking_vals(location)
                vals["move_ids"] = [
                    Command.create(sreturn._prepare_return_move_vals(location, qty))
                ]
                vals_list.append(vals)
        pickings = Picking.create(vals_list)
        pickings.action_confirm()
        self._reserve_lot(pickings.move_ids)
        for sreturn in self:
            names = pickings.filtered(
                lambda p, s=sreturn: p.move_ids.rma_supplier_return_id == s
            ).mapped("name")
            sreturn.message_post(body=_("Return to the vendor: %s", ", ".join(names)))
        return pickings

    def _reserve_lot(self, moves):
        """Reserve the supplier lot of each return for its return moves
        (checked available before), never another lot of the same product."""
        with_lot = moves.filtered(lambda m: m.rma_supplier_return_id.lot_id)
        if moves - with_lot:
            (moves - with_lot)._action_assign()
        if not with_lot:
            return
        with_lot.move_line_ids.unlink()
        RmaLine = self.env["factory.rma.line"]
        self.env["stock.move.line"].sudo().create(
            [
                RmaLine._prepare_lot_reservation_vals(
                    move, move.rma_supplier_return_id.lot_id, move.product_uom_qty
                )
                for move in with_lot
            ]
        )
        with_lot._recompute_state()

    def _return_picking_type(self):
        self.ensure_one()
        receipt_type = self.origin_move_id.sudo().picking_type_id
        return receipt_type.return_picking_type_id or self._warehouse().out_type_id

    def _vendor_location(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).property_stock_supplier or (
            self.env.ref("stock.stock_location_suppliers")
        )

    def _prepare_return_picking_vals(self, location):
        """Header of a return transfer from ``location`` to the vendor."""
        self.ensure_one()
        return {
            "picking_type_id": self._return_picking_type().id,
            "partner_id": self.partner_id.id,
            "location_id": location.id,
            "location_dest_id": self._vendor_location().id,
            "origin": _("%(name)s (%(rma)s)", name=self.name, rma=self.rma_id.name),
            "company_id": self.company_id.id,
        }

    def _prepare_return_move_vals(self, location, qty):
        """A purchase return of the vendor receipt move when there is one
        (``origin_returned_move_id``, the purchase line and ``to_refund``:
        the line's received quantity drops), else a free return."""
        self.ensure_one()
        return {
            "name": self.product_id.display_name,
            "product_id": self.product_id.id,
            "product_uom": self.product_id.uom_id.id,
            "product_uom_qty": qty,
            "location_id": location.id,
            "location_dest_id": self._vendor_location().id,
            "partner_id": self.partner_id.id,
            "picking_type_id": self._return_picking_type().id,
            "company_id": self.company_id.id,
            "origin_returned_move_id": self.origin_move_id.id or False,
            "purchase_line_id": self.purchase_line_id.id or False,
            "to_refund": bool(self.purchase_line_id),
            "procure_method": "make_to_stock",
            "rma_supplier_return_id": self.id,
            "rma_supplier_move_kind": "return",
        }

    def _schedule_supplier_meeting(self):
        """Batch defect (SUP-01): a supplier meeting and the exchange /
        replenishment follow-up, for the RMA's quality user."""
        self.ensure_one()
        user = self.rma_id.sudo().policy_id.quality_user_id or self.env.user
        self.activity_schedule(
            "rma_factory_supplier.mail_activity_type_supplier_meeting",
            user_id=user.id,
            summary=self._in_lang_of(user).env._(
                "Batch defect of lot %(lot)s: meet %(vendor)s and track the replenishment",
                lot=self.lot_id.name,
                vendor=self.partner_id.name,
            ),
        )

    def _sync_state_from_stock(self):
        """Returned once its return transfers are done (or cancelled with
        something returned)."""
        for sreturn in self.filtered(lambda r: r.state == "confirmed"):
            moves = sreturn.move_ids.filtered(lambda m: m.rma_supplier_move_kind == "return")
            if (
                moves
                and all(m.state in ("done", "cancel") for m in moves)
                and any(m.state == "done" for m in moves)
            ):
                sreturn._write_workflow({"state": "done"})

    def action_cancel(self):
        """Cancel a return whose goods have not left yet."""
        self._check_group_any_return()
        self._lock_for_update()
        self._check_state(("draft", "confirmed"), _("Cancelling the return to the vendor"))
        for sreturn in self.sudo():
            if sreturn.move_ids.filtered(lambda m: m.state == "done"):
                raise UserError(_("%s: goods already went back to the vendor.", sreturn.name))
        self.sudo().move_ids.picking_id.action_cancel()
        self._write_workflow({"state": "cancelled"})
        return True

    def _check_reader(self):
        """The smart buttons open the return's documents for its readers
        only: a portal caller must not learn which transfers, reports or
        vendor documents a return has."""
        self._check_any_group(
            SUPPLIER_RETURN_READERS.split(","), _("open the documents of supplier returns")
        )

    def action_view_pickings(self):
        self.ensure_one()
        self._check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.move_ids.picking_id.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Supplier 8D
    # ------------------------------------------------------------------
    def action_create_supplier_8d(self):
        """The supplier 8D request (SUP-02): an 8D report of kind
        "supplier" on the RMA, with the inspection of the goods as
        evidence."""
        self.ensure_one()
        self._check_group(QUALITY_INSPECTOR, _("create supplier 8D reports"))
        self._lock_for_update()
        self._check_state(("confirmed", "done"), _("Requesting a supplier 8D"))
        if self.eightd_id and self.eightd_id.state != "cancelled":
            return self.action_view_8d()
        report = self.env["factory.rma.8d"].sudo().create(self._prepare_supplier_8d_vals())
        self._write_workflow({"eightd_id": report.id})
        return self.action_view_8d()

    def _inspection(self):
        self.ensure_one()
        inspections = self.line_id.sudo().inspection_ids.filtered(lambda i: i.state == "done")
        return inspections.filtered(lambda i: i.lot_id == self.lot_id)[:1] or inspections[:1]

    def _prepare_supplier_8d_vals(self):
        self.ensure_one()
        inspection = self._inspection()
        vals = (
            inspection._prepare_8d_vals()
            if inspection
            else {"rma_id": self.rma_id.id, "company_id": self.company_id.id}
        )
        vals.update(
            {
                "kind": "supplier",
                "supplier_id": self.partner_id.id,
                "supplier_return_id": self.id,
                "leader_id": self.env.uid,
                "team_partner_ids": [Command.set(self.partner_id.ids)],
            }
        )
        return vals

    def action_view_8d(self):
        self.ensure_one()
        self._check_reader()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma.8d",
            "res_id": self.eightd_id.id,
            "views": [(False, "form")],
        }
