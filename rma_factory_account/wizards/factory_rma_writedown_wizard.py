from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRmaWritedownWizard(models.TransientModel):
    """Write defective RMA goods down to their net realisable value
    (不良品按市场可变现价格入库). Opened from the RMA by an RMA Manager or an
    accountant; books only the difference to what was already written down
    (posted, or waiting in draft for accounting), so editing the value never
    books the loss twice."""

    _name = "factory.rma.writedown.wizard"
    _description = "RMA Defective Goods Write-down"

    rma_id = fields.Many2one("factory.rma", "RMA", required=True, readonly=True)
    line_ids = fields.One2many("factory.rma.writedown.wizard.line", "wizard_id", "Lines")

    @api.model
    def _prepare_wizard_vals(self, rma):
        lines = rma.line_ids.filtered(lambda x: x._writedown_qty() > 0)
        if not lines:
            raise UserError(_("%(rma)s has no goods in the defective store.", rma=rma.name))
        return {
            "rma_id": rma.id,
            "line_ids": [
                fields.Command.create(
                    {
                        "rma_line_id": line.id,
                        "quantity": line._writedown_qty(),
                        "unit_cost": line._writedown_unit_cost(),
                        "realisable_value": line.realisable_value
                        if line.writedown_move_ids
                        else line._writedown_unit_cost(),
                    }
                )
                for line in lines
            ],
        }

    def action_confirm(self):
        """Record the realisable values and create the write-down entries of
        the differences: posted when the caller has accounting rights, else
        drafts for accounting (RMA Managers decide the value, accountants
        post)."""
        self.ensure_one()
        rma = self.rma_id
        rma._check_can_write_down()
        rma._lock_for_update()
        for line in self.line_ids:
            line.rma_line_id._check_realisable_value(line.realisable_value)
        moves = self.env["account.move"]
        for line in self.line_ids:
            moves |= line.rma_line_id._set_realisable_value(line.realisable_value)
        rma._rma_post_or_hand_over(moves, _("Write-down entries"))
        return moves
