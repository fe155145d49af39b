import polib
from lxml import etree
from markupsafe import Markup

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools.misc import file_path

from .common import RmaCommon

#: Who may read a field over RPC.
PORTAL = "portal customer and internal users"  # the portal page shows it
INTERNAL = "internal users"  # groups="base.group_user"

#: Issue #10 "Confidentiality": a portal user reads over RPC exactly what
#: the portal page (/my/rmas, /my/rma/<id>) shows, nothing more. Every
#: field of the core RMA and its lines, with who may read it.
RMA_FIELDS = {
    # shown on the portal page (list and page)
    "name": PORTAL,
    "state": PORTAL,
    "partner_id": PORTAL,
    "commercial_partner_id": PORTAL,  # the customer's company: the portal lists by it
    "company_id": PORTAL,  # the company the customer deals with (page layout)
    "date_request": PORTAL,
    "rma_type": PORTAL,
    "sale_order_id": PORTAL,
    "return_deadline": PORTAL,  # "send the goods before"
    "date_received": PORTAL,
    "date_done": PORTAL,
    "user_id": PORTAL,  # "your contact"
    "line_ids": PORTAL,
    "reply_state": PORTAL,  # "our reply": waiting for your answer / your answer
    "date_reply_answer": PORTAL,
    # the customer's return shipment, entered and shown on the portal page
    "return_carrier_name": PORTAL,
    "return_tracking_ref": PORTAL,
    "date_return_shipped": INTERNAL,
    # the portal form's key against double submission; the steps the
    # customer was told (the page shows them as whitelisted values)
    "portal_request_key": INTERNAL,
    "customer_message_ids": INTERNAL,
    # customer and origin documents the page does not show
    "partner_contact_id": INTERNAL,
    "partner_shipping_id": INTERNAL,
    "partner_invoice_id": INTERNAL,
    "customer_class": INTERNAL,
    "picking_id": INTERNAL,
    "invoice_id": INTERNAL,
    "warehouse_id": INTERNAL,
    "policy_id": INTERNAL,
    "channel": INTERNAL,
    "description": INTERNAL,
    "internal_note": INTERNAL,
    # money: the portal shows no price
    "currency_id": INTERNAL,
    "company_currency_id": INTERNAL,
    "amount_total": INTERNAL,
    "approval_amount": INTERNAL,
    "product_summary": INTERNAL,  # the kanban card's summary
    "procurement_group_id": INTERNAL,
    "date_promised": INTERNAL,
    "date_claim_filed": INTERNAL,
    # eligibility and approval
    "criterion_b": INTERNAL,
    "criterion_c": INTERNAL,  # "customer cannot pay"
    "criterion_d": INTERNAL,
    "eligibility_state": INTERNAL,
    "eligibility_override_reason": INTERNAL,
    "approval_ids": INTERNAL,
    "manager_approved": INTERNAL,
    "needs_second_approval": INTERNAL,
    # the customer reads the rejection reason in the rejection mail,
    # filtered by _customer_safe_text; the raw text stays internal
    "reject_reason": INTERNAL,
    "reject_alternative": INTERNAL,
    # return logistics and freight
    "return_method": INTERNAL,
    "freight_payer": INTERNAL,  # printed on the return authorisation PDF
    "freight_split_percent": INTERNAL,
    "expected_arrival_date": INTERNAL,
    "pickup_place": INTERNAL,
    "replenish_first": INTERNAL,
    "promise_deadline": INTERNAL,
    "promised_date": INTERNAL,
    # shortage and carrier claim
    "carrier_id": INTERNAL,
    "packaging_damaged": INTERNAL,
    "carrier_note_ref": INTERNAL,
    "claim_deadline": INTERNAL,
    "claim_amount": INTERNAL,
    "claim_state": INTERNAL,
    "claim_reference": INTERNAL,
    "withhold_carrier_freight": INTERNAL,
    # spare part first: the defective part need not come back
    "spare_return_waived": INTERNAL,
    # deposit
    "deposit_amount": INTERNAL,
    "deposit_state": INTERNAL,
    "date_deposit": INTERNAL,
    # handling, steps and deadlines
    "team_id": INTERNAL,
    "urgent": INTERNAL,
    "is_international": INTERNAL,
    "needs_onsite": INTERNAL,
    "date_onsite": INTERNAL,
    "date_submitted": INTERNAL,
    "date_approved": INTERNAL,
    "date_judged": INTERNAL,
    "review_deadline": INTERNAL,
    "onsite_deadline": INTERNAL,
    "judgement_deadline": INTERNAL,
    "analysis_deadline": INTERNAL,
    "solution_deadline": INTERNAL,
    "reply_deadline": INTERNAL,
    "is_overdue": INTERNAL,
    # customer reply: the page shows cause and corrective action filtered
    # by _customer_safe_text, never the raw staff text
    "customer_cause": INTERNAL,
    "customer_corrective_action": INTERNAL,
    "reply_version": INTERNAL,
    "date_reply_sent": INTERNAL,
    "followup_done": INTERNAL,
    # stock documents
    "picking_ids": INTERNAL,
    "repair_ids": INTERNAL,
    "picking_count": INTERNAL,
    "repair_count": INTERNAL,
    "has_received_goods": INTERNAL,
}

