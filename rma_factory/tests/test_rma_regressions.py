from odoo.tests import Form, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaManualEntry(RmaCommon):
    """An RMA keyed in by hand, as README step 1 says (issue #9, item 1)."""

    def test_add_line_by_hand_without_product_first(self):
        """ "Add a line" on a new RMA opens an empty line: no product, no
        unit yet. The onchanges of the form must not compare quantities with
        a rounding of 0."""
        form = Form(self.env["factory.rma"].with_user(self.user_cs))
        form.partner_id = self.dealer_b
        with form.line_ids.new() as line:
            # the empty line is computed before any product is chosen
            self.assertFalse(line.product_id)
            self.assertFalse(line.is_resolved)
            line.product_id = self.connector
            line.quantity = 3
        rma = form.save()
        self.assertEqual(rma.state, "draft")
        self.assertEqual(rma.line_ids.product_id, self.connector)
        self.assertEqual(rma.line_ids.quantity, 3)
        self.assertEqual(rma.line_ids.product_uom_id, self.connector.uom_id)
        self.assertEqual(rma.line_ids.price_unit, 15.0)

    def test_add_line_by_hand_on_existing_rma(self):
        # a factory that tracks lots has the lots setting on for its users
        self.user_cs.groups_id += self.env.ref("stock.group_production_lot")
        rma = (
            self.env["factory.rma"].with_user(self.user_cs).create({"partner_id": self.dealer_b.id})
        )
        with Form(rma) as form:
            with form.line_ids.new() as line:
                self.assertFalse(line.is_resolved)
                self.assertEqual(line.qty_to_credit, 0)
                line.product_id = self.mould
                line.lot_id = self.lot1
                line.quantity = 2
        self.assertEqual(rma.line_ids.lot_id, self.lot1)
        self.assertEqual(rma.amount_total, 200.0)
