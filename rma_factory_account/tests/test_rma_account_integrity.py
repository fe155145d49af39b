from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaAccountIntegrity(RmaAccountCommon):
    """Issue #10 on the accounting side: RMA users and managers prepare,
    only accountants post or pay; the addon's workflow fields change only
    through its buttons; credits never exceed the accepted quantity; costs
    are not readable from the portal."""

    def _credited_rma(self, qty=2):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        return self._refund_rma(order, qty), invoice

    def test_rma_manager_cannot_post_or_pay_a_credit_note(self):
        rma, invoice = self._credited_rma()
        rma.with_user(self.user_mgr).action_create_credit_note()
        note = rma.credit_note_ids
        self.assertEqual(note.state, "draft")
        with self.assertRaises(AccessError):
            note.with_user(self.user_mgr).action_post()
        with self.assertRaises(AccessError):
            rma.with_user(self.user_mgr).action_register_refund_payment()
        self.assertEqual(note.state, "draft")
        self.assertFalse(rma.refund_payment_ids)
        self.assertFalse(rma.refund_date)
        self.assertAlmostEqual(invoice.amount_residual, 169.5)
        note.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(invoice.amount_residual, 169.5 - 33.9)
        self.assertEqual(rma.refund_state, "reconciled")

    def test_rma_user_charge_invoice_stays_draft(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._create_rma(order, freight_payer="customer")
        rma.line_ids.quantity = 2
        rma.with_user(self.user_cs).freight_amount = 40.0
        self._run_refund(rma)
        rma.with_user(self.user_cs).action_create_charge_invoice()
        charge = rma.charge_invoice_ids
        self.assertEqual(charge.state, "draft")
        for user in (self.user_cs, self.user_mgr):
            with self.assertRaises(AccessError):
                charge.with_user(user).action_post()
        self.assertEqual(charge.state, "draft")
        charge.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(self._receivable(charge).debit, 40.0)

    def test_workflow_fields_change_only_through_the_buttons(self):
        rma, invoice = self._credited_rma()
        line = rma.line_ids
        other = self.env["account.move"].create({"move_type": "entry"})
        cases = [
            (line, {"qty_not_invoiced": 2.0}),
            (line, {"credit_not_invoiced": True}),
            (line, {"credit_origin_line_ids": [Command.set(invoice.invoice_line_ids.ids)]}),
            (line, {"realisable_value": 1.0}),
            (rma, {"refund_date": fields.Datetime.now()}),
            (rma, {"freight_cost_move_id": other.id}),
            (rma, {"deposit_transfer_move_id": other.id}),
        ]
        for record, vals in cases:
            for user in (self.user_cs, self.user_mgr):
                with self.subTest(field=next(iter(vals)), user=user.login):
                    with self.assertRaisesRegex(UserError, "change only through"):
                        record.with_user(user).write(vals)
        self.assertEqual(line.qty_not_invoiced, 0.0)
        self.assertFalse(line.credit_not_invoiced)
        self.assertFalse(line.credit_origin_line_ids)
        self.assertFalse(rma.refund_date)
        self.assertFalse(rma.freight_cost_move_id)
        # accountants read RMAs, they never write them
        with self.assertRaises(UserError):  # AccessError is a UserError
            line.with_user(self.user_accountant).write({"qty_not_invoiced": 2.0})
        with self.assertRaises(AccessError):
            rma.with_user(self.user_accountant).write({"refund_payment_requested": True})
        self.assertEqual(line.qty_not_invoiced, 0.0)

    def test_credit_capped_by_the_authorised_quantity(self):
        """2 authorised, 3 counted as received (an over-receipt recorded
        before the receipt control): 2 are credited, never 3."""
        rma, _invoice = self._credited_rma(2)
        line = rma.line_ids
        line._write_workflow({"qty_received_adjust": line.qty_received_adjust + 1.0})
        self.assertEqual(line.qty_received, 3.0)
        self.assertEqual(line._qty_accepted(), 2.0)
        self.assertEqual(line.qty_to_credit, 2.0)
        rma.with_user(self.user_accountant).action_create_credit_note()
        self.assertEqual(rma.credit_note_ids.invoice_line_ids.quantity, 2.0)
        with self.assertRaisesRegex(UserError, "Nothing to credit"):
            rma.with_user(self.user_accountant).action_create_credit_note()
        self.assertEqual(len(rma.credit_note_ids), 1)

    def test_portal_customer_cannot_read_costs(self):
        """The portal page shows neither the freight nor the write-down: over
        RPC the customer cannot read them either; internal roles can."""
        contact = self.env["res.partner"].create(
            {"name": "Carol of Customer C", "parent_id": self.customer_c.id}
        )
        portal = new_test_user(
            self.env, login="portal_c_acct", groups="base.group_portal", partner_id=contact.id
        )
        rma, _invoice = self._credited_rma()
        rma.freight_amount = 40.0
        rma_portal = rma.with_user(portal)
        self.assertEqual(rma_portal.read(["name"])[0]["name"], rma.name)
        self.assertEqual(rma_portal.line_ids.read(["quantity"])[0]["quantity"], 2.0)
        secret = {
            "factory.rma": (
                rma,
                [
                    "freight_amount",
                    "freight_customer_percent",
                    "freight_customer_amount",
                    "freight_company_cost",
                    "freight_cost_move_id",
                    "deposit_payment_id",
                    "deposit_return_payment_id",
                    "deposit_transfer_move_id",
                ],
            ),
            "factory.rma.line": (
                rma.line_ids,
                ["realisable_value", "writedown_amount", "writedown_move_ids"],
            ),
        }
        for records, names in secret.values():
            for name in names:
                with self.subTest(field=name):
                    with self.assertRaises(AccessError):
                        records.with_user(portal).read([name])
        for user in (self.user_cs, self.user_stock, self.user_accountant):
            self.assertEqual(rma.with_user(user).read(["freight_amount"])[0]["freight_amount"], 40)
            self.assertIn(
                "realisable_value", rma.line_ids.with_user(user).read(["realisable_value"])[0]
            )
