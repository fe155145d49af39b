from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRma(models.Model):
    """RMA types and modes that change the flow.

    Shortage / carrier damage with its carrier claim, complaint only, spare part
    first, advance replacement, and replenish first (先补发,再追究) with the
    promised arrival of its replacement.
    """

    _inherit = "factory.rma"

    # Shortage / carrier damage
    carrier_id = fields.Many2one("res.partner", "Carrier", tracking=True, groups="base.group_user")
    packaging_damaged = fields.Boolean(
        "Packaging Damaged on Arrival",
        help="The customer found the outer packaging damaged: the shortage is counted with the "
        "carrier, who signs the delivery note; the carrier is claimed within 24 hours and its "
        "freight withheld. A shortage in an intact parcel is the company's own (logistics).",
        groups="base.group_user",
    )
    carrier_note_ref = fields.Char(
        "Carrier's Signed Note",
        help="Reference of the delivery note the carrier signed (needed when the packaging "
        "was damaged).",
        groups="base.group_user",
    )
    claim_deadline = fields.Datetime(
        "Carrier Claim Deadline", readonly=True, copy=False, groups="base.group_user"
    )
    claim_amount = fields.Monetary("Claim Amount", copy=False, groups="base.group_user")
    claim_state = fields.Selection(
        [
            ("to_claim", "To claim"),
            ("claimed", "Claimed"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
            ("paid", "Paid"),
        ],
        "Carrier Claim",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    claim_reference = fields.Char("Claim Reference", copy=False, groups="base.group_user")
    date_claim_filed = fields.Datetime(
        "Claim Filed On", readonly=True, copy=False, groups="base.group_user"
    )
    withhold_carrier_freight = fields.Boolean(
        compute="_compute_withhold_carrier_freight",
        store=True,
        readonly=False,
        help="The freight owed to the carrier is withheld until the claim is settled.",
        groups="base.group_user",
    )
    replenish_first = fields.Boolean(
        "Replenish First",
        tracking=True,
        help="先补发,再追究: the replacement ships at approval, before the goods come back.",
        groups="base.group_user",
    )
    promise_deadline = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    promised_date = fields.Datetime(
        "Promised Arrival",
        copy=False,
        tracking=True,
        help="Arrival date promised to the customer for the replacement; it "
        "becomes the replacement delivery's scheduled date.",
        groups="base.group_user",
    )
    date_promised = fields.Datetime(
        "Arrival Promised On",
        readonly=True,
        copy=False,
        help="When customer service promised the arrival date.",
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """The promise deadline and the carrier claim move through their buttons."""
        return super()._workflow_fields() | {
            "promise_deadline",
            "date_promised",
            "claim_deadline",
            "claim_state",
            "date_claim_filed",
        }

    @api.depends("rma_type", "packaging_damaged", "policy_id.withhold_carrier_freight")
    def _compute_withhold_carrier_freight(self):
        for rma in self:
            rma.withhold_carrier_freight = (
                rma._is_carrier_damage() and rma.policy_id.withhold_carrier_freight
            )

    def _is_carrier_damage(self):
        """A shortage found in a damaged parcel: the carrier's matter (signed
        note, claim, withheld freight). In an intact parcel it is the
        company's own."""
        self.ensure_one()
        return self.rma_type == "shortage" and self.packaging_damaged

    def _approve_by_type(self, now):
        """Flow rules of the RMA types at approval: a shortage is replenished
        at once and needs no receipt nor judgement; a spare part ships at
        once; a complaint goes straight to the judgement."""
        shortage = self.filtered(lambda r: r.rma_type == "shortage")
        if shortage:
            shortage.line_ids._write_workflow({"decided_outcome": "replace"})
            for rma in shortage:
                rma.line_ids.filtered(lambda line: not line.responsibility)._write_workflow(
                    {"responsibility": "carrier" if rma._is_carrier_damage() else "logistics"}
                )
        ship_now = self.filtered(lambda r: r.rma_type in ("shortage", "spare_part"))
        if ship_now:
            ship_now.line_ids.filtered(lambda line: not line.is_third_party)._create_replacements()
        if shortage:
            shortage._write_workflow({"state": "processing", "date_judged": now})
        complaint = self.filtered(lambda r: r.rma_type == "complaint")
        if complaint:
            complaint._write_workflow({"state": "received", "date_received": now})

    def _schedule_promise_activity(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for rma in self:
            user = rma.user_id or self.env.user
            rma.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                date_deadline=(rma.promise_deadline or fields.Datetime.now()).date(),
                summary=rma._in_lang_of(user).env._("Promise an arrival date for the replacement"),
            )

    def _apply_promised_date(self):
        """The promised arrival date becomes the replacement's scheduled date."""
        for rma in self:
            moves = rma.line_ids.move_ids.filtered(
                lambda m: m.rma_move_kind == "replacement" and m.state not in ("done", "cancel")
            )
            moves.picking_id.write({"scheduled_date": rma.promised_date})
            moves.write({"date": rma.promised_date})
        self.filtered(lambda r: not r.date_promised)._write_workflow(
            {"date_promised": fields.Datetime.now()}
        )
        self._close_escalations(["promise"])

    def _check_can_move_claim(self, states, action_label):
        self._check_group("rma_factory.group_rma_user", action_label)
        self._lock_for_update()
        for rma in self:
            if not rma._is_carrier_damage() or rma.claim_state not in states:
                raise UserError(
                    _("%(action)s is not possible on %(rma)s.", action=action_label, rma=rma.name)
                )

    def action_claim_sent(self):
        """The claim was filed with the carrier: its amount and reference
        are recorded."""
        self._check_can_move_claim(("to_claim",), _("Filing the carrier claim"))
        for rma in self:
            if rma.claim_amount <= 0 or not rma.claim_reference:
                raise UserError(
                    _("%s: record the claimed amount and the claim reference first.", rma.name)
                )
        self._write_workflow({"claim_state": "claimed", "date_claim_filed": fields.Datetime.now()})
        self._close_escalations(["claim"])
        return True

    def action_claim_accepted(self):
        self._check_can_move_claim(("claimed",), _("Recording the carrier's acceptance"))
        self._write_workflow({"claim_state": "accepted"})
        return True

    def action_claim_refused(self):
        self._check_can_move_claim(("claimed",), _("Recording the carrier's refusal"))
        self._write_workflow({"claim_state": "refused"})
        return True
