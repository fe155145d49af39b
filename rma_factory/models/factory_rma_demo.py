from odoo import Command, api, fields, models


class FactoryRmaDemo(models.AbstractModel):
    """Builds the demo: delivered and invoiced orders and RMAs in every
    state, through the same buttons a user presses. Called once from
    ``demo/rma_factory_demo.xml``; never used outside demo databases."""

    _name = "factory.rma.demo"
    _description = "RMA Demo Builder"

    @api.model
    def _demo_ref(self, name):
        return self.env.ref(f"rma_factory.{name}")

    @api.model
    def _demo_deliver(self, partner, lines, invoice=True):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        Quant = self.env["stock.quant"]
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty, _lot in lines
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        moves = picking.move_ids.sorted("id")
        for move, (product, qty, lot_name) in zip(moves, lines, strict=True):
            lot = False
            if lot_name:
                lot = self.env["stock.lot"].search(
                    [("name", "=", lot_name), ("product_id", "=", product.id)], limit=1
                ) or self.env["stock.lot"].create({"name": lot_name, "product_id": product.id})
            Quant._update_available_quantity(
                product, warehouse.lot_stock_id, qty, lot_id=lot or None
            )
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(
                    {
                        "product_id": product.id,
                        "lot_id": lot.id if lot else False,
                        "quantity": qty,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                )
            ]
            move.picked = True
        picking._action_done()
        if invoice:
            order._create_invoices().action_post()
        return order

    @api.model
    def _demo_rma(self, order, qty=None, reason=None, **header):
        rma = self.env["factory.rma"].browse(order.action_create_rma()["res_id"])
        vals = {
            "cond_original_packaging": True,
            "cond_accessories_complete": True,
            "cond_no_human_damage": True,
        }
        if qty:
            vals["quantity"] = qty
        if reason:
            vals["reason_id"] = self.env.ref(f"rma_factory.{reason}").id
        rma.line_ids.write(vals)
        rma.write(dict({"criterion_b": True}, **header))
        return rma

    @api.model
    def _demo_validate(self, pickings):
        for picking in pickings.filtered(lambda p: p.state not in ("done", "cancel")):
            picking.action_assign()
            picking.move_ids.picked = True
            picking.with_context(
                skip_backorder=True, picking_ids_not_to_backorder=picking.ids
            ).button_validate()

    @api.model
    def _demo_receipt(self, rma):
        return rma.picking_ids.filtered(lambda p: p.picking_type_id.code == "incoming")

    @api.model
    def _demo_kind(self, rma, kind):
        return rma.line_ids.move_ids.filtered(lambda m: m.rma_move_kind == kind).picking_id

    @api.model
    def _create_demo_scenarios(self):
        dealer_a = self._demo_ref("demo_partner_dealer_a")
        dealer_b = self._demo_ref("demo_partner_dealer_b")
        customer_c = self._demo_ref("demo_partner_customer_c")
        mould = self._demo_ref("demo_product_mould")
        connector = self._demo_ref("demo_product_connector")
        power = self._demo_ref("demo_product_power")

        # Draft: just recorded by customer service.
        order = self._demo_deliver(customer_c, [(connector, 50, None)])
        self._demo_rma(order, 20, "reason_wrong_model", criterion_b=False, criterion_d=True)

        # Submitted: waiting for the manager.
        order = self._demo_deliver(dealer_b, [(mould, 10, "L-2601")])
        rma = self._demo_rma(order, 4, "reason_quality_appearance")
        rma.action_submit()

        # Submitted, not eligible: warranty ended.
        order = self._demo_deliver(customer_c, [(power, 5, "P-2401")])
        rma = self._demo_rma(order, 2, "reason_quality_function")
        rma.line_ids.delivery_date = fields.Date.subtract(fields.Date.today(), years=3)
        rma.action_submit()

        # Approved: waiting for the goods.
        order = self._demo_deliver(dealer_a, [(connector, 30, None)])
        rma = self._demo_rma(order, 6, "reason_transport_damage")
        rma.action_submit()
        rma.action_approve()

        # Approved with replenish-first: replacement shipped, goods pending.
        order = self._demo_deliver(dealer_a, [(connector, 12, None)])
        rma = self._demo_rma(order, 6, "reason_transport_damage", replenish_first=True)
        self.env["stock.quant"]._update_available_quantity(
            connector, rma.warehouse_id.lot_stock_id, 6
        )
        rma.action_submit()
        rma.action_approve()
        self._demo_validate(self._demo_kind(rma, "replacement"))

        # Received: goods in quarantine, waiting for the judgement.
        order = self._demo_deliver(dealer_b, [(mould, 5, "L-2602")])
        rma = self._demo_rma(order, 5, "reason_quality_cracking")
        rma.action_submit()
        rma.action_approve()
        self._demo_validate(self._demo_receipt(rma))

        # Judged: outcome decided, not processed yet.
        order = self._demo_deliver(customer_c, [(connector, 40, None)])
        rma = self._demo_rma(order, 10, "reason_quality_dimension")
        rma.action_submit()
        rma.action_approve()
        self._demo_validate(self._demo_receipt(rma))
        rma.line_ids.decided_outcome = "replace"
        rma.action_judge()

        # Processing: repair order running.
        order = self._demo_deliver(dealer_b, [(mould, 3, "L-2603")])
        rma = self._demo_rma(order, 3, "reason_quality_function")
        rma.action_submit()
        rma.action_approve()
        self._demo_validate(self._demo_receipt(rma))
        rma.line_ids.decided_outcome = "repair"
        rma.action_judge()
        rma.action_process()

        # Done: defective goods to the defective store, replacement shipped.
        order = self._demo_deliver(customer_c, [(mould, 10, "L-2604")])
        rma = self._demo_rma(order, 4, "reason_quality_dimension")
        self.env["stock.quant"]._update_available_quantity(
            mould,
            rma.warehouse_id.lot_stock_id,
            4,
            lot_id=self.env["stock.lot"].create({"name": "L-2605", "product_id": mould.id}),
        )
        rma.action_submit()
        rma.action_approve()
        self._demo_validate(self._demo_receipt(rma))
        rma.line_ids.decided_outcome = "replace"
        rma.action_judge()
        rma.action_process()
        self._demo_validate(self._demo_kind(rma, "routing") | self._demo_kind(rma, "replacement"))

        # Rejected with an alternative.
        order = self._demo_deliver(dealer_b, [(connector, 20, None)])
        rma = self._demo_rma(order, 5, "reason_slow_sales", criterion_b=False)
        rma.action_submit()
        rma._reject("Slow sales at the customer are not a return reason.", "discount")

        # Shortage on delivery: replenished at once, carrier claim open.
        order = self._demo_deliver(dealer_a, [(connector, 25, None)])
        carrier = self.env["res.partner"].create({"name": "顺达物流 FastFreight"})
        rma = self._demo_rma(
            order,
            3,
            "reason_transport_damage",
            rma_type="shortage",
            packaging_damaged=True,
            carrier_id=carrier.id,
            carrier_note_ref="POD-2603-118",
        )
        self.env["stock.quant"]._update_available_quantity(
            connector, rma.warehouse_id.lot_stock_id, 3
        )
        rma.action_submit()
        rma.action_approve()
        rma.claim_amount = 45.0

        # Complaint only: concession instead of a return, reply sent.
        order = self._demo_deliver(customer_c, [(connector, 60, None)])
        rma = self._demo_rma(order, 60, "reason_quality_appearance", rma_type="complaint")
        rma.action_submit()
        rma.action_approve()
        rma.line_ids.write(
            {
                "decided_outcome": "concession",
                "concession_amount": 90.0,
                "responsibility": "production",
            }
        )
        rma.write(
            {
                "customer_cause": "Light scratches from the polishing step.",
                "customer_corrective_action": "Protective film added before packing.",
            }
        )
        rma.action_judge()
        rma.action_process()
        rma._mark_reply_sent()

        # Spare part first: part shipped, defective part awaited for a month.
        order = self._demo_deliver(dealer_b, [(power, 2, "P-2602")])
        rma = self._demo_rma(order, 1, "reason_quality_function", rma_type="spare_part")
        self.env["stock.quant"]._update_available_quantity(
            power,
            rma.warehouse_id.lot_stock_id,
            1,
            lot_id=self.env["stock.lot"].create({"name": "P-2603", "product_id": power.id}),
        )
        rma.action_submit()
        rma.action_approve()

        # Advance replacement: waiting for the deposit.
        order = self._demo_deliver(dealer_a, [(connector, 15, None)])
        rma = self._demo_rma(
            order, 5, "reason_quality_dimension", rma_type="advance_replacement", urgent=True
        )
        rma.action_submit()
        rma.action_approve()

        # Cancelled by the customer before sending anything.
        order = self._demo_deliver(customer_c, [(power, 8, "P-2601")])
        rma = self._demo_rma(order, 1, "reason_quality_function")
        rma.action_submit()
        rma.action_approve()
        rma.action_cancel()
