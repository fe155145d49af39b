from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.rma_factory.tests.concurrency import ParallelMixin


@tagged("post_install", "-at_install")
class TestRmaAccountConcurrency(ParallelMixin, TransactionCase):
    """Issue #10: two accountants crediting, at the same time and in real
    parallel transactions, two RMAs that share one invoice line never
    credit more than was invoiced: one credits, the other gets a clear
    error."""

    def setUp(self):
        super().setUp()
        self.fx = self._committed_fixture()

    def _load_chart(self, env):
        """The fixture's company has no chart of accounts: give it one."""
        company = env["res.company"].browse(self.fx["company"])
        if not company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        return company.chart_template

    def _leave_the_matching_report(self, rma_ids):
        """The committed RMAs stay in the database after the test; the daily
        matching report and its mail (tested elsewhere, across companies)
        must not meet them: they are marked cancelled, which the report
        skips."""

        def cancel(env):
            env["factory.rma"].browse(rma_ids)._write_workflow({"state": "cancelled"})

        self.addCleanup(self._committed, cancel)

    def _accountants(self, env):
        """Two accountants of the fixture's company, without an email so that
        the daily matching mail never finds anybody to mail there."""
        return [
            new_test_user(
                env,
                login=f"acc{index}_{self.fx['tag']}",
                email=False,
                groups="account.group_account_invoice",
                company_id=self.fx["company"],
                company_ids=[Command.set([self.fx["company"]])],
            ).id
            for index in range(2)
        ]

    @staticmethod
    def _receive_and_judge_refund(rma, qty):
        rma.action_submit()
        rma.action_approve()
        receipt = rma.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        receipt.move_ids.quantity = qty
        receipt.move_ids.picked = True
        receipt.button_validate()
        rma.line_ids.write({"decided_outcome": "refund"})
        rma.action_judge()

    def _judged_refunds(self, env, invoice, make_rma_vals, qty):
        """Two RMAs (values from ``make_rma_vals()``) received and judged for
        a refund of ``qty``, and what the race reads: the invoice line, the
        RMAs, two accountants."""
        rma_ids = []
        for _index in range(2):
            rma = env["factory.rma"].create(make_rma_vals())
            self._receive_and_judge_refund(rma, qty)
            rma_ids.append(rma.id)
        return {
            "invoice_line": invoice.invoice_line_ids.id,
            "rmas": rma_ids,
            "accountants": self._accountants(env),
            "states": env["factory.rma"].browse(rma_ids).mapped("state"),
        }

    def _credit_race(self, build):
        """Commit what ``build(env)`` prepares (``_judged_refunds``), then two
        accountants credit its two RMAs at once: (quantity credited, credit
        notes per RMA, quantity invoiced)."""
        data = self._committed(build)
        self._leave_the_matching_report(data["rmas"])
        self.assertEqual(data["states"], ["judged", "judged"])
        return self._credit_in_parallel(data)

    def _credit_in_parallel(self, data):
        def credit(rma_id):
            def run(env):
                rma = self._company_env(env, self.fx)["factory.rma"].browse(rma_id)
                rma.action_create_credit_note()
                return rma_id

            return run

        results = self._parallel(
            [
                (uid, credit(rma_id))
                for uid, rma_id in zip(data["accountants"], data["rmas"], strict=True)
            ]
        )
        ok = [r[1] for r in results if r[0] == "ok"]
        errors = [r[1] for r in results if r[0] == "error"]
        self.assertEqual(len(ok), 1, results)
        self.assertEqual(len(errors), 1, results)
        self.assertIsInstance(errors[0], UserError)
        self.assertIn("than invoiced", str(errors[0]))

        def credited(env):
            invoice_line = env["account.move.line"].browse(data["invoice_line"])
            rmas = env["factory.rma"].browse(data["rmas"])
            return (
                sum(rmas.credit_note_ids.invoice_line_ids.mapped("quantity")),
                sorted(len(rma.credit_note_ids) for rma in rmas),
                invoice_line.quantity,
            )

        return self._committed(credited)

    def test_invoice_line_credited_once_by_two_accountants(self):
        """A customer invoice of 10 × C-20 keyed in without a sale order;
        two RMAs of 6 taken from it (12 > 10). Two accountants credit them
        at once: one credit note of 6, the other is refused (6 + 4 would
        leave 2 not covered by the invoice)."""
        self.assertTrue(self._committed(self._load_chart))
        fx = self.fx

        def build(env):
            env = self._company_env(env, fx)
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": fx["customer"],
                    "company_id": fx["company"],
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": fx["product"], "quantity": 10, "price_unit": 15.0}
                        )
                    ],
                }
            )
            invoice.action_post()
            return self._judged_refunds(
                env,
                invoice,
                lambda: {
                    "partner_id": fx["customer"],
                    "company_id": fx["company"],
                    "invoice_id": invoice.id,
                    "criterion_b": True,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": fx["product"],
                                "quantity": 6,
                                "invoice_line_id": invoice.invoice_line_ids.id,
                                "delivery_date": fields.Date.today(),
                                "cond_original_packaging": True,
                                "cond_accessories_complete": True,
                                "cond_no_human_damage": True,
                            }
                        )
                    ],
                },
                6,
            )

        total, notes, invoiced = self._credit_race(build)
        self.assertEqual(invoiced, 10.0)
        self.assertEqual(notes, [0, 1])
        self.assertEqual(total, 6.0, "never more than the 10 invoiced")

    def test_sale_invoice_line_credited_once_by_two_accountants(self):
        """10 delivered and invoiced, 4 credited outside any RMA (6 left on
        the invoice line); two RMAs of 5 from the order (10 > 6). One
        credit note of 5; the other accountant is refused."""
        self.assertTrue(self._committed(self._load_chart))
        fx = self.fx
        delivery = self._committed_delivery(fx, 10)

        def build(env):
            env = self._company_env(env, fx)
            order = env["sale.order"].browse(delivery["order"])
            invoice = order._create_invoices()
            invoice.action_post()
            refund = invoice._reverse_moves()
            refund.invoice_line_ids.quantity = 4
            refund.action_post()
            return self._judged_refunds(env, invoice, lambda: self._rma_vals(fx, delivery, 5), 5)

        total, notes, invoiced = self._credit_race(build)
        self.assertEqual(invoiced, 10.0)
        self.assertEqual(notes, [0, 1])
        self.assertEqual(total, 5.0, "4 credited outside + 5: never more than the 10 invoiced")

    def test_sold_off_allowance_restored_once_by_two_credit_notes(self):
        """3 defective C-20 written down by 3 × 5 and sold off, delivered
        and invoiced in two parts (2 + 1): the two invoices released the 15
        of write-down. A credit note of all 3 units on each invoice, in two
        sales journals, posted at once by two accountants, restore the 15
        once: the second one restores what the first left (never more than
        was released)."""
        self.assertTrue(self._committed(self._load_chart))
        fx = self.fx
        delivery = self._committed_delivery(fx, 3)

        def build(env):
            env = self._company_env(env, fx)
            company = env["res.company"].browse(fx["company"])
            Account = env["account.account"]
            company.write(
                {
                    "rma_writedown_loss_account_id": Account.create(
                        {"name": "Defective loss", "code": "660119", "account_type": "expense"}
                    ).id,
                    "rma_writedown_allowance_account_id": Account.create(
                        {"name": "Allowance", "code": "140919", "account_type": "asset_current"}
                    ).id,
                }
            )
            buyer = env["res.partner"].create({"name": f"ScrapCo {fx['tag']}"})
            rma = env["factory.rma"].create(self._rma_vals(fx, delivery, 3))
            rma.action_submit()
            rma.action_approve()
            receipt = rma.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
            receipt.move_ids.quantity = 3
            receipt.move_ids.picked = True
            receipt.button_validate()
            rma.line_ids.write(
                {
                    "decided_outcome": "sell_off",
                    "destination": "defective",
                    "responsibility": "production",
                    "selloff_partner_id": buyer.id,
                    "selloff_price_unit": 2.0,
                }
            )
            rma.line_ids.action_approve_outcome()
            rma.action_judge()
            rma.action_process()
            routing = rma.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            routing.move_ids.quantity = 3
            routing.move_ids.picked = True
            routing.button_validate()
            wizard = env["factory.rma.writedown.wizard"].browse(
                rma.action_open_writedown_wizard()["res_id"]
            )
            wizard.line_ids.realisable_value = 3.0  # cost 8: 5 written down per unit
            wizard.action_confirm()
            order = rma.line_ids.selloff_order_ids
            invoices = env["account.move"]
            for qty in (2, 1):
                picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
                picking.move_ids.quantity = qty
                picking.move_ids.picked = True
                picking.with_context(cancel_backorder=False)._action_done()
                invoices |= order._create_invoices()
                invoices[-1:].action_post()
            # the second credit note in a sales journal of its own: posting
            # in two journals is not serialized by the journals' sequences
            journals = invoices[0].journal_id | invoices[0].journal_id.copy(
                {"name": "Sales 2", "code": "SAL2"}
            )
            notes = env["account.move"]
            for invoice, journal in zip(invoices, journals, strict=True):
                note = invoice._reverse_moves([{"journal_id": journal.id}])
                note.invoice_line_ids.quantity = 3
                notes |= note
            return {
                "rma": rma.id,
                "line": rma.line_ids.id,
                "notes": notes.ids,
                "released": rma.line_ids._selloff_released_amount(),
                # posting logs messages in their name: they need an address
                "accountants": [
                    new_test_user(
                        env,
                        login=f"poster{index}_{fx['tag']}",
                        email=f"poster{index}_{fx['tag']}@example.com",
                        groups="account.group_account_invoice",
                        company_id=fx["company"],
                        company_ids=[Command.set([fx["company"]])],
                    ).id
                    for index in range(2)
                ],
            }

        data = self._committed(build)
        self._leave_the_matching_report([data["rma"]])
        self.assertAlmostEqual(data["released"], 15.0)

        def post(note_id):
            def run(env):
                self._company_env(env, fx)["account.move"].browse(note_id).action_post()
                return note_id

            return run

        results = self._parallel(
            [
                (uid, post(note_id))
                for uid, note_id in zip(data["accountants"], data["notes"], strict=True)
            ]
        )
        self.assertEqual([r[0] for r in results], ["ok", "ok"], results)

        def restored(env):
            line = env["factory.rma.line"].browse(data["line"])
            notes = env["account.move"].browse(data["notes"])
            entries = env["account.move"].search(
                [("rma_selloff_invoice_id", "in", notes.ids), ("state", "=", "posted")]
            )
            return line._selloff_released_amount(), sorted(entries.mapped("rma_selloff_amount"))

        released, restores = self._committed(restored)
        self.assertAlmostEqual(released, 0.0, msg="the 15 released are restored once")
        self.assertEqual(restores, [-15.0])
