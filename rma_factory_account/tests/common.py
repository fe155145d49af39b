from odoo import Command, fields
from odoo.tests import Form, new_test_user

from odoo.addons.rma_factory.tests.common import RmaCommon


class RmaAccountCommon(RmaCommon):
    """RMA fixture plus a 13% sales tax on the products (SEED §5.0) and
    helpers that invoice orders and take RMAs through to the credit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax13 = cls.env["account.tax"].create(
            {"name": "VAT 13%", "amount": 13.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        (cls.mould | cls.connector).write({"taxes_id": [Command.set(cls.tax13.ids)]})
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        # accounting posts and pays: an accountant without RMA groups, and an
        # RMA Manager who is an accountant too (the deposit buttons are the
        # RMA Manager's)
        cls.user_accountant = new_test_user(
            cls.env, login="rma_accountant", groups="account.group_account_invoice"
        )
        cls.user_mgr_acc = new_test_user(
            cls.env,
            login="rma_mgr_acc",
            groups="rma_factory.group_rma_manager,account.group_account_invoice,"
            "sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )

    def _invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def _run_refund(self, rma, outcome="refund", destination=None):
        """Approve, receive, judge and route an RMA whose lines are credited."""
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, outcome, destination)
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        return rma

    def _refund_rma(self, order, qty, outcome="refund"):
        rma = self._create_rma(order)
        rma.line_ids.quantity = qty
        return self._run_refund(rma, outcome)

    def _freight_rma(self, payer, amount, percent=None):
        """Refunded RMA of 2 invoiced connectors with ``amount`` of freight
        paid by ``payer`` (and the customer's ``percent`` of it)."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._create_rma(order, freight_payer=payer)
        rma.line_ids.quantity = 2
        rma.freight_amount = amount
        if percent is not None:
            rma.freight_customer_percent = percent
        return self._run_refund(rma)

    def _pay(self, invoice, amount=None, journal=None):
        ctx = {"active_model": "account.move", "active_ids": invoice.ids}
        with Form(self.env["account.payment.register"].with_context(**ctx)) as wizard:
            wizard.journal_id = journal or self.bank_journal
            if amount is not None:
                wizard.amount = amount
        return wizard.record._create_payments()

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(lambda x: x.account_id.account_type == "asset_receivable")

    def _eur(self, rate):
        """EUR active at ``rate`` EUR per unit of company currency today, and
        the pricelist that sells in it."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].search(
            [("currency_id", "=", eur.id), ("company_id", "in", [self.company.id, False])]
        ).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": rate, "name": fields.Date.today()}
        )
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        return eur, pricelist

    @staticmethod
    def _set_rate(currency, rate):
        currency.rate_ids.filtered(lambda r: r.name == fields.Date.today()).rate = rate
