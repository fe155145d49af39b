from odoo import http
from odoo.tests import HttpCase, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaPortal(RmaCommon, HttpCase):
    """Customer portal of the returns: list, page, PDF downloads and the
    customer's answer to the reply report (issue #5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_c, cls.portal_c = cls._portal_contact(
            cls.customer_c, "Carol of Customer C", "carol@c.com", "portal_c_user"
        )
        cls.contact_b, cls.portal_b = cls._portal_contact(
            cls.dealer_b, "Bob of Dealer B", "bob@b.com", "portal_b_user"
        )

    def setUp(self):
        super().setUp()
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        self.rma = self._create_rma(order)
        self._approve(self.rma)
        self._receive(self.rma)
        self._decide(self.rma, "refund", "defective")
        self.rma.with_user(self.user_cs).action_judge()
        self.rma.write(
            {
                "customer_cause": "Inclusions in the steel of lot L1",
                "customer_corrective_action": "Incoming material is now tested batch by batch",
            }
        )
        self.rma._mark_reply_sent()
        self.assertEqual(self.rma.reply_state, "sent")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _post_reply(self, decision, access_token=None):
        data = {"csrf_token": http.Request.csrf_token(self), "decision": decision}
        if access_token:
            data["access_token"] = access_token
        return self.url_open(f"/my/rma/{self.rma.id}/reply", data=data)

    def _reply_activities(self):
        return self.rma.activity_ids.filtered(
            lambda a: "rework the corrective action" in (a.summary or "")
        )

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_tour_accept_the_corrective_action(self):
        self.start_tour("/my/rmas", "rma_factory_portal_tour", login="portal_c_user")
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "accepted")
        self.assertTrue(self.rma.date_reply_answer)
        self.assertTrue(
            any(
                "accepted the corrective action from the portal" in (body or "")
                for body in self.rma.message_ids.mapped("body")
            )
        )

    def test_list_page_and_counter(self):
        other_order = self._deliver(self.dealer_b, [(self.connector, 2, None)])
        other_rma = self._create_rma(other_order)
        self.authenticate("portal_c_user", "portal_c_user")
        res = self.url_open("/my/rmas")
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.rma.name, res.text)
        self.assertNotIn(other_rma.name, res.text, "another customer's RMA is not listed")
        self.assertIn("Waiting for your answer", res.text)
        res = self.url_open("/my/rmas?sortby=name")
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.rma.name, res.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["rma_count"]})
        self.assertEqual(counters["rma_count"], 1)
        res = self.url_open(f"/my/rma/{self.rma.id}")
        self.assertEqual(res.status_code, 200)
        for text in ("M-100", "L1", "Incoming material is now tested batch by batch"):
            self.assertIn(text, res.text)
        self.assertIn("Accept the corrective action", res.text)
        self.assertIn("Do not accept", res.text)
        # the chatter works for the logged-in customer (posts with the token)
        self.assertIn(f'data-token="{self.rma.access_token}"', res.text)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "factory.rma",
                "thread_id": self.rma.id,
                "post_data": {"body": "Photos follow", "message_type": "comment"},
                "token": self.rma.access_token,
            },
        )
        self.rma.invalidate_recordset()
        self.assertIn("Photos follow", self.rma.message_ids[0].body)
        self.assertEqual(self.rma.message_ids[0].author_id, self.contact_c)

    def test_other_customer_is_refused(self):
        self.authenticate("portal_b_user", "portal_b_user")
        res = self.url_open(f"/my/rma/{self.rma.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303, 403))
        self.assertNotIn(self.rma.name, res.text)
        if res.status_code in (302, 303):
            self.assertTrue(res.headers["Location"].endswith("/my"))
        # no answer either
        res = self.url_open(
            f"/my/rma/{self.rma.id}/reply",
            data={"csrf_token": http.Request.csrf_token(self), "decision": "accept"},
            allow_redirects=False,
        )
        self.assertIn(res.status_code, (302, 303, 403))
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "sent")
        # a wrong token does not open it
        res = self.url_open(
            f"/my/rma/{self.rma.id}?access_token=wrong-token", allow_redirects=False
        )
        self.assertIn(res.status_code, (302, 303, 403))

    def test_access_token_without_login_and_pdf(self):
        url = self.rma.get_portal_url()
        self.assertIn("access_token=", url)
        res = self.url_open(url)
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.rma.name, res.text)
        self.assertIn("Incoming material is now tested batch by batch", res.text)
        for report in ("authorisation", "reply"):
            res = self.url_open(
                self.rma.get_portal_url(
                    report_type="pdf", download=True, query_string=f"&report={report}"
                )
            )
            self.assertEqual(res.status_code, 200, report)
            self.assertEqual(res.headers["Content-Type"], "application/pdf", report)
            self.assertIn("attachment", res.headers.get("Content-Disposition", ""), report)
        # logged in: no token needed
        self.authenticate("portal_c_user", "portal_c_user")
        res = self.url_open(f"/my/rma/{self.rma.id}?report_type=pdf&report=authorisation")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.headers["Content-Type"], "application/pdf")

    def test_reply_report_hidden_before_the_reply(self):
        self.rma.reply_state = False
        self.authenticate("portal_c_user", "portal_c_user")
        res = self.url_open(f"/my/rma/{self.rma.id}")
        self.assertNotIn("Accept the corrective action", res.text)
        self.assertNotIn("report=reply", res.text)
        res = self.url_open(f"/my/rma/{self.rma.id}?report_type=pdf&report=reply")
        self.assertNotEqual(res.headers["Content-Type"], "application/pdf")
        self.assertIn("This document is not available for this return.", res.text)

    def test_reject_then_second_post(self):
        self.authenticate(None, None)
        token = self.rma._portal_ensure_token()
        res = self._post_reply("reject", access_token=token)
        self.assertEqual(res.status_code, 200)
        self.assertIn("you did not accept the corrective action", res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "rejected")
        activities = self._reply_activities()
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.rma.user_id)
        message_count = len(self.rma.message_ids)
        # double click / second post: clean message, nothing changes
        res = self._post_reply("accept", access_token=token)
        self.assertEqual(res.status_code, 200)
        self.assertIn("Your answer could not be recorded", res.text)
        self.assertNotIn("Traceback", res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "rejected")
        self.assertEqual(len(self._reply_activities()), 1)
        self.assertEqual(len(self.rma.message_ids), message_count)

    def test_reply_post_checks(self):
        # without the token and not logged in: nothing is recorded
        self.authenticate(None, None)
        res = self._post_reply("accept")
        self.assertNotIn(self.rma.name, res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "sent")
        # without CSRF token: refused
        self.authenticate("portal_c_user", "portal_c_user")
        res = self.url_open(f"/my/rma/{self.rma.id}/reply", data={"decision": "accept"})
        self.assertEqual(res.status_code, 400)
        # unknown decision: error message, nothing recorded
        res = self._post_reply("maybe")
        self.assertIn("Your answer could not be recorded", res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "sent")
        # the logged-in customer accepts without token
        res = self._post_reply("accept")
        self.assertIn("You accepted the corrective action", res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "accepted")

    def test_reply_refused_to_internal_users_and_wrong_tokens(self):
        """Only the customer answers from the portal: internal users use
        the buttons of the RMA form; a wrong token opens nothing."""
        token = self.rma._portal_ensure_token()
        message_count = len(self.rma.message_ids)
        self.authenticate("rma_cs", "rma_cs")
        res = self.url_open(f"/my/rma/{self.rma.id}")
        self.assertEqual(res.status_code, 200)
        self.assertNotIn("o_rma_portal_accept", res.text, "no answer buttons for the staff")
        self.assertIn("o_rma_portal_internal_note", res.text)
        for access_token in (None, token):
            res = self._post_reply("accept", access_token=access_token)
            self.assertEqual(res.status_code, 200)
            self.assertIn("only the customer answers from the portal", res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "sent")
        self.assertFalse(self.rma.date_reply_answer)
        # anonymous with a wrong token: sent away, nothing recorded
        self.authenticate(None, None)
        res = self._post_reply("accept", access_token="wrong-token")
        self.assertNotIn("You accepted the corrective action", res.text)
        self.assertNotIn(self.rma.name, res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "sent")
        self.assertEqual(len(self.rma.message_ids), message_count)
        # the customer's portal user answers; a second click changes nothing
        self.authenticate("portal_c_user", "portal_c_user")
        res = self._post_reply("reject")
        self.assertIn("you did not accept the corrective action", res.text)
        res = self._post_reply("reject")
        self.assertIn("Your answer could not be recorded", res.text)
        self.rma.invalidate_recordset()
        self.assertEqual(self.rma.reply_state, "rejected")
        self.assertEqual(len(self._reply_activities()), 1)
