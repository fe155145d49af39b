from odoo import _, fields, models
from odoo.exceptions import UserError

from .factory_rma import ACCOUNTING_GROUP, RMA_USER_GROUP


class FactoryRma(models.Model):
    """Handling time of the RMA's lines and its journal entry."""

    _inherit = "factory.rma"

    handling_time_ids = fields.One2many(
        "factory.rma.handling.time",
        "rma_id",
        "Handling Time",
        # the roles that may read handling time (inspectors and warehouse
        # users open the RMA without it)
        groups="rma_factory.group_rma_user,account.group_account_invoice",
    )

    def _check_can_book_handling_time(self):
        self._check_any_group([RMA_USER_GROUP, ACCOUNTING_GROUP], _("book handling time"))
        for rma in self:
            if not rma.sudo().handling_time_ids.filtered(lambda t: not t.move_id):
                raise UserError(_("%(rma)s has no handling time left to book.", rma=rma.name))

    def _prepare_handling_move_vals(self, times):
        """Dr reprocessing (or sales expense) / Cr labour absorbed per time
        entry, with the line, cost type and responsibility analytic."""
        self.ensure_one()
        company = self.company_id
        absorbed = company._rma_check_account("rma_labour_absorbed_account_id")
        label = _("%(rma)s: handling time", rma=self.name)
        line_vals = []
        for time in times:
            line = time.line_id
            common = {
                "name": _(
                    "%(rma)s: %(kind)s, %(hours)s h",
                    rma=self.name,
                    kind=dict(time._fields["kind"]._description_selection(self.env))[time.kind],
                    hours=time.hours,
                ),
                "partner_id": self.partner_id.commercial_partner_id.id,
                "product_id": line.product_id.id,
                "rma_line_id": line.id,
                "analytic_distribution": line._rma_analytic_distribution(),
            }
            line_vals += [
                dict(
                    common,
                    account_id=time._cost_account().id,
                    balance=time.amount,
                    rma_cost_type=time._cost_type(),
                    rma_cost_party=line._rma_cost_party(),
                ),
                dict(common, account_id=absorbed.id, balance=-time.amount),
            ]
        return {
            "move_type": "entry",
            "journal_id": company._rma_cost_journal().id,
            "company_id": company.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.id,
            "rma_entry_type": "handling",
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def action_book_handling_time(self):
        """Button "Book Handling Time": one entry for the time not booked
        yet; posted when the caller has accounting rights, else a draft for
        accounting."""
        self._lock_for_update()
        self._check_can_book_handling_time()
        Move = self._rma_prepare_model("account.move")
        for rma in self:
            times = rma.sudo().handling_time_ids.filtered(
                lambda t: not t.move_id and not t.currency_id.is_zero(t.amount)
            )
            if not times:
                continue
            move = Move.with_company(rma.company_id).create(
                rma.sudo()._prepare_handling_move_vals(times)
            )
            times._write_workflow({"move_id": move.id})
            rma._rma_post_or_hand_over(move, _("Handling time entry"))
        return True
