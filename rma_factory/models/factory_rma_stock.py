from odoo import fields, models


class FactoryRma(models.Model):
    """The return receipt into quarantine and the group of the RMA's deliveries."""

    _inherit = "factory.rma"

    procurement_group_id = fields.Many2one(
        "procurement.group",
        "Procurement Group",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """The procurement group is created by the first outgoing delivery."""
        return super()._workflow_fields() | {"procurement_group_id"}

    def _prepare_picking_vals(self, picking_type, location, location_dest):
        """Values of an RMA transfer; integrators extend it to add their
        own fields (carrier, tracking reference…)."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "partner_id": self.partner_shipping_id.id or self.partner_id.id,
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "rma_id": self.id,
            "move_type": "direct",
        }

    def _customer_location(self):
        self.ensure_one()
        return (
            (self.partner_shipping_id or self.partner_id)
            .with_company(self.company_id)
            .property_stock_customer
        )

    def _create_receipts(self, lines=None):
        """One receipt per RMA (customer → RMA/Input) for every line that
        expects goods back (or for ``lines``), linked to the original
        delivery moves. The receipts of all the RMAs are created in one
        ``create``, then confirmed and reserved together."""
        lines_todo = (lines or self.line_ids).filtered(
            lambda line: line.rma_id in self and line._expects_goods_back()
        )
        vals_list = []
        for rma in self & lines_todo.rma_id:
            warehouse = rma.warehouse_id
            picking_vals = rma._prepare_picking_vals(
                warehouse.rma_in_type_id, rma._customer_location(), warehouse.rma_input_loc_id
            )
            picking_vals["move_ids"] = [
                fields.Command.create(line._prepare_receipt_move_vals())
                for line in lines_todo
                if line.rma_id == rma
            ]
            vals_list.append(picking_vals)
        if not vals_list:
            return self.env["stock.picking"]
        pickings = self.env["stock.picking"].create(vals_list)
        pickings.action_confirm()
        pickings.action_assign()
        for move in pickings.move_ids.filtered(lambda m: m.rma_line_id.lot_id):
            move.move_line_ids.write({"lot_id": move.rma_line_id.lot_id.id})
        return pickings

    def _prepare_procurement_group_vals(self):
        """The procurement group of the RMA's outgoing documents: pickings
        created by the warehouse's rules are linked to the RMA through it."""
        self.ensure_one()
        return {
            "name": self.name,
            "partner_id": (self.partner_shipping_id or self.partner_id).id,
            "move_type": "direct",
            "rma_id": self.id,
        }

    def _get_procurement_group(self):
        self.ensure_one()
        if not self.procurement_group_id:
            # the group is the workflow's: created for whoever processes
            self._write_workflow(
                {
                    "procurement_group_id": self.env["procurement.group"]
                    .sudo()
                    .create(self._prepare_procurement_group_vals())
                    .id
                }
            )
        return self.procurement_group_id.sudo()
