from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .factory_rma import RMA_READER_GROUPS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    rma_ids = fields.One2many(
        "factory.rma", "sale_order_id", string="RMAs", groups=RMA_READER_GROUPS
    )
    rma_count = fields.Integer(compute="_compute_rma_count", string="RMA Count")
    rma_selloff_line_id = fields.Many2one(
        "factory.rma.line",
        "Sell-off of RMA Line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups=RMA_READER_GROUPS,
        help="Defective goods of this RMA line sold off to the customer of the order.",
    )

    @api.depends("rma_ids")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_rma_count(self):
        """The RMAs of the order that the reader may see: a salesperson
        without RMA rights reads 0, not an access error."""
        counts = self.env["factory.rma"]._visible_count(
            [("sale_order_id", "in", self._origin.ids)], "sale_order_id"
        )
        for order in self:
            order.rma_count = counts.get(order._origin, 0)

    def _check_can_create_rma(self):
        self.ensure_one()
        if self.state != "sale":
            raise UserError(_("An RMA can only be created from a confirmed sale order."))

    def action_create_rma(self):
        """Button on the order: a draft RMA with, per delivered lot, the
        delivered quantity not yet returned on other RMAs."""
        self._check_can_create_rma()
        moves = self.order_line.move_ids._rma_returnable_deliveries()
        vals = self.env["factory.rma"]._prepare_rma_vals_from_partner(
            self.partner_id, self.company_id
        )
        vals.update(sale_order_id=self.id, warehouse_id=self.warehouse_id.id)
        rma = self.env["factory.rma"]._create_from_moves(moves, vals)
        return rma._action_open_form()

    def action_view_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rma_factory.action_factory_rma")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _rma_portal_can_request_return(self, user):
        """Whether the portal page of the order offers "Request a return" to
        ``user`` (the visitor; the page renders the order as superuser): to
        a portal user of the order's customer, for delivered goods left to
        return."""
        self.ensure_one()
        if not user.share or user._is_public():
            return False
        order = self.sudo()
        return (
            order.state == "sale"
            and order.partner_id.commercial_partner_id == user.partner_id.commercial_partner_id
            and bool(self.env["factory.rma"]._portal_returnable_rows(order))
        )
