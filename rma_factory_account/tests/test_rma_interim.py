from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


class RmaValuationCommon(RmaAccountCommon):
    """Anglo-Saxon accounting with real-time AVCO valuation on the products
    of the fixture (SEED §5.0): deliveries Dr Stock Interim (Delivered) / Cr
    Stock Valuation, receipts from customers the reverse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.anglo_saxon_accounting = True
        cls.categ.write({"property_valuation": "real_time", "property_cost_method": "average"})
        accounts = cls.mould.product_tmpl_id.get_product_accounts()
        cls.interim_out = accounts["stock_output"]
        cls.interim_in = accounts["stock_input"]
        cls.valuation = accounts["stock_valuation"]
        cls.cogs = accounts["expense"]
        cls.warranty = cls.company.rma_warranty_cost_account_id
        cls.carrier_receivable = cls.company.rma_carrier_receivable_account_id
        cls.scrap_account = cls.company.rma_scrap_account_id
        cls.carrier = cls.env["res.partner"].create({"name": "SF Express"})

    def _interim_balance(self, rma):
        """Balance of both stock interim accounts over the posted journal
        items of the RMA's lines."""
        items = self.env["account.move.line"].search(
            [
                ("rma_line_id", "in", rma.line_ids.ids),
                ("account_id", "in", (self.interim_out | self.interim_in).ids),
                ("parent_state", "=", "posted"),
            ]
        )
        return round(sum(items.mapped("balance")), 2)

    def _items(self, moves, accounts=None):
        """[(account code, debit, credit)] of ``moves``, sorted."""
        lines = moves.line_ids
        if accounts:
            lines = lines.filtered(lambda x: x.account_id in accounts)
        return sorted((x.account_id.code, x.debit, x.credit) for x in lines)

    def _interim_entries(self, rma, state=None):
        domain = [("rma_id", "=", rma.id), ("rma_entry_type", "in", ("interim", "interim_parts"))]
        if state:
            domain.append(("state", "=", state))
        return self.env["account.move"].search(domain)

    def _valuation_entries(self, rma, kind):
        moves = rma.line_ids.move_ids.filtered(lambda m: m.rma_move_kind == kind)
        return self.env["account.move"].search([("stock_move_id", "in", moves.ids)])


