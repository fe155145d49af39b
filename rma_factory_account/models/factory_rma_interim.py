from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .factory_rma import ACCOUNTING_GROUP


class FactoryRma(models.Model):
    """Stock Interim (Delivered) and (Received) balanced for the RMA's goods.

    Odoo debits the interim account when goods leave for a customer (or for
    a repair) and credits it when they come back or when an invoice books
    their cost. Goods that leave without coming back and without an invoice
    — a shortage replacement, a free spare part whose defective part stays
    with the customer, a replacement paid by the deposit, repair parts —
    leave it unbalanced. Once the RMA is done, one entry per RMA books the
    difference line by line: goods to the warranty cost (to the carrier
    receivable for the claim the carrier accepted, to the cost of goods sold
    for a replacement the deposit paid), repair parts to the reprocessing
    cost. Goods credited although never invoiced keep their difference: the
    sale order's invoice books their cost.
    """

    _inherit = "factory.rma"

    def _rma_main_line(self):
        """The line that carries the costs of the RMA as a whole (claim,
        freight charge): its most valuable line."""
        if not self:
            return self.env["factory.rma.line"]
        self.ensure_one()
        return self.line_ids.sorted(lambda x: (-x.price_subtotal, x.id))[:1]

    def _action_done(self):
        res = super()._action_done()
        self._rma_balance_interim(on_done=True)
        return res

    # ------------------------------------------------------------------
    # What is left on the interim accounts
    # ------------------------------------------------------------------
    def _rma_interim_accounts(self):
        """Stock interim accounts (delivered and received) of the company's
        product categories."""
        self.ensure_one()
        categories = self.env["product.category"].sudo().with_company(self.company_id).search([])
        return (
            categories.property_stock_account_output_categ_id
            | categories.property_stock_account_input_categ_id
        )

    def _rma_with_interim_items(self):
        """The RMAs of ``self`` whose lines have journal items on the stock
        interim accounts (one query per company): only they can have
        something left to balance."""
        found = self.browse()
        for rmas in self.grouped("company_id").values():
            accounts = rmas[:1]._rma_interim_accounts()
            if not accounts or not rmas.line_ids:
                continue
            self.env["account.move.line"].flush_model(["rma_line_id", "account_id"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT line.rma_id
                      FROM account_move_line aml
                      JOIN factory_rma_line line ON line.id = aml.rma_line_id
                     WHERE aml.rma_line_id IN %(lines)s
                       AND aml.account_id IN %(accounts)s
                    """,
                    lines=tuple(rmas.line_ids.ids),
                    accounts=tuple(accounts.ids),
                )
            )
            found |= self.browse(row[0] for row in rows)
        return found

    def _rma_interim_balances(self):
        """{rma id: {(line id, account id, kind): {"balance", "receipt"}}}
        of the interim accounts over the journal items of the RMAs' lines
        (one query per company): the valuation entries of their stock moves
        and repair parts, their credit notes and invoices, and the balancing
        entries (drafts included, so that nothing is booked twice). ``kind``
        is "parts"
        for repair parts (their moves, the repair's invoice and their
        balancing), else "goods"; ``receipt`` is the part of the goods'
        balance the receipts of returned goods brought."""
        result = defaultdict(dict)
        for model in ("account.move.line", "account.move", "stock.move", "factory.rma.line"):
            self.env[model].flush_model()
        for rmas in self.grouped("company_id").values():
            accounts = rmas[:1]._rma_interim_accounts()
            if not accounts or not rmas.line_ids:
                continue
            for row in rmas._rma_interim_balance_rows(accounts):
                key = (row["line_id"], row["account_id"], row["kind"])
                result[row["rma_id"]][key] = row
        return result

    def _rma_interim_balance_rows(self, accounts):
        """Rows of ``_rma_interim_balances`` for RMAs of one company."""
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT line.rma_id,
                       aml.rma_line_id AS line_id,
                       aml.account_id,
                       CASE WHEN sm.repair_id IS NOT NULL
                                 OR am.rma_entry_type = 'interim_parts'
                                 OR (am.rma_id IS NULL AND am.stock_move_id IS NULL)
                            THEN 'parts' ELSE 'goods' END AS kind,
                       SUM(aml.balance) AS balance,
                       SUM(CASE WHEN sm.rma_move_kind = 'receipt' THEN aml.balance ELSE 0 END)
                           AS receipt
                  FROM account_move_line aml
                  JOIN factory_rma_line line ON line.id = aml.rma_line_id
                  JOIN account_move am ON am.id = aml.move_id
             LEFT JOIN stock_move sm ON sm.id = am.stock_move_id
                 WHERE aml.rma_line_id IN %(lines)s
                   AND aml.account_id IN %(accounts)s
                   AND (
                       am.state = 'posted'
                       OR (am.state = 'draft' AND am.rma_entry_type IN ('interim', 'interim_parts'))
                   )
              GROUP BY 1, 2, 3, 4
                """,
                lines=tuple(self.line_ids.ids),
                accounts=tuple(accounts.ids),
            )
        )

    def _rma_interim_booked(self):
        """{rma id: {(line id, account id): balance}} the goods' balancing
        entries of the RMAs already debited (drafts included) on their cost
        accounts (one query)."""
        result = defaultdict(dict)
        if not self:
            return result
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT am.rma_id, aml.rma_line_id AS line_id, aml.account_id,
                       SUM(aml.balance) AS balance
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE am.rma_id IN %(rmas)s
                   AND am.rma_entry_type = 'interim'
                   AND am.state IN ('draft', 'posted')
                   AND aml.rma_cost_type IS NOT NULL
              GROUP BY 1, 2, 3
                """,
                rmas=tuple(self.ids),
            )
        )
        for row in rows:
            result[row["rma_id"]][(row["line_id"], row["account_id"])] = row["balance"]
        return result

    def _rma_expected_goods_residual(self, line, receipt):
        """Interim balance a line keeps by design: the received goods of a
        credited line (refund, return-only) that no credit note reverses
        because they were never invoiced — the sale order's invoice books
        their cost (AS-20)."""
        received = line.qty_received
        if not line._credits_customer() or not received or line.currency_id.is_zero(receipt):
            return 0.0
        uncredited = max(received - line.qty_credited, 0.0)
        return receipt * min(uncredited / received, 1.0)

    def _rma_goods_cost_accounts(self, line, amount):
        """{account: amount} the goods that left without coming back are
        booked to, for a total of ``amount`` (company currency) on the line
        (balancing entries already booked included): the cost of goods sold
        when the deposit paid the replacement, the carrier receivable for
        the line's share of a claim the carrier accepted, the rest to the
        warranty cost."""
        company = self.company_id
        if self.rma_type == "advance_replacement" and self.deposit_state == "applied":
            accounts = line.product_id.product_tmpl_id.with_company(company).get_product_accounts()
            if accounts.get("expense"):
                return {accounts["expense"]: amount}
        warranty = company._rma_check_account("rma_warranty_cost_account_id")
        claim = self._rma_claim_share(line)
        if claim:
            carrier = company._rma_check_account("rma_carrier_receivable_account_id")
            return {carrier: claim, warranty: amount - claim}
        return {warranty: amount}

    def _rma_claim_share(self, line):
        """Company-currency share of ``line`` in the claim the carrier
        accepted (the claim amount split over the shortage lines by their
        value)."""
        if (
            self.rma_type != "shortage"
            or self.claim_state not in ("accepted", "paid")
            or self.currency_id.is_zero(self.claim_amount)
        ):
            return 0.0
        company = self.company_id
        claim = self.currency_id._convert(
            self.claim_amount, company.currency_id, company, fields.Date.context_today(self)
        )
        lines = self.line_ids.filtered(lambda x: not x.is_third_party)
        total = sum(lines.mapped("price_subtotal"))
        if len(lines) == 1 or not total:
            return claim if line == lines[:1] else 0.0
        shares = [company.currency_id.round(claim * x.price_subtotal / total) for x in lines]
        shares[-1] = claim - sum(shares[:-1])
        return dict(zip(lines, shares, strict=True)).get(line, 0.0)

    def _rma_interim_plan(self, balances=None, booked=None):
        """[(line, kind, {interim account: amount to clear}, {cost account:
        amount})] of the balancing entries still to book. ``balances`` and
        ``booked``: the RMA's figures when the caller read them for several
        RMAs at once (``_rma_interim_balances``, ``_rma_interim_booked``)."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        if balances is None:
            balances = self._rma_interim_balances()[self.id]
        if booked is None:
            booked = self._rma_interim_booked()[self.id]
        residuals = defaultdict(lambda: defaultdict(float))  # (line, kind) -> account -> amount
        for (line_id, account_id, kind), row in balances.items():
            line = self.env["factory.rma.line"].browse(line_id).sudo()
            residual = row["balance"]
            if kind == "goods":
                residual -= self._rma_expected_goods_residual(line, row["receipt"])
            account = self.env["account.account"].browse(account_id)
            residuals[(line, kind)][account] += currency.round(residual)
        plan = []
        for (line, kind), by_account in sorted(
            residuals.items(), key=lambda x: (x[0][0].id, x[0][1])
        ):
            interim = {
                acc: amount for acc, amount in by_account.items() if not currency.is_zero(amount)
            }
            residual = currency.round(sum(interim.values()))
            if kind == "parts":
                if interim:
                    cost = company._rma_check_account("rma_reprocessing_account_id")
                    plan.append((line, kind, interim, {cost: residual}))
                continue
            already = defaultdict(float)
            for (line_id, account_id), amount in booked.items():
                if line_id == line.id:
                    already[self.env["account.account"].browse(account_id)] += amount
            total = currency.round(sum(already.values()) + residual)
            costs = defaultdict(float)
            if not currency.is_zero(total) or already:
                for account, amount in self._rma_goods_cost_accounts(line, total).items():
                    costs[account] += amount
            for account, amount in already.items():
                costs[account] -= amount
            costs = {
                acc: currency.round(amount)
                for acc, amount in costs.items()
                if not currency.is_zero(amount)
            }
            if interim or costs:
                plan.append((line, kind, interim, costs))
        return plan

    # ------------------------------------------------------------------
    # The balancing entries
    # ------------------------------------------------------------------
    def _prepare_interim_move_vals(self, plan, kind):
        """Balancing entry of one kind: per line, Cr (or Dr) the interim
        accounts of what is left, Dr the cost accounts, with the line, the
        cost type and the responsibility analytic on every item."""
        self.ensure_one()
        company = self.company_id
        cost_type = "repair_parts" if kind == "parts" else "replacement"
        label = (
            _("%(rma)s: repair parts expensed to reprocessing", rma=self.name)
            if kind == "parts"
            else _("%(rma)s: goods shipped and not returned", rma=self.name)
        )
        line_vals = []
        for line, _kind, interim, costs in plan:
            common = {
                "name": label,
                "partner_id": self.partner_id.commercial_partner_id.id,
                "product_id": line.product_id.id,
                "rma_line_id": line.id,
                "analytic_distribution": line._rma_analytic_distribution(),
            }
            for account, residual in interim.items():
                line_vals.append(dict(common, account_id=account.id, balance=-residual))
            for account, amount in costs.items():
                line_vals.append(
                    dict(
                        common,
                        account_id=account.id,
                        balance=amount,
                        rma_cost_type=cost_type,
                        rma_cost_party=line._rma_cost_party(),
                    )
                )
        return {
            "move_type": "entry",
            "journal_id": company._rma_cost_journal().id,
            "company_id": company.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.id,
            "rma_entry_type": "interim_parts" if kind == "parts" else "interim",
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def _rma_caller_posts(self):
        """Whether the user whose action balances the interim accounts posts
        the entry: an accountant, or the system (cron). Done by anyone else
        (the warehouse validating the last transfer), it is a draft for
        accounting — the check reads the real user, also when the action
        runs as superuser."""
        user = self.env.user
        return user._is_superuser() or user.has_group(ACCOUNTING_GROUP)

    def _rma_balance_interim(self, on_done=False):
        """Book what is left on the stock interim accounts of the RMAs'
        goods (called when an RMA is done, when a document of a done RMA is
        posted, and by the accountants' button). Returns the entries. When
        the RMA is done by a transfer and a cost account is missing, the
        chatter says so instead of refusing the transfer."""
        moves = self.env["account.move"]
        posts = self._rma_caller_posts()
        rmas = self.sudo()._rma_with_interim_items()
        # what is on the interim accounts, for all the RMAs at once
        balances = rmas._rma_interim_balances()
        booked = rmas._rma_interim_booked()
        for rma in rmas:
            try:
                plan = rma._rma_interim_plan(balances[rma.id], booked[rma.id])
            except UserError as error:
                if not on_done:
                    raise
                rma.message_post(body=str(error))
                continue
            by_kind = defaultdict(list)
            for item in plan:
                by_kind[item[1]].append(item)
            for kind, items in sorted(by_kind.items()):
                move = (
                    self.env["account.move"]
                    .sudo()
                    .with_company(rma.company_id)
                    .create(rma._prepare_interim_move_vals(items, kind))
                )
                moves |= move
                if posts:
                    move.action_post()
                else:
                    rma.message_post(
                        body=_(
                            "Stock interim balancing entry prepared as draft, to be posted by "
                            "accounting: %s",
                            move.display_name,
                        )
                    )
        return moves.with_env(self.env)

    def _check_can_balance_interim(self):
        self._check_group(ACCOUNTING_GROUP, _("balance the stock interim accounts"))
        self._check_state(("done",), _("Balancing the stock interim accounts"))

    def action_balance_interim(self):
        """Button of the accountants on a done RMA: post the balancing
        entries waiting as drafts and book what is still left."""
        self._check_can_balance_interim()
        self._lock_for_update()
        drafts = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("rma_id", "in", self.ids),
                    ("rma_entry_type", "in", ("interim", "interim_parts")),
                    ("state", "=", "draft"),
                ]
            )
        )
        if drafts:
            drafts.with_env(self.env).action_post()
        moves = self._rma_balance_interim()
        if not drafts and not moves:
            raise UserError(_("The stock interim accounts of these RMAs are balanced."))
        return True
