from odoo import _, api, models
from odoo.exceptions import UserError

from odoo.addons.rma_factory.models.factory_rma_outcome import RESPONSIBILITIES

#: Who bears a cost (RESP-06/07, KPI-19): the judged responsibility, the
#: sales department (repeated misjudgment booked to sales expense, slow
#: sales), or not judged yet.
COST_PARTIES = [
    *RESPONSIBILITIES,
    ("sales", "Sales department"),
    ("undetermined", "Not judged yet"),
]

#: What a journal item of an RMA costs (positive) or recovers (negative).
COST_TYPES = [
    ("freight", "Freight"),
    ("repair_parts", "Repair parts"),
    ("repair_labour", "Repair labour"),
    ("handling", "Sorting / inspection time"),
    ("replacement", "Goods shipped, not returned"),
    ("scrap", "Scrap"),
    ("write_down", "Write-down"),
    ("concession", "Concession"),
    ("credit_note", "Credit note"),
    ("goods_returned", "Goods returned (cost of sales reversed)"),
    ("dealer_charge", "Charged to the dealer"),
    ("customer_charge", "Charged to the customer"),
    ("carrier_recovery", "Carrier recovery"),
    ("supplier_recovery", "Supplier recovery"),
]

#: cost types that recover money (negative costs).
RECOVERY_TYPES = ("dealer_charge", "customer_charge", "carrier_recovery", "supplier_recovery")

#: cost type of the charge lines the addon invoices (``rma_charge_type``).
CHARGE_COST_TYPES = {
    "concession": "concession",
    "dealer": "dealer_charge",
    "claim": "carrier_recovery",
    "misjudgment": "customer_charge",
}


class FactoryRmaLine(models.Model):
    """Who bears the costs of a line, and the analytic account of the "RMA
    Responsibility" plan its journal items carry."""

    _inherit = "factory.rma.line"

    def _rma_cost_party(self):
        """Party that bears the line's costs: the sales department for a
        repeated misjudgment (its costs are sales expense, RESP-11) and for
        non-quality returns nobody caused (slow sales, RESP-06), else the
        judged responsibility, the customer for a claim that did not hold,
        "not judged yet" before the judgement."""
        self.ensure_one()
        line = self.sudo()
        if line.rma_id.repeated_misjudgment:
            return "sales"
        if line.responsibility:
            return line.responsibility
        if line.claim_not_confirmed:
            return "customer"
        if line.reason_id.category == "non_quality":
            return "sales"
        return "undetermined"

    @api.model
    def _rma_xmlid_record(self, model, xmlid):
        """Record of ``xmlid`` (empty when it was deleted) without the
        existence query of ``env.ref``: the xmlid is looked up in Odoo's
        cache, and deleting a record deletes its xmlid."""
        res_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
        return self.env[model].browse(res_id or ())

    @api.model
    def _rma_party_analytic_account(self, party):
        """Analytic account of the "RMA Responsibility" plan of ``party``."""
        return self._rma_xmlid_record(
            "account.analytic.account", f"rma_factory_account.analytic_responsibility_{party}"
        )

    def _rma_analytic_distribution(self, base=None):
        """``base`` (an analytic distribution) with the responsibility
        account of the line instead of any other account of the plan."""
        self.ensure_one()
        return self._rma_merge_distribution(
            base, self._rma_party_analytic_account(self._rma_cost_party())
        )

    @api.model
    def _rma_merge_distribution(self, base, account):
        """``base`` without the keys that name an account of the "RMA
        Responsibility" plan, plus ``account`` at 100 %. Called for every
        journal item the addon tags: the accounts of ``base`` are checked in
        one query (then read from the cache), the plan's accounts are not
        searched."""
        base = base or {}
        plan = self._rma_xmlid_record(
            "account.analytic.plan", "rma_factory_account.analytic_plan_rma_responsibility"
        )
        Account = self.env["account.analytic.account"].sudo().with_context(active_test=False)
        ids_of = {key: {int(i) for i in key.split(",")} for key in base}
        existing = Account.browse(set().union(*ids_of.values())).exists() if plan else Account
        in_plan = {account.id for account in existing if account.plan_id == plan}
        distribution = {key: value for key, value in base.items() if not ids_of[key] & in_plan}
        if account:
            distribution[str(account.id)] = 100.0
        return distribution

    @api.model
    def _rma_plan_accounts(self):
        plan = self._rma_xmlid_record(
            "account.analytic.plan", "rma_factory_account.analytic_plan_rma_responsibility"
        )
        if not plan:
            return self.env["account.analytic.account"]
        return (
            self.env["account.analytic.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("plan_id", "=", plan.id)])
        )

    def _check_handling_time_allowed(self):
        """Handling time is recorded once the goods are received."""
        for line in self:
            if line.state not in ("received", "judged", "processing", "done"):
                raise UserError(
                    _(
                        "%(line)s: handling time is recorded once the goods are received.",
                        line=line.display_name,
                    )
                )
