from odoo.tests import Form, new_test_user, tagged

from .common import RmaCommon

RMA_MODULES = ("rma_factory", "rma_factory_quality", "rma_factory_account", "rma_factory_supplier")


@tagged("post_install", "-at_install")
class TestRmaOdooAccess(RmaCommon):
    """Issue #9: installing the addons must not take anything away from the
    users of Odoo's own documents. Every field the addons add to Odoo's models
    (sale order and line, picking, move, invoice, partner, product, warehouse,
    ...) is readable by every user who can read the record, or carries
    ``groups=`` and is then left out of what that user reads; the form views
    open as those users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="odoo_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.sales_manager = new_test_user(
            cls.env, login="odoo_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.invoicing = new_test_user(
            cls.env, login="odoo_invoicing", groups="account.group_account_invoice"
        )
        cls.auditor = new_test_user(
            cls.env, login="odoo_auditor", groups="account.group_account_readonly"
        )
        cls.employee = new_test_user(cls.env, login="odoo_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, login="odoo_portal", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer_c
        cls.internal_users = (
            cls.salesman
            | cls.sales_manager
            | cls.invoicing
            | cls.auditor
            | cls.employee
            | cls.user_stock
            | cls.user_cs
        )

    def _rma_world(self):
        """A delivered and invoiced order of the salesman, with an approved
        RMA whose goods came back: the RMA relations of the order, its lines,
        the invoice, the partner and the return receipt and moves are set."""
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        order.user_id = self.salesman
        invoice = order._create_invoices()
        invoice.action_post()
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        rma.invoice_id = invoice
        self._approve(rma)
        self._receive(rma)
        self.assertEqual(rma.state, "received")
        return order, invoice, rma

    def _our_fields(self, model):
        """Fields that only our addons define on ``model``."""
        return [
            name
            for name, field in model._fields.items()
            if field._modules and all(module in RMA_MODULES for module in field._modules)
        ]

    def _records_to_check(self, order, invoice, rma):
        receipt = self._receipt(rma)
        return [
            order,
            order.order_line,
            order.picking_ids,
            order.picking_ids.move_ids,
            order.picking_ids.move_line_ids,
            self.lot1,
            order.procurement_group_id,
            receipt,
            receipt.move_ids,
            invoice,
            invoice.line_ids,
            self.customer_c,
            self.connector,
            self.connector.product_tmpl_id,
            self.categ,
            self.warehouse,
            self.company,
            rma._get_procurement_group().with_env(self.env),
        ]

    def _read_our_fields(self, record, user):
        """``user`` reads the fields our addons add to ``record``'s model (those
        his groups give him). Returns whether he may read the record at all."""
        record = record.with_user(user)
        if not record.has_access("read"):
            return False
        ours = [
            name
            for name in self._our_fields(record)
            if record._fields[name].is_accessible(record.env)
        ]
        if ours:  # read([]) would read every field
            record.invalidate_recordset()
            record.read(ours)
        return True

    def test_every_added_field_is_covered(self):
        """Every Odoo model the addons add fields to is in the matrix below: a
        new field on a new model needs a line in ``_records_to_check``."""
        order, invoice, rma = self._rma_world()
        checked = {record._name for record in self._records_to_check(order, invoice, rma)}
        # Added fields on these models are read by nobody but the RMA flow's
        # own users, or the model has no record to read in this fixture.
        not_in_matrix = {
            "repair.order",
            "stock.scrap",
            "account.payment",
            "mail.activity",
            "res.config.settings",
        }
        extended = {
            name
            for name, model in self.env.registry.items()
            if not name.startswith("factory.rma")
            and not model._abstract
            and self._our_fields(self.env[name])
        }
        self.assertFalse(
            extended - checked - not_in_matrix,
            "Odoo models with fields of the RMA addons that no user-access test covers",
        )

    def test_users_read_added_fields(self):
        """Salesperson (no Inventory, no RMA rights), sales manager, invoicing
        user, auditor, employee, stock user, RMA user and portal customer read
        our fields on every document they can read in Odoo."""
        order, invoice, rma = self._rma_world()
        read_by = {}
        for record in self._records_to_check(order, invoice, rma):
            for user in self.internal_users | self.portal:
                with self.subTest(model=record._name, user=user.login):
                    if self._read_our_fields(record, user):
                        read_by.setdefault(record._name, set()).add(user.login)
        # The cases of issue #9 really ran.
        self.assertIn("odoo_salesman", read_by["sale.order"])
        self.assertIn("odoo_salesman", read_by["sale.order.line"])
        self.assertIn("odoo_salesman", read_by["account.move"])
        self.assertIn("odoo_salesman", read_by["stock.picking"])
        self.assertIn("odoo_invoicing", read_by["account.move"])
        self.assertIn("odoo_auditor", read_by["sale.order"])
        self.assertIn("rma_stock", read_by["stock.picking"])
        self.assertIn("odoo_employee", read_by["res.partner"])
        self.assertIn("odoo_portal", read_by["sale.order"])

    def test_sales_users_read_whole_order(self):
        """What Odoo's own sale tests do (sale.tests.test_access_rights): the
        salesperson and the sales manager read every field of the order."""
        order, _invoice, _rma = self._rma_world()
        for user in self.salesman | self.sales_manager:
            with self.subTest(user=user.login):
                as_user = order.with_user(user)
                as_user.invalidate_recordset()
                values = as_user.read()[0]
                self.assertEqual(values["rma_count"], 0)
                self.assertNotIn("rma_ids", values)
                self.assertNotIn("rma_line_ids", as_user.order_line.fields_get())

    def test_form_views_open(self):
        """The form views of Odoo's documents open (view loaded for the user,
        every field of it read) for the users who work with them. Left out:
        pairs where Odoo itself fails without our addons (the sale order form
        for invoicing and stock users reads product documents' fields of the
        sales group, the picking form for users without repair rights reads
        repair orders)."""
        order, invoice, rma = self._rma_world()
        delivery = order.picking_ids - self._receipt(rma)
        cases = [
            (self.salesman, order),
            (self.sales_manager, order),
            (self.user_cs, order),
            (self.salesman, self.customer_c),
            (self.employee, self.customer_c),
            (self.invoicing, self.customer_c),
            (self.user_stock, self.customer_c),
            (self.user_cs, self.customer_c),
            (self.user_stock, delivery),
            (self.user_stock, self._receipt(rma)),
            (self.user_cs, self._receipt(rma)),
            (self.salesman, invoice),
            (self.invoicing, invoice),
            (self.auditor, invoice),
            (self.user_cs, invoice),
            (self.salesman, self.connector.product_tmpl_id),
            (self.user_stock, self.connector.product_tmpl_id),
            (self.user_stock, self.categ),
            (self.user_stock, self.warehouse),
        ]
        for user, record in cases:
            with self.subTest(model=record._name, user=user.login):
                Form(record.with_user(user))

    def test_salesperson_sees_no_rma_but_no_error(self):
        """The salesperson's order has an RMA he cannot open: the counter and
        the relation are not shown to him, his order still reads and edits."""
        order, _invoice, _rma = self._rma_world()
        as_salesman = order.with_user(self.salesman)
        self.assertEqual(as_salesman.rma_count, 0)
        self.assertEqual(order.with_user(self.user_stock).rma_count, 1)
        self.assertEqual(order.rma_count, 1)
        self.assertNotIn("rma_ids", as_salesman.read()[0])
        self.assertNotIn("rma_line_ids", as_salesman.order_line.fields_get())
        self.assertEqual(self.customer_c.with_user(self.salesman).rma_count, 0)
        self.assertEqual(self.customer_c.with_user(self.user_cs).rma_count, 1)

        with Form(as_salesman) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 6
        self.assertEqual(order.order_line.product_uom_qty, 6)
        # 5 delivered, 2 back in quarantine and not judged yet: still 5.
        self.assertEqual(as_salesman.order_line.qty_delivered, 5)

    def test_salesperson_recomputes_delivered_quantity(self):
        """Recomputing the delivered quantity (which depends on the RMA
        lines) as the salesperson — directly, as some Odoo modules do, or
        through a new order he confirms — raises no access error."""
        order, _invoice, _rma = self._rma_world()
        line = order.order_line.with_user(self.salesman)
        line._compute_qty_delivered()
        self.assertEqual(line.qty_delivered, 5)

        new_order = Form(self.env["sale.order"].with_user(self.salesman))
        new_order.partner_id = self.customer_c
        with new_order.order_line.new() as new_line:
            new_line.product_id = self.connector
            new_line.product_uom_qty = 1
        new_order = new_order.save()
        new_order.action_confirm()
        self.assertEqual(new_order.state, "sale")
        self.assertEqual(new_order.order_line.qty_delivered, 0)
        self.assertEqual(new_order.rma_count, 0)
