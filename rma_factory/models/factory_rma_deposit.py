from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class FactoryRma(models.Model):
    """The deposit of an advance replacement: asked, received, released, applied."""

    _inherit = "factory.rma"

    # Advance replacement against a deposit (先发新货,再退回)
    deposit_amount = fields.Monetary(
        compute="_compute_deposit_amount",
        store=True,
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    deposit_state = fields.Selection(
        [
            ("to_collect", "To collect"),
            ("received", "Received"),
            ("released", "Released"),
            ("applied", "Applied"),
        ],
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    date_deposit = fields.Datetime(
        "Deposit Date", readonly=True, copy=False, groups="base.group_user"
    )

    def _workflow_fields(self):
        """The deposit is asked, received, released or applied by its buttons."""
        return super()._workflow_fields() | {"deposit_amount", "deposit_state", "date_deposit"}

    @api.depends("rma_type", "amount_total", "deposit_state")
    def _compute_deposit_amount(self):
        """The deposit an advance replacement will ask for: the RMA's total
        until the approval asks for it (and writes the amount,
        ``_prepare_approval_vals``); from then on nothing is proposed and the
        amount asked stays."""
        for rma in self.filtered(lambda r: not r.deposit_state):
            rma.deposit_amount = rma.amount_total if rma.rma_type == "advance_replacement" else 0.0

    def _check_deposit(self, states, action_label):
        self._check_group("rma_factory.group_rma_manager", action_label)
        for rma in self:
            if rma.rma_type != "advance_replacement" or rma.deposit_state not in states:
                raise UserError(
                    _("%(action)s is not possible on %(rma)s.", action=action_label, rma=rma.name)
                )

    def action_deposit_received(self):
        """The customer paid the deposit: the replacement ships (先发新货,
        再退回). The accounting addon posts the deposit."""
        self._lock_for_update()
        self._check_deposit(("to_collect",), _("Recording the deposit"))
        self._check_state(
            ("approved", "received", "judged", "processing"), _("Recording the deposit")
        )
        self._write_workflow({"deposit_state": "received", "date_deposit": fields.Datetime.now()})
        self.line_ids.filtered(lambda line: not line.is_third_party)._create_replacements()
        return True

    def action_release_deposit(self):
        """The goods came back in order: the deposit is given back."""
        self._lock_for_update()
        self._check_deposit(("received",), _("Releasing the deposit"))
        for rma in self:
            missing = rma.line_ids.filtered(
                lambda line: (
                    float_compare(
                        line.qty_received,
                        line.quantity,
                        precision_rounding=line._qty_rounding(),
                    )
                    < 0
                )
            )
            if missing:
                raise UserError(
                    _(
                        "%(rma)s: %(product)s has not fully come back; apply the deposit instead.",
                        rma=rma.name,
                        product=missing[0].product_id.display_name,
                    )
                )
        self._write_workflow({"deposit_state": "released"})
        return True

    def action_apply_deposit(self):
        """The goods did not come back, or not in order: the deposit is kept
        against the replacement."""
        self._lock_for_update()
        self._check_deposit(("received",), _("Applying the deposit"))
        self._write_workflow({"deposit_state": "applied"})
        return True
