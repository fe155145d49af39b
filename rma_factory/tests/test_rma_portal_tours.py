from odoo.tests import Form, tagged

from .test_rma_portal_request import PortalRequestCommon


@tagged("post_install", "-at_install")
class TestRmaPortalTours(PortalRequestCommon):
    """Issue #13 in Chromium: the dealer's side of a return, from the
    request to its confirmation of the reply."""

    def _complete_and_approve(self, rma):
        """Customer service completes the portal request and submits it; the
        manager approves."""
        rma.line_ids.with_user(self.user_cs).write(
            {
                "cond_original_packaging": True,
                "cond_accessories_complete": True,
                "cond_no_human_damage": True,
            }
        )
        rma.with_user(self.user_cs).write({"criterion_b": True})
        self._approve(rma)

    def _send_reply(self, rma, corrective_action):
        rma.write(
            {
                "customer_cause": "Inclusions in the steel of lot L1",
                "customer_corrective_action": corrective_action,
            }
        )
        action = rma.with_user(self.user_cs).action_send_customer_reply()
        Form(
            self.env["mail.compose.message"]
            .with_user(self.user_cs)
            .with_context(**action["context"])
        ).save().action_send_mail()

    def _judged(self, rma):
        self._receive(rma)
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()

    def test_tour_request_shipment_and_acceptance(self):
        before = self._rmas()
        self.start_tour(
            f"/my/orders/{self.order.id}", "rma_factory_portal_request_tour", login="req_portal_c"
        )
        rma = self._rmas() - before
        self.assertEqual(len(rma), 1)
        self.assertEqual((rma.state, rma.channel), ("draft", "portal"))
        self.assertEqual(rma.line_ids.quantity, 2)
        self.assertEqual(rma.line_ids.requested_outcome, "replace")
        photos = self.env["ir.attachment"].search(
            [("res_model", "=", "factory.rma"), ("res_id", "=", rma.id)]
        )
        self.assertEqual(sorted(photos.mapped("name")), ["crack-1.png", "crack-2.png"])

        self._complete_and_approve(rma)
        self.start_tour("/my/rmas", "rma_factory_portal_shipment_tour", login="req_portal_c")
        receipt = self._receipt(rma)
        self.assertEqual(receipt.rma_tracking_ref, "SF1234567890")
        self.assertEqual(receipt.rma_carrier_name, "SF Express")

        self._judged(rma)
        self._send_reply(rma, "Incoming material is now tested batch by batch")
        rma.with_user(self.user_cs).action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "processing", "waits for the customer's confirmation")
        self.start_tour("/my/rmas", "rma_factory_portal_accept_reply_tour", login="req_portal_c")
        self.assertEqual(rma.reply_state, "accepted")
        self.assertEqual(rma.state, "done", "the customer's confirmation closes it")

    def test_tour_refuse_then_new_version(self):
        rma = self._create_rma(self.order)
        self._approve(rma)
        self._judged(rma)
        self._send_reply(rma, "Incoming material is now tested batch by batch")
        self.start_tour("/my/rmas", "rma_factory_portal_refuse_reply_tour", login="req_portal_c")
        self.assertEqual(rma.reply_state, "rejected")
        self.assertTrue(
            rma.activity_ids.filtered(lambda a: "rework the corrective action" in (a.summary or ""))
        )
        self._send_reply(rma, "From now on every insert is X-rayed before packing")
        self.assertEqual((rma.reply_state, rma.reply_version), ("sent", 2))
        self.start_tour("/my/rmas", "rma_factory_portal_new_version_tour", login="req_portal_c")
