from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestInspectionFlow(QualityCommon):
    def _assert_refused(self, inspection, vals, message):
        with (
            self.assertRaisesRegex(Exception, message),
            self.env.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            inspection.write(vals)
            inspection.flush_recordset()
        inspection.invalidate_recordset()

    def test_receipt_creates_inspection_and_verdict_routes_goods(self):
        """AS-01 with quality: the receipt creates one inspection for the lot;
        closing it with a confirmed defect judges the RMA and routes the
        goods RMA/Input → RMA/Defective with the lot."""
        rma = self._received_rma([(self.mould, 10, self.lot1)], requested="refund")
        self.assertEqual(len(rma.line_ids), 1)
        inspection = rma.inspection_ids
        self.assertEqual(len(inspection), 1)
        self.assertEqual(inspection.lot_id, self.lot1)
        self.assertEqual(inspection.qty_received, 10)
        self.assertEqual(inspection.sample_size, 1)  # 10 % of 10
        self.assertEqual(inspection.deadline, inspection.date_received + timedelta(days=7))
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 10)
        # the RMA cannot be judged by hand while the inspection is open
        rma.line_ids.with_user(self.user_cs).write({"decided_outcome": "refund"})
        with self.assertRaisesRegex(UserError, "open inspections"):
            rma.with_user(self.user_cs).action_judge()
        rma.line_ids.sudo().write({"decided_outcome": False})

        inspection = self._inspect(
            inspection,
            [(self.d_function, 4)],
            qty_inspected=10,
            qty_good=6,
            qty_defective=4,
            verdict="confirmed",
            responsibility="production",
            responsible_unit="Moulding workshop",
        )
        self.assertEqual(inspection.outcome, "refund")
        self.assertEqual(inspection.destination, "defective")
        self.assertEqual(inspection.service_charge, "free")
        # function defect: 28 days
        self.assertEqual(inspection.deadline, inspection.date_received + timedelta(days=28))
        inspection.good_outcome = "refund"
        inspection.good_destination = "stock"
        inspection.action_done()

        self.assertEqual(inspection.state, "done")
        self.assertEqual(rma.state, "processing")
        lines = rma.line_ids.sorted("id")
        self.assertEqual(len(lines), 2, "100 % sort: good and defective units split")
        self.assertEqual(
            [(line.quantity, line.decided_outcome, line.destination) for line in lines],
            [(4, "refund", "defective"), (6, "refund", "stock")],
        )
        self.assertEqual(set(lines.mapped("responsibility")), {"production"})
        self.assertEqual(set(lines.mapped("responsible_unit")), {"Moulding workshop"})
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 0)
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 4)
        self.assertEqual(self._qty(self.mould, self.stock_loc, self.lot1), 6)
        self.assertEqual(rma.line_ids.sale_line_id.qty_delivered, 0)

    def test_sampling_arithmetic_and_full_sort(self):
        """AS-13: 200 connectors: sample ≥ 20; bad counts refused; after a
        100 % sort 170 good go back, 30 defective to RMA/Defective and 30
        replaced from WH/Stock."""
        rma = self._received_rma([(self.connector, 200, None)], requested="replace")
        inspection = rma.inspection_ids.with_user(self.user_qi)
        self.assertEqual(inspection.sample_size, 20)
        self._assert_refused(inspection, {"sample_size": 15}, "below the minimum")
        inspection.write({"qty_inspected": 20, "qty_good": 12, "qty_defective": 8})
        self._assert_refused(inspection, {"qty_defective": 25}, "exceed")
        self._assert_refused(inspection, {"qty_inspected": 201}, "cannot exceed")
        self._assert_refused(inspection, {"qty_unrepairable": 9}, "part of the defective")
        self._assert_refused(inspection, {"qty_good": -1}, "")
        self.assertEqual(
            (inspection.qty_inspected, inspection.qty_good, inspection.qty_defective), (20, 12, 8)
        )
        inspection.write({"qty_good": 11})  # 11 + 8 < 20: saved, refused at closing
        with self.assertRaisesRegex(UserError, "must equal"):
            inspection.action_done()

        self._put_in_stock(self.connector, 30)
        self._inspect(
            inspection,
            [(self.d_appearance, 30)],
            qty_inspected=200,
            qty_good=170,
            qty_defective=30,
            verdict="confirmed",
            responsibility="quality_escape",
        )
        self.assertTrue(inspection.full_sort)
        self.assertEqual((inspection.outcome, inspection.destination), ("replace", "defective"))
        self.assertEqual(
            (inspection.good_outcome, inspection.good_destination), ("send_back", "customer")
        )
        self.assertEqual(inspection.severity, "minor")
        inspection.action_done()

        self.assertEqual(rma.state, "processing")
        send_back = self._pickings_of_kind(rma, "send_back")
        routing = self._pickings_of_kind(rma, "routing")
        replacement = self._pickings_of_kind(rma, "replacement")
        self.assertEqual(send_back.move_ids.product_uom_qty, 170)
        self.assertEqual(send_back.location_id, self.input_loc)
        self.assertEqual(routing.move_ids.product_uom_qty, 30)
        self.assertEqual(routing.location_dest_id, self.defective_loc)
        self.assertEqual(replacement.move_ids.product_uom_qty, 30)
        self.assertEqual(replacement.location_id, self.stock_loc)
        self._validate(send_back | routing | replacement)
        self.assertEqual(self._qty(self.connector, self.input_loc), 0)
        self.assertEqual(self._qty(self.connector, self.defective_loc), 30)
        self.assertEqual(self._qty(self.connector, self.stock_loc), 0)
        self.assertEqual(rma.line_ids.sale_line_id.qty_delivered, 200)
        self.assertEqual(rma.state, "done")

    def test_classification_mismatch_waits_for_customer_then_paid_repair(self):
        """AS-06: refund asked, customer-caused and repairable → 帮修品: the
        salesperson gets an activity, the line outcome stays empty until the
        customer agrees, then a charged repair order with the rework plan."""
        rma = self._received_rma([(self.mould, 2, self.lot1)], requested="refund")
        rma.user_id = self.user_cs
        inspection = self._inspect(
            rma.inspection_ids,
            [(self.d_cracking, 2)],
            qty_inspected=2,
            qty_good=0,
            qty_defective=2,
            verdict="confirmed",
            responsibility="customer",
            responsible_partner_id=self.dealer_b.id,
            cause_analysis="Insert pin bent at installation",
            rework_plan="<p>Replace the insert pin and retest.</p>",
        )
        self.assertEqual(inspection.outcome, "repair")
        self.assertEqual(inspection.service_charge, "charged")
        self.assertTrue(inspection.classification_mismatch)
        self.assertTrue(
            inspection.severity_unclassified, "cracking on 2 moulds is not in the table"
        )
        self.assertEqual(inspection.severity, "minor")
        inspection.action_done()
        self.assertEqual(inspection.state, "waiting")
        line = rma.line_ids
        self.assertFalse(line.decided_outcome)
        self.assertEqual(rma.state, "received")
        activity = rma.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("rma_factory_quality.mail_activity_type_rma_customer_agreement")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_cs)
        with self.assertRaisesRegex(UserError, "open inspections"):
            rma.with_user(self.user_cs).action_judge()
        with self.assertRaises(AccessError):
            line.with_user(self.user_qi).action_record_customer_agreement()

        line.with_user(self.user_cs).action_record_customer_agreement()
        self.assertEqual(inspection.state, "done")
        self.assertEqual((line.decided_outcome, line.destination), ("repair", "customer"))
        self.assertEqual(line.service_charge, "charged")
        self.assertEqual(line.responsible_partner_id, self.dealer_b)
        self.assertFalse(rma.activity_ids.filtered(lambda a: a.id == activity.id))
        self.assertEqual(rma.state, "processing")
        repair = line.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.lot_id, self.lot1)
        self.assertIn("Replace the insert pin", str(repair.internal_notes))
        self.assertIn("Insert pin bent", str(repair.internal_notes))

    def test_unrepairable_scrap_needs_general_manager_and_override(self):
        """Unrepairable goods to scrap: judged, but nothing runs before the
        RMA Approver; an RMA Manager can override the decision with a
        reason; the inspector cannot change outcomes."""
        rma = self._received_rma([(self.mould, 3, self.lot2)], requested="replace")
        inspection = self._inspect(
            rma.inspection_ids,
            [(self.d_function, 3)],
            qty_inspected=3,
            qty_good=0,
            qty_defective=3,
            qty_unrepairable=3,
            verdict="confirmed",
            responsibility="production",
        )
        inspection.write({"destination": "scrap"})
        with self.assertRaises(AccessError):
            rma.line_ids.with_user(self.user_qi).write({"decided_outcome": "refund"})
        inspection.action_done()
        line = rma.line_ids
        self.assertEqual((line.decided_outcome, line.destination), ("replace", "scrap"))
        self.assertEqual(rma.state, "judged")
        self.assertFalse(rma.picking_ids.filtered(lambda p: p.picking_type_id.code == "internal"))
        with self.assertRaises(UserError):
            line.with_user(self.user_cs).write({"decided_outcome": "refund"})
        with self.assertRaises(AccessError):
            line.with_user(self.user_cs).action_open_disposition_wizard()
        wizard = Form(
            self.env["factory.rma.disposition.wizard"]
            .with_user(self.user_mgr)
            .with_context(default_line_id=line.id)
        )
        wizard.outcome = "refund"
        self.assertEqual(wizard.destination, "defective")
        wizard.reason = "Customer prefers money back"
        wizard.save().action_confirm()
        self.assertEqual((line.decided_outcome, line.destination), ("refund", "defective"))
        self.assertIn("Customer prefers money back", rma.message_ids[0].body)
        # back to scrap: the approver must approve before processing
        line._override_disposition("scrap", "scrap", "Really unusable")
        with self.assertRaisesRegex(UserError, "Approver"):
            rma.with_user(self.user_cs).action_process()
        line.with_user(self.user_gm).action_approve_outcome()
        rma.with_user(self.user_cs).action_process()
        self.assertEqual(line.qty_scrapped, 3)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot2), 0)

    def test_proposed_classification_follows_the_request(self):
        """A confirmed defect of the company's making proposes what the
        customer asked for: the proposal reads the line's request, so a new
        request moves it, and the mismatch flag follows the two."""
        rma = self._received_rma([(self.mould, 2, self.lot1)], requested="refund")
        inspection = self._inspect(
            rma.inspection_ids,
            qty_inspected=2,
            qty_good=0,
            qty_defective=2,
            verdict="confirmed",
            responsibility="production",
        )
        self.assertEqual(inspection.outcome, "refund")
        self.assertFalse(inspection.classification_mismatch)
        rma.line_ids.with_user(self.user_cs).requested_outcome = "replace"
        self.assertEqual(inspection.outcome, "replace")
        self.assertFalse(inspection.classification_mismatch)
        inspection.outcome = "repair"
        self.assertTrue(inspection.classification_mismatch)

    def test_not_confirmed_claim_is_sent_back(self):
        """The claim does not hold: the goods go back to the customer, no
        credit (AS-07 shape)."""
        rma = self._received_rma([(self.mould, 1, self.lot1)], requested="send_back")
        inspection = self._inspect(
            rma.inspection_ids,
            qty_inspected=1,
            qty_good=1,
            qty_defective=0,
            verdict="not_confirmed",
            test_result="Works to specification",
        )
        self.assertEqual((inspection.outcome, inspection.destination), ("send_back", "customer"))
        self.assertFalse(rma.line_ids.claim_not_confirmed)
        inspection.action_done()
        self.assertTrue(rma.line_ids.claim_not_confirmed, "the verdict counts against the customer")
        send_back = self._pickings_of_kind(rma, "send_back")
        self.assertEqual(send_back.move_ids.product_uom_qty, 1)
        self._validate(send_back)
        self.assertEqual(send_back.move_ids.move_line_ids.lot_id, self.lot1)
        self.assertEqual(send_back.location_dest_id, self.customer_loc)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 0)
        self.assertEqual(rma.state, "done")
        self.assertEqual(rma.line_ids.sale_line_id.qty_delivered, 1)

    def test_closing_guards_and_double_click(self):
        rma = self._received_rma([(self.mould, 5, self.lot1)], requested="refund")
        inspection = rma.inspection_ids.with_user(self.user_qi)
        with self.assertRaisesRegex(UserError, "sample"):
            inspection.action_done()
        inspection.write({"qty_inspected": 1, "qty_good": 0, "qty_defective": 1})
        with self.assertRaisesRegex(UserError, "verdict"):
            inspection.action_done()
        inspection.verdict = "confirmed"
        with self.assertRaisesRegex(UserError, "defects"):
            inspection.action_done()
        self._inspect(inspection, [(self.d_appearance, 1)])
        with self.assertRaisesRegex(UserError, "responsibility"):
            inspection.action_done()
        inspection.responsibility = "supplier"
        with self.assertRaisesRegex(UserError, "supplier"):
            inspection.action_done()
        inspection.responsible_partner_id = self.supplier
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_cs).action_done()
        inspection.action_done()
        self.assertEqual(rma.line_ids.responsible_partner_id, self.supplier)
        self.assertEqual(rma.line_ids.responsibility_side, "company")
        with self.assertRaisesRegex(UserError, "not possible"):
            inspection.action_done()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            inspection.qty_good = 1
        self.assertEqual(
            len(rma.picking_ids.filtered(lambda p: p.picking_type_id.code == "internal")), 1
        )

    def test_partial_receipt_and_lots(self):
        """Two lots on one line: one inspection per lot; the inspection of a
        lot counts only its lot; different decisions split the line per lot."""
        order = self._deliver(self.dealer_b, [(self.mould, 4, self.lot1)])
        rma = self._create_rma(order)
        rma.line_ids.lot_id = False
        self._approve(rma)
        receipt = self._receipt(rma)
        move = receipt.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            (
                0,
                0,
                {
                    "lot_id": self.lot1.id,
                    "quantity": 3,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "product_id": self.mould.id,
                },
            ),
            (
                0,
                0,
                {
                    "lot_id": self.lot2.id,
                    "quantity": 1,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "product_id": self.mould.id,
                },
            ),
        ]
        move.picked = True
        receipt._action_done()
        inspections = rma.inspection_ids.sorted(lambda i: i.lot_id.name)
        self.assertEqual(inspections.lot_id.mapped("name"), ["L1", "L2"])
        self.assertEqual(inspections.mapped("qty_received"), [3, 1])
        common = {"verdict": "confirmed", "responsibility": "production"}
        self._inspect(
            inspections[0],
            [(self.d_appearance, 3)],
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            **common,
        )
        self._inspect(
            inspections[1],
            [(self.d_appearance, 1)],
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            **common,
        )
        inspections[1].write({"outcome": "refund", "destination": "slow_moving"})
        inspections[0].write({"outcome": "refund", "destination": "defective"})
        inspections[0].action_done()
        self.assertEqual(rma.state, "received", "the other lot is still under inspection")
        self.assertFalse(rma.line_ids.decided_outcome)
        inspections[1].action_done()
        lines = rma.line_ids.sorted("id")
        self.assertEqual(
            [(line.lot_id.name, line.quantity, line.decided_outcome) for line in lines],
            [("L1", 3, "refund"), ("L2", 1, "refund")],
        )
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 3)
        self.assertEqual(self._qty(self.mould, self.slow_loc, self.lot2), 1)
        self.assertEqual(self._qty(self.mould, self.input_loc), 0)

    def test_containment_quarantines_suspect_lot_and_overdue_escalation(self):
        """AS-14 containment: the same lot still in WH/Stock goes to
        RMA/Input and no delivery reserves it any more. AS-11: an overdue
        inspection escalates once."""
        rma = self._received_rma([(self.mould, 2, self.lot1)], requested="refund")
        inspection = rma.inspection_ids.with_user(self.user_qi)
        self._put_in_stock(self.mould, 5, self.lot1)
        self._put_in_stock(self.mould, 3, self.lot2)
        action = inspection.action_containment()
        quants = self.env["stock.quant"].search(action["domain"])
        self.assertEqual(sorted(quants.mapped("quantity")), [3, 5])
        action = inspection.action_quarantine_suspect_stock()
        picking = self.env["stock.picking"].search(action["domain"])
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.lot1)
        self._validate(picking)
        self.assertEqual(self._qty(self.mould, self.stock_loc, self.lot1), 0)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 7)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.dealer_a.id,
                "order_line": [(0, 0, {"product_id": self.mould.id, "product_uom_qty": 10})],
            }
        )
        order.action_confirm()
        self.assertEqual(order.picking_ids.move_ids.quantity, 3, "only lot L2 is reservable")
        self.assertEqual(order.picking_ids.move_ids.move_line_ids.lot_id, self.lot2)
        with self.assertRaisesRegex(UserError, "No free stock"):
            inspection.action_quarantine_suspect_stock()

        # escalation: the inspection is late 7 days after receipt
        with freeze_time(inspection.deadline + timedelta(hours=1)):
            self.assertTrue(inspection.is_overdue)
            self.assertIn(rma, self.env["factory.rma"].search([("is_overdue", "=", True)]))
            self.env["factory.rma"]._cron_escalate_overdue()
            self.env["factory.rma"]._cron_escalate_overdue()
        escalations = self.env["mail.activity"].search(
            [
                ("res_model", "=", "factory.rma"),
                ("res_id", "=", rma.id),
                ("rma_escalation_step", "=", "inspection"),
            ]
        )
        self.assertEqual(len(escalations), 1)
        self._inspect(
            inspection,
            [(self.d_appearance, 1)],
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            verdict="confirmed",
            responsibility="production",
        )
        inspection.action_done()
        self.assertFalse(escalations.exists(), "closed when the RMA is judged")

    def test_return_only_goes_to_stock_only_when_orders_wait(self):
        """只退不补: good goods serve open orders (WH/Stock), otherwise the
        slow-moving store."""
        rma = self._received_rma([(self.connector, 10, None)], requested="return_only")
        inspection = self._inspect(
            rma.inspection_ids,
            qty_inspected=1,
            qty_good=1,
            qty_defective=0,
            verdict="not_confirmed",
        )
        inspection.outcome = "return_only"
        self.assertEqual(inspection.destination, "slow_moving")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.dealer_a.id,
                "order_line": [(0, 0, {"product_id": self.connector.id, "product_uom_qty": 4})],
            }
        )
        order.action_confirm()
        inspection.outcome = "refund"
        inspection.outcome = "return_only"
        self.assertEqual(inspection.destination, "stock")
        inspection.action_done()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.connector, self.stock_loc), 10)
        self.assertEqual(rma.line_ids.sale_line_id.qty_delivered, 0, "return only is credited")

    def test_inspection_deadline_in_the_late_steps_report(self):
        rma = self._received_rma([(self.mould, 1, self.lot1)], requested="refund")
        rows = self.env["factory.rma.deadline.report"].search(
            [("rma_id", "=", rma.id), ("step", "=", "inspection")]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.deadline, rma.inspection_ids.deadline)
        self.assertTrue(rows.is_open)
