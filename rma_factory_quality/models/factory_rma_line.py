from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare


class FactoryRmaLine(models.Model):
    """Inspections of an RMA line, and how their verdict becomes the line's
    outcome, destination and responsibility."""

    _inherit = "factory.rma.line"

    # internal, like the RMA's quality fields
    inspection_ids = fields.One2many(
        "factory.rma.inspection", "line_id", "Inspections", groups="base.group_user"
    )
    # As superuser, like the RMA's counts: readers of the line without quality rights.
    inspection_count = fields.Integer(
        compute="_compute_inspection_count", compute_sudo=True, groups="base.group_user"
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_inspected(self):
        """Inspections are kept (and so is their line)."""
        inspected = self.sudo().with_context(active_test=False).filtered("inspection_ids")
        if inspected:
            raise UserError(
                _(
                    "%s has quality inspections and cannot be removed.",
                    inspected[0].display_name,
                )
            )

    @api.depends("inspection_ids")
    def _compute_inspection_count(self):
        for line in self:
            line.inspection_count = len(line.inspection_ids)

    def action_record_customer_agreement(self):
        """Extends the core button: inspections waiting for the customer's
        agreement apply their disposition."""
        res = super().action_record_customer_agreement()
        self.inspection_ids.sudo()._on_customer_agreement()
        return res

    def action_view_inspections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rma_factory_quality.action_factory_rma_inspection"
        )
        action["domain"] = [("line_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Inspections
    # ------------------------------------------------------------------
    def _create_inspections(self):
        """One inspection per line, or per received lot of a tracked line
        without a fixed lot, for goods received in RMA/Input and not yet
        inspected. Called when an RMA receipt is validated."""
        vals_list = []
        now = fields.Datetime.now()
        for line in self.filtered("rma_id.policy_id.quality_inspection"):
            existing = line.inspection_ids.filtered(lambda i: i.state != "cancelled")
            lots = line._received_lots_for_inspection()
            for lot in lots:
                if existing.filtered(lambda i, lot=lot: i.lot_id == lot):
                    continue
                vals_list.append(line._prepare_inspection_vals(lot, now))
        inspections = self.env["factory.rma.inspection"].sudo().create(vals_list)
        inspections._schedule_inspection_activity()
        return inspections

    def _check_can_split(self):
        """Extends the core guard: while an inspection of the line is open,
        the inspection decides how the goods divide (its closing splits the
        line per lot and per good / defective portion)."""
        res = super()._check_can_split()
        if self.inspection_ids.filtered(lambda i: i.state in ("draft", "in_progress", "waiting")):
            raise UserError(
                _(
                    "%s is under quality inspection: the inspection splits the line when it "
                    "closes.",
                    self.display_name,
                )
            )
        return res

    def _received_lots_for_inspection(self):
        self.ensure_one()
        if self.lot_id or self.product_id.tracking == "none":
            return [self.lot_id]
        moves = self.move_ids.filtered(lambda m: m.rma_move_kind == "receipt" and m.state == "done")
        return list(dict.fromkeys(moves.move_line_ids.lot_id)) or [self.env["stock.lot"]]

    def _prepare_inspection_vals(self, lot, date_received):
        self.ensure_one()
        return {
            "line_id": self.id,
            "lot_id": lot.id or False,
            "date_received": date_received,
            "inspector_id": self.rma_id.policy_id.quality_user_id.id or False,
        }

    def _apply_inspections(self, inspections):
        """Write the inspections' decision on this line. Every portion
        (per lot, good/defective after a sort) that differs from the first
        one is split off to its own line."""
        self.ensure_one()
        portions = []
        for inspection in inspections:
            for qty, outcome, destination in inspection._portions():
                if qty > 0:
                    portions.append((inspection, qty, outcome, destination))
        if not portions:
            return
        # the inspection's closing decides for the line (checked by the caller)
        line = self.sudo()
        first_inspection, _qty, outcome, destination = portions[0]
        if len({(p[0].lot_id, p[2], p[3]) for p in portions}) > 1:
            if not line.lot_id and line.product_id.tracking != "none":
                lots = {p[0].lot_id for p in portions}
                if len(lots) == 1:
                    line.lot_id = first_inspection.lot_id
            for inspection, qty, p_outcome, p_destination in portions[1:]:
                vals = {"decided_outcome": p_outcome, "destination": p_destination}
                vals.update(inspection._prepare_line_judgement_vals())
                if inspection.lot_id:
                    vals["lot_id"] = inspection.lot_id.id
                line._split(qty, vals)
            if first_inspection.lot_id and line.lot_id != first_inspection.lot_id:
                line.lot_id = first_inspection.lot_id
        vals = {"decided_outcome": outcome, "destination": destination}
        vals.update(first_inspection._prepare_line_judgement_vals())
        line.write(vals)

    def _prepare_repair_vals(self, qty):
        """Extends the core repair order with the inspection's rework plan
        (返工方案) and cause analysis, so the workshop repairs what quality
        decided."""
        vals = super()._prepare_repair_vals(qty)
        inspections = self.inspection_ids.filtered(lambda i: i.state == "done")
        plans = [str(i.rework_plan) for i in inspections if i.rework_plan]
        causes = [i.cause_analysis for i in inspections if i.cause_analysis]
        if plans or causes:
            notes = []
            if vals.get("internal_notes"):
                notes.append(Markup("<p>%s</p>") % vals["internal_notes"])
            if causes:
                notes.append(
                    Markup("<p><b>%s</b> %s</p>") % (_("Cause analysis:"), "; ".join(causes))
                )
            # rework plans are Html fields, already sanitized
            notes.extend(Markup(plan) for plan in plans)
            vals["internal_notes"] = Markup("").join(notes)
        return vals

    # ------------------------------------------------------------------
    # Manager override of an inspection's decision
    # ------------------------------------------------------------------
    def _check_can_override_disposition(self):
        if not self.env.su and not self.env.user.has_group("rma_factory.group_rma_manager"):
            raise AccessError(_("Only RMA Managers can override the inspection's decision."))
        for line in self:
            if line.state not in ("received", "judged"):
                raise UserError(
                    _("The decision of %s can no longer be changed.", line.display_name)
                )
            if float_compare(line.qty_processed, 0.0, precision_rounding=line._qty_rounding()) > 0:
                raise UserError(
                    _("Documents already exist for %s: its decision is final.", line.display_name)
                )

    def action_open_disposition_wizard(self):
        self.ensure_one()
        self._check_can_override_disposition()
        return self._rma_dialog_action(
            "factory.rma.disposition.wizard", _("Override Decision"), {"default_line_id": self.id}
        )

    def _override_disposition(self, outcome, destination, reason):
        self.ensure_one()
        self._check_can_override_disposition()
        if not (reason or "").strip():
            raise UserError(_("Give the reason for overriding the inspection's decision."))
        old = dict(self._fields["decided_outcome"]._description_selection(self.env)).get(
            self.decided_outcome, "-"
        )
        self._write_workflow({"decided_outcome": outcome, "destination": destination})
        new = dict(self._fields["decided_outcome"]._description_selection(self.env))[outcome]
        self.rma_id.message_post(
            body=_(
                "Decision of %(line)s overridden by %(user)s: %(old)s → %(new)s. Reason: %(reason)s",  # noqa: E501
                line=self.display_name,
                user=self.env.user.name,
                old=old,
                new=new,
                reason=reason,
            )
        )
        return True
