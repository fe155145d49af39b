from lxml import etree

from odoo import Command, fields
from odoo.tests import Form, TransactionCase, new_test_user


class RmaCommon(TransactionCase):
    """Fixture of SEED_REQUIREMENTS §5.0: a mould factory selling lot-tracked
    mould inserts and untracked connectors to dealers of class A/B/C."""

    @classmethod
    def _portal_contact(cls, company, name, email, login):
        """A contact of the customer ``company`` with a portal user (login =
        password = ``login``); returns (contact, user)."""
        contact = cls.env["res.partner"].create(
            {"name": name, "parent_id": company.id, "email": email}
        )
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.id,
            name=contact.name,
        )
        return contact, user

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_loc = cls.warehouse.lot_stock_id
        cls.input_loc = cls.warehouse.rma_input_loc_id
        cls.defective_loc = cls.warehouse.rma_defective_loc_id
        cls.slow_loc = cls.warehouse.rma_slow_loc_id
        cls.customer_loc = cls.env.ref("stock.stock_location_customers")
        cls.policy = cls.env["factory.rma.policy"]._get_default(cls.company)
        cls.policy.escalation_user_id = False
        # The core tests judge by hand: switch off the inspections that
        # rma_factory_quality adds between receipt and judgement when it is
        # installed in the same database.
        if "quality_inspection" in cls.policy._fields:
            cls.policy.quality_inspection = False
        # ... and the outgoing quality check of the transfers leaving the RMA
        # stores (the quality tests switch it on where they test it)
        if "outgoing_check" in cls.policy._fields:
            cls.policy.outgoing_check = False

        cls.categ = cls.env["product.category"].create(
            {"name": "Moulds", "rma_warranty_months": 12}
        )
        cls.mould = cls.env["product.product"].create(
            {
                "name": "M-100 mould insert",
                "default_code": "M-100",
                "is_storable": True,
                "tracking": "lot",
                "categ_id": cls.categ.id,
                "list_price": 100.0,
                "standard_price": 60.0,
                "invoice_policy": "delivery",
            }
        )
        cls.connector = cls.env["product.product"].create(
            {
                "name": "C-20 connector",
                "default_code": "C-20",
                "is_storable": True,
                "categ_id": cls.categ.id,
                "list_price": 15.0,
                "standard_price": 8.0,
                "invoice_policy": "delivery",
            }
        )
        cls.dealer_a = cls.env["res.partner"].create(
            {"name": "Dealer A", "rma_customer_class": "a"}
        )
        cls.dealer_b = cls.env["res.partner"].create(
            {"name": "Dealer B", "rma_customer_class": "b"}
        )
        cls.customer_c = cls.env["res.partner"].create(
            {"name": "Customer C", "rma_customer_class": "c", "email": "c@example.com"}
        )
        cls.lot1 = cls.env["stock.lot"].create({"name": "L1", "product_id": cls.mould.id})
        cls.lot2 = cls.env["stock.lot"].create({"name": "L2", "product_id": cls.mould.id})

        cls.user_cs = new_test_user(
            cls.env,
            login="rma_cs",
            groups="rma_factory.group_rma_user,sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        cls.user_mgr = new_test_user(
            cls.env,
            login="rma_mgr",
            groups="rma_factory.group_rma_manager,sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        cls.user_gm = new_test_user(
            cls.env,
            login="rma_gm",
            groups="rma_factory.group_rma_approver,sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        cls.user_stock = new_test_user(cls.env, login="rma_stock", groups="stock.group_stock_user")

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    @classmethod
    def _put_in_stock(cls, product, qty, lot=None, location=None):
        cls.env["stock.quant"]._update_available_quantity(
            product, location or cls.stock_loc, qty, lot_id=lot
        )

    @classmethod
    def _deliver(cls, partner, lines):
        """Confirmed and fully delivered sale order. ``lines`` is a list of
        (product, qty, lot)."""
        for product, qty, lot in lines:
            cls._put_in_stock(product, qty, lot)
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty, _lot in lines
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        for move, (_product, qty, lot) in zip(picking.move_ids.sorted("id"), lines, strict=False):
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(
                    {
                        "product_id": move.product_id.id,
                        "lot_id": lot.id if lot else False,
                        "quantity": qty,
                        "location_id": cls.stock_loc.id,
                        "location_dest_id": cls.customer_loc.id,
                        "picking_id": picking.id,
                    }
                )
            ]
            move.picked = True
        picking._action_done()
        return order

    @classmethod
    def _deliver_lots(cls, partner, product, lot_quantities):
        """One sale line of ``product`` delivered as several lots in one move
        (one move line per lot); ``lot_quantities`` is [(lot, qty)]."""
        for lot, qty in lot_quantities:
            cls._put_in_stock(product, qty, lot)
        total = sum(qty for _lot, qty in lot_quantities)
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": total})
                ],
            }
        )
        order.action_confirm()
        move = order.picking_ids.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "quantity": qty,
                    "location_id": cls.stock_loc.id,
                    "location_dest_id": cls.customer_loc.id,
                    "picking_id": move.picking_id.id,
                }
            )
            for lot, qty in lot_quantities
        ]
        move.picked = True
        order.picking_ids._action_done()
        return order

    def _create_rma(self, order, user=None, criteria=True, **header):
        """RMA from the sale order button, with the conditions ticked."""
        env_order = order.with_user(user) if user else order
        action = env_order.action_create_rma()
        rma = self.env["factory.rma"].browse(action["res_id"])
        if header:
            rma.write(header)
        rma.line_ids.write(
            {
                "cond_original_packaging": True,
                "cond_accessories_complete": True,
                "cond_no_human_damage": True,
            }
        )
        if criteria:
            rma.criterion_b = True
        return rma

    def _set_line_qty(self, rma, qty):
        rma.line_ids.write({"quantity": qty})

    def _approve(self, rma):
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        if rma.state == "submitted":
            rma.with_user(self.user_gm).action_approve()
        self.assertEqual(rma.state, "approved")

    def _receipt(self, rma):
        return rma.picking_ids.filtered(
            lambda p: p.picking_type_id == self.warehouse.rma_in_type_id
        )

    def _validate(self, pickings, user=None, quantities=None, backorder=True):
        """Validate pickings as ``user`` (default: the stock user without
        RMA rights). ``quantities``: {move: qty} for partial transfers."""
        for picking in pickings:
            picking = picking.with_user(user or self.user_stock)
            for move in picking.move_ids:
                if quantities and move in quantities:
                    move.quantity = quantities[move]
                move.picked = True
            res = picking.button_validate()
            if isinstance(res, dict) and res.get("res_model") == "stock.backorder.confirmation":
                wizard = Form(
                    self.env["stock.backorder.confirmation"]
                    .with_user(user or self.user_stock)
                    .with_context(**res["context"])
                ).save()
                if backorder:
                    wizard.process()
                else:
                    wizard.process_cancel_backorder()

    def _receive(self, rma, user=None):
        self._validate(
            self._receipt(rma).filtered(lambda p: p.state not in ("done", "cancel")), user
        )

    def _decide(self, rma, outcome, destination=None, lines=None):
        for line in lines or rma.line_ids:
            vals = {"decided_outcome": outcome}
            if destination:
                vals["destination"] = destination
            line.with_user(self.user_cs).write(vals)

    @staticmethod
    def _rma_vals_on_move(move, quantity=1, product=None):
        """Values of an RMA of the move's sale order returning ``quantity``
        of the delivery ``move``, the conditions ticked (batch, budget and
        procurement tests)."""
        order = move.sale_line_id.order_id
        return {
            "partner_id": order.partner_id.id,
            "sale_order_id": order.id,
            "criterion_b": True,
            "line_ids": [
                Command.create(
                    {
                        "product_id": (product or move.product_id).id,
                        "quantity": quantity,
                        "move_id": move.id,
                        "sale_line_id": move.sale_line_id.id,
                        "cond_original_packaging": True,
                        "cond_accessories_complete": True,
                        "cond_no_human_damage": True,
                    }
                )
            ],
        }

    def _make_submitted_rmas(self, count, order, product=None):
        """``count`` submitted one-unit RMAs on the first delivery move of
        ``order`` (batch and query-budget tests)."""
        move = order.picking_ids.move_ids[:1]
        rmas = self.env["factory.rma"].create(
            [self._rma_vals_on_move(move, product=product) for _i in range(count)]
        )
        rmas.action_submit()
        self.env.flush_all()
        self.env.invalidate_all()
        return rmas

    def _validate_all(self, pickings):
        """Validate many pickings at once as the stock user (batch tests)."""
        pickings = pickings.with_user(self.user_stock)
        pickings.move_ids.picked = True
        pickings.button_validate()

    def _count_queries(self, func):
        """Queries ``func`` issues, caches flushed and emptied before."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _qty(self, product, location, lot=None):
        quants = self.env["stock.quant"]._gather(product, location, lot_id=lot, strict=True)
        return sum(quants.mapped("quantity"))

    def _pickings_of_kind(self, rma, kind):
        return rma.line_ids.move_ids.filtered(lambda m: m.rma_move_kind == kind).picking_id

    @staticmethod
    def _today():
        return fields.Date.today()

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def _assert_sees_rma_menu(self, user):
        """``user`` finds RMA → Returns → RMAs in the web client's menus."""
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        xmlids = {menu.get("xmlid") for menu in menus.values()}
        self.assertIn("rma_factory.menu_rma_root", xmlids)
        self.assertIn("rma_factory.menu_factory_rma", xmlids)

    def _open_rma_as(self, user, rma):
        """What the web client reads when ``user`` opens the RMA list, then
        ``rma``'s form (its one2many lists included), then one of its lines:
        every field of these views, as ``user``. Returns the form."""
        Rma = self.env["factory.rma"].with_user(user)
        self.env.invalidate_all()
        for view_type in ("list", "kanban"):
            arch = etree.fromstring(Rma.get_views([(False, view_type)])["views"][view_type]["arch"])
            names = {node.get("name") for node in arch.iter("field")}
            rows = Rma.web_search_read([("id", "=", rma.id)], {name: {} for name in names})
            self.assertEqual(rows["length"], 1, f"{user.login} finds the RMA in the {view_type}")
        form = Form(rma.with_user(user))
        arch = etree.fromstring(Rma.get_views([(False, "form")])["views"]["form"]["arch"])
        line_form = arch.xpath("//field[@name='line_ids']/form")[0]
        line_fields = [node.get("name") for node in line_form.iter("field")]
        self.assertTrue(rma.line_ids.with_user(user).read(line_fields))
        self.env.invalidate_all()
        return form

    @staticmethod
    def _view_buttons(user, model, view_type="form"):
        """Names of the buttons of ``model``'s view that ``user`` is shown."""
        views = model.with_user(user).get_views([(False, view_type)])
        arch = etree.fromstring(views["views"][view_type]["arch"])
        return {node.get("name") for node in arch.iter("button")}
