from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaWorkflowFields(RmaCommon):
    """Issue #10: the workflow fields change only through the buttons, for
    every caller; no context key unlocks a guarded write (as an RPC client
    would try: ``write`` with any values and any context)."""

    def _submitted(self, qty=2):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self._set_line_qty(rma, qty)
        rma.with_user(self.user_cs).action_submit()
        return rma

    def _refused(self, record, vals, error=UserError, **context):
        """``record.write(vals)`` is refused and changes nothing."""
        before = {name: record[name] for name in vals}
        with self.assertRaises(error):
            record.with_context(**context).write(vals)
        self.env.invalidate_all()
        for name, value in before.items():
            self.assertEqual(record[name], value, f"{name} changed")

    def test_rma_state_and_results_not_writable(self):
        rma = self._submitted()
        for user in (self.user_cs, self.user_mgr, self.user_gm):
            for vals in (
                {"state": "approved"},
                {"state": "judged"},
                {"eligibility_state": "eligible"},
                {"manager_approved": True},
                {"date_approved": "2026-03-02 10:00:00"},
                {"review_deadline": False},
                {"approval_amount": 1.0},
                {"reply_state": "accepted"},
                {"urgent": True},
                {"claim_state": "paid"},
                {"deposit_amount": 1.0},
                {"name": "RMA/1999/00001"},
            ):
                with self.subTest(user=user.login, vals=vals):
                    self._refused(rma.with_user(user), vals)
        self.assertEqual(rma.state, "submitted")
        self.assertFalse(rma.picking_ids, "no receipt: not approved")

    def test_line_results_not_writable_and_no_context_key_unlocks(self):
        rma = self._submitted()
        line = rma.line_ids
        for vals in (
            {"outcome_approved": True},
            {"customer_agreed": True},
            {"replacement_special_request": True},
            {"eligibility_state": "eligible"},
            {"qty_received_adjust": 5.0},
            {"qty_received": 5.0},
            {"qty_credited": 5.0},
        ):
            with self.subTest(vals=vals):
                self._refused(line.with_user(self.user_mgr), vals)
        # the keys that used to unlock guarded writes unlock nothing
        keys = {
            "rma_split": True,
            "rma_outcome_override": True,
            "rma_keep_outcome_approval": True,
            "rma_inspection_closing": True,
            "mark_rma_reply_sent": True,
        }
        self._refused(line.with_user(self.user_mgr), {"quantity": 1}, **keys)
        self._refused(line.with_user(self.user_mgr), {"lot_id": self.lot1.id}, **keys)
        self._approve_and_judge(rma)
        self._refused(line.with_user(self.user_mgr), {"decided_outcome": "replace"}, **keys)
        rma.with_user(self.user_cs).with_context(**keys).message_post(body="hello")
        self.assertFalse(rma.reply_state)

    def _approve_and_judge(self, rma):
        rma.with_user(self.user_mgr).action_approve()
        self._receive(rma)
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()

    def test_submitted_rma_is_frozen(self):
        rma = self._submitted()
        other = self.env["res.partner"].create({"name": "Other customer"})
        policy2 = self.policy.copy({"name": "Lenient"})
        for vals in (
            {"partner_id": other.id},
            {"policy_id": policy2.id},
            {"sale_order_id": False},
            {"criterion_c": True},
            {"rma_type": "complaint"},
        ):
            with self.subTest(vals=vals):
                self._refused(rma.with_user(self.user_mgr), vals)
        # no line added or removed
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr).write(
                {"line_ids": [Command.create({"product_id": self.mould.id, "quantity": 1})]}
            )
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr).write({"line_ids": [Command.unlink(rma.line_ids.id)]})
        self.env.invalidate_all()
        self.assertEqual(len(rma.line_ids), 1)
        # what is not frozen stays editable (the conditions can be corrected)
        rma.line_ids.with_user(self.user_cs).cond_accessories_complete = False
        rma.with_user(self.user_cs).internal_note = "<p>Called the customer</p>"

    def test_line_origin_belongs_to_the_customer(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = (
            self.env["factory.rma"].with_user(self.user_cs).create({"partner_id": self.dealer_b.id})
        )
        with self.assertRaises(ValidationError) as cm:
            rma.write(
                {
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.connector.id,
                                "quantity": 1,
                                "sale_line_id": order.order_line.id,
                            }
                        )
                    ]
                }
            )
        self.assertIn("another customer", str(cm.exception))
        self.env.invalidate_all()
        self.assertFalse(rma.line_ids)


