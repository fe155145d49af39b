from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupplierCommon

#: contexts a JSON-RPC caller may send along: none of them authorises anything
CONTEXTS = [
    {},
    {
        "active_test": False,
        "rma_force": True,
        "rma_skip_checks": True,
        "tracking_disable": True,
        "mail_activity_automation_skip": True,
    },
]


@tagged("post_install", "-at_install")
class TestSupplierPortalRpc(SupplierCommon):
    """The customer's portal user (Dealer B's contact, who reads Dealer B's
    RMAs on the portal) calls, as it could over JSON-RPC, every button and
    ORM method of the supplier returns, their cost recovery, the supplier 8D
    and the outgoing quality checks: each is refused and nothing is
    written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_b, cls.portal_b = cls._portal_contact(
            cls.dealer_b, "Bob of Dealer B", "bob@b.com", "rpc_portal_b"
        )

    def setUp(self):
        super().setUp()
        self.po, self.bill, self.lot = self._purchase(10, "LP1")
        order = self._deliver_from_stock(self.dealer_b, self.power, 4, self.lot)
        self.rma = self._supplier_judged_rma(order)
        self.line = self.rma.line_ids
        # a return of 2 units shipped to the vendor (recovery, 8D) and a
        # draft one of the 2 others
        self.shipped = self._open_return(self.line)
        self.shipped.with_user(self.user_qi).qty_defective = 2
        self.shipped.with_user(self.user_qi).action_confirm()
        self._validate(self.shipped.picking_ids)
        self.shipped.with_user(self.user_cs).write({"cost_freight": 40.0})
        self.draft = self._open_return(self.line)
        self.assertEqual(
            (self.shipped.state, self.draft.state, self.draft.qty_defective), ("done", "draft", 2)
        )
        # a supplier 8D requested, and a second one answered in the draft
        self.shipped.with_user(self.user_qi).action_create_supplier_8d()
        self.report = self.shipped.eightd_id
        self.report.sudo().write(
            {
                "state": "in_progress",
                "date_supplier_requested": datetime(2026, 3, 3, 2, 0),
                "supplier_root_cause": "Undersized capacitors.",
                "supplier_corrective_action": "Every capacitor batch checked.",
            }
        )
        # outgoing checks of the RMA's transfer: to do, failed, passed
        # waiting for the sign-off (created as the transfers create them)
        picking = self.rma.picking_ids[:1]
        Oqc = self.env["factory.rma.oqc"]
        self.oqcs = Oqc.create(
            [
                {
                    "picking_id": picking.id,
                    "rma_id": self.rma.id,
                    "company_id": self.rma.company_id.id,
                    "kind": "to_stock",
                    "needs_signoff": True,
                    "result_note": "Scratch.",
                    "check_appearance": True,
                }
                for _i in range(3)
            ]
        )
        self.oqc_todo, self.oqc_failed, self.oqc_passed = self.oqcs
        self.oqc_failed.write({"state": "failed"})
        self.oqc_passed.write({"state": "passed"})

    def _snapshot(self):
        """What any of the calls could change, read as superuser."""
        self.env.invalidate_all()
        returns = self.env["factory.rma.supplier.return"].search([("rma_id", "=", self.rma.id)])
        return {
            "returns": [
                (
                    r.id,
                    r.state,
                    r.qty_defective,
                    r.qty_stock,
                    r.partner_id.id,
                    r.defect_scope,
                    r.cost_freight,
                    r.eightd_id.id,
                    r.write_date,
                )
                for r in returns
            ],
            "moves": self.env["stock.move"].search_count([]),
            "pickings": self.env["stock.picking"].search_count([]),
            "account_moves": self.env["account.move"].search_count([]),
            "reports": [
                (r.id, r.state, r.date_supplier_replied, r.supplier_root_cause, r.write_date)
                for r in self.env["factory.rma.8d"].search([("rma_id", "=", self.rma.id)])
            ],
            "oqcs": [
                (c.id, c.state, c.checked_by_id.id, c.signed_off_by_id.id, c.write_date)
                for c in self.env["factory.rma.oqc"].with_context(active_test=False).search([])
            ],
            "rma": (
                self.rma.state,
                self.rma.customer_cause,
                self.rma.supplier_8d_deadline,
                self.rma.write_date,
            ),
            "line": (self.line.state, self.line.write_date),
            "messages": self.env["mail.message"].search_count([]),
            "activities": self.env["mail.activity"].search_count([]),
        }

    def _calls(self):
        """(label, model, record id, function of the portal's recordset)."""
        ret, draft, rep = self.shipped.id, self.draft.id, self.report.id
        line_vals = {"line_id": self.line.id, "partner_id": self.supplier.id}
        calls = [
            # the return, draft
            ("return confirm", "factory.rma.supplier.return", draft, lambda r: r.action_confirm()),
            ("return cancel", "factory.rma.supplier.return", draft, lambda r: r.action_cancel()),
            (
                "return write qty",
                "factory.rma.supplier.return",
                draft,
                lambda r: r.write({"qty_defective": 1}),
            ),
            (
                "return write state",
                "factory.rma.supplier.return",
                draft,
                lambda r: r.write({"state": "done"}),
            ),
            ("return unlink", "factory.rma.supplier.return", draft, lambda r: r.unlink()),
            ("return read", "factory.rma.supplier.return", draft, lambda r: r.read(["state"])),
            (
                "return search_read",
                "factory.rma.supplier.return",
                draft,
                lambda r: r.search_read([], ["name", "partner_id"]),
            ),
            ("return create", "factory.rma.supplier.return", draft, lambda r: r.create(line_vals)),
            (
                "return pickings",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.action_view_pickings(),
            ),
            ("return 8D view", "factory.rma.supplier.return", ret, lambda r: r.action_view_8d()),
            # its cost recovery and the supplier 8D, shipped
            (
                "vendor credit note",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.action_create_vendor_credit_note(),
            ),
            (
                "vendor debit note",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.action_create_vendor_debit_note(),
            ),
            (
                "replacement",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.action_request_replacement(),
            ),
            (
                "vendor documents",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.action_view_vendor_moves(),
            ),
            (
                "write costs",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.write({"cost_freight": 1.0}),
            ),
            (
                "supplier 8D",
                "factory.rma.supplier.return",
                ret,
                lambda r: r.action_create_supplier_8d(),
            ),
            ("8D request", "factory.rma.8d", rep, lambda r: r.action_send_supplier_request()),
            ("8D replied", "factory.rma.8d", rep, lambda r: r.action_supplier_replied()),
            ("8D write", "factory.rma.8d", rep, lambda r: r.write({"supplier_root_cause": "x"})),
            ("8D read", "factory.rma.8d", rep, lambda r: r.read(["supplier_root_cause"])),
            (
                "8D search_read",
                "factory.rma.8d",
                rep,
                lambda r: r.search_read([("kind", "=", "supplier")], ["supplier_id"]),
            ),
            (
                "8D create",
                "factory.rma.8d",
                rep,
                lambda r: r.create(
                    {"rma_id": self.rma.id, "kind": "supplier", "supplier_id": self.supplier.id}
                ),
            ),
            # the RMA line and the RMA
            (
                "line return",
                "factory.rma.line",
                self.line.id,
                lambda r: r.action_return_to_supplier(),
            ),
            (
                "line read returns",
                "factory.rma.line",
                self.line.id,
                lambda r: r.read(["supplier_return_ids"]),
            ),
            (
                "line search_read returns",
                "factory.rma.line",
                self.line.id,
                lambda r: r.search_read([], ["supplier_return_ids"]),
            ),
            ("quote 8D", "factory.rma", self.rma.id, lambda r: r.action_quote_supplier_8d()),
            (
                "rma read supplier",
                "factory.rma",
                self.rma.id,
                lambda r: r.read(
                    ["supplier_return_ids", "supplier_8d_ids", "supplier_recovery_amount"]
                ),
            ),
        ]
        calls.append(
            (
                "rma supplier returns",
                "factory.rma",
                self.rma.id,
                lambda r: r.action_view_supplier_returns(),
            )
        )
        # the outgoing checks, and their transfer's buttons
        todo, failed, passed = self.oqcs.ids
        picking = self.oqcs[0].picking_id.id
        calls += [
            ("picking create oqc", "stock.picking", picking, lambda r: r.action_rma_create_oqc()),
            ("picking view oqc", "stock.picking", picking, lambda r: r.action_view_rma_oqc()),
        ]
        oqc = "factory.rma.oqc"
        calls += [
            ("oqc pass", oqc, todo, lambda r: r.action_pass()),
            ("oqc fail", oqc, todo, lambda r: r.action_fail()),
            ("oqc recheck", oqc, failed, lambda r: r.action_recheck()),
            ("oqc sign-off", oqc, passed, lambda r: r.action_sign_off()),
            ("oqc view picking", oqc, todo, lambda r: r.action_view_picking()),
            ("oqc write", oqc, todo, lambda r: r.write({"check_function": True})),
            ("oqc write state", oqc, todo, lambda r: r.write({"state": "passed"})),
            ("oqc read", oqc, todo, lambda r: r.read(["state", "result_note"])),
            ("oqc search_read", oqc, todo, lambda r: r.search_read([], ["state"])),
            (
                "oqc create",
                oqc,
                todo,
                lambda r: r.create(
                    {"picking_id": self.rma.picking_ids[:1].id, "kind": "send_back"}
                ),
            ),
        ]
        return calls

    def test_portal_user_is_refused_everything(self):
        before = self._snapshot()
        for context in CONTEXTS:
            for label, model, res_id, call in self._calls():
                with self.subTest(call=label, context=context):
                    records = (
                        self.env[model]
                        .with_user(self.portal_b)
                        .with_context(**context)
                        .browse(res_id)
                    )
                    # AccessError is a UserError
                    with self.assertRaises(UserError):
                        call(records)
                    self.assertEqual(self._snapshot(), before, f"{label}: nothing written")
