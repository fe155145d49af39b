from odoo import _, api, fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    rma_view_loc_id = fields.Many2one("stock.location", "RMA Location", check_company=True)
    rma_input_loc_id = fields.Many2one(
        "stock.location", "RMA Input (Quarantine)", check_company=True
    )
    rma_defective_loc_id = fields.Many2one(
        "stock.location", "RMA Defective Store", check_company=True
    )
    rma_slow_loc_id = fields.Many2one("stock.location", "RMA Slow-moving Store", check_company=True)
    rma_in_type_id = fields.Many2one("stock.picking.type", "RMA Receipts", check_company=True)
    rma_int_type_id = fields.Many2one("stock.picking.type", "RMA Routing", check_company=True)
    rma_out_type_id = fields.Many2one("stock.picking.type", "RMA Deliveries", check_company=True)

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._rma_ensure_setup()
        return warehouses

    def _rma_prepare_location_vals(self):
        """Locations of the RMA area, outside WH/Stock so that nothing under
        RMA is ever reserved for a customer delivery."""
        self.ensure_one()
        return {
            "rma_input_loc_id": {"name": _("Input"), "usage": "internal"},
            "rma_defective_loc_id": {"name": _("Defective"), "usage": "internal"},
            "rma_slow_loc_id": {"name": _("Slow-moving"), "usage": "internal"},
        }

    def _rma_prepare_picking_type_vals(self):
        self.ensure_one()
        customers = self.env.ref("stock.stock_location_customers")
        return {
            "rma_in_type_id": {
                "name": _("RMA Receipts"),
                "code": "incoming",
                "sequence_code": "RMA-IN",
                "default_location_src_id": customers.id,
                "default_location_dest_id": self.rma_input_loc_id.id,
                "use_create_lots": False,
                "use_existing_lots": True,
            },
            "rma_int_type_id": {
                "name": _("RMA Routing"),
                "code": "internal",
                "sequence_code": "RMA-INT",
                "default_location_src_id": self.rma_input_loc_id.id,
                "default_location_dest_id": self.rma_defective_loc_id.id,
            },
            "rma_out_type_id": {
                "name": _("RMA Deliveries"),
                "code": "outgoing",
                "sequence_code": "RMA-OUT",
                "default_location_src_id": self.lot_stock_id.id,
                "default_location_dest_id": customers.id,
            },
        }

    @api.model
    def _rma_ensure_setup_all(self):
        """Called from ``data/rma_setup_data.xml`` on install and update."""
        self.with_context(active_test=False).search([])._rma_ensure_setup()

    def _rma_ensure_setup(self):
        """Create the missing RMA locations, sequences and operation types.
        Idempotent: called on install and on warehouse creation."""
        Location = self.env["stock.location"].sudo().with_context(active_test=False)
        PickingType = self.env["stock.picking.type"].sudo().with_context(active_test=False)
        for warehouse in self:
            if not warehouse.rma_view_loc_id:
                warehouse.rma_view_loc_id = Location.create(
                    {
                        "name": "RMA",
                        "usage": "view",
                        "location_id": warehouse.view_location_id.id,
                        "company_id": warehouse.company_id.id,
                    }
                )
            for field_name, vals in warehouse._rma_prepare_location_vals().items():
                if not warehouse[field_name]:
                    warehouse[field_name] = Location.create(
                        dict(
                            vals,
                            location_id=warehouse.rma_view_loc_id.id,
                            company_id=warehouse.company_id.id,
                        )
                    )
            for field_name, vals in warehouse._rma_prepare_picking_type_vals().items():
                if warehouse[field_name]:
                    continue
                sequence = (
                    self.env["ir.sequence"]
                    .sudo()
                    .create(
                        {
                            "name": f"{warehouse.name} {vals['name']}",
                            "prefix": f"{warehouse.code}/{vals['sequence_code']}/",
                            "padding": 5,
                            "company_id": warehouse.company_id.id,
                        }
                    )
                )
                warehouse[field_name] = PickingType.create(
                    dict(
                        vals,
                        warehouse_id=warehouse.id,
                        company_id=warehouse.company_id.id,
                        sequence_id=sequence.id,
                        sequence=100,
                    )
                )