@tagged("post_install", "-at_install")
class TestRmaGeneralManagerDecisions(RmaCommon):
    """The seeds' general-manager decisions need the RMA Approver (APPR-10,
    APPR-17, APPR-18)."""

    def _customer_caused_rma(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self._set_line_qty(rma, 2)
        rma.line_ids.cond_no_human_damage = False
        rma.with_user(self.user_cs).action_submit()
        self.assertEqual(rma.eligibility_state, "not_eligible")
        return rma

    def test_override_of_a_customer_caused_claim_needs_the_approver(self):
        rma = self._customer_caused_rma()
        with self.assertRaises(AccessError):
            rma.with_user(self.user_mgr)._override_eligibility("Good customer, accept anyway")
        self.env.invalidate_all()
        self.assertEqual(rma.eligibility_state, "not_eligible")
        self.assertNotIn("override", rma.approval_ids.mapped("step"))
        rma.with_user(self.user_gm)._override_eligibility("Good customer, accept anyway")
        self.assertEqual(rma.eligibility_state, "overridden")

    def test_taking_back_customer_caused_goods_needs_the_approver(self):
        """AS-07 variant: the manager cannot accept the return of goods the
        customer damaged; the general manager can, and then it runs."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self._set_line_qty(rma, 2)
        self._approve(rma)
        self._receive(rma)
        line = rma.line_ids
        line.with_user(self.user_cs).write(
            {"responsibility": "customer", "decided_outcome": "refund", "destination": "defective"}
        )
        self.assertTrue(line.needs_outcome_approval)
        rma.with_user(self.user_cs).action_judge()
        with self.assertRaisesRegex(UserError, "Approver"):
            rma.with_user(self.user_cs).action_process()
        with self.assertRaises(AccessError):
            line.with_user(self.user_mgr).action_approve_outcome()
        line.with_user(self.user_gm).action_approve_outcome()
        rma.with_user(self.user_cs).action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.connector, self.defective_loc), 2)
        # sending customer-caused goods back as is needs nobody's approval
        order2 = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma2 = self._create_rma(order2)
        self._approve(rma2)
        self._receive(rma2)
        rma2.line_ids.with_user(self.user_cs).write(
            {"responsibility": "customer", "decided_outcome": "send_back"}
        )
        self.assertFalse(rma2.line_ids.needs_outcome_approval)

    def test_urgent_handling_needs_the_approver(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        rma.with_user(self.user_cs).action_submit()
        for user in (self.user_cs, self.user_mgr):
            with self.assertRaises(AccessError):
                rma.with_user(user).action_set_urgent()
        self.assertFalse(rma.urgent)
        rma.with_user(self.user_gm).action_set_urgent()
        self.assertTrue(rma.urgent)
        rma.with_user(self.user_gm).action_unset_urgent()
        self.assertFalse(rma.urgent)


@tagged("post_install", "-at_install")
class TestRmaCarrierClaimSteps(RmaCommon):
    def test_claim_moves_through_buttons(self):
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        rma = self._create_rma(
            order,
            rma_type="shortage",
            packaging_damaged=True,
            carrier_note_ref="POD-9",
        )
        self._set_line_qty(rma, 1)
        self._put_in_stock(self.connector, 1)
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.claim_state, "to_claim")
        with self.assertRaises(UserError):
            rma.with_user(self.user_cs).write({"claim_state": "accepted"})
        with self.assertRaisesRegex(UserError, "claimed amount"):
            rma.with_user(self.user_cs).action_claim_sent()
        rma.with_user(self.user_cs).write({"claim_amount": 30.0, "claim_reference": "CL-1"})
        rma.with_user(self.user_cs).action_claim_sent()
        self.assertEqual(rma.claim_state, "claimed")
        with self.assertRaises(UserError):
            rma.with_user(self.user_cs).write({"claim_amount": 300.0})
        rma.with_user(self.user_cs).action_claim_accepted()
        self.assertEqual(rma.claim_state, "accepted")
        with self.assertRaises(UserError):
            rma.with_user(self.user_cs).action_claim_refused()


@tagged("post_install", "-at_install")
class TestRmaCronSavepoints(RmaCommon):
    def test_a_failing_record_does_not_stop_the_cron(self):
        """Crons process each record in its own savepoint: the RMA that
        fails is logged and skipped, the others go on."""
        rmas = self.env["factory.rma"]
        for _i in range(3):
            order = self._deliver(self.customer_c, [(self.connector, 1, None)])
            rma = self._create_rma(order)
            with freeze_time("2026-01-05 09:00:00"):
                rma.action_submit()
            rmas |= rma
        broken = rmas[1]
        original = type(rmas)._escalation_user

        def escalation_user(rma):
            if rma == broken:
                raise ValueError("mail server down")
            return original(rma)

        with (
            freeze_time("2026-01-07 09:00:00"),
            patch.object(type(rmas), "_escalation_user", escalation_user),
            self.assertLogs("odoo.addons.rma_factory.models.factory_rma_guard", "ERROR"),
        ):
            self.env["factory.rma"]._cron_escalate_overdue()
        escalated = self.env["mail.activity"].search(
            [("res_model", "=", "factory.rma"), ("rma_escalation_step", "=", "review")]
        )
        self.assertEqual(set(escalated.mapped("res_id")) & set(rmas.ids), set((rmas - broken).ids))
