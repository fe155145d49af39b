from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.models import BaseModel
from odoo.tests import Form, new_test_user, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaReturnRate(RmaCommon):
    """Issue #15 / AS-30: the return rate on a fixture computed by hand.

    Delivered: M-100 100 (Dealer A, 10 Feb) and 40 (Dealer A, 10 Apr), C-20
    70 (Dealer B, 20 Feb) of which 10 came back through an ordinary return:
    200 net, 160 in Q1 and 40 in Q2. Returned on RMAs: M-100 6 (cracking,
    5 Mar), C-20 3 (appearance, 10 Mar, replaced), M-100 3 of 4 requested
    (dimension, 5 May, goods of the February delivery): 12 returned, 13
    requested → 6.00 % and 6.50 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Reason = cls.env["factory.rma.reason"]
        cls.cracking = Reason.create({"name": "Cracking", "category": "quality"})
        cls.appearance = Reason.create({"name": "Appearance", "category": "quality"})
        cls.dimension = Reason.create({"name": "Dimension", "category": "quality"})
        cls.dealer_b.rma_customer_class = "b"
        with freeze_time("2026-02-10 10:00:00"):
            cls.so1 = cls._deliver(cls.dealer_a, [(cls.mould, 100, cls.lot1)])
        with freeze_time("2026-02-20 10:00:00"):
            cls.so2 = cls._deliver(cls.dealer_b, [(cls.connector, 70, None)])
        with freeze_time("2026-02-25 10:00:00"):
            picking = cls.so2.picking_ids
            wizard = Form(
                cls.env["stock.return.picking"].with_context(
                    active_id=picking.id, active_model="stock.picking"
                )
            ).save()
            wizard.product_return_moves.quantity = 10
            returned = cls.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            returned.move_ids.quantity = 10
            returned.move_ids.picked = True
            returned._action_done()
        with freeze_time("2026-04-10 10:00:00"):
            cls.so3 = cls._deliver(cls.dealer_a, [(cls.mould, 40, cls.lot2)])
        cls.user_manager_report = new_test_user(
            cls.env, login="rr_manager", groups="rma_factory.group_rma_manager"
        )

    def _return(self, order, when, qty, reason, received=None, outcome="refund"):
        with freeze_time(when):
            rma = self._create_rma(order)
            rma.line_ids.write({"quantity": qty, "reason_id": reason.id})
            self._approve(rma)
            receipt = self._receipt(rma)
            self._validate(
                receipt,
                quantities={receipt.move_ids: received or qty},
                backorder=False,
            )
            self._decide(rma, outcome)
            rma.action_judge()
            rma.action_process()
        return rma

    def _fixture_returns(self):
        self._return(self.so1, "2026-03-05 10:00:00", 6, self.cracking)
        replaced = self._return(
            self.so2, "2026-03-10 10:00:00", 3, self.appearance, outcome="replace"
        )
        self._put_in_stock(self.connector, 3)
        with freeze_time("2026-03-11 10:00:00"):
            self._validate(self._pickings_of_kind(replaced, "replacement"))
        self.assertEqual(replaced.line_ids.qty_replaced, 3, "the replacement was delivered")
        self._return(self.so1, "2026-05-05 10:00:00", 4, self.dimension, received=3)

    def _read(self, groupby, aggregates=None, user=None):
        Report = self.env["factory.rma.return.rate"].with_user(user or self.user_manager_report)
        aggregates = aggregates or [
            "qty_delivered:sum",
            "qty_requested:sum",
            "qty_accepted:sum",
            "return_rate:sum",
            "request_rate:sum",
        ]
        groups = Report.read_group([], aggregates, groupby, lazy=False)
        return {
            tuple(g[spec][1] if isinstance(g[spec], tuple) else g[spec] for spec in groupby): g
            for g in groups
        }

    def test_return_rate_on_hand_computed_fixture(self):
        self._fixture_returns()
        self.env.flush_all()
        total = self._read([])[()]
        self.assertEqual(total["qty_delivered"], 200.0, "net of the ordinary return")
        self.assertEqual(total["qty_accepted"], 12.0)
        self.assertEqual(total["qty_requested"], 13.0)
        self.assertEqual(total["return_rate"], 6.00)
        self.assertEqual(total["request_rate"], 6.50)

        by_product = self._read(["product_id"])
        self.assertEqual(
            {
                key[0]: (g["qty_delivered"], g["qty_accepted"], g["return_rate"])
                for key, g in by_product.items()
            },
            {
                self.mould.display_name: (140.0, 9.0, 6.43),
                self.connector.display_name: (60.0, 3.0, 5.00),
            },
        )
        by_quarter = self._read(["date:quarter"])
        self.assertEqual(
            {
                key[0]: (g["qty_delivered"], g["qty_accepted"], g["return_rate"])
                for key, g in by_quarter.items()
            },
            {"Q1 2026": (160.0, 9.0, 5.63), "Q2 2026": (40.0, 3.0, 7.50)},
        )
        by_product_quarter = self._read(["product_id", "date:quarter"])
        self.assertEqual(
            by_product_quarter[(self.mould.display_name, "Q2 2026")]["return_rate"], 7.50
        )
        self.assertEqual(
            by_product_quarter[(self.mould.display_name, "Q1 2026")]["return_rate"], 6.00
        )
        # delivery-date basis: the May return counts against the February goods
        by_delivery_quarter = self._read(["delivery_date:quarter"])
        self.assertEqual(
            {
                key[0]: (g["qty_delivered"], g["qty_accepted"], g["return_rate"])
                for key, g in by_delivery_quarter.items()
            },
            {"Q1 2026": (160.0, 12.0, 7.50), "Q2 2026": (40.0, 0.0, 0.0)},
        )
        by_customer = self._read(["partner_id", "customer_class"])
        self.assertEqual(by_customer[("Dealer A", "a")]["return_rate"], 6.43)
        self.assertEqual(by_customer[("Dealer B", "b")]["return_rate"], 5.00)

    def test_groups_in_the_comodels_order(self):
        """Many2one groups come in the order of their model (the report
        sorts them after the aggregation, not by joining each row)."""
        self._fixture_returns()
        Report = self.env["factory.rma.return.rate"].with_user(self.user_manager_report)
        products = self.mould | self.connector
        expected = self.env["product.product"].search([("id", "in", products.ids)])
        for orderby, names in (
            (None, expected.mapped("display_name")),
            ("product_id desc", expected[::-1].mapped("display_name")),
        ):
            groups = Report.read_group(
                [], ["qty_delivered:sum"], ["product_id"], orderby=orderby, lazy=False
            )
            self.assertEqual([g["product_id"][1] for g in groups], names, orderby)
        reasons = self.env["factory.rma.reason"].search(
            [("id", "in", (self.cracking | self.appearance | self.dimension).ids)]
        )
        groups = Report.read_group(
            [("kind", "=", "return")],
            ["qty_accepted:sum", "return_rate:sum"],
            ["date:quarter", "reason_id"],
            lazy=False,
        )
        self.assertEqual(
            [(g["date:quarter"], g["reason_id"][1]) for g in groups],
            [
                ("Q1 2026", name)
                for name in reasons.filtered(lambda r: r != self.dimension).mapped("name")
            ]
            + [("Q2 2026", self.dimension.name)],
        )
        # with a limit, Odoo's own ordering applies
        limited = Report.read_group([], ["qty_delivered:sum"], ["product_id"], limit=1, lazy=False)
        self.assertEqual(limited[0]["product_id"][1], expected[0].display_name)

    def test_groups_labelled_like_odoo_with_their_domains(self):
        """The report labels each distinct value once (a large read has a
        dozen quarters for thousands of groups): labels, ranges and domains
        are those Odoo's own formatting gives, and each group's domain
        selects exactly the rows of the group, under the caller's filter."""
        self._fixture_returns()
        self.env.flush_all()
        Report = self.env["factory.rma.return.rate"].with_user(self.user_manager_report)
        measures = ["qty_delivered:sum", "qty_accepted:sum"]
        base = [("kind", "in", ("delivery", "return")), ("qty_delivered", ">=", 0)]
        for groupby in (
            ["product_id", "date:quarter"],
            ["partner_id", "delivery_date:month", "reason_id"],
            ["customer_class", "date:year"],
        ):
            groups = Report.read_group(base, measures, groupby, lazy=False)
            self.assertTrue(groups)
            raw = Report._read_group(base, groupby, ["__count"])
            odoo_rows = [
                {"__domain": base, **dict(zip([*groupby, "__count"], row, strict=True))}
                for row in raw
            ]
            # Odoo's own formatting of the same groups
            BaseModel._read_group_format_result(Report, odoo_rows, groupby)
            odoo_groups = {tuple(str(row[spec]) for spec in groupby): row for row in odoo_rows}
            self.assertEqual(len(odoo_groups), len(groups))
            for group in groups:
                odoo_group = odoo_groups[tuple(str(group[spec]) for spec in groupby)]
                self.assertEqual(group.get("__range"), odoo_group.get("__range"))
                self.assertEqual(group["__count"], odoo_group["__count"])
                self.assertEqual(
                    Report.search_count(group["__domain"]), group["__count"], group["__domain"]
                )
                self.assertEqual(
                    Report.search(group["__domain"]), Report.search(odoo_group["__domain"])
                )

    def test_rate_by_reason_divides_by_all_deliveries(self):
        """Reasons exist only on returns: their rate is their returns ÷ what
        was delivered in the other groups (a window over the groups)."""
        self._fixture_returns()
        self.env.flush_all()
        by_reason = self._read(["reason_id"])
        self.assertEqual(by_reason[("Cracking",)]["return_rate"], 3.00)
        self.assertEqual(by_reason[("Appearance",)]["return_rate"], 1.50)
        self.assertEqual(by_reason[("Dimension",)]["return_rate"], 1.50)
        self.assertEqual(by_reason[(False,)]["qty_delivered"], 200.0)
        self.assertEqual(by_reason[(False,)]["return_rate"], 0.0)
        by_reason_product = self._read(["product_id", "reason_id"])
        self.assertEqual(
            by_reason_product[(self.mould.display_name, "Cracking")]["return_rate"], 4.29
        )
        self.assertEqual(
            by_reason_product[(self.connector.display_name, "Appearance")]["return_rate"], 5.00
        )

    def test_values_at_sale_price(self):
        self._fixture_returns()
        self.env.flush_all()
        total = self._read(
            [], ["value_delivered:sum", "value_accepted:sum", "value_return_rate:sum"]
        )[()]
        self.assertAlmostEqual(total["value_delivered"], 140 * 100 + 60 * 15)
        self.assertAlmostEqual(total["value_accepted"], 9 * 100 + 3 * 15)
        self.assertEqual(total["value_return_rate"], 6.34)

    def test_internal_report_for_managers_of_the_company(self):
        """RMA users, salespeople and other companies' managers read
        nothing."""
        self._fixture_returns()
        self.env.flush_all()
        with self.assertRaises(AccessError):
            self.env["factory.rma.return.rate"].with_user(self.user_cs).search([])
        company2 = self.env["res.company"].create({"name": "Demo Co 2"})
        other = new_test_user(
            self.env,
            login="rr_manager2",
            groups="rma_factory.group_rma_manager",
            company_id=company2.id,
            company_ids=[company2.id],
        )
        self.assertFalse(self.env["factory.rma.return.rate"].with_user(other).search([]))
        self.assertEqual(self._read([], user=other)[()]["qty_delivered"], 0.0)
        menus = self.env["ir.ui.menu"].with_user(self.user_manager_report).load_menus(False)
        self.assertIn(
            "rma_factory.menu_factory_rma_return_rate", {m.get("xmlid") for m in menus.values()}
        )
