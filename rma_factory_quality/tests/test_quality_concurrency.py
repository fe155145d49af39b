from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.rma_factory.tests.concurrency import ParallelMixin


@tagged("post_install", "-at_install")
class TestQualityConcurrency(ParallelMixin, TransactionCase):
    """Issue #10, quality side, in real parallel transactions: two
    inspectors close the last two inspections of one RMA at the same time;
    the RMA is judged, and its outcomes run, exactly once."""

    def setUp(self):
        super().setUp()
        self.fx = self._committed_fixture()
        self.delivery = self._committed_delivery(self.fx, 10)

    def _inspected_rma(self):
        """An RMA of two lines, received; its two inspections in progress
        and filled in, each by its own inspector."""
        fx, delivery = self.fx, self.delivery

        def build(env):
            env = self._company_env(env, fx)
            company = env["res.company"].browse(fx["company"])
            # the core fixture switches the inspections off
            env["factory.rma.policy"]._get_default(company).quality_inspection = True
            inspectors = [
                new_test_user(
                    env,
                    login=f"qi{index}_{fx['tag']}",
                    groups="rma_factory_quality.group_quality_inspector",
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                for index in range(2)
            ]
            vals = self._rma_vals(fx, delivery, 3)
            second = dict(vals["line_ids"][0][2], quantity=2)
            vals["line_ids"].append(Command.create(second))
            rma = env["factory.rma"].create(vals)
            rma.action_submit()
            rma.action_approve()
            receipt = rma.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
            for move in receipt.move_ids:
                move.quantity = move.product_uom_qty
            receipt.move_ids.picked = True
            receipt._action_done()
            inspections = rma.inspection_ids.sorted("id")
            assert len(inspections) == 2, inspections
            appearance = env.ref("rma_factory_quality.defect_appearance")
            for inspection, inspector in zip(inspections, inspectors, strict=True):
                inspection.inspector_id = inspector
                inspection.action_start()
                inspection.write(
                    {
                        "qty_inspected": 1,
                        "qty_good": 0,
                        "qty_defective": 1,
                        "verdict": "confirmed",
                        "responsibility": "production",
                        "outcome": "refund",
                        "destination": "defective",
                        "defect_ids": [Command.create({"defect_id": appearance.id, "count": 1})],
                    }
                )
            return {
                "rma": rma.id,
                "inspections": inspections.ids,
                "inspectors": [user.id for user in inspectors],
            }

        return self._committed(build)

    def test_two_inspectors_close_the_last_two_inspections_at_once(self):
        data = self._inspected_rma()

        def close(inspection_id):
            def run(env):
                env = self._company_env(env, self.fx)
                return env["factory.rma.inspection"].browse(inspection_id).action_done()

            return run

        results = self._parallel(
            [
                (uid, close(inspection_id))
                for uid, inspection_id in zip(data["inspectors"], data["inspections"], strict=True)
            ]
        )
        self.assertEqual(results, [("ok", True), ("ok", True)])

        def check(env):
            rma = env["factory.rma"].browse(data["rma"])
            routing = rma.picking_ids.filtered(
                lambda p: p.picking_type_id == rma.warehouse_id.rma_int_type_id
            )
            return {
                "inspections": rma.inspection_ids.mapped("state"),
                "state": rma.state,
                "judged": bool(rma.date_judged),
                "outcomes": sorted(rma.line_ids.mapped("decided_outcome")),
                "routing_pickings": len(routing),
                "routed": sorted(routing.move_ids.mapped("product_uom_qty")),
            }

        self.assertEqual(
            self._committed(check),
            {
                "inspections": ["done", "done"],
                "state": "processing",
                "judged": True,
                "outcomes": ["refund", "refund"],
                "routing_pickings": 1,
                "routed": [2.0, 3.0],
            },
        )
