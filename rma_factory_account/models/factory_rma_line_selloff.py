from odoo import _, fields, models


class FactoryRmaLine(models.Model):
    """Sold-off defective goods in the accounts: the write-down of the units
    sold is released against the cost of the goods sold when the buyer's
    invoice is posted, so that revenue meets the written-down value."""

    _inherit = "factory.rma.line"

    def _selloff_release_amount(self, qty):
        """Write-down (company currency) of ``qty`` units (product unit) of
        the line's defective goods: the posted loss per written-down unit."""
        self.ensure_one()
        written_qty = self._writedown_qty()
        if not written_qty:
            return 0.0
        unit = self.writedown_amount / written_qty
        return self.company_id.currency_id.round(unit * min(qty, written_qty))

    def _prepare_selloff_release_move_vals(self, invoice, amount, qty):
        """Journal entry releasing ``amount`` of write-down for the ``qty``
        units sold on ``invoice``: Dr allowance (or stock valuation) / Cr
        the product's expense (cost of goods sold) account, tagged with the
        RMA line and the responsibility analytic account."""
        self.ensure_one()
        _loss, allowance, journal = self._writedown_accounts()
        accounts = self.product_id.product_tmpl_id.with_company(
            self.company_id
        ).get_product_accounts()
        expense = accounts["expense"]
        label = _(
            "%(rma)s: write-down of %(qty)s %(product)s sold off on %(invoice)s",
            rma=self.rma_id.name,
            qty=qty,
            product=self.product_id.display_name,
            invoice=invoice.name,
        )
        common = {
            "name": label,
            "partner_id": invoice.commercial_partner_id.id,
            "product_id": self.product_id.id,
            "quantity": qty,
            "rma_line_id": self.id,
        }
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "date": invoice.invoice_date or fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.rma_id.id,
            "rma_selloff_invoice_id": invoice.id,
            "line_ids": [
                fields.Command.create(dict(common, account_id=allowance.id, balance=amount)),
                fields.Command.create(
                    dict(
                        common,
                        account_id=expense.id,
                        balance=-amount,
                        analytic_distribution=self._rma_analytic_distribution() or False,
                    )
                ),
            ],
        }
