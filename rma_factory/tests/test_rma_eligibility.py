from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaEligibility(RmaCommon):
    def _rma(self, **header):
        order = self._deliver(self.customer_c, [(self.mould, 2, self.lot1)])
        return self._create_rma(order, **header)

    def test_eligible_when_a_and_one_of_bcd(self):
        rma = self._rma()
        rma.action_submit()
        self.assertEqual(rma.eligibility_state, "eligible")
        self.assertEqual(rma.line_ids.eligibility_state, "eligible")
        self.assertEqual(
            rma.line_ids.warranty_end_date, rma.line_ids.delivery_date + relativedelta(months=12)
        )

    def test_warranty_expired_blocks_approval_until_override(self):
        """AS-08: A failed; approve refused; override needs a justification
        that is logged."""
        rma = self._rma()
        delivered = self._today() - relativedelta(months=14)
        rma.line_ids.delivery_date = delivered
        rma.action_submit()
        line = rma.line_ids
        self.assertEqual(line.eligibility_state, "failed")
        self.assertIn("A failed: warranty ended", line.eligibility_note)
        self.assertEqual(rma.eligibility_state, "not_eligible")
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr).action_approve()
        self.assertFalse(rma.picking_ids)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs)._override_eligibility("Long-standing customer, goodwill")
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr)._override_eligibility("  ")
        wizard = Form(
            self.env["factory.rma.override.wizard"]
            .with_user(self.user_mgr)
            .with_context(default_rma_id=rma.id)
        )
        wizard.justification = "Long-standing customer, goodwill gesture"
        wizard.save().action_override()
        self.assertEqual(rma.eligibility_state, "overridden")
        self.assertEqual(line.eligibility_state, "overridden")
        trail = rma.approval_ids.filtered(lambda a: a.step == "override")
        self.assertEqual(trail.user_id, self.user_mgr)
        self.assertIn("goodwill", trail.comment)
        self.assertTrue(rma.message_ids.filtered(lambda m: "goodwill gesture" in (m.body or "")))
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "approved")

    def test_no_bcd_criterion(self):
        rma = self._rma(criterion_b=False)
        rma.criterion_b = False
        rma.action_submit()
        self.assertIn("No B/C/D criterion met", rma.line_ids.eligibility_note)
        self.assertEqual(rma.eligibility_state, "not_eligible")

    def test_conditions_checklist_and_window(self):
        rma = self._rma()
        rma.line_ids.cond_no_human_damage = False
        self.policy.return_window_days = 7
        rma.line_ids.delivery_date = self._today() - relativedelta(days=10)
        rma.action_submit()
        note = rma.line_ids.eligibility_note
        self.assertIn("Human damage not excluded", note)
        self.assertIn("Return window closed", note)

    def test_product_warranty_overrides_category(self):
        self.mould.rma_warranty_months = 24
        rma = self._rma()
        rma.line_ids.delivery_date = self._today() - relativedelta(months=14)
        rma.action_submit()
        self.assertEqual(rma.line_ids.eligibility_state, "eligible")

    def test_reject_with_alternative_and_reset(self):
        rma = self._rma()
        rma.action_submit()
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr)._reject("", "repair")
        action = rma.with_user(self.user_mgr).action_open_reject_wizard()
        wizard = Form(
            self.env["factory.rma.reject.wizard"]
            .with_user(self.user_mgr)
            .with_context(action["context"])
        )
        wizard.reason = "Out of warranty"
        wizard.alternative = "repair"
        wizard.save().action_reject()
        self.assertEqual(rma.state, "rejected")
        self.assertEqual(rma.reject_alternative, "repair")
        self.assertFalse(rma.picking_ids)
        # the request received, then the rejection, sent by the cron
        self.env["factory.rma.customer.message"]._cron_send_pending()
        mail = rma.message_ids.filtered(lambda m: rma.partner_id in m.partner_ids)
        self.assertTrue(mail)
        self.assertIn("Out of warranty", mail[0].body)
        rma.action_draft()
        self.assertEqual(rma.state, "draft")
        self.assertFalse(rma.reject_reason)
