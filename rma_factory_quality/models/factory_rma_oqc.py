from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .factory_rma_inspection import QUALITY_INSPECTOR, QUALITY_MANAGER

OQC_KINDS = [
    ("repaired", "Repaired goods"),
    ("send_back", "Goods sent back"),
    ("to_stock", "Goods returned to stock"),
]


class FactoryRmaOqc(models.Model):
    """Outgoing quality check (OQC, 出货检验, INSP-14, REP-13) of an RMA
    transfer taking goods out of the RMA stores: repaired goods and goods
    sent back to the customer, and goods returned to sellable stock. The
    transfer is validated only once the check passed; goods returned to
    sellable stock also need the Quality Manager's sign-off (APPR-14)."""

    _name = "factory.rma.oqc"
    _description = "RMA Outgoing Quality Check"
    _inherit = ["mail.thread", "mail.activity.mixin", "factory.rma.quality.document"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("draft", "To Check"),
            ("failed", "Failed"),
            ("passed", "Passed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        group_expand=True,
    )
    kind = fields.Selection(OQC_KINDS, required=True, readonly=True)
    picking_id = fields.Many2one(
        "stock.picking", "Transfer", required=True, readonly=True, index=True, check_company=True
    )
    rma_id = fields.Many2one("factory.rma", "RMA", readonly=True, index=True, check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(related="picking_id.partner_id")
    move_line_ids = fields.One2many(related="picking_id.move_line_ids", string="Goods")
    inspector_id = fields.Many2one(
        "res.users", "Inspector", tracking=True, domain=[("share", "=", False)]
    )
    check_appearance = fields.Boolean("Appearance Checked")
    check_function = fields.Boolean("Function Tested")
    check_packaging = fields.Boolean(
        "Repacked and Labelled", help="Repaired goods are repacked and labelled as such (STK-08)."
    )
    result_note = fields.Text("Result", help="What was checked and found (产品检验报告).")
    date_checked = fields.Datetime(readonly=True, copy=False)
    checked_by_id = fields.Many2one("res.users", "Checked by", readonly=True, copy=False)
    needs_signoff = fields.Boolean(
        "Needs Quality Manager's Sign-off",
        readonly=True,
        help="Goods returned to sellable stock need the Quality Manager's sign-off after the "
        "check passed.",
    )
    signed_off_by_id = fields.Many2one("res.users", "Signed off by", readonly=True, copy=False)
    date_signed_off = fields.Datetime(readonly=True, copy=False)
    is_released = fields.Boolean(
        "Released",
        compute="_compute_is_released",
        store=True,
        help="The transfer may be validated.",
    )

    def _workflow_fields(self):
        """The state, the result's author and the sign-off change only
        through the buttons; the transfer, the RMA and the kind are set when
        the check is created."""
        return super()._workflow_fields() | {
            "state",
            "kind",
            "picking_id",
            "rma_id",
            "company_id",
            "date_checked",
            "checked_by_id",
            "needs_signoff",
            "signed_off_by_id",
            "date_signed_off",
        }

    def _closed_states(self):
        return ("passed", "cancelled")

    @api.depends("state", "needs_signoff", "signed_off_by_id")
    def _compute_is_released(self):
        for check in self:
            check.is_released = check.state == "passed" and (
                not check.needs_signoff or bool(check.signed_off_by_id)
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _("Outgoing checks are created with the RMA transfers that need them.")
            )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(vals.get("company_id") or self.env.company.id)
                    .next_by_code("factory.rma.oqc")
                    or "/"
                )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Which transfers need a check
    # ------------------------------------------------------------------
    @api.model
    def _kind_of_picking(self, picking):
        """Kind of check ``picking`` needs, or False: the transfers that take
        goods out of RMA/Input or RMA/Repaired to the customer (sent back or
        repaired), and the routings of returned goods into sellable stock."""
        warehouse = picking.rma_id.warehouse_id or picking.picking_type_id.warehouse_id
        if not warehouse or not picking.rma_id.policy_id.outgoing_check:
            return False
        for move in picking.move_ids.filtered("rma_line_id"):
            if move.rma_move_kind == "send_back":
                if move.location_id == warehouse.rma_repaired_loc_id:
                    return "repaired"
                if move.location_id == warehouse.rma_input_loc_id:
                    return "send_back"
            if move.rma_move_kind == "routing" and move.location_dest_id._child_of(
                warehouse.lot_stock_id
            ):
                return "to_stock"
        return False

    @api.model
    def _prepare_oqc_vals(self, picking, kind):
        """Values of the check of ``picking``; integrators add theirs."""
        policy = picking.rma_id.policy_id
        return {
            "picking_id": picking.id,
            "rma_id": picking.rma_id.id,
            "company_id": picking.company_id.id,
            "kind": kind,
            "needs_signoff": kind == "to_stock",
            "inspector_id": policy.quality_user_id.id or False,
        }

    @api.model
    def _create_for_pickings(self, pickings):
        """The checks of the open ``pickings`` that need one and have none
        (as superuser: whoever creates the transfer causes its check)."""
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search([("picking_id", "in", pickings.ids), ("state", "!=", "cancelled")])
            .picking_id
        )
        vals_list = []
        for picking in pickings - existing:
            if picking.state in ("done", "cancel"):
                continue
            kind = self._kind_of_picking(picking)
            if kind:
                vals_list.append(self._prepare_oqc_vals(picking, kind))
        return self.sudo().create(vals_list) if vals_list else self.sudo()

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_pass(self):
        """The inspector records that the goods passed the outgoing check."""
        self._check_group(QUALITY_INSPECTOR, _("record outgoing checks"))
        self._lock_for_update()
        self._check_state(("draft",), _("Passing the outgoing check"))
        for check in self:
            if not (check.check_appearance or check.check_function or check.check_packaging):
                raise UserError(
                    _("%s: tick what was checked before passing the goods.", check.name)
                )
        self._write_workflow(
            {
                "state": "passed",
                "date_checked": fields.Datetime.now(),
                "checked_by_id": self.env.uid,
            }
        )
        for check in self:
            check.picking_id.sudo().message_post(body=_("Outgoing check %s passed.", check.name))
        return True

    def action_fail(self):
        """The goods failed: they are repaired again, repacked or treated
        as unrepairable (REP-13); the transfer stays blocked."""
        self._check_group(QUALITY_INSPECTOR, _("record outgoing checks"))
        self._lock_for_update()
        self._check_state(("draft",), _("Failing the outgoing check"))
        for check in self:
            if not (check.result_note or "").strip():
                raise UserError(_("%s: write what failed in the result.", check.name))
        self._write_workflow(
            {
                "state": "failed",
                "date_checked": fields.Datetime.now(),
                "checked_by_id": self.env.uid,
            }
        )
        for check in self:
            if check.rma_id:
                check.rma_id.sudo().message_post(
                    body=_(
                        "Outgoing check %(name)s failed: %(result)s",
                        name=check.name,
                        result=check.result_note,
                    )
                )
        return True

    def action_recheck(self):
        """After rework or repacking, the goods are checked again."""
        self._check_group(QUALITY_INSPECTOR, _("record outgoing checks"))
        self._lock_for_update()
        self._check_state(("failed",), _("Checking the goods again"))
        self._write_workflow({"state": "draft", "date_checked": False, "checked_by_id": False})
        return True

    def action_sign_off(self):
        """The Quality Manager signs off goods returned to sellable stock
        after their check passed (《客诉退料申请单》, APPR-14)."""
        self._check_group(QUALITY_MANAGER, _("sign off goods returned to stock"))
        self._lock_for_update()
        self._check_state(("passed",), _("Signing off"))
        for check in self:
            if not check.needs_signoff:
                raise UserError(_("%s needs no sign-off.", check.name))
            if check.signed_off_by_id:
                raise UserError(_("%s is already signed off.", check.name))
        self._write_workflow(
            {"signed_off_by_id": self.env.uid, "date_signed_off": fields.Datetime.now()}
        )
        return True

    def action_view_picking(self):
        self.ensure_one()
        # its readers only: a portal caller must not learn the transfer
        self._check_any_group(
            [QUALITY_INSPECTOR, "stock.group_stock_user", "rma_factory.group_rma_user"],
            _("open the transfer of an outgoing check"),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": self.picking_id.id,
            "views": [(False, "form")],
        }
