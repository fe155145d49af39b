from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaUserLanguage(RmaCommon):
    """What an activity tells a user is in that user's language, whoever
    schedules it (issue #11)."""

    def test_activities_in_the_assignee_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.user_cs.lang = "zh_CN"
        self.policy.escalation_user_id = self.user_mgr  # the approver of this company
        order = self._deliver(self.dealer_a, [(self.connector, 2, None)])
        rma = self._create_rma(order, user=self.user_cs, replenish_first=True)
        self.assertEqual(rma.user_id, self.user_cs)
        rma.line_ids.requested_outcome = "replace"
        self._put_in_stock(self.connector, 2)
        rma.with_user(self.user_cs).action_submit()
        approval = rma.activity_ids.filtered(lambda a: a.user_id == self.user_mgr)
        self.assertEqual(approval.summary, f"Approve RMA {rma.name}", "the manager reads English")
        rma.with_user(self.user_mgr).action_approve()
        promise = rma.activity_ids.filtered(lambda a: a.user_id == self.user_cs)
        self.assertEqual(promise.summary, "承诺换货到货日期", "customer service reads Chinese")