LINE_FIELDS = {
    # the portal page's product table
    "product_id": PORTAL,
    "lot_id": PORTAL,
    "reason_id": PORTAL,
    "quantity": PORTAL,
    "product_uom_id": PORTAL,
    "qty_received": PORTAL,
    "decided_outcome": PORTAL,
    # structure: the line's RMA and its order, customer, company and state
    "rma_id": PORTAL,
    "sequence": PORTAL,  # the lines' order (searching lines sorts by it)
    "partner_id": PORTAL,
    "company_id": PORTAL,
    "state": PORTAL,
    # judgement: responsibility and responsible parties (a supplier's name)
    "responsibility": INTERNAL,
    "responsibility_side": INTERNAL,
    "responsible_partner_id": INTERNAL,
    "responsible_unit": INTERNAL,
    "responsible_user_id": INTERNAL,
    "service_charge": INTERNAL,
    "claim_not_confirmed": INTERNAL,
    "customer_agreed": INTERNAL,
    "customer_agreed_date": INTERNAL,
    # prices and amounts: the portal shows no price
    "currency_id": INTERNAL,
    "price_unit": INTERNAL,
    "price_subtotal": INTERNAL,
    "concession_amount": INTERNAL,
    # origin documents
    "sale_line_id": INTERNAL,
    "move_id": INTERNAL,
    "invoice_line_id": INTERNAL,
    # request details the page does not show
    "tracking": INTERNAL,
    "reason_category": INTERNAL,
    "description": INTERNAL,
    "requested_outcome": INTERNAL,
    "is_third_party": INTERNAL,
    # decision
    "destination": INTERNAL,
    "replacement_product_id": INTERNAL,
    "outcome_approved": INTERNAL,
    "outcome_approved_by": INTERNAL,
    "split_from_id": INTERNAL,
    "surplus_of_id": INTERNAL,
    "needs_outcome_approval": INTERNAL,
    "replacement_special_request": INTERNAL,
    "replacement_special_note": INTERNAL,
    "remake_state": INTERNAL,
    "selloff_partner_id": INTERNAL,  # the buyer of defective goods
    "selloff_price_unit": INTERNAL,
    "selloff_order_ids": INTERNAL,
    "lot_repaired": INTERNAL,
    # eligibility
    "delivery_date": INTERNAL,
    "warranty_end_date": INTERNAL,
    "cond_original_packaging": INTERNAL,
    "cond_accessories_complete": INTERNAL,
    "cond_no_human_damage": INTERNAL,
    "eligibility_state": INTERNAL,
    "eligibility_note": INTERNAL,
    # stock documents and quantity buckets
    "move_ids": INTERNAL,
    "repair_ids": INTERNAL,
    "qty_received_adjust": INTERNAL,
    "qty_pending_receipt": INTERNAL,
    "qty_judged": INTERNAL,
    "qty_routed": INTERNAL,
    "qty_repaired": INTERNAL,
    "qty_replaced": INTERNAL,
    "qty_replacement_planned": INTERNAL,
    "qty_returned": INTERNAL,
    "qty_scrapped": INTERNAL,
    "qty_processed": INTERNAL,
    "qty_pending_return": INTERNAL,
    "qty_to_credit": INTERNAL,
    "qty_credited": INTERNAL,
    "is_resolved": INTERNAL,
}

#: Fields of the RMA on the customer (res.partner is readable by portal users).
PARTNER_FIELDS = {
    "rma_customer_class": INTERNAL,
    "rma_disclose_in_reports": INTERNAL,
}

