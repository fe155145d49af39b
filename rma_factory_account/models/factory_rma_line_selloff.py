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

    def _selloff_released_amount(self):
        """Write-down (company currency) released so far by the posted
        entries of the invoices and credit notes of the line's sold-off
        goods (restorations negative)."""
        self.ensure_one()
        entries = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("rma_selloff_invoice_id", "!=", False),
                    ("state", "=", "posted"),
                    ("line_ids.rma_line_id", "=", self.id),
                ]
            )
        )
        return sum(entries.mapped("rma_selloff_amount"))

    def _prepare_selloff_release_move_vals(self, invoice, amount, qty):
        """Journal entry releasing ``amount`` of write-down for the ``qty``
        units sold on ``invoice``: Dr allowance (or stock valuation) / Cr
        the product's expense (cost of goods sold) account, tagged with the
        RMA line and the responsibility analytic account. A negative
        ``amount`` restores the allowance: ``invoice`` is a credit note of
        the goods, or a document reset to draft whose release is withdrawn."""
        self.ensure_one()
        _loss, allowance, journal = self._writedown_accounts()
        accounts = self.product_id.product_tmpl_id.with_company(
            self.company_id
        ).get_product_accounts()
        expense = accounts["expense"]
        values = {
            "rma": self.rma_id.name,
            "qty": qty,
            "product": self.product_id.display_name,
            "invoice": invoice.name,
        }
        if invoice.state != "posted":
            label = _("%(rma)s: write-down release of %(invoice)s withdrawn", **values)
        elif amount < 0:
            label = _(
                "%(rma)s: write-down of %(qty)s %(product)s restored by %(invoice)s", **values
            )
        else:
            label = _(
                "%(rma)s: write-down of %(qty)s %(product)s sold off on %(invoice)s", **values
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
            "date": (invoice.state == "posted" and invoice.invoice_date)
            or fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.rma_id.id,
            "rma_selloff_invoice_id": invoice.id,
            "rma_selloff_amount": amount,
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
