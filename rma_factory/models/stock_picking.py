from odoo import _, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    rma_id = fields.Many2one(
        "factory.rma", "RMA", index="btree_not_null", copy=False, readonly=True
    )
    rma_carrier_id = fields.Many2one("res.partner", "RMA Carrier", copy=False)
    rma_tracking_ref = fields.Char(
        "Tracking Reference",
        copy=False,
        help="Tracking number of the parcel: the customer's return (RMA receipts) or the goods "
        "sent to the customer (RMA deliveries), told to the customer when they ship.",
    )
    rma_carrier_name = fields.Char(
        "Carrier Name",
        copy=False,
        help="The carrier as the customer named it on the portal (returns), or as the "
        "warehouse tells the customer (RMA deliveries).",
    )

    def _create_backorder(self, backorder_moves=None):
        backorders = super()._create_backorder(backorder_moves=backorder_moves)
        for backorder in backorders:
            if backorder.backorder_id.rma_id:
                backorder.rma_id = backorder.backorder_id.rma_id
        return backorders

    def action_view_rma(self):
        self.ensure_one()
        return self.rma_id._action_open_form()

    def action_create_rma(self):
        """Button on a done delivery: a draft RMA with its not yet returned
        quantities (one line per lot)."""
        self.ensure_one()
        if self.picking_type_code != "outgoing" or self.state != "done":
            raise UserError(_("An RMA can only be created from a done delivery."))
        vals = self.env["factory.rma"]._prepare_rma_vals_from_partner(
            self.partner_id, self.company_id
        )
        vals.update(picking_id=self.id, sale_order_id=self.sale_id.id)
        moves = self.move_ids.filtered(lambda m: m.state == "done" and not m.rma_line_id)
        rma = self.env["factory.rma"]._create_from_moves(moves, vals)
        return rma._action_open_form()
