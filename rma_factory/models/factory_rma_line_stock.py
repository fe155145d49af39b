from collections import defaultdict

from odoo import fields, models


class FactoryRmaLine(models.Model):
    """Stock moves of a line: receipt, routing, procured deliveries, repairs, scrap and lots."""

    _inherit = "factory.rma.line"

    lot_repaired = fields.Boolean(
        related="lot_id.rma_repaired",
        string="Repaired Before",
        groups="base.group_user",
        help="The lot / serial number carries the repaired mark of an earlier RMA.",
    )

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

    def _prepare_procurement_values(self, kind):
        """Values of the procurement of an outgoing RMA document (``kind``
        replacement or send_back): the RMA's procurement group, the RMA link
        that every move the rules create carries (``rma_line_id``,
        ``rma_move_kind``), the promised date; send-backs take the
        warehouse's RMA send-back route (from RMA/Input), or its repaired
        goods route (from RMA/Repaired) for the goods of a repair line.
        Integrators add their own values with ``super()``."""
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
            values["route_ids"] = (
                rma.warehouse_id.rma_repaired_route_id
                if self.decided_outcome == "repair"
                else rma.warehouse_id.rma_send_back_route_id
            )
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
        """Repair order on the goods in RMA/Input; the repaired goods go to
        RMA/Repaired (客退品返修仓, STK-05), then back to the customer by an
        RMA delivery. Free (under warranty) by default."""
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
            "product_location_dest_id": warehouse.rma_repaired_loc_id.id,
            "under_warranty": self.service_charge != "charged",
            "rma_line_id": self.id,
            "internal_notes": self.description or False,
        }

    def _prepare_scrap_vals(self, qty, lot):
        """Scrap from RMA/Input to the warehouse's RMA scrap location."""
        self.ensure_one()
        warehouse = self.rma_id.warehouse_id
        vals = {
            "product_id": self.product_id.id,
            "scrap_qty": qty,
            "product_uom_id": self.product_uom_id.id,
            "lot_id": lot.id,
            "location_id": warehouse.rma_input_loc_id.id,
            "company_id": self.company_id.id,
            "origin": self.rma_id.name,
            "rma_line_id": self.id,
        }
        if warehouse.rma_scrap_loc_id:
            vals["scrap_location_id"] = warehouse.rma_scrap_loc_id.id
        return vals

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
        # goods under repair leave RMA/Input for RMA/Repaired
        for repair in self.repair_ids.filtered(lambda r: r.state != "cancel"):
            lots[repair.lot_id] -= repair.product_uom._compute_quantity(
                repair.product_qty, self.product_uom_id
            )
        return {lot: qty for lot, qty in lots.items() if qty > 0}

    def _single_received_lot(self):
        self.ensure_one()
        if self.lot_id:
            return self.lot_id
        lots = [lot for lot in self._received_lot_quantities() if lot]
        return lots[0] if len(lots) == 1 else self.env["stock.lot"]

    def _reserve_repaired_lots(self, moves):
        """Reserve RMA/Repaired goods for the deliveries of repaired goods
        with the lot of their repair order, never another RMA's repaired
        goods of the same product."""

        def repaired_lots(move):
            repairs = move.rma_line_id.repair_ids.filtered(lambda r: r.state == "done" and r.lot_id)
            for repair in repairs:
                available = self.env["stock.quant"]._get_available_quantity(
                    move.product_id, move.location_id, lot_id=repair.lot_id, strict=True
                )
                yield (
                    repair.lot_id,
                    move.product_id.uom_id._compute_quantity(available, move.product_uom),
                )

        self._reserve_on_lots(moves, repaired_lots)

    def _reserve_line_lots(self, moves):
        """Reserve RMA/Input goods for outgoing RMA moves with the lots the
        line received, never another RMA's goods of the same product."""
        self._reserve_on_lots(
            moves, lambda move: move.rma_line_id._received_lot_quantities().items()
        )

    def _reserve_on_lots(self, moves, lot_quantities):
        """Reserve each of ``moves`` on the lots ``lot_quantities(move)``
        yields as (lot, quantity in the move's unit), up to the move's
        quantity; untracked products, and moves for which no lot has a
        quantity, get Odoo's own reservation."""
        generic = self.env["stock.move"]
        vals_list = []
        for move in moves:
            left = move.product_uom_qty
            reserved = False
            if move.product_id.tracking != "none":
                for lot, qty in lot_quantities(move):
                    take = min(qty, left)
                    if take <= 0:
                        continue
                    vals_list.append(self._prepare_lot_reservation_vals(move, lot, take))
                    reserved = True
                    left -= take
            if not reserved:
                generic |= move
        if vals_list:
            self.env["stock.move.line"].create(vals_list)
        if generic:
            generic._action_assign()
        (moves - generic)._recompute_state()

    def _prepare_lot_reservation_vals(self, move, lot, quantity):
        """Values of the move line that reserves ``quantity`` of ``lot`` for
        ``move``."""
        return {
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_uom.id,
            "lot_id": lot.id,
            "quantity": quantity,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
            "company_id": move.company_id.id,
        }
