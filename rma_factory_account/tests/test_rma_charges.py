from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaCharges(RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.charge_product = cls.env.ref("rma_factory_account.product_rma_charge")
        cls.freight_product = cls.env.ref("rma_factory_account.product_rma_freight")
        cls.pin = cls.env["product.product"].create(
            {
                "name": "Insert pin",
                "type": "consu",
                "list_price": 20.0,
                "invoice_policy": "order",
                "taxes_id": [Command.set(cls.tax13.ids)],
            }
        )
        cls.labour = cls.env["product.product"].create(
            {
                "name": "Repair labour (hour)",
                "type": "service",
                "list_price": 50.0,
                "invoice_policy": "order",
                "taxes_id": [Command.set(cls.tax13.ids)],
            }
        )

    def _income_lines(self, move):
        return move.line_ids.filtered(lambda x: x.display_type == "product")

    def test_dealer_charge_back_after_replenish_first(self):
        """AS-03: 6 × C-20 replaced first, dealer judged responsible →
        invoice 6 × 15 = 90 + 11.70 = 101.70 on the service product."""
        order = self._deliver(self.dealer_a, [(self.connector, 6, None)])
        self._pay(self._invoice(order))
        rma = self._create_rma(order, replenish_first=True)
        rma.line_ids.requested_outcome = "replace"
        self._put_in_stock(self.connector, 6)
        self._approve(rma)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        rma.line_ids.write({"responsibility": "dealer"})
        self.assertEqual(rma.line_ids.service_charge, "charged")
        self._decide(rma, "replace", "defective")
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        rma.action_create_charge_invoice()
        charge = rma.charge_invoice_ids
        self.assertEqual(len(charge), 1)
        self.assertFalse(rma.credit_note_ids, "no credit note")
        self.assertEqual(charge.partner_id, self.dealer_a)
        self.assertEqual(charge.invoice_origin, rma.name)
        line = charge.invoice_line_ids
        self.assertEqual(line.product_id, self.charge_product)
        self.assertEqual(line.quantity, 6)
        self.assertAlmostEqual(line.price_unit, 15.0)
        self.assertEqual(line.tax_ids, self.tax13)
        self.assertEqual(line.rma_line_id, rma.line_ids)
        charge.action_post()
        self.assertAlmostEqual(charge.amount_untaxed, 90.0)
        self.assertAlmostEqual(charge.amount_tax, 11.7)
        self.assertAlmostEqual(self._receivable(charge).debit, 101.7)
        self.assertAlmostEqual(self._income_lines(charge).credit, 90.0)
        stock_accounts = self.connector.product_tmpl_id.get_product_accounts()
        self.assertFalse(
            charge.line_ids.filtered(
                lambda x: (
                    x.account_id in (stock_accounts["stock_output"] | stock_accounts["expense"])
                )
            ),
            "service product: no cost of goods",
        )
        self.assertEqual(rma.line_ids.qty_credited, 0)
        with self.assertRaises(UserError):
            rma.action_create_charge_invoice()  # second click
        self.assertEqual(len(rma.charge_invoice_ids), 1)
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertEqual(order.order_line.qty_invoiced, 6)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(rma.state, "done")

    def test_paid_repair_invoice_from_the_repair_quotation(self):
        """AS-06: customer-caused, agreed, repaired with 2 pins at 20 and
        1 h labour at 50 → invoice 90 + 11.70 = 101.70 linked to the RMA."""
        order = self._deliver(self.dealer_b, [(self.mould, 2, self.lot2)])
        self._invoice(order)
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        self._approve(rma)
        self._receive(rma)
        rma.line_ids.write({"responsibility": "customer"})
        self._decide(rma, "repair")
        rma.line_ids.with_user(self.user_cs).action_record_customer_agreement()
        rma.action_judge()
        rma.action_process()
        repair = rma.repair_ids
        self.assertFalse(repair.under_warranty)
        with Form(repair) as form, form.move_ids.new() as move:
            move.product_id = self.pin
            move.product_uom_qty = 2
        rma.action_create_repair_quotation()
        quotation = repair.sale_order_id
        self.assertTrue(quotation)
        self.assertEqual(quotation.origin, rma.name)
        self.assertEqual(quotation.partner_id, self.dealer_b)
        quotation.order_line = [Command.create({"product_id": self.labour.id})]
        self.assertAlmostEqual(quotation.amount_untaxed, 90.0)
        quotation.action_confirm()
        repair.action_repair_start()
        repair.action_repair_end()
        invoice = quotation._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.rma_id, rma)
        self.assertEqual(rma.charge_invoice_ids, invoice)
        self.assertAlmostEqual(invoice.amount_untaxed, 90.0)
        self.assertAlmostEqual(invoice.amount_tax, 11.7)
        self.assertAlmostEqual(self._receivable(invoice).debit, 101.7)
        self.assertFalse(rma.credit_note_ids, "no credit note")
        self.assertEqual(order.order_line.qty_invoiced, 2)
        with self.assertRaises(UserError):
            rma.action_create_repair_quotation()  # already quoted

    def test_freight_split_half_and_half(self):
        """AS-25: quality return, freight 40 shared 50/50: customer charged
        20, company cost 20 on the RMA."""
        rma = self._freight_rma("company", 40.0, percent=50.0)
        self.assertAlmostEqual(rma.freight_customer_amount, 20.0)
        self.assertAlmostEqual(rma.freight_company_cost, 20.0)
        rma.action_create_charge_invoice()
        charge = rma.charge_invoice_ids
        self.assertEqual(charge.partner_id, self.customer_c)
        self.assertEqual(charge.invoice_line_ids.product_id, self.freight_product)
        self.freight_product.taxes_id = self.tax13
        charge.invoice_line_ids._compute_tax_ids()
        charge.action_post()
        self.assertEqual(charge.invoice_line_ids.tax_ids, self.tax13, "tax of the freight product")
        self.assertAlmostEqual(charge.amount_untaxed, 20.0)
        self.assertAlmostEqual(charge.amount_total, 22.6)
        self.assertAlmostEqual(self._receivable(charge).debit, 22.6)
        with self.assertRaises(UserError):
            rma.action_create_charge_invoice()

    def test_freight_paid_by_customer_or_company(self):
        customer = self._freight_rma("customer", 40.0)
        self.assertEqual(customer.freight_customer_percent, 100.0)
        customer.action_create_charge_invoice()
        self.assertAlmostEqual(customer.charge_invoice_ids.amount_untaxed, 40.0)
        self.assertAlmostEqual(customer.freight_company_cost, 0.0)
        company = self._freight_rma("company", 40.0)
        self.assertAlmostEqual(company.freight_company_cost, 40.0)
        with self.assertRaises(UserError):
            company.action_create_charge_invoice()
        self.assertFalse(company.charge_invoice_ids)

    def test_freight_split_from_the_core_payer(self):
        """The core's "split" payer and customer share drive the charge."""
        if "freight_split_percent" not in self.env["factory.rma"]._fields:
            self.skipTest("this core has no split freight payer")
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._create_rma(order)
        rma.write({"freight_payer": "split", "freight_split_percent": 50.0, "freight_amount": 40})
        self.assertEqual(rma.freight_customer_percent, 50.0)
        self.assertAlmostEqual(rma.freight_customer_amount, 20.0)
        self.assertAlmostEqual(rma.freight_company_cost, 20.0)
        rma.line_ids.quantity = 2
        self._run_refund(rma)
        rma.action_create_charge_invoice()
        self.assertAlmostEqual(rma.charge_invoice_ids.amount_untaxed, 20.0)

    def test_dealer_pays_freight_with_the_charge_back(self):
        """AS-25: the dealer judged responsible pays the freight too, on the
        same invoice as the charge-back."""
        order = self._deliver(self.dealer_a, [(self.connector, 4, None)])
        self._invoice(order)
        rma = self._create_rma(order, replenish_first=True)
        rma.line_ids.requested_outcome = "replace"
        self._put_in_stock(self.connector, 4)
        self._approve(rma)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        rma.line_ids.write({"responsibility": "dealer"})
        rma.write({"freight_payer": "dealer", "freight_amount": 30.0})
        self.assertEqual(rma.freight_customer_percent, 100.0)
        self.assertAlmostEqual(rma.freight_company_cost, 0.0)
        self._decide(rma, "replace", "defective")
        rma.action_judge()
        rma.action_process()
        rma.action_create_charge_invoice()
        charge = rma.charge_invoice_ids
        self.assertEqual(len(charge), 1)
        self.assertEqual(charge.partner_id, self.dealer_a)
        lines = charge.invoice_line_ids
        self.assertEqual(
            sorted(lines.mapped("rma_charge_type")), ["dealer", "freight"], "one invoice"
        )
        self.assertAlmostEqual(
            lines.filtered(lambda x: x.rma_charge_type == "dealer").price_subtotal, 60.0
        )
        self.assertAlmostEqual(
            lines.filtered(lambda x: x.rma_charge_type == "freight").price_subtotal, 30.0
        )
        self.assertAlmostEqual(charge.amount_untaxed, 90.0)

    def test_freight_guards(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        with self.assertRaises(ValidationError):
            rma.freight_amount = -5.0
        with self.assertRaises(ValidationError):
            rma.write({"freight_amount": 10.0, "freight_customer_percent": 120.0})
        self.assertEqual(rma.freight_amount, 0.0)
