from odoo import Command
from odoo.tests import Form, tagged

from .common import RmaCommon


class CustomerMessageCommon(RmaCommon):
    """Helpers to read what the customer was told: the messages posted on
    the RMA for the customer, after the cron sent the recorded steps."""

    def _send(self):
        """Run the sending cron twice: a second run sends nothing more."""
        Message = self.env["factory.rma.customer.message"]
        Message._cron_send_pending()
        Message._cron_send_pending()

    def _customer_messages(self, rma, partner=None):
        partner = partner or rma.partner_id
        rma.invalidate_recordset(["message_ids"])
        return rma.message_ids.filtered(
            lambda m: partner in m.partner_ids and m.message_type in ("comment", "notification")
        ).sorted("id")

    def _assert_one_new_message(self, rma, before, *texts):
        """Exactly one new message to the customer since ``before`` (the
        messages then), showing ``texts``; returns it."""
        self._send()
        new = self._customer_messages(rma) - before
        self.assertEqual(len(new), 1, f"one message, got {new.mapped('subject')}")
        body = " ".join(str(new.body).split())
        for text in texts:
            self.assertIn(text, f"{new.subject} {body}")
        return new

    def _steps(self, rma):
        rma.invalidate_recordset(["customer_message_ids"])
        return rma.sudo().customer_message_ids


