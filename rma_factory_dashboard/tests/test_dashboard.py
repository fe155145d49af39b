import json

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open

from odoo.addons.rma_factory_quality.tests.common import QualityCommon


@tagged("post_install", "-at_install")
class TestRmaDashboard(QualityCommon):
    """The RMA manager's spreadsheet dashboard: every chart and pivot reads
    models and fields that exist, as an RMA manager; other users do not get
    it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("rma_factory_dashboard.spreadsheet_dashboard_rma_manager")
        with file_open("rma_factory_dashboard/data/files/rma_dashboard.json") as f:
            cls.data = json.load(f)

    def _sources(self):
        """(model, groupby, measure, domain) of every chart and pivot."""
        sources = []
        for sheet in self.data["sheets"]:
            for figure in sheet["figures"]:
                meta = figure["data"].get("metaData")
                if meta:
                    sources.append(
                        (
                            meta["resModel"],
                            meta["groupBy"],
                            meta["measure"],
                            figure["data"]["searchParams"]["domain"],
                        )
                    )
        for pivot in self.data["pivots"].values():
            groupby = [row["fieldName"] for row in pivot["rows"] + pivot["columns"]]
            for measure in pivot["measures"]:
                sources.append((pivot["model"], groupby, measure["fieldName"], pivot["domain"]))
        return sources

    def test_dashboard_reads_existing_models_and_fields(self):
        sources = self._sources()
        self.assertEqual(
            sorted({model for model, *_rest in sources}),
            [
                "factory.rma.cost",
                "factory.rma.deadline.report",
                "factory.rma.inspection.defect",
                "factory.rma.open.age",
                "factory.rma.return.rate",
            ],
        )
        for model, groupby, measure, domain in sources:
            Model = self.env[model].with_user(self.user_mgr)
            for spec in groupby:
                self.assertIn(spec.split(":")[0], Model._fields, model)
            aggregates = ["__count"] if measure == "__count" else [f"{measure}:sum"]
            # what the chart or pivot asks, as the RMA manager
            Model.read_group(domain, aggregates, groupby, lazy=False)
        for matching in [
            *(
                figure["data"].get("fieldMatching", {})
                for sheet in self.data["sheets"]
                for figure in sheet["figures"]
            ),
            *(pivot["fieldMatching"] for pivot in self.data["pivots"].values()),
        ]:
            for target in matching.values():
                self.assertTrue(target["chain"])

    def test_open_rmas_by_state_and_age(self):
        """The age counts from the request to the database's today."""
        self.env.cr.execute("SELECT CURRENT_DATE")
        today = self.env.cr.fetchone()[0]
        order = self._deliver(self.dealer_b, [(self.connector, 10, None)])
        old = self._create_rma(order)
        old.line_ids.quantity = 1
        new = self._create_rma(order)
        new.line_ids.quantity = 1
        (old | new).with_user(self.user_cs).action_submit()
        old.date_request = today - relativedelta(days=49)
        new.date_request = today
        draft = self._create_rma(order)
        self.env.flush_all()
        Age = self.env["factory.rma.open.age"].with_user(self.user_mgr)
        rows = {r.rma_id: (r.state, r.age_days, r.age_bucket) for r in Age.search([])}
        self.assertEqual(rows[old], ("submitted", 49, "31_90"))
        self.assertEqual(rows[new], ("submitted", 0, "0_7"))
        self.assertNotIn(draft, rows, "drafts are not open RMAs")
        with self.assertRaises(AccessError):
            self.env["factory.rma.open.age"].with_user(self.user_cs).search([])

    def test_dashboard_for_rma_managers_only(self):
        Group = self.env["spreadsheet.dashboard.group"]
        manager_groups = Group.with_user(self.user_mgr).search([]).published_dashboard_ids
        self.assertIn(self.dashboard, manager_groups)
        clerk = new_test_user(self.env, login="dash_clerk", groups="base.group_user")
        self.assertNotIn(self.dashboard, Group.with_user(clerk).search([]).published_dashboard_ids)
        data = self.dashboard.with_user(self.user_mgr).get_readonly_dashboard()
        self.assertEqual(data["snapshot"]["sheets"][0]["name"], "Dashboard")


@tagged("post_install", "-at_install")
class TestRmaDashboardUi(QualityCommon, HttpCase):
    def test_manager_opens_the_dashboard(self):
        """In the browser, with an inspected return in the data."""
        rma = self._received_rma([(self.mould, 2, self.lot1)], requested="refund")
        self._inspect(
            rma.inspection_ids,
            [(self.d_cracking, 2)],
            qty_inspected=2,
            qty_good=0,
            qty_defective=2,
            verdict="confirmed",
            test_result="Cracked",
        )
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "rma_factory_dashboard_tour",
            login=self.user_mgr.login,
        )
