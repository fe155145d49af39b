from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    rma_line_id = fields.Many2one(
        "factory.rma.line", "RMA Line", index="btree_not_null", readonly=True, copy=False
    )
    rma_id = fields.Many2one(related="rma_line_id.rma_id", store=True, string="RMA")

    def action_repair_done(self):
        """Repaired RMA goods carry the repaired mark on their lot and go back
        to the customer: an RMA delivery from RMA/Repaired is created as
        soon as the repair is done."""
        res = super().action_repair_done()
        rma_repairs = self.filtered(lambda r: r.rma_line_id and r.state == "done")
        if rma_repairs:
            self.env["stock.lot"].sudo()._rma_mark_repaired(rma_repairs.sudo())
            rma_repairs.rma_line_id.sudo()._create_send_back_for_repairs(rma_repairs.sudo())
            rma_repairs.rma_id._sync_state_from_stock()
            rma_repairs.rma_id.sudo()._record_repair_step("repair_done", rma_repairs)
        return res

    def action_repair_start(self):
        """The customer hears that the repair of its goods started."""
        res = super().action_repair_start()
        rma_repairs = self.filtered(lambda r: r.rma_line_id and r.state == "under_repair")
        if rma_repairs:
            rma_repairs.rma_id.sudo()._record_repair_step("repair_started", rma_repairs)
        return res
