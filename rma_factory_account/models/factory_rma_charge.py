from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .factory_rma import ACCOUNTING_GROUP, CREDIT_STATES, RMA_MANAGER_GROUP, RMA_USER_GROUP


class FactoryRma(models.Model):
    """Charges of the RMA: paid repairs, dealer charge-backs and freight
    invoiced to the customer, the carrier claim, unreturned spare parts and
    the company's share of the freight."""

    _inherit = "factory.rma"

    # Costs are internal: portal customers read only what the portal shows.
    freight_amount = fields.Monetary(
        "Freight Cost",
        tracking=True,
        groups="base.group_user",
        help="Freight of the return, in the RMA's currency; split between customer and "
        "company by the payer.",
    )
    freight_customer_percent = fields.Float(
        "Charged Freight Share (%)",
        compute="_compute_freight_customer_percent",
        store=True,
        readonly=False,
        groups="base.group_user",
        help="Share of the freight invoiced to the customer (or the dealer): 100 when they "
        "pay it, 0 when the company does, the split share otherwise (e.g. 50 for a quality "
        "return shared half and half).",
    )
    freight_customer_amount = fields.Monetary(
        "Freight Charged", compute="_compute_freight", groups="base.group_user"
    )
    freight_company_cost = fields.Monetary(
        "Freight Cost to Company",
        compute="_compute_freight",
        groups="base.group_user",
        help="Share of the freight the company bears, recorded against the RMA.",
    )
    freight_cost_move_id = fields.Many2one(
        "account.move",
        "Freight Cost Entry",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Entry of the company's share of the freight (Dr freight cost / Cr accrual).",
    )
    spare_part_charge_due = fields.Boolean(
        "Unreturned Part to Charge",
        compute="_compute_spare_part_charge_due",
        help="The return deadline of the spare-part RMA has passed and a defective part has "
        "not come back.",
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """The freight cost entry is linked by its button."""
        return super()._workflow_fields() | {"freight_cost_move_id"}

    @api.depends("freight_payer", "freight_split_percent")
    def _compute_freight_customer_percent(self):
        """From the core's freight payer: customer or dealer 100, company or
        carrier 0, split the core's customer share."""
        for rma in self:
            payer = rma.freight_payer
            if payer in ("customer", "dealer"):
                rma.freight_customer_percent = 100.0
            elif payer == "split":
                rma.freight_customer_percent = rma.freight_split_percent
            else:
                rma.freight_customer_percent = 0.0

    @api.constrains("freight_amount", "freight_customer_percent")
    def _check_freight(self):
        for rma in self:
            if rma.freight_amount < 0:
                raise ValidationError(_("The freight of %s cannot be negative.", rma.name))
            if not 0.0 <= rma.freight_customer_percent <= 100.0:
                raise ValidationError(
                    _("The charged freight share of %s must be between 0 and 100%%.", rma.name)
                )

    @api.depends("freight_amount", "freight_customer_percent", "currency_id")
    def _compute_freight(self):
        for rma in self:
            currency = rma.currency_id or rma.company_id.currency_id
            share = currency.round(rma.freight_amount * rma.freight_customer_percent / 100.0)
            rma.freight_customer_amount = share
            rma.freight_company_cost = rma.freight_amount - share

    # ------------------------------------------------------------------
    # Charges: paid repair, dealer charge-back, freight
    # ------------------------------------------------------------------
    def _check_can_charge(self):
        self._check_any_group([RMA_USER_GROUP, ACCOUNTING_GROUP], _("create RMA charges"))
        self._check_state(CREDIT_STATES, _("Charging"))

    def action_create_repair_quotation(self):
        """Paid repair (帮修品): Odoo's repair quotation for the charged
        repairs the customer agreed to; its invoice is linked to the RMA. A
        second click creates no second quotation."""
        self._check_can_charge()
        self._lock_for_update()
        repairs = self.line_ids.filtered(
            lambda x: x.service_charge == "charged" and x.customer_agreed
        ).repair_ids.filtered(lambda r: r.state != "cancel" and not r.sale_order_id)
        if not repairs:
            raise UserError(
                _("No charged repair agreed by the customer is waiting for a quotation.")
            )
        repairs = repairs.sudo()
        for repair in repairs:
            repair.action_create_sale_order()
            repair.sale_order_id.origin = repair.rma_id.name
        orders = repairs.sale_order_id.with_env(self.env)
        if len(orders) == 1 and orders.has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": "sale.order",
                "res_id": orders.id,
                "views": [(False, "form")],
            }
        return orders

    def _charge_product(self, charge_type):
        """Service product of a charge line (hook)."""
        xmlid = {
            "dealer": "rma_factory_account.product_rma_charge",
            "freight": "rma_factory_account.product_rma_freight",
        }[charge_type]
        return self.env.ref(xmlid)

    def _charged_lines(self, charge_type):
        """Non-cancelled charge invoice lines of this RMA of a kind."""
        return self.env["account.move.line"].search(
            [
                ("move_id.rma_id", "=", self.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "!=", "cancel"),
                ("rma_charge_type", "=", charge_type),
            ]
        )

    def _prepare_charge_lines_vals(self):
        """{partner: [invoice line vals]} still to charge: the dealer's
        replacements after replenish-first when the dealer is responsible,
        and the customer's share of the freight."""
        self.ensure_one()
        by_partner = defaultdict(list)
        charged = defaultdict(float)
        for aml in self._charged_lines("dealer"):
            charged[aml.rma_line_id.id] += aml.quantity
        dealer_partner = self.partner_id.commercial_partner_id
        if self.replenish_first:
            for line in self.line_ids.filtered(lambda x: x.responsibility == "dealer"):
                qty = line.qty_replaced - charged[line.id]
                if float_compare(qty, 0.0, precision_rounding=line._qty_rounding()) <= 0:
                    continue
                partner = line.responsible_partner_id or dealer_partner
                dealer_partner = partner
                by_partner[partner].append(line._prepare_dealer_charge_line_vals(qty))
        if not self.currency_id.is_zero(self.freight_customer_amount) and not self._charged_lines(
            "freight"
        ):
            by_partner[dealer_partner].append(self._prepare_freight_charge_line_vals())
        return by_partner

    def _prepare_freight_charge_line_vals(self):
        self.ensure_one()
        product = self._charge_product("freight")
        return {
            "product_id": product.id,
            "name": _("%(rma)s: freight of the return", rma=self.name),
            "quantity": 1.0,
            "price_unit": self.freight_customer_amount,
            "rma_charge_type": "freight",
        }

    def _prepare_charge_invoice_vals(self, partner):
        """Header of an invoice the RMA charges (charges, claim, unreturned
        part, replacement paid by the deposit): in the RMA's currency, the
        currency of its origin documents."""
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_origin": self.name,
            "ref": _("%(rma)s charges", rma=self.name),
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "rma_id": self.id,
        }

    def action_create_charge_invoice(self):
        """Dealer charge-back (在其帐上扣除相应金额) and customer freight:
        one customer invoice per RMA and payer for what is not charged yet.
        A second click creates nothing. The invoices are drafts: accounting
        posts them."""
        self._check_can_charge()
        self._lock_for_update()
        Move = self._rma_prepare_model("account.move")
        moves = self.env["account.move"]
        for rma in self:
            for partner, lines_vals in rma._prepare_charge_lines_vals().items():
                vals = rma._prepare_charge_invoice_vals(partner)
                vals["invoice_line_ids"] = [fields.Command.create(v) for v in lines_vals]
                moves |= Move.with_company(rma.company_id).create(vals)
        if not moves:
            raise UserError(_("Nothing to charge: every charge is already invoiced."))
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    def action_view_charge_invoices(self):
        self.ensure_one()
        return self.charge_invoice_ids._rma_action_view("account.action_move_out_invoice_type")

    # ------------------------------------------------------------------
    # Carrier claim (shortage / carrier damage)
    # ------------------------------------------------------------------
    def _settle_paid_claims(self):
        """An accepted carrier claim is paid once its posted invoices to the
        carrier are paid. Called when invoices of the RMAs become paid (by
        the accountant who registers the payment: the claim's state follows
        as superuser)."""
        paid = self.filtered(
            lambda rma: (
                rma.claim_state == "accepted"
                and (invoices := rma._claim_invoices().filtered(lambda m: m.state == "posted"))
                and all(m.payment_state in ("paid", "in_payment") for m in invoices)
            )
        )
        paid._write_workflow({"claim_state": "paid"})

    def _claim_invoices(self):
        self.ensure_one()
        return self.charge_invoice_ids.filtered(
            lambda m: (
                m.state != "cancel"
                and any(x.rma_charge_type == "claim" for x in m.invoice_line_ids)
            )
        )

    def _check_can_invoice_claim(self):
        self._check_any_group([RMA_MANAGER_GROUP, ACCOUNTING_GROUP], _("invoice a carrier claim"))
        for rma in self:
            if rma.rma_type != "shortage" or rma.claim_state != "accepted":
                raise UserError(_("The carrier has not accepted a claim on %(rma)s.", rma=rma.name))
            if not rma.carrier_id:
                raise UserError(_("Set the carrier of %(rma)s first.", rma=rma.name))
            if rma.currency_id.compare_amounts(rma.claim_amount, 0.0) <= 0:
                raise UserError(_("The claim amount of %(rma)s must be positive.", rma=rma.name))
            if rma._claim_invoices():
                raise UserError(
                    _("The carrier claim of %(rma)s is already invoiced.", rma=rma.name)
                )

    def _prepare_claim_invoice_vals(self):
        """Customer invoice to the carrier for the accepted claim: the amount
        filed with the carrier (fixed since the claim was filed), in the
        RMA's currency."""
        self.ensure_one()
        vals = self._prepare_charge_invoice_vals(self.carrier_id.commercial_partner_id)
        vals["ref"] = _(
            "%(rma)s: carrier claim %(reference)s",
            rma=self.name,
            reference=self.claim_reference or "",
        ).strip()
        vals["invoice_line_ids"] = [
            fields.Command.create(
                {
                    "product_id": self.env.ref("rma_factory_account.product_rma_carrier_claim").id,
                    "name": _("%(rma)s: carrier claim (shortage / damage)", rma=self.name),
                    "quantity": 1.0,
                    "price_unit": self.claim_amount,
                    "tax_ids": [fields.Command.clear()],
                    "rma_charge_type": "claim",
                    "rma_line_id": self._rma_main_line().id,
                    **(
                        {"account_id": self.company_id.rma_carrier_receivable_account_id.id}
                        if self.company_id.rma_carrier_receivable_account_id
                        else {}
                    ),
                }
            )
        ]
        return vals

    def action_invoice_carrier_claim(self):
        """Button "Invoice Carrier Claim": once the carrier accepted the
        claim, invoice it the claim amount; the claim becomes paid with the
        invoice. Posted when the caller has accounting rights, else a draft
        for accounting."""
        self._check_can_invoice_claim()
        self._lock_for_update()
        Move = self._rma_prepare_model("account.move")
        moves = self.env["account.move"]
        for rma in self:
            move = Move.with_company(rma.company_id).create(rma._prepare_claim_invoice_vals())
            rma._rma_post_or_hand_over(move, _("Carrier claim invoice"))
            moves |= move
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    # ------------------------------------------------------------------
    # Spare part not returned
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_spare_part_charge_due(self):
        now = fields.Datetime.now()
        for rma in self:
            rma.spare_part_charge_due = bool(rma._unreturned_spare_lines(now))

    def _unreturned_spare_lines(self, now):
        """Lines of a spare-part RMA past its return deadline whose defective
        part has not fully come back and is not charged yet."""
        self.ensure_one()
        if (
            self.rma_type != "spare_part"
            or not self.policy_id.charge_unreturned_spare_parts
            or not self.return_deadline
            or self.return_deadline >= now
            or self.state in ("draft", "cancelled", "rejected")
        ):
            return self.env["factory.rma.line"]
        return self.line_ids.filtered(lambda x: x._qty_spare_to_charge() > 0)

    def _check_can_charge_unreturned_part(self, now):
        self._check_any_group(
            [RMA_MANAGER_GROUP, ACCOUNTING_GROUP], _("charge an unreturned spare part")
        )
        for rma in self:
            if rma.rma_type != "spare_part":
                raise UserError(_("%(rma)s is not a spare-part RMA.", rma=rma.name))
            if not rma.policy_id.charge_unreturned_spare_parts:
                raise UserError(
                    _("The policy of %(rma)s does not charge unreturned spare parts.", rma=rma.name)
                )
            if not rma.return_deadline or rma.return_deadline >= now:
                raise UserError(
                    _(
                        "The defective part of %(rma)s may still come back until %(deadline)s.",
                        rma=rma.name,
                        deadline=rma.return_deadline or "-",
                    )
                )
            if not rma._unreturned_spare_lines(now):
                raise UserError(
                    _("Every defective part of %(rma)s came back or is charged.", rma=rma.name)
                )

    def action_charge_unreturned_part(self):
        """Button "Charge Unreturned Part": past the return deadline, invoice
        the spare parts whose defective part did not come back (posted when
        the caller has accounting rights, else a draft for accounting) and
        cancel their open receipt so that the RMA can finish."""
        self._lock_for_update()
        now = fields.Datetime.now()
        self._check_can_charge_unreturned_part(now)
        Move = self._rma_prepare_model("account.move")
        moves = self.env["account.move"]
        for rma in self:
            lines = rma._unreturned_spare_lines(now)
            vals = rma._prepare_charge_invoice_vals(rma.partner_id.commercial_partner_id)
            vals["ref"] = _("%(rma)s: spare part not returned", rma=rma.name)
            vals["invoice_line_ids"] = [
                fields.Command.create(line._prepare_spare_part_charge_line_vals()) for line in lines
            ]
            move = Move.with_company(rma.company_id).create(vals)
            lines._cancel_open_receipts()
            rma._rma_post_or_hand_over(move, _("Unreturned spare part invoice"))
            moves |= move
        self._finish_charged_spare_parts()
        self._sync_state_from_stock()
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    def _finish_charged_spare_parts(self):
        """After the charge: an RMA still waiting for parts none of which
        came back, whose spare parts are delivered and whose receipts are
        cancelled, has nothing left to do and is done; the overdue return
        escalation closes."""
        rmas = self.sudo()
        rmas._close_escalations(["return"])
        finished = rmas.filtered(
            lambda r: (
                r.state == "approved"
                and not any(r.line_ids.mapped("qty_received"))
                and all(
                    m.state in ("done", "cancel")
                    for m in r.line_ids.move_ids
                    if m.rma_move_kind in ("receipt", "replacement")
                )
            )
        )
        if finished:
            finished._action_done()

    # ------------------------------------------------------------------
    # Company share of the freight
    # ------------------------------------------------------------------
    def _freight_cost_accounts(self):
        """(expense, accrual, journal) of the company's freight cost."""
        self.ensure_one()
        company = self.company_id
        expense = company.rma_freight_cost_account_id
        accrual = company.rma_freight_accrual_account_id
        if not expense or not accrual:
            raise UserError(
                _(
                    "Set the RMA freight cost and freight accrual accounts of %(company)s in "
                    "the accounting settings first.",
                    company=company.name,
                )
            )
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(company),
                ("type", "=", "general"),
            ],
            limit=1,
        )
        return expense, accrual, journal

    def _check_can_post_freight_cost(self):
        self._check_any_group([RMA_MANAGER_GROUP, ACCOUNTING_GROUP], _("record the freight cost"))
        for rma in self:
            if rma.state in ("draft", "submitted", "rejected", "cancelled"):
                raise UserError(_("%(rma)s is not approved.", rma=rma.name))
            if rma.currency_id.compare_amounts(rma.freight_company_cost, 0.0) <= 0:
                raise UserError(_("The company bears no freight on %(rma)s.", rma=rma.name))
            if rma.sudo().freight_cost_move_id.state in ("draft", "posted"):
                raise UserError(_("The freight cost of %(rma)s is already recorded.", rma=rma.name))
            rma._freight_cost_accounts()

    def _prepare_freight_cost_move_vals(self):
        """Dr freight cost / Cr freight accrual for the company's share, in
        the RMA's currency; its company-currency value at the entry date.
        The share is split over the lines by their value, each part with
        the line's responsibility analytic (the freight cost of the ledger)."""
        self.ensure_one()
        expense, accrual, journal = self._freight_cost_accounts()
        company = self.company_id
        currency = self.currency_id
        date = fields.Date.context_today(self)
        label = _("%(rma)s: company share of the return freight", rma=self.name)
        line_vals = []
        for line, amount in self._freight_split(self.freight_company_cost):
            balance = currency._convert(amount, company.currency_id, company, date)
            common = {
                "name": label,
                "partner_id": (self.carrier_id or self.partner_id).id,
                "currency_id": currency.id,
                "rma_line_id": line.id,
                "analytic_distribution": line._rma_analytic_distribution() if line else False,
            }
            line_vals += [
                dict(
                    common,
                    account_id=expense.id,
                    balance=balance,
                    amount_currency=amount,
                    rma_cost_type="freight",
                    rma_cost_party=line._rma_cost_party() if line else False,
                ),
                dict(common, account_id=accrual.id, balance=-balance, amount_currency=-amount),
            ]
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "date": date,
            "ref": label,
            "rma_id": self.id,
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def _freight_split(self, amount):
        """[(line, amount)]: ``amount`` (RMA currency) split over the lines
        by their value, the rounding left on the last one."""
        self.ensure_one()
        lines = self.line_ids.sorted("id")
        total = sum(lines.mapped("price_subtotal"))
        if len(lines) <= 1 or not total:
            return [(lines[:1], amount)]
        shares = [self.currency_id.round(amount * x.price_subtotal / total) for x in lines]
        shares[-1] = self.currency_id.round(amount - sum(shares[:-1]))
        return list(zip(lines, shares, strict=True))

    def action_post_freight_cost(self):
        """Button "Post Freight Cost": record the freight the company bears
        (company payer, or its part of a split) against the RMA, once:
        posted when the caller has accounting rights, else a draft entry
        for accounting."""
        self._lock_for_update()
        self._check_can_post_freight_cost()
        Move = self._rma_prepare_model("account.move")
        for rma in self:
            move = Move.with_company(rma.company_id).create(
                rma.sudo()._prepare_freight_cost_move_vals()
            )
            rma._write_workflow({"freight_cost_move_id": move.id})
            rma._rma_post_or_hand_over(move, _("Freight cost entry"))
        return True
