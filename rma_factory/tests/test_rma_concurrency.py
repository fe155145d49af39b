from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .concurrency import ParallelMixin


@tagged("post_install", "-at_install")
class TestRmaConcurrency(ParallelMixin, TransactionCase):
    """Issue #10: the controls hold when several users act at the same time,
    in real parallel transactions (each thread its own cursor, retried by
    Odoo on serialization failures as an RPC request is)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.fx = self._committed_fixture()

    def test_parallel_approvals_create_one_receipt(self):
        delivery = self._committed_delivery(self.fx, 10)

        def submitted(env):
            env = self._company_env(env, self.fx)
            rma = env["factory.rma"].create(self._rma_vals(self.fx, delivery, 4))
            rma.action_submit()
            return rma.id

        rma_id = self._committed(submitted)
        managers = [self.fx["users"][f"mgr{i}"] for i in range(4)]

        def approve(env):
            rma = self._company_env(env, self.fx)["factory.rma"].browse(rma_id)
            return rma.action_approve()

        results = self._parallel([(uid, approve) for uid in managers])
        ok = [r for r in results if r[0] == "ok"]
        errors = [r[1] for r in results if r[0] == "error"]
        self.assertEqual(len(ok), 1, results)
        self.assertTrue(all(isinstance(e, UserError) for e in errors), errors)

        def check(env):
            rma = env["factory.rma"].browse(rma_id)
            receipts = rma.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
            return rma.state, len(receipts), sum(receipts.move_ids.mapped("product_uom_qty"))

        self.assertEqual(self._committed(check), ("approved", 1, 4.0))

    def test_parallel_claims_never_exceed_the_delivered_quantity(self):
        """8 clients create and submit an RMA for 3 of the same 10 delivered
        units at once: 3 succeed (9 units), the others are refused."""
        delivery = self._committed_delivery(self.fx, 10)

        def create_and_submit(env):
            env = self._company_env(env, self.fx)
            rma = env["factory.rma"].create(self._rma_vals(self.fx, delivery, 3))
            rma.action_submit()
            return rma.id

        users = [self.fx["users"][f"cs{i}"] for i in range(8)]
        results = self._parallel([(uid, create_and_submit) for uid in users])
        ok = [r[1] for r in results if r[0] == "ok"]
        errors = [r[1] for r in results if r[0] == "error"]
        self.assertEqual(len(ok), 3, results)
        self.assertTrue(all(isinstance(e, ValidationError) for e in errors), errors)

        def claimed(env):
            lines = env["factory.rma.line"].search([("move_id", "=", delivery["move"])])
            return sum(lines.mapped("quantity")), set(lines.rma_id.mapped("state"))

        self.assertEqual(self._committed(claimed), (9.0, {"submitted"}))

    def test_first_rmas_of_a_new_year_get_distinct_numbers(self):
        """20 RMAs created at once (20 customers' deliveries), the first ones
        of a year whose range of the sequence does not exist yet: 20
        numbers, no error."""
        deliveries = [self._committed_delivery(self.fx, 1) for _i in range(20)]
        users = [self.fx["users"][f"cs{i % 8}"] for i in range(20)]

        def create(delivery):
            def run(env):
                env = self._company_env(env, self.fx)
                vals = self._rma_vals(self.fx, delivery, 1, date_request="2031-01-06")
                return env["factory.rma"].create(vals).name

            return run

        results = self._parallel(
            [(uid, create(delivery)) for uid, delivery in zip(users, deliveries, strict=True)]
        )
        self.assertTrue(all(r[0] == "ok" for r in results), results)
        names = [r[1] for r in results]
        self.assertEqual(len(set(names)), 20, names)
        self.assertTrue(all(name.startswith("RMA/2031/") for name in names), names)
