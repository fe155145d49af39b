from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class FactoryRma(models.Model):
    """The documents an RMA comes from: sale order, delivery, invoice.

    RMAs are created from them with the returnable quantity per delivered lot,
    and every origin must belong to the RMA's customer.
    """

    _inherit = "factory.rma"

    sale_order_id = fields.Many2one(
        "sale.order", "Sale Order", check_company=True, index="btree_not_null", tracking=True
    )
    picking_id = fields.Many2one(
        "stock.picking",
        "Origin Delivery",
        check_company=True,
        index="btree_not_null",
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done')]",
        groups="base.group_user",
    )
    invoice_id = fields.Many2one(
        "account.move",
        "Origin Invoice",
        check_company=True,
        index="btree_not_null",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
        groups="base.group_user",
    )

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "views": [(False, "form")],
            "res_id": self.sale_order_id.id,
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "views": [(False, "form")],
            "res_id": self.invoice_id.id,
        }

    @api.model
    def _prepare_rma_vals_from_partner(self, partner, company):
        return {
            "partner_id": partner.id,
            "company_id": company.id,
        }

    @api.model
    def _create_from_moves(self, moves, header_vals):
        """Create a draft RMA with one line per delivered lot of ``moves``
        (done deliveries to the customer), for the quantity not yet returned
        on other RMAs. Raises when nothing is left to return."""
        line_vals = []
        for move in moves:
            line_vals.extend(self.env["factory.rma.line"]._prepare_vals_from_move(move))
        if not line_vals:
            raise UserError(
                _("Nothing left to return: every delivered quantity is already on an RMA.")
            )
        vals = dict(header_vals, line_ids=[fields.Command.create(v) for v in line_vals])
        return self.create(vals)

    def _action_open_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma",
            "views": [(False, "form")],
            "res_id": self.id,
        }

    @api.constrains("sale_order_id", "picking_id", "invoice_id", "partner_id")
    def _check_origin_partner(self):
        for rma in self:
            commercial = rma.partner_id.commercial_partner_id
            for origin in (rma.sale_order_id, rma.picking_id, rma.invoice_id):
                if origin and origin.partner_id.commercial_partner_id != commercial:
                    raise ValidationError(
                        _(
                            "%(origin)s belongs to another customer than %(rma)s.",
                            origin=origin.display_name,
                            rma=rma.name,
                        )
                    )
