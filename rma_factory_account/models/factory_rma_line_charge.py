from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class FactoryRmaLine(models.Model):
    """Invoice lines of the charges made from an RMA line.

    Dealer charge-back, concession, deposit applied to the replacement and
    unreturned spare part.
    """

    _inherit = "factory.rma.line"

    def _prepare_dealer_charge_line_vals(self, qty):
        """Charge-back of ``qty`` replaced units to the dealer judged
        responsible, at the original (net) sale price and taxes, on the
        service product "RMA charge" so that no cost of goods is booked."""
        self.ensure_one()
        rma = self.rma_id
        origin = self._origin_invoice_lines()[:1]
        taxes = origin.tax_ids or self.sale_line_id.tax_id
        return {
            "product_id": rma._charge_product("dealer").id,
            "name": _(
                "%(rma)s: replacement of %(qty)s %(product)s (dealer responsible)",
                rma=rma.name,
                qty=qty,
                product=self.product_id.display_name,
            ),
            "quantity": qty,
            "price_unit": self.price_unit,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "rma_line_id": self.id,
            "rma_charge_type": "dealer",
        }

    def _is_concession(self):
        """Whether the line grants an amount instead of taking goods back."""
        self.ensure_one()
        return (
            self.decided_outcome == "concession"
            and self.rma_id.rma_type == "complaint"
            and not self.currency_id.is_zero(self.concession_amount)
        )

    def _concession_credit_lines(self, state=None):
        """Non-cancelled (or only ``state``) credit lines of the concession."""
        self.ensure_one()
        return self.credit_line_ids.filtered(
            lambda x: (
                x.rma_charge_type == "concession"
                and x.move_type == "out_refund"
                and (x.parent_state == state if state else x.parent_state != "cancel")
            )
        )

    @api.model
    def _credited_amount_by_invoice_line(self, invoice_lines):
        """Untaxed amount (invoice currency) already credited on each
        invoice line by non-cancelled RMA credit lines, goods or concessions."""
        refunds = self.env["account.move.line"].search(
            [
                ("move_id.move_type", "=", "out_refund"),
                ("parent_state", "!=", "cancel"),
                ("rma_origin_line_id", "in", invoice_lines.ids),
            ]
        )
        credited = defaultdict(float)
        for refund in refunds:
            credited[refund.rma_origin_line_id.id] += refund.price_subtotal
        return credited

    def _concession_origin_line(self):
        """Invoice line the concession reduces: the first of the goods'
        invoice lines with enough amount left, none when the goods' invoice
        is not known. A concession above what is left is refused."""
        self.ensure_one()
        invoice_lines = self._origin_invoice_lines()
        if not invoice_lines:
            return invoice_lines
        credited = self._credited_amount_by_invoice_line(invoice_lines)
        left = 0.0
        for inv_line in invoice_lines:
            left = inv_line.price_subtotal - credited[inv_line.id]
            if inv_line.currency_id.compare_amounts(left, self.concession_amount) >= 0:
                return inv_line
        raise UserError(
            _(
                "The concession of %(amount)s on %(product)s is more than the %(left)s left "
                "to credit on its invoice.",
                amount=self.concession_amount,
                product=self.product_id.display_name,
                left=max(left, 0.0),
            )
        )

    def _prepare_concession_credit_line_vals(self, invoice_line):
        """Price-only credit line of a concession: quantity 1 at the granted
        amount, on the service product "RMA concession" so that no stock or
        cost is touched and the sale line's invoiced quantity stays; taxes,
        account and analytic of the goods' invoice line when known, else the
        goods' income account and taxes."""
        self.ensure_one()
        rma = self.rma_id
        if invoice_line:
            taxes = invoice_line.tax_ids
            account = invoice_line.account_id
            analytic = invoice_line.analytic_distribution
        else:
            product = self.product_id.with_company(self.company_id)
            fpos = self.env["account.fiscal.position"]._get_fiscal_position(
                rma.partner_id.commercial_partner_id
            )
            taxes = fpos.map_tax(
                product.taxes_id.filtered(lambda t: t.company_id in self.company_id.parent_ids)
            )
            account = fpos.map_account(product.product_tmpl_id.get_product_accounts()["income"])
            analytic = False
        return {
            "product_id": self.env.ref("rma_factory_account.product_rma_concession").id,
            "name": _(
                "%(rma)s: concession on %(product)s (no return)",
                rma=rma.name,
                product=self.product_id.display_name,
            ),
            "quantity": 1.0,
            "price_unit": self.concession_amount,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "account_id": account.id,
            "analytic_distribution": analytic,
            "rma_line_id": self.id,
            "rma_origin_line_id": invoice_line.id,
            "rma_charge_type": "concession",
        }

    def _origin_taxes(self):
        """Taxes the goods were sold with: the invoice line's, else the sale line's."""
        self.ensure_one()
        return self._origin_invoice_lines()[:1].tax_ids or self.sale_line_id.tax_id

    def _prepare_deposit_invoice_line_vals(self):
        """Invoice line of the replacement the deposit pays for: the replaced
        quantity (the whole line while the replacement is on its way) at the
        original net price and taxes, on the service product "RMA charge"
        so that no cost of goods is booked twice."""
        self.ensure_one()
        rma = self.rma_id
        qty = self.qty_replaced or self.quantity
        return {
            "product_id": rma._charge_product("dealer").id,
            "name": _(
                "%(rma)s: replacement of %(qty)s %(product)s paid by the deposit",
                rma=rma.name,
                qty=qty,
                product=self.product_id.display_name,
            ),
            "quantity": qty,
            "price_unit": self.price_unit,
            "tax_ids": [fields.Command.set(self._origin_taxes().ids)],
            "rma_line_id": self.id,
            "rma_charge_type": "deposit",
        }

    def _spare_product(self):
        self.ensure_one()
        return self.replacement_product_id or self.product_id

    def _qty_spare_to_charge(self):
        """Spare parts shipped whose defective part did not come back and
        that are not charged yet."""
        self.ensure_one()
        charged = sum(
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("rma_line_id", "=", self.id),
                    ("rma_charge_type", "=", "spare_part"),
                    ("parent_state", "!=", "cancel"),
                ]
            )
            .mapped("quantity")
        )
        qty = min(self.qty_replaced, self.quantity) - self.qty_received - charged
        if float_compare(qty, 0.0, precision_rounding=self._qty_rounding()) <= 0:
            return 0.0
        return qty

    def _prepare_spare_part_charge_line_vals(self):
        """Invoice line of the unreturned spare part: the goods' original
        price and taxes when the spare part is the product itself, else the
        spare part's sale price and taxes (fiscal position applied)."""
        self.ensure_one()
        rma = self.rma_id
        product = self._spare_product()
        qty = self._qty_spare_to_charge()
        if product == self.product_id:
            price = self.price_unit
            taxes = self._origin_taxes()
        else:
            product = product.with_company(self.company_id)
            fpos = self.env["account.fiscal.position"]._get_fiscal_position(
                rma.partner_id.commercial_partner_id
            )
            # the spare part's sales price, in the RMA's currency
            price = self.company_id.currency_id._convert(
                product.lst_price,
                rma.currency_id,
                self.company_id,
                fields.Date.context_today(self),
                round=False,
            )
            taxes = fpos.map_tax(
                product.taxes_id.filtered(lambda t: t.company_id in self.company_id.parent_ids)
            )
        return {
            "product_id": product.id,
            "name": _(
                "%(rma)s: %(qty)s %(product)s shipped as spare part, defective part not returned",
                rma=rma.name,
                qty=qty,
                product=product.display_name,
            ),
            "quantity": qty,
            "price_unit": price,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "rma_line_id": self.id,
            "rma_charge_type": "spare_part",
        }

    def _cancel_open_receipts(self):
        """Cancel the receipt moves still waiting for the charged parts."""
        moves = self.move_ids.filtered(
            lambda m: m.rma_move_kind == "receipt" and m.state not in ("done", "cancel")
        )
        if moves:
            moves.sudo()._action_cancel()
