from odoo import _, api, fields, models


class StockWarehouse(models.Model):
    """RMA locations, operation types and the send-back route of a warehouse,
    declared through Odoo's own warehouse hooks so that creating, renaming,
    archiving a warehouse or changing its delivery steps keeps them right."""

    _inherit = "stock.warehouse"

    rma_input_loc_id = fields.Many2one(
        "stock.location", "RMA Input (Quarantine)", check_company=True
    )
    rma_defective_loc_id = fields.Many2one(
        "stock.location", "RMA Defective Store", check_company=True
    )
    rma_slow_loc_id = fields.Many2one("stock.location", "RMA Slow-moving Store", check_company=True)
    rma_scrap_loc_id = fields.Many2one(
        "stock.location",
        "RMA Scrap",
        check_company=True,
        help="Scrap location of the RMA goods scrapped in this warehouse; the accounting addon "
        "gives it the scrap loss account so that scrapping never touches the stock interim "
        "accounts.",
    )
    rma_repaired_loc_id = fields.Many2one(
        "stock.location",
        "RMA Repaired Store",
        check_company=True,
        help="客退品返修仓: repaired RMA goods wait here for their outgoing check and delivery.",
    )
    rma_in_type_id = fields.Many2one("stock.picking.type", "RMA Receipts", check_company=True)
    rma_int_type_id = fields.Many2one("stock.picking.type", "RMA Routing", check_company=True)
    rma_out_type_id = fields.Many2one("stock.picking.type", "RMA Deliveries", check_company=True)
    rma_send_back_route_id = fields.Many2one(
        "stock.route",
        "RMA Send-back Route",
        check_company=True,
        help="Goods leaving RMA/Input for the customer (sent back as they are) "
        "through the warehouse's delivery steps.",
    )
    rma_repaired_route_id = fields.Many2one(
        "stock.route",
        "RMA Repaired Send-back Route",
        check_company=True,
        help="Repaired goods leaving RMA/Repaired for the customer through the warehouse's "
        "delivery steps.",
    )
    rma_sell_off_route_id = fields.Many2one(
        "stock.route",
        "RMA Sell-off Route",
        check_company=True,
        help="Sale orders of defective goods sold off deliver from RMA/Defective.",
    )

    # ------------------------------------------------------------------
    # Locations
    # ------------------------------------------------------------------
    def _get_locations_values(self, vals, code=False):
        """Extends Odoo's hook: the RMA places sit in the warehouse, outside
        WH/Stock, so nothing under RMA is ever reserved for a customer
        delivery."""
        values = super()._get_locations_values(vals, code=code)
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        company_id = vals.get("company_id", self.default_get(["company_id"])["company_id"])
        for field_name, name, suffix in (
            ("rma_input_loc_id", _("RMA Input"), "RMAIN"),
            ("rma_defective_loc_id", _("RMA Defective"), "RMADEF"),
            ("rma_slow_loc_id", _("RMA Slow-moving"), "RMASLOW"),
            ("rma_repaired_loc_id", _("RMA Repaired"), "RMAREP"),
        ):
            values[field_name] = {
                "name": name,
                "active": True,
                "usage": "internal",
                "replenish_location": False,
                "barcode": self._valid_barcode(code + suffix, company_id),
            }
        values["rma_scrap_loc_id"] = {
            "name": _("RMA Scrap"),
            "active": True,
            "usage": "inventory",
            "scrap_location": True,
            "replenish_location": False,
            "barcode": self._valid_barcode(code + "RMASCRAP", company_id),
        }
        return values

    def write(self, vals):
        """Archiving a warehouse archives its RMA send-back route with the
        other routes that serve only this warehouse (Odoo archives the RMA
        operation types and rules itself: they belong to the warehouse)."""
        res = super().write(vals)
        if "active" in vals:
            warehouses = self.with_context(active_test=False)
            (
                warehouses.rma_send_back_route_id
                | warehouses.rma_repaired_route_id
                | warehouses.rma_sell_off_route_id
            ).write({"active": vals["active"]})
        return res

    def _rma_locations(self):
        """The RMA places of the warehouses (quarantine, defective,
        slow-moving and repaired stores)."""
        return (
            self.rma_input_loc_id
            | self.rma_defective_loc_id
            | self.rma_slow_loc_id
            | self.rma_repaired_loc_id
        )

    # ------------------------------------------------------------------
    # Operation types and their sequences
    # ------------------------------------------------------------------
    def _rma_send_back_first_destination(self):
        """Where goods sent back from RMA/Input go first: to the customer in
        one step, else where the warehouse's pickings go (output or packing
        zone), then on through the warehouse's own delivery steps."""
        self.ensure_one()
        customers, _supplier = self._get_partner_locations()
        if self.delivery_steps == "ship_only":
            return customers
        if self.delivery_steps == "pick_pack_ship":
            return self.wh_pack_stock_loc_id
        return self.wh_output_stock_loc_id

    def _get_picking_type_update_values(self):
        values = super()._get_picking_type_update_values()
        code = self.code.replace(" ", "").upper()
        values.update(
            {
                "rma_in_type_id": {
                    "default_location_dest_id": self.rma_input_loc_id.id,
                    "barcode": code + "RMAIN",
                },
                "rma_int_type_id": {
                    "default_location_src_id": self.rma_input_loc_id.id,
                    "default_location_dest_id": self.rma_defective_loc_id.id,
                    "barcode": code + "RMAINT",
                },
                "rma_out_type_id": {
                    "default_location_src_id": self.rma_input_loc_id.id,
                    "default_location_dest_id": self._rma_send_back_first_destination().id,
                    "barcode": code + "RMAOUT",
                },
            }
        )
        return values

    def _get_picking_type_create_values(self, max_sequence):
        values, max_sequence = super()._get_picking_type_create_values(max_sequence)
        customers, _supplier = self._get_partner_locations()
        values.update(
            {
                "rma_in_type_id": {
                    "name": _("RMA Receipts"),
                    "code": "incoming",
                    "sequence_code": "RMA-IN",
                    "default_location_src_id": customers.id,
                    "use_create_lots": False,
                    "use_existing_lots": True,
                    "sequence": max_sequence + 1,
                    "company_id": self.company_id.id,
                },
                "rma_int_type_id": {
                    "name": _("RMA Routing"),
                    "code": "internal",
                    "sequence_code": "RMA-INT",
                    "use_create_lots": False,
                    "use_existing_lots": True,
                    "sequence": max_sequence + 2,
                    "company_id": self.company_id.id,
                },
                "rma_out_type_id": {
                    "name": _("RMA Deliveries"),
                    "code": "outgoing",
                    "sequence_code": "RMA-OUT",
                    "use_create_lots": False,
                    "use_existing_lots": True,
                    "sequence": max_sequence + 3,
                    "company_id": self.company_id.id,
                },
            }
        )
        return values, max_sequence + 4

    def _get_sequence_values(self, name=False, code=False):
        values = super()._get_sequence_values(name=name, code=code)
        name = name or self.name
        code = code or self.code
        for field_name, default_code, label in (
            ("rma_in_type_id", "RMA-IN", _("%(name)s Sequence RMA receipts", name=name)),
            ("rma_int_type_id", "RMA-INT", _("%(name)s Sequence RMA routing", name=name)),
            ("rma_out_type_id", "RMA-OUT", _("%(name)s Sequence RMA deliveries", name=name)),
        ):
            values[field_name] = {
                "name": label,
                "prefix": f"{code}/{self[field_name].sequence_code or default_code}/",
                "padding": 5,
                "company_id": self.company_id.id,
            }
        return values

    # ------------------------------------------------------------------
    # Send-back route
    # ------------------------------------------------------------------
    def get_rules_dict(self):
        """Extends Odoo's rules by warehouse: goods sent back from RMA/Input
        are pulled from there by the RMA Deliveries type (whose destination
        follows the delivery steps); the warehouse's push rules take them on
        to the customer."""
        rules = super().get_rules_dict()
        customers, _supplier = self._get_partner_locations()
        for warehouse in self:
            for key, source in (
                ("rma_send_back", warehouse.rma_input_loc_id),
                ("rma_repaired_send_back", warehouse.rma_repaired_loc_id),
                ("rma_sell_off", warehouse.rma_defective_loc_id),
            ):
                rules[warehouse.id][key] = [
                    self.Routing(source, customers, warehouse.rma_out_type_id, "pull")
                ]
        return rules

    def _get_routes_values(self):
        """RMA routes: goods sent back from RMA/Input, repaired goods from
        RMA/Repaired, and sell-off orders from RMA/Defective; none is
        selectable on products, the RMA (or the sell-off order line) picks
        it."""
        values = super()._get_routes_values()
        for field_name, key, name in (
            (
                "rma_send_back_route_id",
                "rma_send_back",
                _("%(warehouse)s: RMA send-back", warehouse=self.name),
            ),
            (
                "rma_repaired_route_id",
                "rma_repaired_send_back",
                _("%(warehouse)s: RMA repaired goods", warehouse=self.name),
            ),
            (
                "rma_sell_off_route_id",
                "rma_sell_off",
                _("%(warehouse)s: RMA sell-off", warehouse=self.name),
            ),
        ):
            values[field_name] = {
                "routing_key": key,
                "depends": ["delivery_steps", "name"],
                "route_update_values": {"name": name, "active": self.active},
                "route_create_values": {
                    "product_selectable": False,
                    "product_categ_selectable": False,
                    "warehouse_selectable": False,
                    "company_id": self.company_id.id,
                    "sequence": 50,
                },
                "rules_values": {"active": True, "procure_method": "make_to_stock"},
            }
        return values

    # ------------------------------------------------------------------
    # Warehouses that existed before the addon
    # ------------------------------------------------------------------
    @api.model
    def _rma_setup_existing_warehouses(self):
        """Called on install and update (``data/rma_setup_data.xml``): the
        warehouses created before the addon get their RMA locations,
        operation types and route through the same hooks as new ones."""
        for warehouse in self.with_context(active_test=False).search([]):
            warehouse._create_missing_locations({})
            picking_types = warehouse._create_or_update_sequences_and_picking_types()
            if picking_types:
                warehouse.write(picking_types)
            routes = warehouse._create_or_update_route()
            if routes:
                warehouse.write(routes)
