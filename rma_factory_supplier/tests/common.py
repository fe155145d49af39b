from datetime import datetime

from odoo import Command
from odoo.tests import Form, new_test_user

from odoo.addons.rma_factory_quality.tests.common import QualityCommon


class SupplierCommon(QualityCommon):
    """SEED §5.0 with the supplier side: P-5 power supplies (lot-tracked,
    cost 30) bought from PowerCo on a purchase order, received as lot LP1,
    billed with 13 % input tax, 4 of them sold to Dealer B and returned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier.write({"email": "quality@powerco.example", "is_company": True})
        cls.purchase_tax = cls.env["account.tax"].create(
            {
                "name": "Input VAT 13%",
                "amount": 13.0,
                "amount_type": "percent",
                "type_tax_use": "purchase",
            }
        )
        cls.power = cls.env["product.product"].create(
            {
                "name": "P-5 power supply",
                "default_code": "P-5",
                "is_storable": True,
                "tracking": "lot",
                "categ_id": cls.categ.id,
                "list_price": 50.0,
                "standard_price": 30.0,
                "invoice_policy": "delivery",
                "purchase_method": "receive",
                "supplier_taxes_id": [Command.set(cls.purchase_tax.ids)],
                "seller_ids": [Command.create({"partner_id": cls.supplier.id, "price": 30.0})],
            }
        )
        cls.user_accountant = new_test_user(
            cls.env, login="rma_sup_accountant", groups="account.group_account_invoice"
        )
        cls.user_qm.write({"email": "qm@example.com"})
        cls.user_qi.write({"email": "qi@example.com"})
        cls.vendor_loc = cls.supplier.property_stock_supplier

    @classmethod
    def _purchase(cls, qty, lot_name, price=30.0):
        """Confirmed purchase order of ``qty`` P-5, received as lot
        ``lot_name`` into WH/Stock and billed (posted)."""
        order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.supplier.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.power.id, "product_qty": qty, "price_unit": price}
                    )
                ],
            }
        )
        order.button_confirm()
        receipt = order.picking_ids
        move = receipt.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": cls.power.id,
                    "lot_name": lot_name,
                    "quantity": qty,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
        ]
        move.picked = True
        receipt._action_done()
        order.action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = datetime(2026, 1, 5).date()
        bill.action_post()
        lot = move.move_line_ids.lot_id
        return order, bill, lot

    def _deliver_from_stock(self, partner, product, qty, lot):
        """Sale order of ``qty`` delivered from the stock already in WH/Stock."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
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
                    "location_id": self.stock_loc.id,
                    "location_dest_id": self.customer_loc.id,
                }
            )
        ]
        move.picked = True
        order.picking_ids._action_done()
        return order

    def _supplier_judged_rma(self, order, qty=None):
        """RMA of ``order`` received, inspected (supplier PowerCo responsible,
        refund, defective store) and its goods routed to RMA/Defective."""
        rma = self._create_rma(order)
        if qty:
            rma.line_ids.quantity = qty
        rma.line_ids.write({"requested_outcome": "refund"})
        self._approve(rma)
        self._receive(rma)
        inspection = self._inspect(
            rma.inspection_ids,
            [(self.d_function, 1)],
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            verdict="confirmed",
            responsibility="supplier",
            responsible_partner_id=self.supplier.id,
        )
        inspection.action_done()
        self._validate(self._pickings_of_kind(rma, "routing"))
        return rma

    def _open_return(self, line, user=None):
        action = line.with_user(user or self.user_qi).action_return_to_supplier()
        return self.env["factory.rma.supplier.return"].browse(action["res_id"])

    def _send_with_composer(self, record, action, user):
        composer = Form(
            self.env["mail.compose.message"].with_user(user).with_context(**action["context"])
        ).save()
        composer.action_send_mail()
        return record

    def _defective_lines(self, order, lot, count):
        """Lines of ``count`` one-unit RMAs of ``lot`` delivered by ``order``,
        judged a refund by hand (inspections off) and routed to
        RMA/Defective, made as a list (batch and query-budget tests)."""
        move = order.picking_ids.move_ids
        rmas = self.env["factory.rma"].create(
            [
                {
                    "partner_id": self.dealer_b.id,
                    "sale_order_id": order.id,
                    "criterion_b": True,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.power.id,
                                "lot_id": lot.id,
                                "quantity": 1,
                                "move_id": move.id,
                                "sale_line_id": move.sale_line_id.id,
                                "cond_original_packaging": True,
                                "cond_accessories_complete": True,
                                "cond_no_human_damage": True,
                            }
                        )
                    ],
                }
                for _i in range(count)
            ]
        )
        rmas.action_submit()
        rmas.with_user(self.user_mgr).action_approve()
        receipts = rmas.picking_ids
        self._validate_all(receipts)
        rmas.line_ids.with_user(self.user_cs).write(
            {"decided_outcome": "refund", "destination": "defective"}
        )
        rmas.with_user(self.user_cs).action_judge()
        rmas.with_user(self.user_cs).action_process()
        self._validate_all(rmas.picking_ids - receipts)
        self.assertEqual(set(rmas.mapped("state")), {"done"})
        self.env.flush_all()
        self.env.invalidate_all()
        return rmas.line_ids
