from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestQualityCustomerReply(QualityCommon):
    """Issue #13: the RMA and its 8D reports share one reply. The 8D sent is
    a version of the RMA's reply; the customer's answer — on the portal, on
    the RMA or on the 8D — is recorded once; "not accepted" reopens the 8D
    and a new version follows."""

    def setUp(self):
        super().setUp()
        self.rma = self._received_rma([(self.mould, 10, self.lot1)], requested="refund")
        contact = self.env["res.partner"].create(
            {"name": "Bob of Dealer B", "parent_id": self.dealer_b.id, "email": "bob@b.com"}
        )
        self.portal_b = new_test_user(
            self.env, login="q_portal_b", groups="base.group_portal", partner_id=contact.id
        )

    def _approved_8d(self):
        inspection = self._inspect(
            self.rma.inspection_ids,
            [(self.d_engraving, 3)],
            qty_inspected=3,
            qty_good=0,
            qty_defective=3,
            verdict="confirmed",
            responsibility="production",
        )
        inspection.action_done()
        report = inspection.eightd_id.with_user(self.user_qi)
        self._write_and_approve_8d(report)
        return report

    def _send_8d(self, report):
        action = report.with_user(self.user_qm).action_send()
        Form(
            self.env["mail.compose.message"]
            .with_user(self.user_qm)
            .with_context(**action["context"])
        ).save().action_send_mail()

    def test_rma_and_8d_share_one_reply(self):
        report = self._approved_8d()
        rma = self.rma
        self.assertFalse(rma.reply_state)
        self._send_8d(report)
        self.assertEqual((report.state, report.customer_reply), ("sent", "pending"))
        self.assertEqual((rma.reply_state, rma.reply_version), ("sent", 1))
        self.assertIn(f"8d_{report.id}", rma._portal_documents(), "downloadable on the portal")

        # the customer does not accept on the portal: the 8D reopens
        rma.with_user(self.portal_b)._portal_record_reply(False)
        report.invalidate_recordset()
        self.assertEqual(rma.reply_state, "rejected")
        self.assertEqual((report.state, report.customer_reply), ("in_progress", "rejected"))
        self.assertFalse(report.approved_by_id, "approved again before the new version")
        self.assertNotEqual(rma.state, "done")

        # a new version of the 8D is the new version of the reply
        report.action_submit_review()
        report.with_user(self.user_qm).action_approve()
        self._send_8d(report)
        self.assertEqual((rma.reply_state, rma.reply_version), ("sent", 2))
        self.assertEqual(report.customer_reply, "pending")

        # accepted from the 8D report: recorded on the RMA's reply
        report.action_customer_accepted()
        self.assertEqual(rma.reply_state, "accepted")
        self.assertEqual(report.customer_reply, "accepted")
        self.assertTrue(report.customer_reply_date)
        with self.assertRaises(UserError) as caught:
            report.action_customer_rejected()
        self.assertIn("no reply is waiting", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(rma.reply_state, "accepted")
        steps = rma.sudo().customer_message_ids.mapped("step")
        self.assertEqual(
            [s for s in steps if s in ("eightd", "reply_rejected", "reply_accepted")],
            ["eightd", "reply_rejected", "eightd", "reply_accepted"],
        )

    def test_rejected_on_the_rma_reopens_the_8d(self):
        report = self._approved_8d()
        self._send_8d(report)
        self.rma.with_user(self.user_cs).action_reply_rejected()
        report.invalidate_recordset()
        self.assertEqual((report.state, report.customer_reply), ("in_progress", "rejected"))
