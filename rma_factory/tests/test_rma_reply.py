import subprocess

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaCustomerReply(RmaCommon):
    def setUp(self):
        super().setUp()
        self.supplier = self.env["res.partner"].create({"name": "SecretSteel", "supplier_rank": 1})
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        self.rma = self._create_rma(order)
        self._approve(self.rma)
        self._receive(self.rma)
        self._decide(self.rma, "refund", "defective")
        self.rma.line_ids.write(
            {
                "responsibility": "supplier",
                "responsible_partner_id": self.supplier.id,
                "responsible_unit": "Purchasing",
            }
        )
        self.rma.with_user(self.user_cs).action_judge()

    def _send(self):
        action = self.rma.with_user(self.user_cs).action_send_customer_reply()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.user_cs)
            .with_context(**action["context"])
        ).save()
        composer.action_send_mail()

    def test_reply_report_is_confidential_and_sent_from_the_chatter(self):
        with self.assertRaisesRegex(UserError, "customer wording"):
            self.rma.with_user(self.user_cs).action_send_customer_reply()
        self.rma.write(
            {
                "customer_cause": "Steel from SecretSteel had inclusions",
                "customer_corrective_action": "Incoming material is now tested batch by batch",
            }
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("rma_factory.action_report_rma_customer_reply", self.rma.ids)[0]
            .decode()
        )
        self.assertIn(self.rma.name, html)
        self.assertIn("Incoming material is now tested", html)
        self.assertIn("Our responsibility", html)
        self.assertNotIn("SecretSteel", html, "no supplier name in a document for the customer")
        self.assertNotIn("Purchasing", html, "no internal responsible unit either")
        # the PDF itself, as text
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("rma_factory.action_report_rma_customer_reply", self.rma.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn("Incoming material is now tested", " ".join(text.split()))
        self.assertIn("[supplier]", text)
        self.assertNotIn("SecretSteel", text)
        self._send()
        self.assertEqual((self.rma.reply_state, self.rma.reply_version), ("sent", 1))
        self.assertTrue(self.rma.message_ids[0].attachment_ids, "the PDF goes with the mail")
        # whitelisted suppliers may be named
        self.supplier.rma_disclose_in_reports = True
        self.assertIn("SecretSteel", self.rma._customer_safe_text(self.rma.customer_cause))

    def test_not_accepted_reopens_then_accepted_closes(self):
        self.rma.customer_cause = "Material defect"
        self._send()
        with self.assertRaises(AccessError):
            self.rma.with_user(self.user_stock).action_reply_rejected()
        self.rma.with_user(self.user_cs).action_reply_rejected()
        self.assertEqual(self.rma.reply_state, "rejected")
        self.assertTrue(
            self.rma.activity_ids.filtered(lambda a: "rework the corrective action" in a.summary)
        )
        with self.assertRaisesRegex(UserError, "no reply is waiting"):
            self.rma.with_user(self.user_cs).action_reply_accepted()
        self.rma.with_user(self.user_cs).action_process()
        self._validate(self._pickings_of_kind(self.rma, "routing"))
        self.assertTrue(self.rma.line_ids.is_resolved)
        self.assertEqual(self.rma.state, "processing", "a new version of the reply is due")
        self._send()
        self.assertEqual(self.rma.reply_version, 2, "a new report is issued")
        self.assertEqual(self.rma.state, "processing", "waits for the customer's confirmation")
        self.rma.with_user(self.user_cs).action_reply_accepted()
        self.assertEqual(self.rma.reply_state, "accepted")
        self.assertEqual(self.rma.state, "done", "the customer's confirmation closes it")

    def test_deemed_accepted_at_day_45_not_44_and_closes(self):
        self.rma.customer_cause = "Material defect"
        with freeze_time("2026-03-02 10:00:00"):
            self._send()
        self.rma.with_user(self.user_cs).action_process()
        routing = self._pickings_of_kind(self.rma, "routing")
        self.assertEqual(self.rma.state, "processing")
        Rma = self.env["factory.rma"]
        with freeze_time("2026-04-15 10:00:00"):  # day 44
            self.assertFalse(Rma._cron_reply_deemed_accepted())
        self.assertEqual(self.rma.reply_state, "sent")
        # the goods are routed meanwhile; the RMA is resolved but waits for
        # the customer's confirmation (AS-27)
        self._validate(routing)
        self.assertTrue(self.rma.line_ids.is_resolved)
        self.assertEqual(self.rma.state, "processing")
        with freeze_time("2026-04-16 10:00:00"):  # day 45
            self.assertEqual(Rma._cron_reply_deemed_accepted(), self.rma)
        self.assertEqual(self.rma.reply_state, "deemed_accepted")
        self.assertEqual(self.rma.state, "done", "deemed acceptance closes it")

    def test_deemed_acceptance_closes_a_resolved_rma(self):
        """A line resolved while the RMA waits for the answer: deemed
        acceptance closes it."""
        self.rma.customer_cause = "Material defect"
        with freeze_time("2026-03-02 10:00:00"):
            self._send()
        with freeze_time("2026-04-16 10:00:01"):
            self.env["factory.rma"]._cron_reply_deemed_accepted()
        self.assertEqual(self.rma.reply_state, "deemed_accepted")
        self.assertEqual(self.rma.state, "judged", "goods not routed yet: not closed")

    def test_satisfaction_at_closure_and_recheck_one_month_after(self):
        self.rma.with_user(self.user_cs).action_process()
        with freeze_time("2026-03-02 10:00:00"):
            self._validate(self._pickings_of_kind(self.rma, "routing"))
        self.assertEqual(self.rma.state, "done")
        self.env["factory.rma.customer.message"]._cron_send_pending()
        self.assertEqual(len(self.rma.rating_ids), 1, "satisfaction request at the closure")
        Rma = self.env["factory.rma"]
        with freeze_time("2026-03-31 09:00:00"):
            self.assertFalse(Rma._cron_closure_followup())
        with freeze_time("2026-04-01 10:00:01"):
            self.assertEqual(Rma._cron_closure_followup(), self.rma)
            self.assertFalse(Rma._cron_closure_followup(), "once")
        self.assertTrue(self.rma.followup_done)
        self.assertTrue(self.rma.activity_ids.filtered(lambda a: a.summary.startswith("Re-check")))
        self.env["factory.rma.customer.message"]._cron_send_pending()
        self.assertEqual(len(self.rma.rating_ids), 1, "no second satisfaction request")
