from odoo import Command, _, models
from odoo.exceptions import UserError

from .factory_rma_inspection import QUALITY_INSPECTOR


class FactoryRmaInspection(models.Model):
    """Containment: suspect stock of the same product and lot, quarantined on request."""

    _inherit = "factory.rma.inspection"

    def _suspect_quants(self):
        """Unreserved stock of the same product (and lot, when the
        inspection has one) in the company's internal locations outside the
        RMA locations."""
        self.ensure_one()
        action = self.rma_id._containment_action(self.product_id)
        domain = list(action["domain"])
        if self.lot_id:
            domain.append(("lot_id", "=", self.lot_id.id))
        quants = self.env["stock.quant"].sudo().search(domain)
        return quants.filtered(lambda q: q.quantity - q.reserved_quantity > 0)

    def action_quarantine_suspect_stock(self):
        """Containment (INSP-20, AS-14): move the suspect stock of the same
        product and lot to RMA/Input, where no delivery reserves it, until
        quality releases it."""
        self.ensure_one()
        self._check_group(QUALITY_INSPECTOR, _("quarantine suspect stock"))
        quants = self._suspect_quants()
        if not quants:
            raise UserError(_("No free stock of %s to quarantine.", self.product_id.display_name))
        rma = self.rma_id.sudo()
        warehouse = rma.warehouse_id
        by_location = {}
        for quant in quants:
            by_location.setdefault(quant.location_id, self.env["stock.quant"])
            by_location[quant.location_id] |= quant
        pickings = self.env["stock.picking"].sudo()
        for location, location_quants in by_location.items():
            vals = rma._prepare_picking_vals(
                warehouse.rma_int_type_id, location, warehouse.rma_input_loc_id
            )
            vals["origin"] = _("%(rma)s containment (%(name)s)", rma=rma.name, name=self.name)
            vals["move_ids"] = [
                Command.create(
                    {
                        "name": self.product_id.display_name,
                        "product_id": self.product_id.id,
                        "product_uom": self.product_id.uom_id.id,
                        "product_uom_qty": sum(
                            q.quantity - q.reserved_quantity for q in location_quants
                        ),
                        "location_id": location.id,
                        "location_dest_id": warehouse.rma_input_loc_id.id,
                        "company_id": rma.company_id.id,
                    }
                )
            ]
            picking = self.env["stock.picking"].sudo().create(vals)
            picking.action_confirm()
            picking.move_ids.move_line_ids.unlink()
            for quant in location_quants:
                self.env["stock.move.line"].sudo().create(
                    {
                        "move_id": picking.move_ids.id,
                        "picking_id": picking.id,
                        "product_id": self.product_id.id,
                        "product_uom_id": self.product_id.uom_id.id,
                        "lot_id": quant.lot_id.id,
                        "quantity": quant.quantity - quant.reserved_quantity,
                        "location_id": location.id,
                        "location_dest_id": warehouse.rma_input_loc_id.id,
                    }
                )
            pickings |= picking
        self.message_post(
            body=_("Suspect stock sent to quarantine: %s", ", ".join(pickings.mapped("name")))
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", pickings.ids)],
            "name": _("Quarantine Transfers"),
        }

    def action_containment(self):
        """Containment (INSP-20): the stock of the same product in the
        company's internal locations, to check it for the same defect."""
        self.ensure_one()
        return self.rma_id._containment_action(self.product_id)
