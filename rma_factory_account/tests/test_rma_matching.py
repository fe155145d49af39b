from odoo.tests import new_test_user, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaMatching(RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="rma_acc_mail",
            email="acc@example.com",
            groups="account.group_account_invoice",
        )

    def _row(self, rma):
        # no flush here: the report declares what it reads (``_depends``)
        # and Odoo flushes it before the view is queried
        return self.env["factory.rma.matching"].search([("rma_id", "=", rma.id)])

    def _credited(self, qty, credit_qty=None, price=None, paid=False):
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        invoice = self._invoice(order)
        if paid:
            self._pay(invoice)
        rma = self._refund_rma(order, qty)
        rma.action_create_credit_note()
        line = rma.credit_note_ids.invoice_line_ids
        if credit_qty is not None:
            line.quantity = credit_qty
        if price is not None:
            line.price_unit = price
        rma.credit_note_ids.action_post()
        return rma

    def test_report_reads_pending_values(self):
        """Values written but not yet flushed (the never-invoiced quantity of
        a line, its credit and received quantities recomputed after a credit
        note) are what the report shows and filters on."""
        rma = self._credited(5, credit_qty=4)
        self.assertTrue(self._row(rma).qty_mismatch)
        line = rma.line_ids
        line._write_workflow({"qty_not_invoiced": 1.0})
        row = self.env["factory.rma.matching"].search(
            [("rma_id", "=", rma.id), ("has_mismatch", "=", False)]
        )
        self.assertEqual(row.rma_line_id, line)
        row.invalidate_recordset()  # the row read above is cached: read it again
        self.assertEqual((row.qty_not_invoiced, row.qty_difference), (1.0, 0.0))

    def test_daily_mail_in_each_accountant_language(self):
        """The cron has no language of its own: each accountant gets the
        mismatches in his language (one mail per language)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        chinese = new_test_user(
            self.env,
            login="rma_acc_zh",
            email="acc.zh@example.com",
            lang="zh_CN",
            groups="account.group_account_invoice",
        )
        self._credited(5, credit_qty=4)
        mails = self.env["factory.rma.matching"]._cron_mail_mismatches()
        self.assertEqual(len(mails), 2)
        english = mails.filtered(lambda m: chinese.partner_id not in m.recipient_ids)
        self.assertIn(self.accountant.partner_id, english.recipient_ids)
        self.assertIn("RMA matching mismatches", english.subject)
        self.assertIn("quantity difference", english.body_html)
        zh = mails - english
        self.assertEqual(zh.recipient_ids, chinese.partner_id)
        self.assertIn("RMA 配对核销差异", zh.subject)
        self.assertIn("数量差异", zh.body_html)

    def test_matching_rows_and_daily_mail(self):
        """AS-21: R1 matches; R2 quantity difference 1; R3 price difference
        10 / unit; R4 unreconciled; R5 received, not credited; R6 never
        invoiced (not flagged)."""
        Matching = self.env["factory.rma.matching"]
        self.assertFalse(Matching._cron_mail_mismatches(), "no mismatch, no mail")
        r1 = self._credited(5)
        row1 = self._row(r1)
        self.assertEqual(len(row1), 1)
        self.assertEqual((row1.qty_received, row1.qty_credited), (5, 5))
        self.assertAlmostEqual(row1.amount_credited, 500.0)
        self.assertAlmostEqual(row1.amount_invoiced, 500.0)
        self.assertFalse(row1.has_mismatch)
        self.assertFalse(Matching._cron_mail_mismatches(), "R1 matches: no mail")

        r2 = self._credited(5, credit_qty=4)
        r3 = self._credited(3, price=90.0)
        r4 = self._credited(2, paid=True)
        order5 = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order5)
        r5 = self._refund_rma(order5, 1)
        r6 = self._refund_rma(self._deliver(self.customer_c, [(self.connector, 10, None)]), 3)

        row2, row3, row4, row5, row6 = (self._row(r) for r in (r2, r3, r4, r5, r6))
        self.assertTrue(row2.qty_mismatch)
        self.assertEqual(row2.qty_difference, 1)
        self.assertAlmostEqual(row2.amount_credited, 400.0)
        self.assertFalse(row2.price_mismatch)
        self.assertTrue(row3.price_mismatch)
        self.assertAlmostEqual(row3.price_difference, 10.0)
        self.assertAlmostEqual(row3.amount_credited, 270.0)
        self.assertAlmostEqual(row3.amount_invoiced, 300.0)
        self.assertFalse(row3.qty_mismatch)
        self.assertTrue(row4.unreconciled)
        self.assertFalse(row4.qty_mismatch or row4.price_mismatch)
        self.assertTrue(row5.not_credited)
        self.assertEqual(row5.qty_credited, 0)
        self.assertFalse(row6.has_mismatch, "not invoiced: nothing to credit")
        for row in (row2, row3, row4, row5):
            self.assertTrue(row.has_mismatch)
        self.assertIn("quantity difference", row2._mismatch_reasons())
        mismatches = Matching.search([("has_mismatch", "=", True)])
        self.assertEqual(mismatches.rma_id, r2 | r3 | r4 | r5)
        # Filter by customer and date as the search view does.
        self.assertEqual(
            Matching.search_count(
                [("partner_id", "=", self.customer_c.id), ("date", "=", self._today())]
            ),
            6,
        )

        mail = Matching._cron_mail_mismatches()
        self.assertEqual(len(mail), 1)
        self.assertIn(self.accountant.partner_id, mail.recipient_ids)
        self.assertIn("4 RMA matching mismatches", mail.subject)
        for rma in (r2, r3, r4, r5):
            self.assertIn(rma.name, mail.body_html)
        self.assertNotIn(r1.name + "<", mail.body_html)
        self.assertNotIn(r6.name + "<", mail.body_html)

        pdf, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "rma_factory_account.report_factory_rma_matching", mismatches.ids
        )
        self.assertIn(r3.name.encode(), pdf)
