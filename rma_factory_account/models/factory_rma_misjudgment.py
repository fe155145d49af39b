from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError

from .factory_rma import ACCOUNTING_GROUP, CREDIT_STATES, RMA_USER_GROUP

#: costs of handling a return that a repeated misjudgment moves to sales
#: expense (RESP-11) and that can be charged to the customer.
HANDLING_COST_TYPES = ("freight", "handling", "repair_labour")


class FactoryRma(models.Model):
    """Customer misjudgment (客户误判, RESP-11, KPI-20, AS-15): a claim the
    judgement did not confirm counts against the customer; from the policy's
    rank in a period the RMA is a repeated misjudgment, its handling costs
    are sales expense and the customer can be charged for them."""

    _inherit = "factory.rma"

    repeated_misjudgment = fields.Boolean(
        "Repeated Misjudgment",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
        help="Set at the judgement: the customer's invalid claim of the policy's rank or more "
        "in the period. Its handling costs (freight, handling time) are booked to sales "
        "expense and can be charged to the customer.",
    )
    misjudgment_rank = fields.Integer(
        "Invalid Claim Number",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Rank of this RMA among the customer's claims not confirmed in the policy's "
        "period, set at the judgement.",
    )

    def _workflow_fields(self):
        """The misjudgment is recorded by the judgement."""
        return super()._workflow_fields() | {"repeated_misjudgment", "misjudgment_rank"}

    def action_judge(self):
        """Extends the judgement: count the customer's invalid claims, and
        put the responsibility analytic on what the RMA already booked."""
        res = super().action_judge()
        self._rma_check_misjudgment()
        self._rma_retag_journal_items()
        return res

    def _rma_invalid_claim_domain(self, start, end):
        self.ensure_one()
        return [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("date_judged", ">=", fields.Datetime.to_datetime(start)),
            ("date_judged", "<", fields.Datetime.to_datetime(end)),
            ("line_ids.claim_not_confirmed", "=", True),
            ("state", "not in", ("draft", "cancelled")),
        ]

    def _rma_check_misjudgment(self):
        """Rank the RMAs with a claim that did not hold among the customer's
        in the policy's period; from the policy's rank they are repeated
        misjudgments. Two judgements of one customer at once are serialized
        on the customer, so that each gets its own rank."""
        invalid = self.filtered(
            lambda r: any(r.line_ids.mapped("claim_not_confirmed")) and not r.misjudgment_rank
        )
        for rma in invalid.sudo():
            rma._serialize_on(rma.commercial_partner_id)
            policy = rma.policy_id
            start, end = policy._misjudgment_period_bounds(rma.date_judged.date())
            rank = rma.search_count(rma._rma_invalid_claim_domain(start, end))
            repeated = bool(policy.misjudgment_threshold) and rank >= policy.misjudgment_threshold
            rma._write_workflow({"misjudgment_rank": rank, "repeated_misjudgment": repeated})
            if repeated:
                rma.message_post(
                    body=_(
                        "Repeated misjudgment: invalid claim number %(rank)s of %(customer)s "
                        "since %(start)s. Its handling costs are sales expense and can be "
                        "charged to the customer.",
                        rank=rank,
                        customer=rma.commercial_partner_id.name,
                        start=start,
                    )
                )
                rma.with_env(self.env)._rma_reclass_misjudgment_costs()

    def _freight_cost_accounts(self):
        """The freight of a repeated misjudgment is sales expense."""
        expense, accrual, journal = super()._freight_cost_accounts()
        if self.repeated_misjudgment:
            expense = self.company_id._rma_check_account("rma_misjudgment_account_id")
        return expense, accrual, journal

    # ------------------------------------------------------------------
    # Costs already booked elsewhere move to sales expense
    # ------------------------------------------------------------------
    def _rma_handling_cost_items(self):
        """Journal items (posted, or drafts of the RMA's own entries) of the
        RMA's handling costs."""
        self.ensure_one()
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.rma_id", "=", self.id),
                    ("rma_cost_type", "in", HANDLING_COST_TYPES),
                    ("parent_state", "in", ("draft", "posted")),
                ]
            )
        )

    def _rma_reclass_misjudgment_costs(self):
        """Handling costs booked before the RMA became a repeated
        misjudgment (freight posted at approval, handling time) move to the
        sales expense account: one entry, posted when the user judging is
        an accountant, else a draft for accounting."""
        self.ensure_one()
        company = self.company_id
        target = company._rma_check_account("rma_misjudgment_account_id")
        amounts = defaultdict(float)
        for aml in self._rma_handling_cost_items():
            amounts[(aml.rma_line_id, aml.account_id, aml.rma_cost_type)] += aml.balance
        items = [
            (key, amount)
            for key, amount in amounts.items()
            if key[1] != target and not company.currency_id.is_zero(amount)
        ]
        if not items:
            return self.env["account.move"]
        label = _(
            "%(rma)s: handling costs of a repeated misjudgment to sales expense", rma=self.name
        )
        line_vals = []
        for (line, account, cost_type), amount in items:
            common = {
                "name": label,
                "partner_id": self.partner_id.commercial_partner_id.id,
                "rma_line_id": line.id,
                "rma_cost_type": cost_type,
                "rma_cost_party": line._rma_cost_party() if line else "sales",
                "analytic_distribution": line._rma_analytic_distribution() if line else False,
            }
            line_vals.append(dict(common, account_id=account.id, balance=-amount))
            line_vals.append(dict(common, account_id=target.id, balance=amount))
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company._rma_cost_journal().id,
                    "company_id": company.id,
                    "date": fields.Date.context_today(self),
                    "ref": label,
                    "rma_id": self.id,
                    "rma_entry_type": "handling",
                    "line_ids": [fields.Command.create(vals) for vals in line_vals],
                }
            )
        )
        if self._rma_caller_posts():
            move.action_post()
        else:
            self.sudo().message_post(
                body=_(
                    "Reclassification of the handling costs prepared as draft, to be posted by "
                    "accounting: %s",
                    move.display_name,
                )
            )
        return move

    def _rma_retag_journal_items(self):
        """After the judgement, the posted journal items of the RMAs carry
        the party and analytic account of the judged responsibility."""
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    "|",
                    ("rma_id", "in", self.ids),
                    ("line_ids.rma_line_id", "in", self.line_ids.ids),
                ]
            )
        )
        moves.filtered(lambda m: m.state == "posted")._rma_tag_journal_items()

    # ------------------------------------------------------------------
    # Charging the customer
    # ------------------------------------------------------------------
    def _rma_misjudgment_amount_to_charge(self):
        """Handling costs booked on the RMA (company currency) not charged
        to the customer yet, in the RMA's currency."""
        self.ensure_one()
        booked = sum(self._rma_handling_cost_items().mapped("balance"))
        company = self.company_id
        amount = company.currency_id._convert(
            booked, self.currency_id, company, fields.Date.context_today(self)
        )
        charged = sum(self._charged_lines("misjudgment").mapped("price_subtotal"))
        return self.currency_id.round(amount - charged)

    def _check_can_charge_misjudgment(self):
        self._check_any_group([RMA_USER_GROUP, ACCOUNTING_GROUP], _("charge a misjudgment"))
        self._check_state(CREDIT_STATES, _("Charging a misjudgment"))
        for rma in self:
            if not rma.repeated_misjudgment:
                raise UserError(_("%(rma)s is not a repeated misjudgment.", rma=rma.name))
            if rma.currency_id.compare_amounts(rma._rma_misjudgment_amount_to_charge(), 0.0) <= 0:
                raise UserError(
                    _("The handling costs of %(rma)s are charged or not booked yet.", rma=rma.name)
                )

    def action_charge_misjudgment(self):
        """Button "Charge Misjudgment": invoice the customer of a repeated
        misjudgment the handling costs booked on the RMA and not charged
        yet, on the service product "RMA charge". A draft: accounting
        posts it."""
        self._lock_for_update()
        self._check_can_charge_misjudgment()
        Move = self._rma_prepare_model("account.move")
        moves = self.env["account.move"]
        for rma in self:
            vals = rma._prepare_charge_invoice_vals(rma.partner_id.commercial_partner_id)
            vals["ref"] = _("%(rma)s: handling costs of a misjudgment", rma=rma.name)
            vals["invoice_line_ids"] = [
                fields.Command.create(rma._prepare_misjudgment_charge_line_vals())
            ]
            moves |= Move.with_company(rma.company_id).create(vals)
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    def _prepare_misjudgment_charge_line_vals(self):
        self.ensure_one()
        return {
            "product_id": self._charge_product("dealer").id,
            "name": _(
                "%(rma)s: handling costs of an invalid claim (repeated misjudgment)",
                rma=self.name,
            ),
            "quantity": 1.0,
            "price_unit": self._rma_misjudgment_amount_to_charge(),
            "tax_ids": [fields.Command.clear()],
            "rma_line_id": self._rma_main_line().id,
            "rma_charge_type": "misjudgment",
        }
