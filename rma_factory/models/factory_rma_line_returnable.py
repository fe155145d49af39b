from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

#: RMA states in which a line still counts against the returnable quantity.
BLOCKING_STATES = ("draft", "submitted", "approved", "received", "judged", "processing", "done")


class FactoryRmaLine(models.Model):
    """What a line may return: delivered and not yet on another RMA, of this customer."""

    _inherit = "factory.rma.line"

    @api.constrains("quantity", "sale_line_id", "move_id", "product_id")
    def _constrain_quantities(self):
        self._check_quantities()

    @api.constrains("is_third_party", "sale_line_id", "move_id", "invoice_line_id")
    def _check_third_party(self):
        for line in self.filtered("is_third_party"):
            if line.sale_line_id or line.move_id or line.invoice_line_id:
                raise ValidationError(
                    _(
                        "%s is flagged as third-party goods: it cannot refer to a sale, delivery "
                        "or invoice of the company.",
                        line.product_id.display_name,
                    )
                )

    @api.constrains("sale_line_id", "move_id", "invoice_line_id", "product_id", "rma_id")
    def _check_origin_consistency(self):
        for line in self.sudo():
            customer = line.rma_id.partner_id.commercial_partner_id
            for origin, partner in (
                (line.sale_line_id, line.sale_line_id.order_id.partner_id),
                (line.move_id, line.move_id.picking_id.partner_id or line.move_id.partner_id),
                (line.invoice_line_id, line.invoice_line_id.move_id.partner_id),
            ):
                if origin and partner.commercial_partner_id != customer:
                    raise ValidationError(
                        _(
                            "The origin document of %(product)s belongs to another customer "
                            "than %(customer)s.",
                            product=line.product_id.display_name,
                            customer=customer.display_name,
                        )
                    )
            for origin, product in (
                (line.sale_line_id, line.sale_line_id.product_id),
                (line.move_id, line.move_id.product_id),
                (line.invoice_line_id, line.invoice_line_id.product_id),
            ):
                if origin and product != line.product_id:
                    raise ValidationError(
                        _(
                            "The origin document of line %(product)s is for another product (%(other)s).",  # noqa: E501
                            product=line.product_id.display_name,
                            other=product.display_name,
                        )
                    )
            if line.move_id and line.move_id.location_dest_id.usage != "customer":
                raise ValidationError(
                    _("The origin move of an RMA line must be a delivery to a customer.")
                )

    def _check_quantities(self):
        """A line never asks for more than delivered minus what other open or
        done RMAs already return for the same sale line or delivery move.
        Works for the whole recordset with a fixed number of queries."""
        for line in self:
            if float_compare(line.quantity, 0.0, precision_rounding=line._qty_rounding()) <= 0:
                raise ValidationError(
                    _("The quantity of %s must be positive.", line.product_id.display_name)
                )
        # Delivered quantities come from stock moves the RMA user may not
        # read: the check itself runs as superuser.
        lines = self.sudo().filtered(lambda x: x.sale_line_id or x.move_id)
        if not lines:
            return
        # Two RMAs claiming the same delivered units at the same time: the
        # later transaction is retried and then sees the first one's lines.
        self._serialize_on(lines.sale_line_id)
        self._serialize_on(lines.move_id)
        others = lines.search(
            [
                "|",
                ("sale_line_id", "in", lines.sale_line_id.ids),
                ("move_id", "in", lines.move_id.ids),
                ("rma_id.state", "in", BLOCKING_STATES),
            ]
        )
        used_by_sale_line = defaultdict(float)
        used_by_move = defaultdict(float)
        for other in others:
            qty = other._blocking_qty()
            if other.sale_line_id:
                used_by_sale_line[other.sale_line_id.id] += qty
            if other.move_id:
                used_by_move[other.move_id.id] += qty
        checked_sale_lines = set()
        checked_moves = set()
        for line in lines:
            product_uom = line.product_id.uom_id
            if line.sale_line_id and line.sale_line_id.id not in checked_sale_lines:
                checked_sale_lines.add(line.sale_line_id.id)
                delivered = line._delivered_qty_of_sale_line(line.sale_line_id)
                line._raise_if_excess(
                    delivered, used_by_sale_line[line.sale_line_id.id], product_uom
                )
            if line.move_id and line.move_id.id not in checked_moves:
                checked_moves.add(line.move_id.id)
                delivered = line._delivered_qty_of_move(line.move_id)
                line._raise_if_excess(delivered, used_by_move[line.move_id.id], product_uom)

    def _blocking_qty(self):
        """Quantity (product UoM) this line takes from the returnable
        quantity: what came back once the RMA is done, else what it asks."""
        self.ensure_one()
        qty = self.qty_received if self.rma_id.state == "done" else self.quantity
        return self.product_uom_id._compute_quantity(qty, self.product_id.uom_id)

    def _raise_if_excess(self, delivered, used, uom):
        if float_compare(used, delivered, precision_rounding=uom.rounding) > 0:
            raise ValidationError(
                _(
                    "You cannot return more %(product)s than delivered: delivered %(delivered)s, "
                    "on RMAs %(used)s.",
                    product=self.product_id.display_name,
                    delivered=delivered,
                    used=used,
                )
            )

    @api.model
    def _is_non_rma_customer_return(self, move):
        return (
            move.state == "done"
            and not move.rma_line_id
            and move.location_id.usage == "customer"
            and move.origin_returned_move_id
        )

    @api.model
    def _delivered_qty_of_move(self, move):
        """Done quantity of a delivery move less the returns made outside RMAs."""
        if move.state != "done":
            return 0.0
        qty = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
        for returned in move.returned_move_ids.filtered(self._is_non_rma_customer_return):
            qty -= returned.product_uom._compute_quantity(returned.quantity, move.product_id.uom_id)
        return qty

    @api.model
    def _delivered_qty_of_sale_line(self, sale_line):
        qty = 0.0
        for move in sale_line.move_ids.filtered(
            lambda m: (
                m.state == "done" and m.location_dest_id.usage == "customer" and not m.rma_line_id
            )
        ):
            qty += self._delivered_qty_of_move(move)
        return qty

    @api.model
    def _prepare_vals_from_move(self, move, max_qty=None):
        """Line values for the not yet returned quantity of a done delivery
        move, one line per delivered lot."""
        if (
            move.state != "done"
            or move.location_dest_id.usage != "customer"
            or move.origin_returned_move_id
        ):
            return []
        already = sum(
            line._blocking_qty()
            for line in self.sudo().search(
                [("move_id", "=", move.id), ("rma_id.state", "in", BLOCKING_STATES)]
            )
        )
        left = self._delivered_qty_of_move(move) - already
        if max_qty is not None:
            left = min(left, max_qty)
        rounding = move.product_id.uom_id.rounding
        if float_compare(left, 0.0, precision_rounding=rounding) <= 0:
            return []
        base = {
            "product_id": move.product_id.id,
            "product_uom_id": move.product_id.uom_id.id,
            "move_id": move.id,
            "sale_line_id": move.sale_line_id.id,
        }
        by_lot = defaultdict(float)
        for move_line in move.move_line_ids:
            by_lot[move_line.lot_id] += move_line.product_uom_id._compute_quantity(
                move_line.quantity, move.product_id.uom_id
            )
        vals_list = []
        for lot, qty in by_lot.items():
            qty = min(qty, left)
            if float_compare(qty, 0.0, precision_rounding=rounding) <= 0:
                continue
            left -= qty
            vals_list.append(dict(base, quantity=qty, lot_id=lot.id))
        return vals_list

    def _check_receipt_quantities(self, moves):
        """Goods received on a line never exceed its authorised quantity: the
        warehouse books a surplus only on a line an RMA Manager accepted
        (``_authorise_surplus``)."""
        for line in self:
            incoming = sum(
                m.product_uom._compute_quantity(m.quantity, line.product_uom_id)
                for m in moves
                if m.rma_line_id == line
            )
            total = line.qty_received + incoming
            if float_compare(total, line.quantity, precision_rounding=line._qty_rounding()) > 0:
                raise UserError(
                    _(
                        "%(rma)s authorises %(authorised)s %(product)s; this receipt would bring "
                        "%(total)s. Receive the authorised quantity, or ask an RMA Manager to "
                        "accept the surplus on the RMA line first.",
                        rma=line.rma_id.name,
                        authorised=line.quantity,
                        product=line.product_id.display_name,
                        total=total,
                    )
                )

    @api.model
    def _returnable_by_lot(self, move):
        """{lot: quantity} of a done delivery move that a new RMA may still
        return (product unit): delivered per lot, less the lines of other
        RMAs on that lot, never more than the move's own returnable total
        (``_check_quantities`` guards the total)."""
        if (
            move.state != "done"
            or move.location_dest_id.usage != "customer"
            or move.origin_returned_move_id
            or move.rma_line_id
        ):
            return {}
        lines = self.sudo().search(
            [("move_id", "=", move.id), ("rma_id.state", "in", BLOCKING_STATES)]
        )
        left = self._delivered_qty_of_move(move) - sum(line._blocking_qty() for line in lines)
        used_by_lot = defaultdict(float)
        for line in lines.filtered("lot_id"):
            used_by_lot[line.lot_id] += line._blocking_qty()
        delivered_by_lot = defaultdict(float)
        for move_line in move.move_line_ids:
            delivered_by_lot[move_line.lot_id] += move_line.product_uom_id._compute_quantity(
                move_line.quantity, move.product_id.uom_id
            )
        rounding = move.product_id.uom_id.rounding
        result = {}
        for lot, qty in delivered_by_lot.items():
            returnable = min(qty - used_by_lot[lot], left)
            if float_compare(returnable, 0.0, precision_rounding=rounding) > 0:
                result[lot] = returnable
        return result
