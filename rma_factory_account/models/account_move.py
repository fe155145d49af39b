from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .factory_rma_line_cost import CHARGE_COST_TYPES


class AccountMove(models.Model):
    _inherit = "account.move"

    rma_id = fields.Many2one(
        "factory.rma", "RMA", index="btree_not_null", copy=False, readonly=True
    )
    rma_freight_rma_id = fields.Many2one(
        "factory.rma",
        "Carrier Freight of RMA",
        index="btree_not_null",
        copy=False,
        domain=[("rma_type", "=", "shortage")],
        help="Carrier's freight bill of a shortage / carrier-damage RMA: its payment is "
        "withheld while the claim is open when the RMA says so.",
    )
    rma_entry_type = fields.Selection(
        [
            ("interim", "Stock interim balancing"),
            ("handling", "Handling time"),
        ],
        "RMA Entry",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Entries the RMA books by itself: the balancing of the stock interim accounts "
        "when goods leave without coming back, and the handling time.",
    )
    rma_freight_withheld = fields.Boolean(
        "Carrier Freight Withheld", compute="_compute_rma_freight_withheld"
    )
    rma_writedown_line_id = fields.Many2one(
        "factory.rma.line",
        "Written-down RMA Line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
    )
    rma_writedown_amount = fields.Monetary(
        "Write-down Amount",
        currency_field="company_currency_id",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Loss this entry adds (negative: takes back) for the defective goods.",
    )

    rma_selloff_invoice_id = fields.Many2one(
        "account.move",
        "Sell-off Invoice",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Invoice or credit note of sold-off defective goods whose write-down this entry "
        "releases (or restores).",
    )
    rma_selloff_amount = fields.Monetary(
        "Write-down Released",
        currency_field="company_currency_id",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Write-down this entry releases against the cost of the goods sold off "
        "(negative: restores to the allowance, for goods credited or a sale withdrawn).",
    )

    @api.depends(
        "move_type",
        "commercial_partner_id",
        "rma_freight_rma_id.withhold_carrier_freight",
        "rma_freight_rma_id.claim_state",
        "rma_freight_rma_id.carrier_id.commercial_partner_id",
    )
    def _compute_rma_freight_withheld(self):
        for move in self:
            rma = move.rma_freight_rma_id.sudo()
            move.rma_freight_withheld = bool(
                rma
                and move.move_type in ("in_invoice", "in_refund")
                and rma.withhold_carrier_freight
                and rma.claim_state in ("to_claim", "claimed")
                and (
                    not rma.carrier_id
                    or move.commercial_partner_id == rma.carrier_id.commercial_partner_id
                )
            )

    def _check_rma_freight_not_withheld(self):
        """Called before a payment is registered: the carrier's freight is
        withheld until its damage claim is settled (shortage RMAs whose
        policy says so)."""
        withheld = self.filtered("rma_freight_withheld")
        if withheld:
            raise UserError(
                _(
                    "%(bill)s is the carrier's freight of %(rma)s: its payment is withheld "
                    "until the carrier claim is settled.",
                    bill=withheld[0].display_name,
                    rma=withheld[0].rma_freight_rma_id.name,
                )
            )

    def action_register_payment(self):
        """Extends the payment button: withheld carrier freight cannot be
        paid."""
        self._check_rma_freight_not_withheld()
        return super().action_register_payment()

    @api.depends("reversed_entry_id", "rma_id")
    def _compute_invoice_currency_rate(self):
        """RMA credit notes in the invoice's currency use the rate of the
        invoice they reverse, so that the red-ink entry mirrors the invoice
        in company currency and reconciles without exchange difference."""
        res = super()._compute_invoice_currency_rate()
        for move in self:
            invoice = move.reversed_entry_id
            if (
                move.rma_id
                and move.move_type == "out_refund"
                and invoice
                and invoice.currency_id == move.currency_id
                and invoice.invoice_currency_rate
            ):
                move.invoice_currency_rate = invoice.invoice_currency_rate
        return res

    def action_view_rma(self):
        """Smart button of invoices, credit notes and write-downs: their RMA."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma",
            "res_id": self.rma_id.id,
            "views": [(False, "form")],
        }

    def _rma_action_view(self, action_xmlid):
        """Window action on these moves (smart buttons of the RMA)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["domain"] = [("id", "in", self.ids)]
        action["context"] = {"create": False}
        if len(self) == 1:
            action.update(views=[(False, "form")], res_id=self.id)
        return action

    def _invoice_paid_hook(self):
        """A paid carrier-claim invoice settles its RMA's claim."""
        res = super()._invoice_paid_hook()
        self.rma_id.sudo()._settle_paid_claims()
        return res

    def _reconcile_reversed_moves(self, reverse_moves, move_reverse_cancel):
        """Called by ``_post`` (account) on the entries that the credit notes
        being posted reverse, to match each with its credit note. Odoo pairs
        the two recordsets in order, but the first holds each entry once: two
        credit notes of one invoice posted together shift the pairs, and a
        customer's credit note gets matched with another invoice. Here every
        credit note is paired with the entry it reverses. The pairs of RMA
        documents are matched in one reconciliation plan (Odoo reconciles
        each pair and account on its own: a third of the time of posting
        fifty RMA credit notes), with Odoo's groups (unreconciled items of
        one account and currency, on a reconcilable, cash or credit card
        account); the other pairs are left to Odoo, one by one."""
        plan = []
        for reverse_move in reverse_moves:
            move = reverse_move.reversed_entry_id
            if not reverse_move.rma_id:
                super(AccountMove, move)._reconcile_reversed_moves(
                    reverse_move, move_reverse_cancel
                )
                continue
            groups = (
                (move.line_ids + reverse_move.line_ids)
                .filtered(lambda line: not line.reconciled)
                .grouped(lambda line: (line.account_id, line.currency_id))
            )
            plan += [
                lines
                for (account, _currency), lines in groups.items()
                if account.reconcile
                or account.account_type in ("asset_cash", "liability_credit_card")
            ]
        if plan:
            self.env["account.move.line"].with_context(
                move_reverse_cancel=move_reverse_cancel
            )._reconcile_plan(plan)
        return reverse_moves

    def _post(self, soft=True):
        """Posting an RMA credit note reconciles it with the open receivable
        of the invoice it reverses, full or partial (Odoo's ``_post``, through
        ``_reconcile_reversed_moves`` above); posting the documents of an RMA
        deposit matches them."""
        posted = super()._post(soft=soft)
        posted._rma_tag_journal_items()
        posted._rma_sync_selloff_releases()
        posted.rma_id._sync_state_from_stock()
        posted.rma_id._close_refund_escalations()
        notes = posted.filtered(lambda m: m.rma_id and m.move_type == "out_refund")
        if notes:
            notes.rma_id.sudo()._record_credit_notes(notes)
        self.env["factory.rma"]._reconcile_deposits_of(posted)
        # a document posted after the RMA is done (credit note, charge,
        # claim) may leave or settle a stock interim difference
        posted.rma_id.filtered(lambda r: r.state == "done")._rma_balance_interim()
        return posted

    # ------------------------------------------------------------------
    # RMA line, cost type, party and analytic of the journal items
    # ------------------------------------------------------------------
    def _rma_source_line(self):
        """RMA line a journal entry belongs to as a whole: the stock move's
        (RMA moves, repair parts of an RMA repair), else none."""
        self.ensure_one()
        stock_move = self.stock_move_id
        return stock_move.rma_line_id or stock_move.repair_id.rma_line_id

    def _rma_repair_line(self, aml):
        """RMA line of an invoice line billed from an RMA repair's quotation."""
        order_lines = aml.sale_line_ids or aml.cogs_origin_id.sale_line_ids
        return order_lines.order_id.sudo().repair_order_ids.rma_line_id[:1]

    def _rma_tag_journal_items(self, lines=None):
        """Give the journal items of RMA documents (credit notes, charges,
        cost entries, the valuation entries of RMA stock moves, the invoice
        of an RMA repair) their RMA line, cost type, the party that bears
        it and the analytic account of the "RMA Responsibility" plan.
        Receivable, payable and tax items keep no analytic. Items that take
        the same values are written together (one write per distinct set of
        values, whatever the number of documents)."""
        groups = {}  # frozen values -> (values, journal item ids)
        for move in self.sudo():
            rma = move.rma_id
            source = move._rma_source_line()
            if not rma and not source and move.move_type != "out_invoice":
                continue
            for aml in move.line_ids:
                line = (
                    aml.rma_line_id
                    or aml.cogs_origin_id.rma_line_id
                    or source
                    or (not rma and move._rma_repair_line(aml))
                )
                if not rma and not line:
                    continue
                if lines is not None and line not in lines:
                    continue
                vals = move._rma_journal_item_vals(
                    aml, line or rma._rma_main_line(), repair=not rma and not source
                )
                if vals:
                    key = tuple(sorted((name, repr(value)) for name, value in vals.items()))
                    groups.setdefault(key, (vals, []))[1].append(aml.id)
        AccountMoveLine = self.env["account.move.line"].sudo()
        for vals, aml_ids in groups.values():
            items = AccountMoveLine.browse(aml_ids)
            if not any(getattr(AccountMoveLine._fields[name], "tracking", False) for name in vals):
                # none of these fields is tracked: Odoo's journal item write
                # would still describe every field of the model (fields_get of
                # an empty list) to track nothing, a quarter of the time of
                # posting credit notes in batch
                items = items.with_context(tracking_disable=True)
            items.write(vals)

    def _rma_journal_item_vals(self, aml, line, repair=False):
        """Values completing one journal item of an RMA document (``repair``:
        of the invoice of an RMA repair's quotation)."""
        vals = {}
        if line and not aml.rma_line_id and aml.display_type in ("product", "cogs"):
            vals["rma_line_id"] = line.id
        cost_type = aml.rma_cost_type or self._rma_item_cost_type(aml, repair)
        if cost_type and not aml.rma_cost_type:
            vals["rma_cost_type"] = cost_type
        if not line:
            return vals
        party = line._rma_cost_party()
        if cost_type and aml.rma_cost_party != party:
            vals["rma_cost_party"] = party
        if aml.display_type in ("product", "cogs") and aml.account_id.account_type not in (
            "asset_receivable",
            "liability_payable",
        ):
            distribution = line._rma_analytic_distribution(aml.analytic_distribution)
            if distribution != (aml.analytic_distribution or {}):
                vals["analytic_distribution"] = distribution
        return vals

    def _rma_item_cost_type(self, aml, repair=False):
        """Cost type of a journal item the addon did not type when it
        prepared it: charges by their charge type, credit note lines, the
        cost of sales they reverse, scrapped goods; a paid repair's invoice
        charges the customer and expenses the parts it bills."""
        is_expense = aml.account_id.account_type in ("expense", "expense_direct_cost")
        if repair:
            if self.move_type != "out_invoice":
                return False
            if aml.display_type == "product":
                return "customer_charge"
            return "repair_parts" if aml.display_type == "cogs" and is_expense else False
        if aml.display_type == "product" and aml.rma_charge_type in CHARGE_COST_TYPES:
            return CHARGE_COST_TYPES[aml.rma_charge_type]
        if aml.display_type == "product" and aml.rma_charge_type:
            return False
        if self.move_type == "out_refund" and self.rma_id:
            if aml.display_type == "product" and aml.rma_line_id:
                return "credit_note"
            if aml.display_type == "cogs" and is_expense:
                return "goods_returned"
        stock_move = self.stock_move_id
        if (
            stock_move.rma_move_kind == "scrap"
            and aml.account_id == stock_move.location_dest_id.valuation_in_account_id
        ):
            return "scrap"
        return False

    def button_draft(self):
        """Resetting an invoice or credit note of sold-off defective goods
        to draft (Odoo's cancel resets it first) withdraws the write-down
        release it posted: see ``_rma_sync_selloff_releases``."""
        posted = self.filtered(lambda m: m.state == "posted")
        res = super().button_draft()
        posted._rma_sync_selloff_releases()
        return res

    def _rma_selloff_targets(self):
        """{RMA line: (write-down to release, quantity)} of this posted
        invoice or credit note of sold-off defective goods, before the
        credit note's cap (empty when it is not posted)."""
        self.ensure_one()
        targets = {}
        if self.state != "posted":
            return targets
        for aml in self.invoice_line_ids:
            rma_line = aml.sale_line_ids.order_id.sudo().rma_selloff_line_id[:1]
            if not rma_line:
                continue
            qty = aml.product_uom_id._compute_quantity(aml.quantity, aml.product_id.uom_id)
            amount, total = targets.get(rma_line, (0.0, 0.0))
            targets[rma_line] = (amount + rma_line._selloff_release_amount(qty), total + qty)
        return targets

    def _rma_sync_selloff_releases(self):
        """Called by ``_post`` and ``button_draft`` (an accountant's acts):
        the write-down release of each invoice or credit note of sold-off
        defective goods is made what the document says. A posted invoice
        releases the allowance of the units it sells against their cost of
        sales, so that the revenue meets the written-down value; a posted
        credit note restores it for the units it credits, never more than
        was released; a document back in draft or cancelled releases
        nothing. The difference with what its entries released so far is
        posted as one entry per document and RMA line, so posting twice or
        resetting and posting again never releases twice."""
        documents = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if not documents:
            return
        released = {}  # (document, RMA line) -> write-down its entries released
        for entry in self.sudo().search(
            [("rma_selloff_invoice_id", "in", documents.ids), ("state", "=", "posted")]
        ):
            key = (entry.rma_selloff_invoice_id.id, entry.line_ids.rma_line_id[:1])
            released[key] = released.get(key, 0.0) + entry.rma_selloff_amount
        targets = {document: document._rma_selloff_targets() for document in documents}
        touched = {line for document_targets in targets.values() for line in document_targets}
        touched |= {line for (_document_id, line) in released}
        if not touched:
            return
        # two accountants posting documents of the same sold-off goods run
        # one after the other: the second sees what the first released
        self.env["factory.rma"]._serialize_on(
            self.env["factory.rma.line"].sudo().browse({line.id for line in touched})
        )
        # what each line's entries released so far, read once: a credit note
        # restores no more than that
        refunds = documents.filtered(lambda m: m.move_type == "out_refund")
        refunded = {line for document in refunds for line in targets[document]}
        refunded |= {line for (doc_id, line) in released if doc_id in refunds.ids}
        totals = {line: line._selloff_released_amount() for line in refunded}
        batch = {}  # RMA line -> released by the entries of this call
        vals_list = []
        for document in documents:
            lines = set(targets[document]) | {
                line for (doc_id, line) in released if doc_id == document.id
            }
            for rma_line in lines:
                amount, qty = targets[document].get(rma_line, (0.0, 0.0))
                before = released.get((document.id, rma_line), 0.0)
                if document.move_type == "out_refund":
                    # what the other documents released is what it can restore
                    available = totals[rma_line] + batch.get(rma_line, 0.0) - before
                    amount = -min(amount, max(available, 0.0))
                delta = amount - before
                if document.company_currency_id.is_zero(delta):
                    continue
                batch[rma_line] = batch.get(rma_line, 0.0) + delta
                vals_list.append(rma_line._prepare_selloff_release_move_vals(document, delta, qty))
        if vals_list:
            self.create(vals_list)._post(soft=False)
