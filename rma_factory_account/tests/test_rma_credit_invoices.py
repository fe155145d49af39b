from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaCreditInvoices(RmaAccountCommon):
    def test_two_invoices_each_credit_line_follows_its_invoice(self):
        """Mould billed on INV1 (1,130), connector on INV2 (169.50): the RMA
        makes one credit note per invoice, each reconciled with its own."""
        order = self._deliver(
            self.customer_c, [(self.mould, 10, self.lot1), (self.connector, 10, None)]
        )
        mould_line = order.order_line.filtered(lambda x: x.product_id == self.mould)
        draft = order._create_invoices()
        draft.invoice_line_ids.filtered(lambda x: x.product_id == self.connector).unlink()
        draft.action_post()
        inv1 = draft
        inv2 = self._invoice(order)
        self.assertAlmostEqual(inv1.amount_total, 1130.0)
        self.assertAlmostEqual(inv2.amount_total, 169.5)
        rma = self._create_rma(order)
        rma.line_ids.filtered(lambda x: x.product_id == self.mould).quantity = 2
        rma.line_ids.filtered(lambda x: x.product_id == self.connector).quantity = 4
        self._run_refund(rma)
        rma.action_create_credit_note()
        notes = rma.credit_note_ids
        self.assertEqual(len(notes), 2)
        note1 = notes.filtered(lambda m: m.reversed_entry_id == inv1)
        note2 = notes.filtered(lambda m: m.reversed_entry_id == inv2)
        self.assertEqual(note1.invoice_line_ids.product_id, self.mould)
        self.assertEqual(note1.invoice_line_ids.rma_origin_line_id, inv1.invoice_line_ids)
        self.assertEqual(note2.invoice_line_ids.product_id, self.connector)
        notes.action_post()
        self.assertAlmostEqual(note1.amount_total, 226.0)
        self.assertAlmostEqual(note2.amount_total, 67.8)
        self.assertAlmostEqual(self._receivable(note1).credit, 226.0)
        self.assertTrue(self._receivable(note1).reconciled)
        self.assertTrue(self._receivable(note2).reconciled)
        self.assertAlmostEqual(inv1.amount_residual, 904.0)
        self.assertAlmostEqual(inv2.amount_residual, 101.7)
        self.assertEqual(mould_line.qty_invoiced, 8)
        self.assertEqual(
            order.order_line.filtered(lambda x: x.product_id == self.connector).qty_invoiced, 6
        )
        self.assertEqual(order.invoice_status, "no")
        self.assertEqual(rma.refund_state, "reconciled")
        self.assertEqual(rma.state, "done")

    def test_discount_and_foreign_currency_use_the_invoice_rate(self):
        """EUR invoice at 2 EUR/USD with 10% discount: 4 × 200 −10% = 720 +
        93.60 VAT = 813.60 EUR credited at the invoice's rate (406.80 USD)
        even after the rate changed to 4."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        rate = self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 2.0, "name": fields.Date.today()}
        )
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        self.customer_c.property_product_pricelist = pricelist
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        self.assertEqual(order.currency_id, eur)
        order.order_line.write({"price_unit": 200.0, "discount": 10.0})
        invoice = self._invoice(order)
        self.assertEqual(invoice.currency_id, eur)
        self.assertAlmostEqual(invoice.amount_total, 2034.0)
        self.assertAlmostEqual(invoice.amount_total_signed, 1017.0)
        rate.rate = 4.0
        self.mould.list_price = 1.0
        rma = self._refund_rma(order, 4)
        rma.action_create_credit_note()
        refund = rma.credit_note_ids
        refund.action_post()
        line = refund.invoice_line_ids
        self.assertEqual(refund.currency_id, eur)
        self.assertEqual(line.discount, 10.0)
        self.assertAlmostEqual(line.price_subtotal, 720.0)
        self.assertAlmostEqual(refund.amount_total, 813.6)
        self.assertAlmostEqual(line.debit, 360.0)
        receivable = self._receivable(refund)
        self.assertAlmostEqual(receivable.amount_currency, -813.6)
        self.assertAlmostEqual(receivable.credit, 406.8)
        self.assertTrue(receivable.reconciled)
        self.assertAlmostEqual(invoice.amount_residual, 1220.4)
        self.assertAlmostEqual(self._receivable(invoice).amount_residual, 610.2)
        exchange = (
            self.env["account.move"]
            .search([("line_ids.full_reconcile_id", "!=", False), ("id", "not in", refund.ids)])
            .filtered(lambda m: m.journal_id == self.company.currency_exchange_journal_id)
        )
        self.assertFalse(exchange, "same rate: no exchange difference")
        self.assertEqual(order.order_line.qty_invoiced, 6)

    def test_partially_paid_invoice_residual(self):
        """INV 1,130 paid 500 (residual 630); credit 452 → residual 178."""
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        invoice = self._invoice(order)
        self._pay(invoice, amount=500.0)
        self.assertAlmostEqual(invoice.amount_residual, 630.0)
        rma = self._refund_rma(order, 4)
        rma.action_create_credit_note()
        refund = rma.credit_note_ids
        refund.action_post()
        self.assertAlmostEqual(self._receivable(refund).credit, 452.0)
        self.assertTrue(self._receivable(refund).reconciled)
        self.assertAlmostEqual(refund.amount_residual, 0.0)
        self.assertAlmostEqual(invoice.amount_residual, 178.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(rma.refund_state, "reconciled")

    def _two_customers_invoiced(self):
        """10 connectors delivered and invoiced to customer C (INV1, 169.50)
        and 5 to dealer B (INV2, 84.75)."""
        order1 = self._deliver(self.customer_c, [(self.connector, 10, None)])
        order2 = self._deliver(self.dealer_b, [(self.connector, 5, None)])
        return order1, self._invoice(order1), order2, self._invoice(order2)

    def test_batch_action_credits_every_selected_rma(self):
        order1, inv1, order2, inv2 = self._two_customers_invoiced()
        rma1 = self._refund_rma(order1, 3)
        rma2 = self._refund_rma(order2, 2)
        rma_open = self._create_rma(order1)
        rma_open.line_ids.quantity = 1
        # "Create Credit Notes" of the list, on the selected RMAs
        list_buttons = self._view_buttons(self.user_cs, self.env["factory.rma"], "list")
        self.assertIn("action_create_credit_note_batch", list_buttons)
        (rma1 | rma2 | rma_open).invalidate_recordset()
        (rma1 | rma2 | rma_open).with_user(self.user_cs).action_create_credit_note_batch()
        self.assertEqual(rma1.credit_note_ids.reversed_entry_id, inv1)
        self.assertEqual(rma2.credit_note_ids.reversed_entry_id, inv2)
        self.assertAlmostEqual(rma1.credit_note_ids.amount_total, 50.85)
        self.assertAlmostEqual(rma2.credit_note_ids.amount_total, 33.9)
        self.assertFalse(rma_open.credit_note_ids)
        with self.assertRaises(UserError):
            (rma1 | rma2 | rma_open).action_create_credit_note_batch()
        self.assertEqual(len((rma1 | rma2).credit_note_ids), 2)

    def test_credit_notes_posted_together_each_match_their_invoice(self):
        """Two RMAs credit INV1 and one INV2; their three credit notes are
        posted in one click: each is matched with the invoice it reverses
        (Odoo pairs the distinct invoices with the credit notes in order, so
        the second note of INV1 would be matched with INV2)."""
        order1, inv1, order2, inv2 = self._two_customers_invoiced()
        rma_a = self._refund_rma(order1, 3)
        rma_b = self._refund_rma(order1, 2)
        rma_c = self._refund_rma(order2, 1)
        rmas = rma_a | rma_b | rma_c
        rmas.action_create_credit_note_batch()
        notes = rmas.credit_note_ids.sorted("id")
        self.assertEqual(len(notes), 3)
        self.assertEqual(notes.mapped("reversed_entry_id"), inv1 | inv2)
        self.assertEqual(set(notes.mapped("state")), {"draft"})
        notes.with_user(self.user_accountant).action_post()
        for note in notes:
            receivable = self._receivable(note)
            self.assertTrue(receivable.reconciled, note.name)
            self.assertEqual(
                receivable.matched_debit_ids.debit_move_id.move_id, note.reversed_entry_id
            )
        self.assertAlmostEqual(inv1.amount_residual, 169.5 - 50.85 - 33.9)
        self.assertAlmostEqual(inv2.amount_residual, 84.75 - 16.95)
        self.assertEqual(set(rmas.mapped("refund_state")), {"reconciled"})

    def _manual_rma(self, qty):
        """RMA keyed in without sale or invoice line: the invoice is unknown."""
        rma = self.env["factory.rma"].create(
            {
                "partner_id": self.customer_c.id,
                "criterion_b": True,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.connector.id,
                            "quantity": qty,
                            "delivery_date": fields.Date.today(),
                            "cond_original_packaging": True,
                            "cond_accessories_complete": True,
                            "cond_no_human_damage": True,
                        }
                    )
                ],
            }
        )
        return self._run_refund(rma)

    def test_unknown_invoice_is_chosen_in_the_wizard(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        rma = self._manual_rma(3)
        self.assertEqual(rma.refund_state, "to_credit")
        self.assertEqual(rma.state, "processing")
        action = rma.action_create_credit_note()
        self.assertEqual(action["res_model"], "factory.rma.credit.wizard")
        self.assertFalse(rma.credit_note_ids, "nothing is guessed")
        wizard = self.env["factory.rma.credit.wizard"].browse(action["res_id"])
        with self.assertRaises(UserError):
            wizard.action_confirm()  # no choice made
        other = self._invoice(self._deliver(self.dealer_b, [(self.connector, 2, None)]))
        wizard.line_ids.invoice_line_ids = other.invoice_line_ids
        with self.assertRaises(UserError):
            wizard.action_confirm()  # another customer's invoice
        self.assertFalse(rma.line_ids.credit_origin_line_ids)
        with Form(wizard) as form, form.line_ids.edit(0) as line:
            line.invoice_line_ids.clear()
            line.invoice_line_ids.add(invoice.invoice_line_ids)
        wizard.action_confirm()
        refund = rma.credit_note_ids
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.invoice_line_ids.quantity, 3)
        self.assertEqual(refund.invoice_line_ids.sale_line_ids, order.order_line)
        refund.action_post()
        self.assertAlmostEqual(invoice.amount_residual, 169.5 - 50.85)
        self.assertEqual(order.order_line.qty_invoiced, 7)
        self.assertEqual(rma.state, "done")

    def test_wizard_not_invoiced_closes_without_credit_note(self):
        rma = self._manual_rma(2)
        action = rma.action_create_credit_note()
        wizard = self.env["factory.rma.credit.wizard"].browse(action["res_id"])
        wizard.line_ids.not_invoiced = True
        wizard.action_confirm()
        self.assertFalse(rma.credit_note_ids)
        self.assertEqual(rma.refund_state, "not_invoiced")
        self.assertEqual(rma.state, "done")

    def test_sale_line_billed_on_two_invoices_is_chosen_not_guessed(self):
        """10 × C-20 billed 6 on INV1 and 4 on INV2: which invoice the 3
        returned units were billed on is not known, the user picks INV2."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        draft = order._create_invoices()
        draft.invoice_line_ids.quantity = 6
        draft.action_post()
        inv1 = draft
        inv2 = self._invoice(order)
        self.assertEqual(inv2.invoice_line_ids.quantity, 4)
        rma = self._refund_rma(order, 3)
        self.assertEqual(rma.refund_state, "to_credit")
        action = rma.action_create_credit_note()
        self.assertEqual(action["res_model"], "factory.rma.credit.wizard")
        self.assertFalse(rma.credit_note_ids)
        wizard = self.env["factory.rma.credit.wizard"].browse(action["res_id"])
        wizard.line_ids.invoice_line_ids = inv2.invoice_line_ids
        wizard.action_confirm()
        refund = rma.credit_note_ids
        self.assertEqual(refund.reversed_entry_id, inv2)
        refund.action_post()
        self.assertAlmostEqual(inv2.amount_residual, 67.8 - 50.85)
        self.assertAlmostEqual(inv1.amount_residual, 101.7)
        self.assertEqual(order.order_line.qty_invoiced, 7)
        self.assertEqual(rma.state, "done")

    def test_fully_credited_invoice_does_not_make_the_invoice_ambiguous(self):
        """INV1 fully reversed, the order billed again on INV2: only INV2
        has something left, so the credit follows it without a wizard."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        inv1 = self._invoice(order)
        reversal = inv1._reverse_moves()
        reversal.action_post()
        inv2 = self._invoice(order)
        rma = self._refund_rma(order, 2)
        rma.action_create_credit_note()
        self.assertEqual(rma.credit_note_ids.reversed_entry_id, inv2)
