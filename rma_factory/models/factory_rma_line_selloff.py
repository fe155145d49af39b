from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class FactoryRmaLine(models.Model):
    """Sell-off (变卖) of defective goods: the approved buyer and price, and
    the sale order that delivers them from RMA/Defective."""

    _inherit = "factory.rma.line"

    selloff_partner_id = fields.Many2one(
        "res.partner",
        "Sell-off Buyer",
        check_company=True,
        copy=False,
        groups="base.group_user",
        help="Who buys the defective goods; approved by the RMA Approver with the price.",
    )
    selloff_price_unit = fields.Float(
        "Sell-off Unit Price",
        digits="Product Price",
        copy=False,
        groups="base.group_user",
        help="Unit price (tax excluded) the RMA Approver approves for the sale of the "
        "defective goods, in the currency of the sale order's pricelist.",
    )
    selloff_order_ids = fields.One2many(
        "sale.order",
        "rma_selloff_line_id",
        "Sell-off Orders",
        readonly=True,
        groups="base.group_user",
    )

    def _outcome_fields(self):
        """The buyer and the price are part of the decision the RMA
        Approver approves: changing them needs a new approval."""
        return super()._outcome_fields() | {"selloff_partner_id", "selloff_price_unit"}

    @api.constrains("selloff_price_unit")
    def _constrain_selloff_price(self):
        for line in self:
            if line.selloff_price_unit < 0:
                raise ValidationError(
                    _(
                        "The sell-off price of %(product)s cannot be negative.",
                        product=line.product_id.display_name,
                    )
                )

    def action_approve_outcome(self):
        """A sell-off is approved with its buyer and price."""
        self._check_group(
            "rma_factory.group_rma_approver",
            _("approve scrap, sell-off or customer-caused returns"),
        )
        for line in self.filtered(lambda x: x.decided_outcome == "sell_off"):
            if not line.selloff_partner_id or not line.selloff_price_unit:
                raise UserError(
                    _(
                        "Enter the buyer and the unit price of the sell-off of %(product)s "
                        "before approving it.",
                        product=line.product_id.display_name,
                    )
                )
        return super().action_approve_outcome()

    def _selloff_moves_done(self, moves):
        """Called when routing ``moves`` are done: the approved sell-off
        goods that reached RMA/Defective are sold to the buyer."""
        for line in self:
            line_moves = moves.filtered(
                lambda m, line=line: (
                    m.rma_line_id == line
                    and m.rma_move_kind == "routing"
                    and m.state == "done"
                    and m.location_dest_id == line.rma_id.warehouse_id.rma_defective_loc_id
                )
            )
            if (
                line_moves
                and line.decided_outcome == "sell_off"
                and line.outcome_approved
                and line.selloff_partner_id
            ):
                line._create_selloff_order(line_moves)

    def _create_selloff_order(self, moves):
        """Confirmed sale order to the buyer at the approved price for the
        goods ``moves`` brought into RMA/Defective, delivering those lots
        from there. The RMA Approver's approval is what authorises the sale:
        it is created as superuser for whoever routes the goods (a warehouse
        user has no sales rights); invoicing stays with accounting."""
        self.ensure_one()
        qty = sum(moves.mapped("product_qty"))
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(self.company_id)
            .create(self._prepare_selloff_order_vals(qty))
        )
        order.action_confirm()
        deliveries = order.order_line.move_ids.filtered(
            lambda m: m.location_id == self.rma_id.warehouse_id.rma_defective_loc_id
        )
        lots = {}
        for move_line in moves.move_line_ids:
            lots[move_line.lot_id] = lots.get(move_line.lot_id, 0.0) + move_line.quantity
        if deliveries and self.product_id.tracking != "none":
            deliveries._do_unreserve()
            move = deliveries[:1]
            self.env["stock.move.line"].create(
                [
                    {
                        "move_id": move.id,
                        "picking_id": move.picking_id.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_id.uom_id.id,
                        "lot_id": lot.id,
                        "quantity": lot_qty,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "company_id": move.company_id.id,
                    }
                    for lot, lot_qty in lots.items()
                    if lot
                ]
            )
            move._recompute_state()
        self.rma_id.message_post(
            body=_(
                "Sell-off of %(qty)s %(product)s to %(buyer)s: sale order %(order)s.",
                qty=qty,
                product=self.product_id.display_name,
                buyer=self.selloff_partner_id.display_name,
                order=order.name,
            )
        )
        return order

    def _prepare_selloff_order_vals(self, qty):
        """Sale order of the sell-off: the buyer, the approved price, the
        RMA's warehouse and its sell-off route (from RMA/Defective)."""
        self.ensure_one()
        rma = self.rma_id
        warehouse = rma.warehouse_id
        return {
            "partner_id": self.selloff_partner_id.id,
            "company_id": self.company_id.id,
            "warehouse_id": warehouse.id,
            "origin": rma.name,
            "client_order_ref": rma.name,
            "user_id": (rma.user_id or self.env.user).id,
            "rma_selloff_line_id": self.id,
            "order_line": [
                fields.Command.create(
                    {
                        "product_id": self.product_id.id,
                        "product_uom_qty": self.product_id.uom_id._compute_quantity(
                            qty, self.product_uom_id
                        ),
                        "product_uom": self.product_uom_id.id,
                        "price_unit": self.selloff_price_unit,
                        "route_id": warehouse.rma_sell_off_route_id.id,
                        "name": _(
                            "%(product)s (defective goods sold off, %(rma)s)",
                            product=self.product_id.display_name,
                            rma=rma.name,
                        ),
                    }
                )
            ],
        }
