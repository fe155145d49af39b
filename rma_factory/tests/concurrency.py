"""Real parallel transactions for the tests of the RMA controls.

The test transaction of a ``TransactionCase`` is never committed, so other
transactions cannot see its data. These helpers build their fixture in
committed transactions, inside a company of its own (so that whatever stays
in the database after the test never meets another test), and run the
concurrent calls in threads, each with its own cursor, through Odoo's
``retrying`` exactly as an RPC request would be run.
"""

import threading
import uuid
from functools import partial

from odoo import SUPERUSER_ID, Command, api
from odoo.service.model import retrying
from odoo.tests import new_test_user


class ParallelMixin:
    """Use in a ``TransactionCase``: ``_committed`` builds data, ``_parallel``
    runs calls at the same time."""

    def _committed(self, func):
        """Run ``func(env)`` as superuser in a transaction of its own and
        commit it; returns what ``func`` returns (ids, not records)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            result = func(env)
            env.flush_all()
            # other transactions must see the fixture
            cr.commit()  # pylint: disable=invalid-commit
        return result

    def _parallel(self, calls):
        """Run the ``calls`` — (uid, func(env)) pairs — in parallel threads,
        each in its own transaction retried on serialization failures.
        Returns one ("ok", result) or ("error", exception) per call."""
        barrier = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def run(index, uid, func):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, uid, {"tracking_disable": True})
                    barrier.wait(timeout=30)
                    results[index] = ("ok", retrying(partial(func, env), env))
            except Exception as exc:  # noqa: BLE001 - reported to the test
                results[index] = ("error", exc)

        threads = [
            threading.Thread(target=run, args=(index, uid, func), daemon=True)
            for index, (uid, func) in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertTrue(all(not t.is_alive() for t in threads), "a parallel call hung")
        return results

    def _committed_fixture(self):
        """A company of its own with a warehouse, a customer, a product and
        RMA users; returns a dict of ids."""

        def build(env):
            tag = uuid.uuid4().hex[:8]
            company = env["res.company"].create({"name": f"Concurrency {tag}"})
            env = env(context=dict(env.context, allowed_company_ids=company.ids))
            warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            policy = env["factory.rma.policy"]._get_default(company)
            vals = {"escalation_user_id": False}
            if "quality_inspection" in policy._fields:
                vals["quality_inspection"] = False
            if "outgoing_check" in policy._fields:
                vals["outgoing_check"] = False
            policy.write(vals)
            product = env["product.product"].create(
                {
                    "name": f"Connector {tag}",
                    "is_storable": True,
                    "list_price": 15.0,
                    "standard_price": 8.0,
                    "invoice_policy": "delivery",
                    "company_id": company.id,
                }
            )
            customer = env["res.partner"].create(
                {"name": f"Dealer {tag}", "company_id": company.id}
            )
            users = {}
            for key, groups in (
                ("cs", "rma_factory.group_rma_user,stock.group_stock_user"),
                ("mgr", "rma_factory.group_rma_manager,stock.group_stock_user"),
            ):
                for index in range(8):
                    users[f"{key}{index}"] = new_test_user(
                        env,
                        login=f"{key}{index}_{tag}",
                        groups=groups,
                        company_id=company.id,
                        company_ids=[Command.set(company.ids)],
                    ).id
            return {
                "company": company.id,
                "warehouse": warehouse.id,
                "product": product.id,
                "customer": customer.id,
                "users": users,
                "tag": tag,
            }

        return self._committed(build)

    def _committed_delivery(self, fixture, qty):
        """A confirmed sale order of ``qty`` units, delivered; returns the
        ids of the order, its line and its delivery move."""

        def build(env):
            env = env(context=dict(env.context, allowed_company_ids=[fixture["company"]]))
            product = env["product.product"].browse(fixture["product"])
            warehouse = env["stock.warehouse"].browse(fixture["warehouse"])
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, qty)
            order = env["sale.order"].create(
                {
                    "partner_id": fixture["customer"],
                    "company_id": fixture["company"],
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": qty})
                    ],
                }
            )
            order.action_confirm()
            picking = order.picking_ids
            picking.move_ids.quantity = qty
            picking.move_ids.picked = True
            picking._action_done()
            move = picking.move_ids
            return {"order": order.id, "sale_line": order.order_line.id, "move": move.id}

        return self._committed(build)

    @staticmethod
    def _rma_vals(fixture, delivery, qty, **extra):
        return dict(
            {
                "partner_id": fixture["customer"],
                "company_id": fixture["company"],
                "sale_order_id": delivery["order"],
                "criterion_b": True,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": fixture["product"],
                            "quantity": qty,
                            "move_id": delivery["move"],
                            "sale_line_id": delivery["sale_line"],
                            "cond_original_packaging": True,
                            "cond_accessories_complete": True,
                            "cond_no_human_damage": True,
                        }
                    )
                ],
            },
            **extra,
        )

    @staticmethod
    def _company_env(env, fixture):
        return env(context=dict(env.context, allowed_company_ids=[fixture["company"]]))