#: Fields the quality and accounting addons add to the RMA and its lines:
#: all internal, each addon sets their ``groups``. Those listed here were
#: still readable by portal users when this test was written and are left
#: for the addon; every other addon field must be unreadable.
#: Fields of the quality and accounting addons on the RMA and its lines that
#: a portal user may still read without ``groups``: none (each addon marks
#: its own fields internal).
LEFT_FOR_ADDONS = {"factory.rma": set(), "factory.rma.line": set()}
#: Links to stock moves, transfers, repair orders and sell-off sale orders:
#: these documents stay behind their own access rights (an accountant reads
#: no repair order).
DOCUMENT_LINKS = {"picking_ids", "repair_ids", "move_ids", "selloff_order_ids"}
ADDON_MODULES = ("rma_factory_quality", "rma_factory_account", "rma_factory_supplier")
#: Framework fields (mail, portal, rating mixins; ORM magic fields): their
#: own modules decide who reads them.
FRAMEWORK_MODELS = ("mail.thread", "mail.activity.mixin", "portal.mixin", "rating.mixin")
MAGIC_FIELDS = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}


def _portal_fields(inventory):
    return sorted(name for name, reader in inventory.items() if reader == PORTAL)


class ConfidentialityCommon(RmaCommon):
    """A judged RMA of customer C full of internal data (a supplier judged
    responsible, prices, criterion C, notes), the portal user of customer C
    and the portal user of dealer B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier = cls.env["res.partner"].create({"name": "SecretSteel", "supplier_rank": 1})
        cls.contact_c = cls.env["res.partner"].create(
            {"name": "Carol of Customer C", "parent_id": cls.customer_c.id, "email": "carol@c.com"}
        )
        cls.portal_c = new_test_user(
            cls.env,
            login="conf_portal_c",
            groups="base.group_portal",
            partner_id=cls.contact_c.id,
        )
        cls.contact_b = cls.env["res.partner"].create(
            {"name": "Bob of Dealer B", "parent_id": cls.dealer_b.id, "email": "bob@b.com"}
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="conf_portal_b",
            groups="base.group_portal",
            partner_id=cls.contact_b.id,
        )
        cls.user_account = new_test_user(
            cls.env, login="conf_accountant", groups="account.group_account_invoice"
        )

    def setUp(self):
        super().setUp()
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        self.rma = self._create_rma(order, criterion_c=True)
        self.rma.write({"internal_note": "<p>Customer is late paying</p>"})
        self.rma.line_ids.description = "Cracked insert"
        self._approve(self.rma)
        self._receive(self.rma)
        self._decide(self.rma, "refund", "defective")
        self.rma.line_ids.write(
            {
                "responsibility": "supplier",
                "responsible_partner_id": self.supplier.id,
                "responsible_unit": "Purchasing",
                "responsible_user_id": self.user_cs.id,
            }
        )
        self.rma.with_user(self.user_cs).action_judge()
        self.rma.write(
            {
                "customer_cause": "Steel from SecretSteel had inclusions",
                "customer_corrective_action": "Incoming material is now tested batch by batch",
            }
        )
        self.rma._mark_reply_sent()
        self.env.flush_all()
        self.env.invalidate_all()

    def _own_fields(self, model):
        framework = set(MAGIC_FIELDS)
        for name in FRAMEWORK_MODELS:
            framework |= set(self.env[name]._fields)
        return {name for name in self.env[model]._fields if name not in framework}

    def _framework_fields(self, model):
        return set(self.env[model]._fields) - self._own_fields(model)


@tagged("post_install", "-at_install")
class TestRmaConfidentiality(ConfidentialityCommon):
    """Issue #10: over RPC a portal user reads what the portal page shows,
    nothing more; the page renders the lines from whitelisted values."""

    def test_inventory_covers_every_field(self):
        """Every field of the RMA and its lines is in the inventory above
        (a new field must be classified), and the inventory is what the
        field definitions say."""
        for model, inventory in (("factory.rma", RMA_FIELDS), ("factory.rma.line", LINE_FIELDS)):
            fields_ = self.env[model]._fields
            self.assertFalse(set(inventory) - set(fields_), f"{model}: unknown fields")
            unclassified = {
                name
                for name in self._own_fields(model) - set(inventory)
                if fields_[name]._module not in ADDON_MODULES
            }
            self.assertFalse(unclassified, f"{model}: classify these fields in the inventory")
            for name, reader in inventory.items():
                expected = None if reader == PORTAL else "base.group_user"
                self.assertEqual(fields_[name].groups, expected, f"{model}.{name}")
        for name, reader in PARTNER_FIELDS.items():
            self.assertEqual(reader, INTERNAL)
            self.assertEqual(self.env["res.partner"]._fields[name].groups, "base.group_user")

    def _assert_portal_reads(self, model, records, inventory):
        fields_ = self.env[model]._fields
        portal_fields = {name for name, reader in inventory.items() if reader == PORTAL}
        internal_fields = set(inventory) - portal_fields
        addon_fields = {
            name
            for name in self._own_fields(model) - set(inventory)
            if fields_[name]._module in ADDON_MODULES
        }
        # addon fields without groups yet: only those left for the addon
        pending = {name for name in addon_fields if not fields_[name].groups}
        self.assertLessEqual(pending, LEFT_FOR_ADDONS[model], f"{model}: addon fields to classify")
        framework = self._framework_fields(model)
        as_portal = records.with_user(self.portal_c)
        # all fields: the portal fields, nothing internal
        for read_all in (
            lambda: as_portal.read(),
            lambda: as_portal.read([]),
            lambda: as_portal.search_read([("id", "in", records.ids)]),
            lambda: as_portal.search_read([("id", "in", records.ids)], fields=[]),
        ):
            try:
                rows = read_all()
            except AccessError:
                # an addon field left for the addon points to documents the
                # portal user cannot read: the call fails, nothing is read
                self.assertTrue(pending, f"{model}: a portal user reads all its fields")
                continue
            self.assertEqual(len(rows), len(records))
            returned = set(rows[0]) - framework
            self.assertFalse(returned & internal_fields, f"{model}: internal fields returned")
            self.assertEqual(returned - pending, portal_fields, model)
        self.assertEqual(len(as_portal.read(sorted(portal_fields))), len(records))
        # each internal field asked for explicitly, read or searched: refused
        for name in sorted(internal_fields | (addon_fields - pending)):
            with self.assertRaises(AccessError, msg=f"{model}.{name} read"):
                as_portal.read([name])
            with self.assertRaises(AccessError, msg=f"{model}.{name} search_read"):
                as_portal.search_read([("id", "in", records.ids)], [name])
            # searching by it is refused too (Odoo lets anybody test whether
            # a one2many or many2many is empty, what it holds stays behind its
            # own rights; a non-stored related field is searched through its
            # path)
            field = fields_[name]
            searchable = field.store or (field.search and not field.related)
            if searchable and field.type not in ("one2many", "many2many"):
                with self.assertRaises(AccessError, msg=f"{model}.{name} search"):
                    as_portal.search([(name, "!=", False)])

    def test_portal_user_reads_only_what_the_portal_shows(self):
        self._assert_portal_reads("factory.rma", self.rma, RMA_FIELDS)
        self._assert_portal_reads("factory.rma.line", self.rma.line_ids, LINE_FIELDS)
        # the examples of the issue
        Line = self.env["factory.rma.line"].with_user(self.portal_c)
        for name in ("responsibility", "responsible_partner_id", "responsible_unit", "price_unit"):
            with self.assertRaises(AccessError):
                Line.search_read([], [name])
        rows = Line.search_read([], _portal_fields(LINE_FIELDS))
        self.assertEqual(len(rows), 1)
        self.assertNotIn("SecretSteel", str(rows))
        self.assertNotIn("Purchasing", str(rows))
        self.assertEqual(rows[0]["product_id"][0], self.mould.id)
        Rma = self.env["factory.rma"].with_user(self.portal_c)
        for name in ("customer_class", "criterion_c", "claim_amount", "internal_note"):
            with self.assertRaises(AccessError):
                Rma.search_read([], [name])
        rows = Rma.search_read([], _portal_fields(RMA_FIELDS))
        self.assertEqual([row["name"] for row in rows], [self.rma.name])
        self.assertNotIn("late paying", str(rows))
        self.assertNotIn("SecretSteel", str(rows))
        # the customer class on the customer itself
        with self.assertRaises(AccessError):
            self.customer_c.with_user(self.portal_c).read(["rma_customer_class"])
        partner_fields = self.customer_c.with_user(self.portal_c).fields_get()
        self.assertNotIn("rma_customer_class", partner_fields)
        self.assertNotIn("rma_disclose_in_reports", partner_fields)

    def test_other_customer_reads_nothing(self):
        Rma = self.env["factory.rma"].with_user(self.portal_b)
        Line = self.env["factory.rma.line"].with_user(self.portal_b)
        self.assertFalse(Rma.search_read([]))
        self.assertFalse(Line.search_read([]))
        self.assertFalse(Rma.search([("name", "=", self.rma.name)]))
        with self.assertRaises(AccessError):
            self.rma.with_user(self.portal_b).read(["name"])
        with self.assertRaises(AccessError):
            self.rma.line_ids.with_user(self.portal_b).read(["product_id"])

    def test_internal_roles_read_every_field(self):
        """The confidential fields stay readable by every internal role
        that reads RMAs (customer service, warehouse, accounting)."""
        for user in (self.user_cs, self.user_stock, self.user_account):
            rma = self.rma.with_user(user)
            self.assertTrue(rma.read(sorted(set(RMA_FIELDS) - DOCUMENT_LINKS)), user.login)
            self.assertTrue(
                rma.line_ids.read(sorted(set(LINE_FIELDS) - DOCUMENT_LINKS)), user.login
            )
            self.assertEqual(rma.line_ids.responsible_partner_id, self.supplier)
            self.assertTrue(rma.criterion_c)
            # the RMA list and form open with every field the views show
            self._open_rma_as(user, self.rma)

    def test_portal_lines_are_whitelisted_values(self):
        values = self.rma._portal_line_values()
        self.assertEqual(
            values,
            [
                {
                    "product": self.mould.display_name,
                    "lot": "L1",
                    "reason": self.rma.line_ids.reason_id.display_name or "",
                    "quantity": 4.0,
                    "uom": self.mould.uom_id.name,
                    "qty_received": 4.0,
                    "outcome": "Refund",
                }
            ],
        )
        reply = self.rma._portal_reply_values()
        self.assertNotIn("SecretSteel", reply["cause"])
        self.assertIn("[supplier]", reply["cause"])
        self.assertEqual(reply["deemed_days"], self.rma.policy_id.reply_deemed_days)


@tagged("post_install", "-at_install")
class TestRmaConfidentialityHttp(ConfidentialityCommon, HttpCase):
    """The same rules through the web client's JSON-RPC and the report
    routes, as the portal user."""

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_json_rpc_as_portal_user(self):
        self.authenticate("conf_portal_c", "conf_portal_c")
        rows = self._call_kw(
            "factory.rma.line", "search_read", [[]], {"fields": _portal_fields(LINE_FIELDS)}
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["product_id"][0], self.mould.id)
        self.assertNotIn("SecretSteel", str(rows))
        for model, name in (
            ("factory.rma.line", "responsibility"),
            ("factory.rma.line", "responsible_partner_id"),
            ("factory.rma.line", "price_unit"),
            ("factory.rma", "criterion_c"),
            ("factory.rma", "customer_class"),
        ):
            with self.assertRaises(JsonRpcException, msg=f"{model}.{name}") as caught:
                self._call_kw(model, "search_read", [[]], {"fields": [name]})
            self.assertIn("AccessError", str(caught.exception))
            with self.assertRaises(JsonRpcException, msg=f"{model}.{name}"):
                self._call_kw(model, "web_search_read", [[]], {"specification": {name: {}}})
        rows = self._call_kw("factory.rma", "read", [self.rma.ids, ["name", "state"]])
        self.assertEqual(rows[0]["name"], self.rma.name)

    def test_report_routes_refuse_the_portal_user(self):
        """Every report of the RMA is for internal users; the customer's
        documents come only through the portal page, which checks access."""
        reports = self.env["ir.actions.report"].search([("model", "=", "factory.rma")])
        core_reports = reports.filtered(lambda r: r.report_name.startswith("rma_factory."))
        self.assertGreaterEqual(len(core_reports), 6)
        for report in core_reports:
            self.assertEqual(report.groups_id, self.env.ref("base.group_user"), report.name)
        self.authenticate("conf_portal_c", "conf_portal_c")
        for report in core_reports:
            for converter in ("pdf", "html"):
                res = self.url_open(f"/report/{converter}/{report.report_name}/{self.rma.id}")
                self.assertNotEqual(res.status_code, 200, f"{report.report_name} {converter}")
                self.assertFalse(res.content.startswith(b"%PDF"))
                self.assertNotIn(b"SecretSteel", res.content)
        # refused for its groups, before any field is read
        Report = self.env["ir.actions.report"].with_user(self.portal_c)
        for report in core_reports:
            for render in (Report._render_qweb_pdf, Report._render_qweb_html):
                with self.assertRaisesRegex(AccessError, "not allowed to print"):
                    render(report.report_name, self.rma.ids)
        # through the portal page: the customer's documents only
        for report in ("authorisation", "reply", "received"):
            res = self.url_open(f"/my/rma/{self.rma.id}?report_type=pdf&report={report}")
            self.assertEqual(res.headers["Content-Type"], "application/pdf", report)
        for report in ("tracking", "handling", "label", "rma_factory.report_rma_tracking_sheet"):
            res = self.url_open(f"/my/rma/{self.rma.id}?report_type=pdf&report={report}")
            self.assertNotEqual(res.headers["Content-Type"], "application/pdf", report)
            self.assertIn("This document is not available for this return.", res.text)
        # internal users still print them
        self.authenticate("rma_stock", "rma_stock")
        res = self.url_open(f"/report/html/rma_factory.report_rma_tracking_sheet/{self.rma.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.rma.name, res.text)

    def test_portal_page_shows_the_whitelist(self):
        self.authenticate("conf_portal_c", "conf_portal_c")
        res = self.url_open(f"/my/rma/{self.rma.id}")
        self.assertEqual(res.status_code, 200)
        for text in ("M-100", "L1", "Refund", "tested batch by batch", "[supplier]"):
            self.assertIn(text, res.text)
        for text in ("SecretSteel", "Purchasing", "late paying", "Cracked insert"):
            self.assertNotIn(text, res.text)
        self.assertIn("o_rma_portal_received_report", res.text)

    def test_message_post_context_changes_nothing_but_the_chatter(self):
        """A portal customer posting on its RMA with old context keys that
        once authorised workflow changes: only a message is created."""
        self.rma.sudo()._write_workflow({"reply_state": False, "reply_version": 0})
        self.env.flush_all()
        before = self.rma.read(["state", "reply_state", "reply_version", "date_reply_sent"])[0]
        messages = len(self.rma.message_ids)
        lines_before = self.rma.line_ids.read(["decided_outcome", "responsibility", "lot_id"])
        self.authenticate("conf_portal_c", "conf_portal_c")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "factory.rma",
                "thread_id": self.rma.id,
                "post_data": {"body": "Any news?", "message_type": "comment"},
                # the RMA page gives its chatter the RMA's token
                "token": self.rma._portal_ensure_token(),
                "context": {
                    "mark_rma_reply_sent": True,
                    "mark_8d_as_sent": True,
                    "rma_split": True,
                    "rma_outcome_override": True,
                    "rma_keep_outcome_approval": True,
                    "rma_inspection_closing": True,
                },
            },
        )
        self.env.invalidate_all()
        self.assertEqual(len(self.rma.message_ids), messages + 1)
        self.assertIn("Any news?", self.rma.message_ids[0].body)
        self.assertEqual(self.rma.message_ids[0].author_id, self.contact_c)
        self.assertEqual(
            self.rma.read(["state", "reply_state", "reply_version", "date_reply_sent"])[0],
            before,
        )
        self.assertFalse(self.rma.reply_state)
        self.assertEqual(
            self.rma.line_ids.read(["decided_outcome", "responsibility", "lot_id"]),
            lines_before,
        )


@tagged("post_install", "-at_install")
class TestRmaCustomerTexts(ConfidentialityCommon):
    """Texts written by the staff reach the customer through the supplier
    filter, and HTML prints as HTML."""

    def test_rejection_mail_hides_the_supplier(self):
        order = self._deliver(self.customer_c, [(self.connector, 2, None)])
        rma = self._create_rma(order)
        rma.line_ids.product_id.seller_ids = [Command.create({"partner_id": self.supplier.id})]
        rma.with_user(self.user_cs).action_submit()
        wizard = (
            self.env["factory.rma.reject.wizard"]
            .with_user(self.user_mgr)
            .create(
                {
                    "rma_ids": [Command.set(rma.ids)],
                    "reason": "The connectors from SecretSteel are out of our range",
                    "alternative": "repair",
                }
            )
        )
        wizard.action_reject()
        self.env["factory.rma.customer.message"]._cron_send_pending()
        self.assertEqual(rma.state, "rejected")
        self.assertIn("SecretSteel", rma.reject_reason, "the staff keeps the full reason")
        mail = rma.message_ids.filtered(lambda m: "cannot accept your return" in (m.body or ""))
        self.assertEqual(len(mail), 1)
        self.assertIn("out of our range", mail.body)
        self.assertIn("[supplier]", mail.body)
        self.assertNotIn("SecretSteel", mail.body)
        self.assertIn(self.customer_c, mail.partner_ids)

    def test_translated_rejection_mails_filter_the_reason(self):
        """The Chinese rejection mails print the reason through the filter
        as well (their bodies are whole translations of the template)."""
        occurrence = "model:mail.template,body_html:rma_factory.mail_template_rma_step_rejected"
        for lang in ("zh_CN", "zh_TW"):
            po = polib.pofile(file_path(f"rma_factory/i18n/{lang}.po"))
            bodies = [e.msgstr for e in po if any(o[0] == occurrence for o in e.occurrences)]
            self.assertEqual(len(bodies), 1, lang)
            self.assertIn("rma._customer_safe_text(rma.reject_reason)", bodies[0], lang)
            self.assertNotIn('t-out="rma.reject_reason', bodies[0], lang)

    def test_html_prints_as_html_without_supplier(self):
        self.rma.description = "<p>Insert from <b>SecretSteel</b> cracked &amp; bent</p>"
        safe = self.rma._customer_safe_text(self.rma.description)
        self.assertIsInstance(safe, Markup)
        html = str(
            self.env["ir.qweb"]._render(
                etree.fromstring('<div t-out="rma._customer_safe_text(rma.description)"/>'),
                {"rma": self.rma},
            )
        )
        self.assertIn("<b>[supplier]</b>", html)
        self.assertIn("cracked &amp; bent", html)
        self.assertNotIn("&lt;b&gt;", html)
        self.assertNotIn("SecretSteel", html)
        # plain text stays plain: printed escaped
        text = self.rma._customer_safe_text("<b>SecretSteel</b>")
        self.assertNotIsInstance(text, Markup)
        self.assertEqual(text, "<b>[supplier]</b>")
        # a supplier name with an HTML special character
        self.supplier.name = "Steel & Sons"
        html = Markup("<p>by Steel &amp; Sons</p>")
        self.assertEqual(str(self.rma._customer_safe_text(html)), "<p>by [supplier]</p>")
        self.supplier.rma_disclose_in_reports = True
        self.assertEqual(self.rma._customer_safe_text(html), html, "whitelisted supplier")


@tagged("post_install", "-at_install")
class TestRmaPortalAnswerAccess(ConfidentialityCommon):
    """``_portal_record_reply`` checks its caller itself, whoever calls it
    and whatever the environment (superuser mode included)."""

    def test_only_the_customer_answers(self):
        rma = self.rma
        # internal users, even with the token and in superuser mode
        for user in (self.user_cs, self.user_mgr):
            with self.assertRaisesRegex(AccessError, "buttons of the RMA form"):
                rma.with_user(user)._portal_record_reply(True)
            with self.assertRaisesRegex(AccessError, "buttons of the RMA form"):
                rma.with_user(user).sudo()._portal_record_reply(True, rma._portal_ensure_token())
        # another customer's portal user, without the token
        with self.assertRaisesRegex(AccessError, "only the customer"):
            rma.with_user(self.portal_b).sudo()._portal_record_reply(True)
        # the public user with a wrong token
        public = self.env.ref("base.public_user")
        with self.assertRaisesRegex(AccessError, "only the customer"):
            rma.with_user(public).sudo()._portal_record_reply(True, "wrong-token")
        self.assertEqual(rma.reply_state, "sent")
        self.assertFalse(rma.date_reply_answer)
        # the public user with the token (the link of the mail)
        rma.with_user(public)._portal_record_reply(False, rma._portal_ensure_token())
        self.assertEqual(rma.reply_state, "rejected")
        self.assertEqual(rma.message_ids[0].author_id, self.customer_c)

    def test_portal_user_of_the_customer_answers_once(self):
        rma = self.rma.with_user(self.portal_c)
        rma._portal_record_reply(True)
        self.assertEqual(self.rma.reply_state, "accepted")
        self.assertEqual(self.rma.message_ids[0].author_id, self.contact_c)
        with self.assertRaisesRegex(UserError, "no reply is waiting"):
            rma._portal_record_reply(False)
        self.assertEqual(self.rma.reply_state, "accepted")
