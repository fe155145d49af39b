from odoo import Command
from odoo.tests import Form

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