@tagged("post_install", "-at_install")
class TestRmaInterim(RmaValuationCommon):
    """Issue #15: for every flow, Stock Interim (Delivered) and (Received)
    net to zero for the RMA's goods once it is done."""

    def _shortage(self, qty=2, claim=None):
        """10 × C-20 (cost 8) delivered and invoiced to Dealer A, ``qty``
        missing in a damaged parcel: the shortage RMA ships the missing ones
        at approval."""
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._create_rma(
            order,
            rma_type="shortage",
            packaging_damaged=True,
            carrier_id=self.carrier.id,
            carrier_note_ref="POD-15",
        )
        self._set_line_qty(rma, qty)
        self._put_in_stock(self.connector, qty)
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        if claim:
            rma.with_user(self.user_cs).write({"claim_amount": claim, "claim_reference": "CLM"})
            rma.with_user(self.user_cs).action_claim_sent()
            rma.with_user(self.user_cs).action_claim_accepted()
        return rma

    def test_shortage_replacement_loss_to_warranty_cost(self):
        """2 × C-20 replaced for a shortage: the replacement's valuation
        (Dr interim 16) is balanced by Dr warranty cost 16 / Cr interim 16.
        The warehouse finishing the RMA leaves a draft; the accountant's
        button posts it."""
        rma = self._shortage()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self.assertEqual(rma.state, "done")
        self.assertEqual(
            self._items(self._valuation_entries(rma, "replacement")),
            [(self.valuation.code, 0.0, 16.0), (self.interim_out.code, 16.0, 0.0)],
        )
        draft = self._interim_entries(rma)
        self.assertEqual(draft.state, "draft", "the warehouse user does not post")
        self.assertEqual(self._interim_balance(rma), 16.0)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_mgr).action_balance_interim()
        self.assertEqual(draft.state, "draft")
        rma.with_user(self.user_accountant).action_balance_interim()
        self.assertEqual(draft.state, "posted")
        self.assertEqual(len(self._interim_entries(rma)), 1, "nothing booked twice")
        self.assertEqual(
            self._items(draft),
            [(self.interim_out.code, 0.0, 16.0), (self.warranty.code, 16.0, 0.0)],
        )
        carrier = self.env.ref("rma_factory_account.analytic_responsibility_carrier")
        self.assertEqual(
            set(draft.line_ids.mapped(lambda x: tuple(x.analytic_distribution))),
            {(str(carrier.id),)},
            "every item carries the RMA Responsibility analytic",
        )
        self.assertEqual(
            set(
                self._valuation_entries(rma, "replacement").line_ids.mapped(
                    lambda x: tuple(x.analytic_distribution or {})
                )
            ),
            {(str(carrier.id),)},
            "so do the valuation entries of the RMA's moves",
        )
        self.assertEqual(self._interim_balance(rma), 0.0)
        with self.assertRaisesRegex(UserError, "balanced"):
            rma.with_user(self.user_accountant).action_balance_interim()

    def test_shortage_with_accepted_claim_to_carrier_receivable(self):
        """The carrier accepted a claim of 10: Dr carrier receivable 10 and
        warranty cost 6 / Cr interim 16; the claim invoice credits the
        carrier receivable, which nets to zero."""
        rma = self._shortage(claim=10.0)
        self._validate(self._pickings_of_kind(rma, "replacement"), user=self.user_mgr_acc)
        entry = self._interim_entries(rma)
        self.assertEqual(entry.state, "posted", "an accountant finishing the RMA posts it")
        self.assertEqual(
            self._items(entry),
            [
                (self.interim_out.code, 0.0, 16.0),
                (self.carrier_receivable.code, 10.0, 0.0),
                (self.warranty.code, 6.0, 0.0),
            ],
        )
        rma.with_user(self.user_accountant).action_invoice_carrier_claim()
        claim = rma.charge_invoice_ids
        self.assertEqual(claim.state, "posted")
        self.assertEqual(
            self._items(claim, self.carrier_receivable), [(self.carrier_receivable.code, 0, 10.0)]
        )
        carrier_items = self.env["account.move.line"].search(
            [("account_id", "=", self.carrier_receivable.id), ("rma_id", "=", rma.id)]
        )
        self.assertEqual(sum(carrier_items.mapped("balance")), 0.0)
        self.assertEqual(self._interim_balance(rma), 0.0)
        self.assertEqual(len(self._interim_entries(rma)), 1)

    def test_claim_accepted_after_the_balancing_moves_the_loss(self):
        """Balanced to the warranty cost first; the carrier accepts later:
        posting its invoice moves 10 from the warranty cost to the carrier
        receivable."""
        rma = self._shortage()
        self._validate(self._pickings_of_kind(rma, "replacement"), user=self.user_mgr_acc)
        rma.with_user(self.user_cs).write({"claim_amount": 10.0, "claim_reference": "CLM-2"})
        rma.with_user(self.user_cs).action_claim_sent()
        rma.with_user(self.user_cs).action_claim_accepted()
        rma.with_user(self.user_accountant).action_invoice_carrier_claim()
        entries = self._interim_entries(rma)
        self.assertEqual(len(entries), 2)
        self.assertEqual(
            self._items(entries[0]),
            [(self.carrier_receivable.code, 10.0, 0.0), (self.warranty.code, 0.0, 10.0)],
        )
        warranty = self.env["account.move.line"].search(
            [("account_id", "=", self.warranty.id), ("rma_id", "=", rma.id)]
        )
        self.assertEqual(sum(warranty.mapped("balance")), 6.0)
        self.assertEqual(self._interim_balance(rma), 0.0)

    def test_unreturned_free_spare_part_to_warranty_cost(self):
        """AS-23, defective part not required: 2 × C-20 spare parts shipped
        (Dr interim 16); the RMA Manager closes it without the part; the
        accountant posts Dr warranty cost 16 / Cr interim 16."""
        order = self._deliver(self.dealer_b, [(self.connector, 2, None)])
        self._invoice(order)
        rma = self._create_rma(order, rma_type="spare_part")
        rma.policy_id.charge_unreturned_spare_parts = False
        self._put_in_stock(self.connector, 2)
        self._approve(rma)
        with self.assertRaisesRegex(UserError, "Deliver the spare part"):
            rma.with_user(self.user_mgr).action_waive_spare_return()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_waive_spare_return()
        self.assertEqual(rma.state, "approved")
        rma.with_user(self.user_mgr).action_waive_spare_return()
        self.assertEqual(rma.state, "done")
        self.assertTrue(rma.spare_return_waived)
        self.assertEqual(self._receipt(rma).state, "cancel")
        rma.with_user(self.user_accountant).action_balance_interim()
        self.assertEqual(
            self._items(self._interim_entries(rma)),
            [(self.interim_out.code, 0.0, 16.0), (self.warranty.code, 16.0, 0.0)],
        )
        self.assertEqual(self._interim_balance(rma), 0.0)

    def test_returned_spare_part_needs_no_entry(self):
        """The defective part came back: receipt Cr interim 16 balances the
        spare part's Dr interim 16; nothing to book."""
        order = self._deliver(self.dealer_b, [(self.connector, 2, None)])
        rma = self._create_rma(order, rma_type="spare_part")
        self._put_in_stock(self.connector, 2)
        self._approve(rma)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        self._decide(rma, "replace", "defective")
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "done")
        self.assertFalse(self._interim_entries(rma))
        self.assertEqual(self._interim_balance(rma), 0.0)

    def test_scrap_uses_the_valued_scrap_location(self):
        """Refunded M-100 scrapped: the receipt (Cr interim 120) is balanced
        by the credit note's cost reversal (Dr interim 120); the scrap goes
        to the warehouse's RMA scrap location, Dr scrap loss 120 / Cr stock
        valuation 120, never through the interim account."""
        order = self._deliver(self.customer_c, [(self.mould, 5, self.lot1)])
        self._invoice(order)
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "refund", "scrap")
        rma.line_ids.write({"responsibility": "production"})
        rma.action_judge()
        rma.line_ids.with_user(self.user_gm).action_approve_outcome()
        rma.action_process()
        scrap_loc = self.warehouse.rma_scrap_loc_id
        self.assertTrue(scrap_loc.scrap_location)
        self.assertEqual(scrap_loc.valuation_in_account_id, self.scrap_account)
        self.assertEqual(self._qty(self.mould, scrap_loc, self.lot1), 2)
        self.assertEqual(
            self._items(self._valuation_entries(rma, "scrap")),
            [(self.valuation.code, 0.0, 120.0), (self.scrap_account.code, 120.0, 0.0)],
        )
        scrap_item = self._valuation_entries(rma, "scrap").line_ids.filtered(
            lambda x: x.account_id == self.scrap_account
        )
        self.assertEqual(scrap_item.rma_cost_type, "scrap")
        self.assertEqual(scrap_item.rma_cost_party, "production")
        rma.with_user(self.user_accountant).action_create_credit_note()
        rma.credit_note_ids.with_user(self.user_accountant).action_post()
        self.assertEqual(rma.state, "done")
        self.assertEqual(
            self._items(rma.credit_note_ids, self.interim_out),
            [(self.interim_out.code, 120.0, 0.0)],
        )
        self.assertEqual(self._interim_balance(rma), 0.0)
        self.assertFalse(self._interim_entries(rma), "nothing left to balance")
        # the receipt valued before the judgement carries the party judged
        production = self.env.ref("rma_factory_account.analytic_responsibility_production")
        entries = (
            self._valuation_entries(rma, "receipt")
            | self._valuation_entries(rma, "scrap")
            | rma.credit_note_ids
        )
        items = entries.line_ids.filtered(
            lambda x: x.account_id.account_type != "asset_receivable" and x.display_type != "tax"
        )
        self.assertGreaterEqual(len(items), 6)
        self.assertEqual(
            set(items.mapped(lambda x: tuple(x.analytic_distribution or {}))),
            {(str(production.id),)},
        )

    def test_refund_of_goods_never_invoiced_keeps_its_difference(self):
        """AS-20: goods delivered, not invoiced, refunded: the receipt's Cr
        interim stays; the order's invoice of the rest books its cost."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        rma.line_ids.quantity = 3
        self._run_refund(rma)
        self.assertEqual(rma.state, "done")
        self.assertFalse(self._interim_entries(rma))
        self.assertEqual(self._interim_balance(rma), -24.0)
        invoice = self._invoice(order)
        self.assertEqual(invoice.invoice_line_ids.quantity, 7)
        sale_items = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.interim_out.id),
                ("product_id", "=", self.connector.id),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(round(sum(sale_items.mapped("balance")), 2), 0.0)
