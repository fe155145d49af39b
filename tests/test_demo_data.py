"""The demo is data, not code: ``demo/*.xml`` of the addons, loaded only when
a database is installed with demo data. A production database has no demo
builder in its registry, no demo module imported and no demo record; a demo
database has the RMAs of the demo in their states (issue #11)."""

import fnmatch
import sys
from collections import Counter

from odoo.tests import TransactionCase

ADDONS = ("rma_factory", "rma_factory_quality", "rma_factory_account", "rma_factory_supplier")

# RMAs each addon's demo leaves, by (state, type).
DEMO_RMAS = {
    "rma_factory": {
        # with the portal demo's requests (draft, approved, 8 of 10
        # received, reply waiting for the dealer, closed)
        ("draft", "return"): 2,
        ("submitted", "return"): 2,
        ("approved", "return"): 3,
        ("received", "return"): 2,
        ("judged", "return"): 1,
        ("processing", "return"): 2,
        ("done", "return"): 2,
        ("rejected", "return"): 1,
        ("cancelled", "return"): 1,
        ("processing", "shortage"): 1,
        ("done", "complaint"): 1,
        ("approved", "spare_part"): 1,
        ("approved", "advance_replacement"): 1,
    },
    "rma_factory_quality": {
        ("received", "return"): 3,
        ("processing", "return"): 7,
    },
    # the supplier return: its customer refund waits for the credit note
    "rma_factory_supplier": {("processing", "return"): 1},
}
DEMO_INSPECTIONS = {"draft": 1, "in_progress": 1, "waiting": 1, "done": 7}
DEMO_8D = {"draft": 1, "in_progress": 1, "review": 1, "approved": 1, "sent": 1, "closed": 1}


class TestDemoData(TransactionCase):
    def _demo_records(self, addon, model):
        data = self.env["ir.model.data"].search([("module", "=", addon), ("model", "=", model)])
        return self.env[model].browse(data.mapped("res_id")).exists()

    def test_no_demo_model_in_registry(self):
        self.assertEqual(fnmatch.filter(list(self.env.registry), "factory.rma*demo*"), [])
        self.assertFalse(
            self.env["ir.model"].search([("model", "=like", "factory.rma%demo%")]),
            "no demo builder model is registered in the database",
        )

    def test_no_demo_code_imported(self):
        loaded = []
        for name in sys.modules:
            parts = name.split(".")
            if parts[:2] != ["odoo", "addons"] or len(parts) < 4 or parts[2] not in ADDONS:
                continue
            if parts[3] != "tests" and any("demo" in part for part in parts[3:]):
                loaded.append(name)
        self.assertEqual(loaded, [], "no Python module of the demo is imported")

    def test_demo_records_only_with_demo_data(self):
        """Without demo data (``./setup/test.sh``) the demo's records are
        absent; with demo data (``RMA_TEST_WITH_DEMO=1``, ``./setup/run.sh``)
        the demo went through completely: its RMAs, inspections and 8D
        reports are in the states the demo files drive them to."""
        for addon, expected in DEMO_RMAS.items():
            module = self.env.ref(f"base.module_{addon}")
            rmas = self._demo_records(addon, "factory.rma")
            if not module.demo:
                self.assertFalse(rmas, f"{addon} installed without demo data has no demo RMA")
                self.assertFalse(self._demo_records(addon, "sale.order"))
                continue
            self.assertFalse(
                self.env["ir.demo_failure"].search([("module_id", "=", module.id)]),
                f"the demo data of {addon} loaded without error",
            )
            self.assertEqual(Counter((r.state, r.rma_type) for r in rmas), Counter(expected))
        quality = self.env.ref("base.module_rma_factory_quality")
        if quality.demo:
            rmas = self._demo_records("rma_factory_quality", "factory.rma")
            self.assertEqual(
                Counter(rmas.inspection_ids.mapped("state")), Counter(DEMO_INSPECTIONS)
            )
            self.assertEqual(Counter(rmas.eightd_ids.mapped("state")), Counter(DEMO_8D))
        supplier = self.env.ref("base.module_rma_factory_supplier")
        if supplier.demo:
            rma = self._demo_records("rma_factory_supplier", "factory.rma")
            sreturn = rma.supplier_return_ids
            self.assertEqual(sreturn.mapped("state"), ["done"], "shipped back to the vendor")
            self.assertEqual(sreturn.purchase_line_id.qty_received, 18, "20 received, 2 back")
            report = rma.supplier_8d_ids
            self.assertEqual(report.mapped("state"), ["in_progress"], "its 8D in progress")
            self.assertTrue(report.supplier_deadline)
            self.assertFalse(report.date_supplier_replied)

    def test_demo_portal_user_and_requests(self):
        """The README's demo portal user (dealer.b / dealer.b) exists with
        demo data only, and its requests filed on the portal are in several
        states: a new one with two photos, approved, partly received (8 of
        10, with the dealer's tracking number on the receipt), the reply
        waiting for its confirmation, closed."""
        users = self.env["res.users"].with_context(active_test=False)
        portal_user = users.search([("login", "=", "dealer.b")])
        if not self.env.ref("base.module_rma_factory").demo:
            self.assertFalse(portal_user, "no demo portal user without demo data")
            return
        self.assertTrue(portal_user.has_group("base.group_portal"))
        self.assertEqual(
            portal_user.with_user(portal_user)._check_credentials(
                {"type": "password", "password": "dealer.b"}, {"interactive": False}
            )["uid"],
            portal_user.id,
        )
        rmas = self.env["factory.rma"].search(
            [
                ("commercial_partner_id", "=", portal_user.partner_id.commercial_partner_id.id),
                ("channel", "=", "portal"),
            ]
        )
        self.assertEqual(
            sorted((r.state, r.reply_state or "") for r in rmas),
            [
                ("approved", ""),
                ("done", "accepted"),
                ("draft", ""),
                ("processing", "sent"),
                ("received", ""),
            ],
        )
        new = self.env.ref("rma_factory.demo_portal_rma_new")
        photos = self.env["ir.attachment"].search(
            [("res_model", "=", "factory.rma"), ("res_id", "=", new.id)]
        )
        self.assertEqual(len(photos), 2)
        self.assertTrue(new.activity_ids, "customer service reviews the request")
        received = self.env.ref("rma_factory.demo_portal_rma_received")
        self.assertEqual(received.line_ids.qty_received, 8)
        self.assertIn("SF1420026981", received.picking_ids.mapped("rma_tracking_ref"))
