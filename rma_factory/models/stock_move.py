from odoo import api, fields, models
from odoo.tools import float_compare

from .factory_rma import RMA_READER_GROUPS


class StockMove(models.Model):
    _inherit = "stock.move"

    rma_line_id = fields.Many2one(
        "factory.rma.line", "RMA Line", index="btree_not_null", copy=False, readonly=True
    )
    rma_move_kind = fields.Selection(
        [
            ("receipt", "RMA receipt"),
            ("routing", "RMA routing"),
            ("replacement", "Replacement"),
            ("send_back", "Sent back to customer"),
            ("scrap", "RMA scrap"),
        ],
        copy=False,
        readonly=True,
    )
    # inverse of factory.rma.line.move_id: the lines that return the goods of
    # a delivery move are read from the cache (empty for new moves) instead
    # of searched whenever the move's date changes
    rma_return_line_ids = fields.One2many(
        "factory.rma.line",
        "move_id",
        string="Returned in RMA Lines",
        groups=RMA_READER_GROUPS,
    )

    def _action_done(self, cancel_backorder=False):
        """Move RMAs forward when their goods move (receipt → received,
        last outcome document → done) and remember the lot received on a
        line that had none. Receipts never exceed the authorised quantity;
        replacements never exceed the accepted quantity (平数补货) unless a
        special request was recorded. Customer deliveries and ordinary
        returns are written to the return rate's delivered quantities."""
        replacements = self.filtered(lambda m: m.rma_move_kind == "replacement" and m.rma_line_id)
        if replacements:
            replacements.rma_line_id.sudo()._check_replacement_quantities(replacements)
        receipts = self.filtered(lambda m: m.rma_move_kind == "receipt" and m.rma_line_id)
        if receipts:
            receipts.rma_line_id.sudo()._check_receipt_quantities(receipts)
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # the return rate's delivered quantities (one SQL statement); the
        # RMA's own moves are never among them (the report reads moves
        # without an RMA line), so a transfer of RMA goods skips the sync
        self.env["factory.rma.return.rate.delivery"].sudo()._sync_moves(
            moves.filtered(lambda m: not m.rma_line_id)
        )
        rma_moves = moves.filtered("rma_line_id")
        if rma_moves:
            rma_moves._rma_set_received_lot()
            sell_off = rma_moves.filtered(lambda m: m.rma_move_kind == "routing").rma_line_id
            if sell_off:
                sell_off.sudo()._selloff_moves_done(rma_moves.sudo())
            rmas = rma_moves.rma_line_id.rma_id
            rmas._sync_state_from_stock()
            rma_moves._rma_record_customer_steps()
        return moves

    def _rma_record_customer_steps(self):
        """The customer hears about each receipt of its goods and each
        delivery reaching it (recorded as superuser: the warehouse user
        validating has no RMA rights)."""
        done = self.filtered(lambda m: m.state == "done")
        receipts = done.filtered(lambda m: m.rma_move_kind == "receipt")
        shipped = done.filtered(
            lambda m: (
                m.rma_move_kind in ("replacement", "send_back")
                and m.location_dest_id.usage == "customer"
            )
        )
        rmas = self.rma_line_id.rma_id.sudo()
        if receipts:
            rmas._record_goods_received(receipts.picking_id)
        if shipped:
            rmas._record_goods_shipped(shipped)

    def _push_apply(self):
        """RMA moves pushed together search each push rule once
        (``procurement.group._rma_push_rule_memo``)."""
        if not self.rma_line_id:
            return super()._push_apply()
        with self.env["procurement.group"]._rma_push_rule_memo():
            return super()._push_apply()

    def _action_assign(self, force_qty=False):
        """A replacement waiting for its remake is ready once reserved."""
        res = super()._action_assign(force_qty=force_qty)
        waiting = (
            self.filtered(lambda m: m.rma_move_kind == "replacement" and m.rma_line_id)
            .rma_line_id.sudo()
            .filtered(lambda line: line.remake_state == "waiting")
        )
        if waiting:
            waiting._check_replacement_ready()
        return res

    def _prepare_merge_moves_distinct_fields(self):
        """Odoo merges moves of one picking that look alike (same product,
        locations, origin move…). Two RMA lines of one product — two lots of
        one delivery move, or two sale lines — must keep their own moves:
        every RMA move belongs to exactly one line and one kind."""
        return super()._prepare_merge_moves_distinct_fields() + ["rma_line_id", "rma_move_kind"]

    def _action_cancel(self):
        """Cancelling an RMA transfer (a receipt backorder the customer will
        never send, a routing the warehouse drops) re-evaluates the RMA as a
        validation does: a line may be resolved with what did arrive."""
        res = super()._action_cancel()
        rma_moves = self.filtered(lambda m: m.rma_line_id and m.state == "cancel")
        if rma_moves:
            rma_moves.rma_line_id.rma_id._sync_state_from_stock()
        return res

    def _rma_returnable_deliveries(self):
        """Done deliveries to a customer that an RMA can return: not returns
        themselves, not RMA moves (replacements, send-backs)."""
        return self.filtered(
            lambda m: (
                m.state == "done"
                and m.location_dest_id.usage == "customer"
                and not m.origin_returned_move_id
                and not m.rma_line_id
            )
        )

    def _rma_set_received_lot(self):
        for move in self.filtered(lambda m: m.rma_move_kind == "receipt" and m.state == "done"):
            line = move.rma_line_id.sudo()
            lots = move.move_line_ids.lot_id
            if not line.lot_id and len(lots) == 1 and not line.split_from_id:
                line._write_workflow({"lot_id": lots.id})

    def _prepare_procurement_values(self):
        """Upstream moves of an RMA delivery (make to order, multi-step) keep
        the RMA line and kind."""
        values = super()._prepare_procurement_values()
        if self.rma_line_id:
            values.update(rma_line_id=self.rma_line_id.id, rma_move_kind=self.rma_move_kind)
        return values

    def _get_new_picking_values(self):
        """Pickings the rules create for an RMA's procurement group belong to
        the RMA."""
        values = super()._get_new_picking_values()
        rma = self.group_id.rma_id
        if rma:
            values["rma_id"] = rma.id
        return values

    def _prepare_move_split_vals(self, qty):
        """Backorders of RMA moves keep their RMA link and kind."""
        vals = super()._prepare_move_split_vals(qty)
        if self.rma_line_id:
            vals.update(rma_line_id=self.rma_line_id.id, rma_move_kind=self.rma_move_kind)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        """Parts added to the repair of an RMA line come from the
        warehouse's slow-moving store (呆滞品仓) when it holds them
        (STK-15); otherwise from where the repair type takes parts."""
        moves = super().create(vals_list)
        parts = moves.filtered(
            lambda m: (
                m.repair_id.rma_line_id
                and m.repair_line_type == "add"
                and m.state not in ("done", "cancel")
            )
        )
        if parts:
            parts._rma_take_parts_from_slow_moving()
        return moves

    def _rma_take_parts_from_slow_moving(self):
        for move in self:
            slow = move.repair_id.rma_line_id.rma_id.warehouse_id.rma_slow_loc_id
            if not slow or move.location_id == slow:
                continue
            available = self.env["stock.quant"]._get_available_quantity(move.product_id, slow)
            needed = move.product_uom._compute_quantity(
                move.product_uom_qty, move.product_id.uom_id
            )
            if (
                float_compare(available, needed, precision_rounding=move.product_id.uom_id.rounding)
                < 0
            ):
                continue
            if move.move_line_ids:
                move._do_unreserve()
            move.location_id = slow
            if move.state in ("confirmed", "partially_available"):
                move._action_assign()
