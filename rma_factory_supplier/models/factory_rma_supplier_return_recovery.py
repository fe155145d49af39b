from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .factory_rma_supplier_return import RETURN_GROUPS

ACCOUNTING_GROUP = "account.group_account_invoice"
RMA_USER = "rma_factory.group_rma_user"
#: who prepares the vendor credit and debit notes (drafts): customer
#: service and accounting; only accounting posts them (Odoo's own button).
RECOVERY_GROUPS = [RMA_USER, ACCOUNTING_GROUP]


class FactoryRmaSupplierReturn(models.Model):
    """Cost recovery from the vendor: a credit note for the returned goods
    priced from the vendor bill, a debit note for the costs (freight,
    sorting, rework at the policy's rates), or replacement goods received
    back into stock."""

    _inherit = "factory.rma.supplier.return"

    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", string="Purchase Currency"
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    cost_freight = fields.Monetary(
        "Freight to Charge",
        currency_field="company_currency_id",
        help="Freight of the return charged to the vendor, in company currency.",
    )
    cost_sorting_qty = fields.Float(
        "Units Sorted",
        digits="Product Unit of Measure",
        help="Units sorted because of the vendor's defect, charged at the policy's sorting rate.",
    )
    cost_rework_hours = fields.Float(
        "Rework Hours", help="Rework caused by the vendor's defect, charged at the policy's rate."
    )
    vendor_move_ids = fields.One2many(
        "account.move",
        "rma_supplier_return_id",
        "Vendor Documents",
        readonly=True,
        groups="account.group_account_invoice",
    )
    credit_note_count = fields.Integer(compute="_compute_recovery", compute_sudo=True)
    qty_credited = fields.Float(
        "Credited by Vendor",
        compute="_compute_recovery",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    recovery_amount = fields.Monetary(
        "Recovered",
        compute="_compute_recovery",
        compute_sudo=True,
        currency_field="company_currency_id",
        help="Posted vendor credit and debit notes of the return, in company currency.",
    )

    @api.depends("purchase_line_id.currency_id", "company_id")
    def _compute_currency_id(self):
        for sreturn in self:
            sreturn.currency_id = (
                sreturn.purchase_line_id.currency_id or sreturn.company_id.currency_id
            )

    @api.depends(
        "vendor_move_ids.state",
        "vendor_move_ids.amount_total_signed",
        "vendor_move_ids.invoice_line_ids.quantity",
    )
    def _compute_recovery(self):
        for sreturn in self:
            moves = sreturn.vendor_move_ids.filtered(lambda m: m.state != "cancel")
            goods = moves.filtered(lambda m: m.rma_supplier_recovery == "goods")
            sreturn.credit_note_count = len(moves)
            sreturn.qty_credited = sum(
                line.product_uom_id._compute_quantity(line.quantity, sreturn.product_id.uom_id)
                for line in goods.invoice_line_ids
                if line.product_id == sreturn.product_id
            )
            sreturn.recovery_amount = sum(
                abs(m.amount_total_signed) for m in moves if m.state == "posted"
            )

    def _qty_to_recover(self):
        """Returned units neither credited nor replaced (or planned to be)."""
        self.ensure_one()
        return self.qty_returned - self.qty_credited - self.qty_replacement_planned

    def _check_recovery(self, action_label, groups=None):
        self._check_any_group(groups or RECOVERY_GROUPS, action_label)
        self._check_state(("confirmed", "done"), action_label)

    def _check_goods_to_recover(self):
        for sreturn in self:
            if (
                float_compare(
                    sreturn._qty_to_recover(),
                    0.0,
                    precision_rounding=sreturn.product_id.uom_id.rounding,
                )
                <= 0
            ):
                raise UserError(
                    _(
                        "%s: every returned unit is already credited or replaced by the vendor "
                        "(only goods that left for the vendor are recovered).",
                        sreturn.name,
                    )
                )

    # ------------------------------------------------------------------
    # Vendor credit note for the goods
    # ------------------------------------------------------------------
    def _vendor_bill_line(self):
        """The posted vendor bill line of the lot's purchase order line."""
        self.ensure_one()
        return (
            self.purchase_line_id.sudo()
            .invoice_lines.filtered(
                lambda line: (
                    line.move_id.move_type == "in_invoice" and line.parent_state == "posted"
                )
            )
            .sorted(lambda line: (line.move_id.invoice_date or line.move_id.date, line.id))[-1:]
        )

    def action_create_vendor_credit_note(self):
        """A draft vendor credit note for the returned units not yet
        credited or replaced, priced from the vendor bill line of the lot
        (else the purchase order line, else the vendor's price)."""
        self._check_recovery(_("create vendor credit notes"))
        self._lock_for_update()
        self._check_goods_to_recover()
        vals_by_return = {}
        for sreturn in self:
            qty = sreturn._qty_to_recover()
            vals = sreturn._prepare_vendor_credit_note_vals()
            vals["invoice_line_ids"] = [
                Command.create(sreturn._prepare_vendor_credit_line_vals(qty))
            ]
            vals_by_return[sreturn] = vals
        self._create_vendor_documents(vals_by_return, _("Vendor credit note"))
        return True

    def _create_vendor_documents(self, vals_by_return, label):
        """Create the draft vendor documents {return: values}, those of a
        company in one go, and tell each return's chatter."""
        Move = self.rma_id[:1]._rma_prepare_model("account.move")
        for company in self.company_id:
            returns = [r for r in vals_by_return if r.company_id == company]
            notes = Move.with_company(company).create([vals_by_return[r] for r in returns])
            for sreturn, note in zip(returns, notes, strict=True):
                sreturn._hand_over(note, label)

    def _prepare_vendor_credit_note_vals(self):
        self.ensure_one()
        bill = self._vendor_bill_line().move_id
        return {
            "move_type": "in_refund",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "currency_id": (bill.currency_id or self.currency_id).id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.purchase_line_id.order_id.name or self.name,
            "ref": _(
                "%(name)s: defective %(product)s returned",
                name=self.name,
                product=self.product_id.display_name,
            ),
            "reversed_entry_id": bill.id or False,
            "company_id": self.company_id.id,
            "rma_supplier_return_id": self.id,
            "rma_supplier_recovery": "goods",
        }

    def _prepare_recovery_item_vals(self):
        """What makes a line of a vendor credit or debit note a supplier
        recovery of the RMA line: the RMA cost ledger reads it (negative
        cost, borne by the supplier) and the item carries the supplier's
        analytic account of the "RMA Responsibility" plan."""
        self.ensure_one()
        line = self.line_id.sudo()
        return {
            "rma_line_id": line.id,
            "rma_cost_type": "supplier_recovery",
            "rma_cost_party": "supplier",
            "analytic_distribution": line._rma_analytic_distribution(),
        }

    def _prepare_vendor_credit_line_vals(self, qty):
        self.ensure_one()
        bill_line = self._vendor_bill_line()
        po_line = self.purchase_line_id.sudo()
        vals = {
            **self._prepare_recovery_item_vals(),
            "product_id": self.product_id.id,
            "name": _(
                "%(product)s returned (%(lot)s)",
                product=self.product_id.display_name,
                lot=self.lot_id.name or self.name,
            ),
            "quantity": qty,
            "product_uom_id": self.product_id.uom_id.id,
            "purchase_line_id": po_line.id or False,
        }
        if bill_line:
            price = bill_line.product_uom_id._compute_price(
                bill_line.price_unit, self.product_id.uom_id
            )
            vals.update(
                price_unit=price,
                discount=bill_line.discount,
                tax_ids=[Command.set(bill_line.tax_ids.ids)],
            )
        elif po_line:
            vals.update(
                price_unit=po_line.product_uom._compute_price(
                    po_line.price_unit, self.product_id.uom_id
                ),
                discount=po_line.discount,
                tax_ids=[Command.set(po_line.taxes_id.ids)],
            )
        else:
            seller = self.product_id._select_seller(partner_id=self.partner_id, quantity=qty)
            vals.update(
                price_unit=seller.price if seller else self.product_id.standard_price,
                tax_ids=[
                    Command.set(
                        self.product_id.supplier_taxes_id.filtered(
                            lambda t: t.company_id == self.company_id
                        ).ids
                    )
                ],
            )
        return vals

    def _hand_over(self, documents, label):
        """Vendor documents stay drafts: accounting posts them."""
        self.ensure_one()
        # the chatter records what the caller caused (accountants read returns only)
        self.sudo().message_post(
            author_id=self.env.user.partner_id.id,
            body=_(
                "%(documents)s prepared as draft, to be posted by accounting: %(names)s",
                documents=label,
                names=", ".join(documents.sudo().mapped("display_name")),
            ),
        )

    # ------------------------------------------------------------------
    # Debit note for the costs
    # ------------------------------------------------------------------
    def _cost_lines(self):
        """[(product, quantity, unit price)] of the costs charged back, in
        company currency."""
        self.ensure_one()
        policy = self.rma_id.sudo().policy_id
        ref = self.env.ref
        lines = []
        if not self.company_currency_id.is_zero(self.cost_freight):
            lines.append(
                (ref("rma_factory_supplier.product_supplier_freight"), 1.0, self.cost_freight)
            )
        if self.cost_sorting_qty > 0:
            lines.append(
                (
                    ref("rma_factory_supplier.product_supplier_sorting"),
                    self.cost_sorting_qty,
                    policy.supplier_sorting_rate,
                )
            )
        if self.cost_rework_hours > 0:
            lines.append(
                (
                    ref("rma_factory_supplier.product_supplier_rework"),
                    self.cost_rework_hours,
                    policy.supplier_rework_rate,
                )
            )
        return lines

    def action_create_vendor_debit_note(self):
        """A draft debit note (a vendor credit note of service lines) for
        the costs of the defect: freight, sorting and rework at the
        policy's rates. Once per return."""
        self._check_recovery(_("create vendor debit notes"))
        self._lock_for_update()
        vals_by_return = {}
        for sreturn in self:
            existing = sreturn.sudo().vendor_move_ids.filtered(
                lambda m: m.rma_supplier_recovery == "costs" and m.state != "cancel"
            )
            if existing:
                raise UserError(
                    _(
                        "%(name)s already has the debit note %(note)s.",
                        name=sreturn.name,
                        note=existing[0].sudo().display_name,
                    )
                )
            cost_lines = sreturn._cost_lines()
            if not cost_lines or any(price < 0 for _p, _q, price in cost_lines):
                raise UserError(
                    _(
                        "%s: enter the freight, the units sorted or the rework hours to "
                        "charge (and the policy's rates).",
                        sreturn.name,
                    )
                )
            vals = sreturn._prepare_vendor_debit_note_vals()
            vals["invoice_line_ids"] = [
                Command.create(sreturn._prepare_vendor_debit_line_vals(product, qty, price))
                for product, qty, price in cost_lines
            ]
            vals_by_return[sreturn] = vals
        self._create_vendor_documents(vals_by_return, _("Vendor debit note"))
        return True

    def _prepare_vendor_debit_note_vals(self):
        self.ensure_one()
        return {
            "move_type": "in_refund",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "currency_id": self.company_currency_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "ref": _("%(name)s: costs of the defect", name=self.name),
            "company_id": self.company_id.id,
            "rma_supplier_return_id": self.id,
            "rma_supplier_recovery": "costs",
        }

    def _prepare_vendor_debit_line_vals(self, product, qty, price):
        self.ensure_one()
        return {
            **self._prepare_recovery_item_vals(),
            "product_id": product.id,
            "name": product.display_name,
            "quantity": qty,
            "price_unit": price,
            "tax_ids": [Command.clear()],
        }

    # ------------------------------------------------------------------
    # Replacement from the vendor
    # ------------------------------------------------------------------
    def action_request_replacement(self):
        """A receipt from the vendor into WH/Stock for the returned units not
        yet credited: on the purchase order line when there is one, so its
        received quantity comes back."""
        self._check_recovery(_("request a replacement from the vendor"), RETURN_GROUPS)
        self._lock_for_update()
        self._check_goods_to_recover()
        vals_list = []
        for sreturn in self:
            qty = sreturn._qty_to_recover()
            vals = sreturn._prepare_replacement_picking_vals()
            vals["move_ids"] = [Command.create(sreturn._prepare_replacement_move_vals(qty))]
            vals_list.append(vals)
        # the receipts of all the returns created and confirmed together
        pickings = self.env["stock.picking"].sudo().create(vals_list)
        pickings.action_confirm()
        for sreturn, picking in zip(self, pickings, strict=True):
            sreturn.message_post(body=_("Replacement from the vendor: %s", picking.name))
        return True

    def _prepare_replacement_picking_vals(self):
        self.ensure_one()
        warehouse = self._warehouse()
        return {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": self.partner_id.id,
            "location_id": self._vendor_location().id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "origin": _("%(name)s replacement", name=self.name),
            "company_id": self.company_id.id,
        }

    def _prepare_replacement_move_vals(self, qty):
        self.ensure_one()
        warehouse = self._warehouse()
        returned = self.sudo().move_ids.filtered(
            lambda m: m.rma_supplier_move_kind == "return" and m.state == "done"
        )
        return {
            "name": self.product_id.display_name,
            "product_id": self.product_id.id,
            "product_uom": self.product_id.uom_id.id,
            "product_uom_qty": qty,
            "location_id": self._vendor_location().id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "partner_id": self.partner_id.id,
            "picking_type_id": warehouse.in_type_id.id,
            "company_id": self.company_id.id,
            "origin_returned_move_id": returned[:1].id or False,
            "purchase_line_id": self.purchase_line_id.id or False,
            "to_refund": bool(self.purchase_line_id),
            "rma_supplier_return_id": self.id,
            "rma_supplier_move_kind": "replacement",
        }

    def action_view_vendor_moves(self):
        self.ensure_one()
        self._check_reader()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_refund_type")
        action["domain"] = [("rma_supplier_return_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