@tagged("post_install", "-at_install")
class TestRmaCustomerMessages(CustomerMessageCommon):
    """Issue #13: a message at every step, once each, with the step's
    figures and documents."""

    def test_return_flow_tells_each_step_once(self):
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        rma = self._create_rma(order)
        told = self._customer_messages(rma)
        self.assertFalse(told)

        # request received (at submission for a request keyed in by customer service)
        rma.with_user(self.user_cs).action_submit()
        message = self._assert_one_new_message(
            rma, told, rma.name, "We received your return request"
        )
        told |= message
        self.assertEqual(message.author_id, rma.user_id.partner_id)
        rma._record_customer_step("request")
        self._assert_no_new_message(rma, told)

        # approved, with the return authorisation attached
        rma.with_user(self.user_mgr).action_approve()
        self._assert_no_new_message(rma, told)  # the general manager approves too
        rma.with_user(self.user_gm).action_approve()
        message = self._assert_one_new_message(rma, told, "is approved", rma.name)
        told |= message
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("Return authorisation", message.attachment_ids.name)

        # 8 of 10 received: one message for the receipt, then one for the backorder
        receipt = self._receipt(rma)
        self._validate(receipt, quantities={receipt.move_ids: 8})
        self.assertEqual(rma.state, "received")
        message = self._assert_one_new_message(rma, told, "8 of 10 received", "L1")
        told |= message
        self.assertIn("Received quantities", message.attachment_ids.name)
        step = self._steps(rma).filtered(lambda s: s.step == "received")
        self.assertEqual(step.detail, f"{self.mould.display_name}: 8 of 10 received")
        self.assertEqual(step.line_values[0]["difference"], "2")
        rma.sudo()._record_goods_received(receipt)
        self._assert_no_new_message(rma, told)
        backorder = self._receipt(rma).filtered(lambda p: p.state != "done")
        backorder.action_assign()
        backorder.move_line_ids.lot_id = self.lot1
        self._validate(backorder)
        told |= self._assert_one_new_message(rma, told, "10 of 10 received")

        # judgement
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()
        told |= self._assert_one_new_message(rma, told, "Refund", "M-100")

        # processing and closure: the satisfaction request goes out at once
        rma.with_user(self.user_cs).action_process()
        self._assert_no_new_message(rma, told)
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "done")
        self._send()
        rating = self._customer_messages(rma) - told
        self.assertEqual(len(rating), 1)
        self.assertTrue(rma.rating_ids, "satisfaction request sent at the closure")
        told |= rating
        rma._action_done()
        self._assert_no_new_message(rma, told)
        self.assertEqual(
            self._steps(rma).mapped("step"),
            ["request", "approved", "received", "received", "judged", "closed"],
        )
        self.assertTrue(all(s.state == "sent" for s in self._steps(rma)))

    def _assert_no_new_message(self, rma, before):
        self._send()
        self.assertFalse(self._customer_messages(rma) - before, "nothing sent twice")

    def test_rejection_tells_reason_and_alternative(self):
        order = self._deliver(self.customer_c, [(self.connector, 2, None)])
        rma = self._create_rma(order)
        rma.with_user(self.user_cs).action_submit()
        self._send()
        told = self._customer_messages(rma)
        wizard = (
            self.env["factory.rma.reject.wizard"]
            .with_user(self.user_mgr)
            .create(
                {
                    "rma_ids": [Command.set(rma.ids)],
                    "reason": "Outside the warranty",
                    "alternative": "repair",
                }
            )
        )
        wizard.action_reject()
        self._assert_one_new_message(rma, told, "cannot accept", "Outside the warranty", "Repair")

    def test_replacement_and_repair_are_told_with_tracking(self):
        self._put_in_stock(self.mould, 5, self.lot2)
        order = self._deliver(
            self.customer_c, [(self.mould, 2, self.lot1), (self.connector, 3, None)]
        )
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        mould_line = rma.line_ids.filtered(lambda x: x.product_id == self.mould)
        connector_line = rma.line_ids - mould_line
        self._decide(rma, "replace", "defective", lines=mould_line)
        self._decide(rma, "repair", lines=connector_line)
        rma.with_user(self.user_cs).action_judge()
        self._send()
        told = self._customer_messages(rma)
        rma.with_user(self.user_cs).action_process()

        # repair started, repair finished
        repair = connector_line.repair_ids
        self.assertEqual(len(repair), 1)
        repair.action_validate()
        repair.action_repair_start()
        told |= self._assert_one_new_message(rma, told, "has started", "C-20")
        repair.action_repair_end()
        told |= self._assert_one_new_message(rma, told, "is finished", "C-20")

        # the replacement ships with its tracking number
        replacement = self._pickings_of_kind(rma, "replacement")
        replacement.rma_tracking_ref = "SF-REPL-1"
        replacement.move_ids.move_line_ids.lot_id = self.lot2
        self._validate(replacement)
        told |= self._assert_one_new_message(rma, told, "SF-REPL-1", "M-100")
        # the repaired goods ship back
        send_back = self._pickings_of_kind(rma, "send_back")
        send_back.rma_tracking_ref = "SF-BACK-2"
        self._validate(send_back)
        told |= self._assert_one_new_message(rma, told, "SF-BACK-2", "C-20")
        steps = self._steps(rma).mapped("step")
        for step in ("repair_started", "repair_done", "shipped"):
            self.assertIn(step, steps)

    def test_message_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["rma_factory"], ["zh_CN"])
        self.customer_c.lang = "zh_CN"
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._send()
        told = self._customer_messages(rma)
        receipt = self._receipt(rma)
        self._validate(receipt, quantities={receipt.move_ids: 8})
        message = self._assert_one_new_message(rma, told, "已收到", "8")
        self.assertNotIn("Dear", message.body)
        self.assertIn("收货", message.subject)

    def test_customer_reply_waits_for_the_customer(self):
        """After the reply report the RMA waits for the customer's
        confirmation, not done; accepted closes it."""
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.customer_cause = "Material defect"
        action = rma.with_user(self.user_cs).action_send_customer_reply()
        Form(
            self.env["mail.compose.message"]
            .with_user(self.user_cs)
            .with_context(**action["context"])
        ).save().action_send_mail()
        self.assertEqual(rma.reply_state, "sent")
        rma.with_user(self.user_cs).action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertTrue(all(rma.line_ids.mapped("is_resolved")))
        self.assertEqual(rma.state, "processing", "waits for the customer's confirmation")
        rma.with_user(self.user_cs).action_reply_rejected()
        self.assertEqual(rma.state, "processing", "a new version is due")
        action = rma.with_user(self.user_cs).action_send_customer_reply()
        Form(
            self.env["mail.compose.message"]
            .with_user(self.user_cs)
            .with_context(**action["context"])
        ).save().action_send_mail()
        self.assertEqual((rma.reply_state, rma.reply_version), ("sent", 2))
        rma.with_user(self.user_cs).action_reply_accepted()
        self.assertEqual(rma.state, "done")
        self.assertEqual(
            [s.step for s in self._steps(rma) if s.step.startswith("reply") or s.step == "closed"],
            ["reply", "reply_rejected", "reply", "reply_accepted", "closed"],
        )
