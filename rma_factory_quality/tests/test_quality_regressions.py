from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestQualityRegressions(QualityCommon):
    """Bugs of issue #9 seen with the quality addon installed."""

    def test_full_sort_with_raised_sample_closes(self):
        """Item 3: 20 received, sample raised to 20 (a 100 % sort), 15 good
        and 5 defective. Closing splits the line; the inspection keeps the
        20 it was created for and closes."""
        rma = self._received_rma([(self.connector, 20, None)], requested="replace")
        inspection = rma.inspection_ids
        self.assertEqual(inspection.qty_received, 20)
        self.assertEqual(inspection.sample_size, 2)
        self._put_in_stock(self.connector, 5)
        inspection = self._inspect(
            inspection,
            [(self.d_appearance, 5)],
            sample_size=20,
            qty_inspected=20,
            qty_good=15,
            qty_defective=5,
            verdict="confirmed",
            responsibility="production",
        )
        self.assertTrue(inspection.full_sort)
        # while the inspection is open it decides the split, not a user
        with self.assertRaisesRegex(UserError, "under quality inspection"):
            rma.line_ids.with_user(self.user_cs)._split(5)
        inspection.action_done()
        self.assertEqual(inspection.state, "done")
        self.assertEqual(inspection.qty_received, 20, "the inspection keeps its quantity")
        self.assertEqual(inspection.sample_size, 20)
        lines = rma.line_ids.sorted("id")
        self.assertEqual(
            [(line.quantity, line.qty_received, line.decided_outcome) for line in lines],
            [(5, 5, "replace"), (15, 15, "send_back")],
        )
        self.assertEqual(rma.state, "processing")
        send_back = self._pickings_of_kind(rma, "send_back")
        routing = self._pickings_of_kind(rma, "routing")
        replacement = self._pickings_of_kind(rma, "replacement")
        self.assertEqual(send_back.move_ids.product_uom_qty, 15)
        self.assertEqual(routing.move_ids.product_uom_qty, 5)
        self.assertEqual(replacement.move_ids.product_uom_qty, 5)
        self._validate(send_back | routing | replacement)
        self.assertEqual(self._qty(self.connector, self.input_loc), 0)
        self.assertEqual(self._qty(self.connector, self.defective_loc), 5)
        self.assertEqual(rma.state, "done")
        self.assertEqual(inspection.qty_received, 20)

    def test_two_lots_two_lines_two_inspections(self):
        """Item 2 with quality: one delivery of L1 10 + L2 10 gives two RMA
        lines, two receipt moves and one inspection per line and lot."""
        order = self._deliver_lots(self.dealer_b, self.mould, [(self.lot1, 10), (self.lot2, 10)])
        rma = self._create_rma(order)
        l1 = rma.line_ids.filtered(lambda line: line.lot_id == self.lot1)
        l2 = rma.line_ids - l1
        l1.quantity, l2.quantity = 6, 4
        self._approve(rma)
        self.assertEqual(len(self._receipt(rma).move_ids), 2)
        self._receive(rma)
        self.assertEqual(len(rma.inspection_ids), 2)
        for line, qty in ((l1, 6), (l2, 4)):
            inspection = line.inspection_ids
            self.assertEqual(len(inspection), 1)
            self.assertEqual(inspection.lot_id, line.lot_id)
            self.assertEqual(inspection.qty_received, qty)
            self._inspect(
                inspection,
                [(self.d_appearance, 1)],
                qty_inspected=1,
                qty_good=0,
                qty_defective=1,
                verdict="confirmed",
                responsibility="production",
                outcome="refund",
                destination="defective",
            ).action_done()
        self.assertEqual(rma.state, "processing")
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual((l1.qty_routed, l2.qty_routed), (6, 4))
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 6)
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot2), 4)
        self.assertEqual(rma.state, "done")
