from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from .factory_rma_outcome import (
    APPROVER_OUTCOMES,
    CHARGED_RESPONSIBILITIES,
    COMPANY_RESPONSIBILITIES,
    DEFAULT_DESTINATION,
    DESTINATIONS,
    OUTCOMES,
    RESPONSIBILITIES,
    SERVICE_CHARGES,
    SHIP_FIRST_TYPES,
)

#: goods destinations each outcome may use.
ALLOWED_DESTINATIONS = {
    "refund": ("stock", "defective", "slow_moving", "scrap"),
    "replace": ("stock", "defective", "slow_moving", "scrap"),
    "return_only": ("slow_moving", "stock", "defective", "scrap"),
    "sell_off": ("defective", "slow_moving", "stock"),
    "scrap": ("scrap",),
    "send_back": ("customer",),
    "repair": ("customer",),
    "concession": (),
}


class FactoryRmaLine(models.Model):
    """The decision on a line's goods and the documents that carry it out."""

    _inherit = "factory.rma.line"

    decided_outcome = fields.Selection(OUTCOMES, copy=False)
    destination = fields.Selection(
        DESTINATIONS,
        "Goods Destination",
        compute="_compute_destination",
        store=True,
        readonly=False,
        copy=False,
        groups="base.group_user",
    )
    replacement_product_id = fields.Many2one(
        "product.product",
        compute="_compute_replacement_product_id",
        store=True,
        readonly=False,
        check_company=True,
        help="Product shipped as replacement; the returned product by default.",
        groups="base.group_user",
    )
    outcome_approved = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    outcome_approved_by = fields.Many2one(
        "res.users", readonly=True, copy=False, groups="base.group_user"
    )
    needs_outcome_approval = fields.Boolean(
        compute="_compute_needs_outcome_approval",
        help="Scrap, sell-off and taking back customer-caused goods need the RMA Approver.",
        groups="base.group_user",
    )

    # Responsibility judgement: set by hand or by the quality inspection,
    # read by the accounting addon (charges, write-down analytics).
    responsibility = fields.Selection(RESPONSIBILITIES, copy=False, groups="base.group_user")
    responsibility_side = fields.Selection(
        [("company", "Company"), ("external", "External")],
        compute="_compute_responsibility_side",
        store=True,
        groups="base.group_user",
    )
    responsible_partner_id = fields.Many2one(
        "res.partner",
        "Responsible Party",
        copy=False,
        help="Supplier, carrier or dealer judged responsible.",
        groups="base.group_user",
    )
    responsible_unit = fields.Char(
        "Responsible Unit", copy=False, help="责任单位", groups="base.group_user"
    )
    responsible_user_id = fields.Many2one(
        "res.users", "Responsible Person", copy=False, groups="base.group_user"
    )
    claim_not_confirmed = fields.Boolean(
        "Claim Not Confirmed",
        copy=False,
        help="The judgement found no defect: the customer's claim does not hold (客户误判). Set "
        "by the quality inspection's verdict, or by hand; it counts against the customer.",
        groups="base.group_user",
    )
    service_charge = fields.Selection(
        SERVICE_CHARGES,
        compute="_compute_service_charge",
        store=True,
        readonly=False,
        copy=False,
        help="Free when the company is responsible; charged when the dealer or "
        "the customer is, unless the policy makes such repairs free.",
        groups="base.group_user",
    )
    customer_agreed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The customer agreed to the charged service (帮修品) or to a "
        "classification that differs from the request.",
        groups="base.group_user",
    )
    customer_agreed_date = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    concession_amount = fields.Monetary(
        help="Discount or concession granted instead of a return (complaint only).",
        groups="base.group_user",
    )
    replacement_special_request = fields.Boolean(
        "Special Replacement Quantity",
        readonly=True,
        copy=False,
        help="平数补货: a replacement equals the accepted quantity unless an RMA Manager records "
        "the customer's special request.",
        groups="base.group_user",
    )
    replacement_special_note = fields.Text(readonly=True, copy=False, groups="base.group_user")

    def _workflow_fields(self):
        """Approvals, the customer's agreement and special requests are recorded by buttons."""
        return super()._workflow_fields() | {
            "outcome_approved",
            "outcome_approved_by",
            "customer_agreed",
            "customer_agreed_date",
            "replacement_special_request",
            "replacement_special_note",
        }

    @api.model
    def _responsibility_side_for(self, responsibility):
        """Company or external side of a responsibility (shared with the
        quality inspection)."""
        if not responsibility:
            return False
        return "company" if responsibility in COMPANY_RESPONSIBILITIES else "external"

    @api.model
    def _service_charge_for(self, responsibility, policy):
        """Free or charged service (免费/收费) for a responsibility under a
        policy (shared with the quality inspection)."""
        if not responsibility:
            return False
        if responsibility in CHARGED_RESPONSIBILITIES and not policy.free_customer_repairs:
            return "charged"
        return "free"

    @api.depends("responsibility")
    def _compute_responsibility_side(self):
        for line in self:
            line.responsibility_side = self._responsibility_side_for(line.responsibility)

    @api.depends("responsibility", "rma_id.policy_id.free_customer_repairs")
    def _compute_service_charge(self):
        """Proposed from the judged responsibility; without one, the charge
        set by hand stays."""
        for line in self.filtered("responsibility"):
            line.service_charge = self._service_charge_for(
                line.responsibility, line.rma_id.policy_id
            )

    @api.depends("decided_outcome")
    def _compute_destination(self):
        for line in self:
            allowed = ALLOWED_DESTINATIONS.get(line.decided_outcome, ())
            if line.decided_outcome and line.destination not in allowed:
                line.destination = DEFAULT_DESTINATION[line.decided_outcome]

    @api.depends("product_id")
    def _compute_replacement_product_id(self):
        for line in self:
            line.replacement_product_id = line.product_id

    def _needs_outcome_approval(self):
        """Scrap and sell-off, and taking back customer-caused goods
        (credited or replaced) need the RMA Approver — the general manager
        (APPR-10, APPR-18)."""
        self.ensure_one()
        return (
            self.decided_outcome in APPROVER_OUTCOMES
            or self.destination == "scrap"
            or (
                self._is_customer_caused()
                and self.decided_outcome in ("refund", "return_only", "replace")
            )
        )

    @api.depends(
        "decided_outcome",
        "destination",
        "responsibility",
        "eligibility_state",
        "cond_no_human_damage",
    )
    def _compute_needs_outcome_approval(self):
        for line in self:
            line.needs_outcome_approval = bool(line.decided_outcome) and (
                line._needs_outcome_approval()
            )

    def _is_customer_caused(self):
        """Goods damaged by the customer: judged so, or the customer could
        not exclude human damage on the checklist."""
        self.ensure_one()
        if self.responsibility:
            return self.responsibility == "customer"
        return self.eligibility_state in ("failed", "overridden") and not self.cond_no_human_damage

    def _check_outcomes(self):
        for line in self.filtered("decided_outcome"):
            if line.reason_id and not line.reason_id._allows_outcome(line.decided_outcome):
                raise UserError(
                    _(
                        "The reason “%(reason)s” does not allow this outcome for %(product)s.",
                        reason=line.reason_id.name,
                        product=line.product_id.display_name,
                    )
                )
            if line.is_third_party and line.decided_outcome not in ("send_back", "scrap"):
                raise UserError(
                    _(
                        "Third-party goods (%s) can only be sent back or scrapped.",
                        line.product_id.display_name,
                    )
                )
            if not line._expects_goods_back():
                continue
            if line.destination not in ALLOWED_DESTINATIONS[line.decided_outcome]:
                raise UserError(
                    _(
                        "The goods destination of %(product)s does not fit its outcome.",
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("decided_outcome", "destination")
    def _constrain_outcome_destination(self):
        for line in self.filtered("decided_outcome"):
            if (
                line.destination
                and line.destination not in ALLOWED_DESTINATIONS[line.decided_outcome]
            ):
                raise ValidationError(
                    _(
                        "The goods destination of %(product)s does not fit its outcome.",
                        product=line.product_id.display_name,
                    )
                )

    def _outcome_fields(self):
        """The decision on the goods: taken by an RMA user once the goods
        can be judged, final once the RMA is judged (a manager's override
        or the quality inspection changes it afterwards)."""
        return {"decided_outcome", "destination", "concession_amount", "replacement_product_id"}

    def _judgement_fields(self):
        """Who caused the problem and who pays: set while the goods are
        judged."""
        return {
            "responsibility",
            "responsible_partner_id",
            "responsible_unit",
            "responsible_user_id",
            "service_charge",
            "claim_not_confirmed",
        }

    def _check_outcome_editable(self):
        self._check_group("rma_factory.group_rma_user", _("decide outcomes"))
        locked = self.filtered(
            lambda line: line.state in ("judged", "processing", "done", "rejected", "cancelled")
        )
        if locked:
            raise UserError(
                _("The outcome of %s cannot change any more.", locked[0].product_id.display_name)
            )

    def _destination_location(self):
        self.ensure_one()
        warehouse = self.rma_id.warehouse_id
        return {
            "stock": warehouse.lot_stock_id,
            "defective": warehouse.rma_defective_loc_id,
            "slow_moving": warehouse.rma_slow_loc_id,
        }[self.destination]

    def _qty_to_process(self):
        self.ensure_one()
        return max(self.qty_received - self.qty_processed, 0.0)

    def _run_outcomes(self):
        """Create the documents of each line's outcome for its received and
        not yet processed quantity. Called by ``factory.rma.action_process``."""
        routing = defaultdict(lambda: defaultdict(list))  # rma -> dest -> vals
        send_back = []  # (line, qty)
        repairs_vals = []
        scraps = []
        to_replace = self.browse()
        for line in self:
            rounding = line._qty_rounding()
            qty = line._qty_to_process()
            outcome = line.decided_outcome
            if (
                outcome == "replace"
                and float_compare(
                    line.qty_received, line.qty_replacement_planned, precision_rounding=rounding
                )
                > 0
            ):
                to_replace |= line
            if float_is_zero(qty, precision_rounding=rounding) or not outcome:
                continue
            if outcome == "repair":
                repairs_vals.append(line._prepare_repair_vals(qty))
            elif outcome == "send_back":
                send_back.append((line, qty))
            elif line.destination == "scrap":
                scraps.append((line, qty))
            else:
                location = line._destination_location()
                routing[line.rma_id][location].append(
                    line._prepare_routing_move_vals(qty, location)
                )
        moves = self.env["stock.move"]
        if send_back:
            send_back_lines = self.browse()
            procurements = []
            for line_qty in send_back:
                send_back_lines |= line_qty[0]
                procurements.append(line_qty[0]._prepare_send_back_procurement(line_qty[1]))
            moves |= send_back_lines._run_procurements(procurements).filtered(
                lambda m: m.location_id == m.rma_line_id.rma_id.warehouse_id.rma_input_loc_id
            )
        # one routing transfer per RMA and destination, all created in one
        # ``create`` and confirmed together
        pickings_vals = []
        for rma, by_dest in routing.items():
            warehouse = rma.warehouse_id
            for location, vals_list in by_dest.items():
                picking_vals = rma._prepare_picking_vals(
                    warehouse.rma_int_type_id, warehouse.rma_input_loc_id, location
                )
                picking_vals["move_ids"] = [fields.Command.create(v) for v in vals_list]
                pickings_vals.append(picking_vals)
        if pickings_vals:
            pickings = self.env["stock.picking"].create(pickings_vals)
            pickings.action_confirm()
            moves |= pickings.move_ids
        if moves:
            self._reserve_line_lots(moves)
        if repairs_vals:
            repairs = self.env["repair.order"].create(repairs_vals)
            repairs._action_repair_confirm()
        for line, qty in scraps:
            line._scrap(qty)
        if to_replace:
            to_replace._create_replacements()

    def _scrap(self, qty):
        self.ensure_one()
        scraps = self.env["stock.scrap"]
        left = qty
        for lot, lot_qty in self._received_lot_quantities().items():
            take = min(lot_qty, left)
            if take <= 0:
                continue
            scraps |= self.env["stock.scrap"].create(self._prepare_scrap_vals(take, lot))
            left -= take
        if float_compare(left, 0.0, precision_rounding=self._qty_rounding()) > 0:
            scraps |= self.env["stock.scrap"].create(
                self._prepare_scrap_vals(left, self.env["stock.lot"])
            )
        for scrap in scraps:
            scrap.do_scrap()
        return scraps

    def _create_replacements(self):
        """Replacement deliveries for replace lines: the received quantity
        not yet covered, or the whole requested quantity for replenish-first
        lines before the goods come back."""
        procurements = []
        for line in self:
            qty = line._replacement_target_qty() - line.qty_replacement_planned
            if float_compare(qty, 0.0, precision_rounding=line._qty_rounding()) > 0:
                procurements.append(line._prepare_replacement_procurement(qty))
        if not procurements:
            return self.env["stock.picking"]
        moves = self._run_procurements(procurements)
        moves.filtered(lambda m: m.state in ("confirmed", "partially_available"))._action_assign()
        moves.rma_line_id._check_remake()
        return moves.picking_id

    def _replacement_target_qty(self):
        """Quantity a line's replacements add up to (平数补货): the requested
        quantity when the replacement ships first (replenish-first before the
        goods come back, shortage, spare part, advance replacement), else the
        received quantity."""
        self.ensure_one()
        rma = self.rma_id
        if rma.rma_type in SHIP_FIRST_TYPES or (rma.replenish_first and self.state == "approved"):
            return self.quantity
        return self._qty_accepted()

    def _replacement_allowed_qty(self):
        """Most a line may replace: the accepted quantity (the requested one
        for the types that ship first)."""
        self.ensure_one()
        if self.rma_id.rma_type in SHIP_FIRST_TYPES or self.rma_id.replenish_first:
            return self.quantity
        return self._qty_accepted()

    def _check_replacement_quantities(self, moves):
        """平数补货 (REPL, AS-13): validating replacements beyond the accepted
        quantity needs an RMA Manager's recorded special request."""
        for line in self:
            if line.replacement_special_request:
                continue
            done = sum(
                m.product_uom._compute_quantity(m.quantity, line.product_uom_id)
                for m in line.move_ids
                if m.rma_move_kind == "replacement"
                and m.location_dest_id.usage == "customer"
                and (m.state == "done" or m in moves)
            )
            if (
                float_compare(
                    done,
                    line._replacement_allowed_qty(),
                    precision_rounding=line._qty_rounding(),
                )
                > 0
            ):
                raise UserError(
                    _(
                        "The replacement of %(product)s (%(done)s) exceeds the accepted quantity "
                        "%(allowed)s. An RMA Manager must record the customer's special request.",
                        product=line.product_id.display_name,
                        done=done,
                        allowed=line._replacement_allowed_qty(),
                    )
                )

    def action_open_special_request_wizard(self):
        self.ensure_one()
        self._check_group(
            "rma_factory.group_rma_manager", _("accept a different replacement quantity")
        )
        return self._rma_dialog_action(
            "factory.rma.line.special.wizard",
            _("Special Replacement Quantity"),
            {"default_line_id": self.id},
        )

    def _record_replacement_special_request(self, note):
        """Called by an RMA Manager: the customer asks for a replacement
        quantity different from the returned one."""
        self._check_group(
            "rma_factory.group_rma_manager", _("accept a different replacement quantity")
        )
        if not (note or "").strip():
            raise UserError(_("Describe the customer's special request."))
        self._write_workflow(
            {"replacement_special_request": True, "replacement_special_note": note}
        )
        for line in self:
            line.rma_id.message_post(
                body=_(
                    "Special replacement quantity accepted for %(line)s: %(note)s",
                    line=line.display_name,
                    note=note,
                )
            )
        return True

    def _create_send_back_for_repairs(self, repairs):
        """Repaired goods go back to the customer from RMA/Repaired (called
        when a repair order linked to the line is done)."""
        procurements = [
            repair.rma_line_id._prepare_send_back_procurement(
                repair.product_uom._compute_quantity(
                    repair.product_qty, repair.rma_line_id.product_uom_id
                )
            )
            for repair in repairs
        ]
        lines = repairs.rma_line_id
        moves = lines._run_procurements(procurements).filtered(
            lambda m: m.location_id == m.rma_line_id.rma_id.warehouse_id.rma_repaired_loc_id
        )
        if moves:
            self._reserve_repaired_lots(moves)
        return moves.picking_id

    def action_approve_outcome(self):
        """RMA Approver (general manager) approves scrap and sell-off, and the
        acceptance of customer-caused goods (APPR-10, APPR-18)."""
        self._check_group(
            "rma_factory.group_rma_approver",
            _("approve scrap, sell-off or customer-caused returns"),
        )
        self.rma_id._lock_for_update()
        for line in self:
            if not line._needs_outcome_approval():
                raise UserError(
                    _("The outcome of %s needs no approval.", line.product_id.display_name)
                )
            if line.outcome_approved:
                raise UserError(
                    _("The outcome of %s is already approved.", line.product_id.display_name)
                )
            if line.state not in ("received", "judged", "processing"):
                raise UserError(_("Outcomes can be approved only after the goods are received."))
        self._write_workflow({"outcome_approved": True, "outcome_approved_by": self.env.uid})
        outcome_labels = dict(self._fields["decided_outcome"]._description_selection(self.env))
        for line in self:
            line.rma_id._log_approval(
                "outcome",
                _(
                    "%(outcome)s of %(qty)s %(product)s",
                    outcome=outcome_labels[line.decided_outcome],
                    qty=line.qty_received,
                    product=line.product_id.display_name,
                ),
            )
        return True

    def _check_can_record_agreement(self):
        self._check_group("rma_factory.group_rma_user", _("record the customer's agreement"))
        for line in self:
            if line.state not in ("received", "judged", "processing"):
                raise UserError(
                    _(
                        "The customer's agreement can only be recorded once the goods of %s are received.",  # noqa: E501
                        line.display_name,
                    )
                )

    def action_record_customer_agreement(self):
        """Sales records that the customer agreed to the charged service or
        to the judged classification (AS-06); a charged repair only starts
        after this."""
        self._check_can_record_agreement()
        self.rma_id._lock_for_update()
        todo = self.filtered(lambda line: not line.customer_agreed)
        if not todo:
            return True
        todo._write_workflow(
            {"customer_agreed": True, "customer_agreed_date": fields.Datetime.now()}
        )
        for line in todo:
            line.rma_id.message_post(
                body=_("The customer agreed to the handling of %s.", line.display_name)
            )
        return True
