from odoo.tests import HttpCase, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaUi(RmaCommon, HttpCase):
    def test_submit_from_the_web_client(self):
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma = self._create_rma(order)
        rma.user_id = self.user_cs
        self.start_tour(
            "/odoo/action-rma_factory.action_factory_rma", "rma_factory_submit_tour", login="rma_cs"
        )
        self.assertEqual(rma.state, "submitted")
        self.assertEqual(rma.line_ids.eligibility_state, "eligible")
        self.assertTrue(rma.review_deadline)

    def test_stock_user_validates_the_receipt_from_the_rma(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self.start_tour("/odoo", "rma_factory_stock_receipt_tour", login="rma_stock")
        self.assertEqual(rma.state, "received")
        self.assertEqual(self._qty(self.connector, self.input_loc), 5)
        self.assertEqual(self._qty(self.connector, self.stock_loc), 0)
