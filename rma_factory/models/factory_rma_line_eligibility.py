from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models


class FactoryRmaLine(models.Model):
    """Eligibility of a line: warranty (criterion A), return window, conditions checklist."""

    _inherit = "factory.rma.line"

    # Eligibility
    delivery_date = fields.Date(
        compute="_compute_delivery_date",
        store=True,
        readonly=False,
        help="Start of the warranty and of the return window.",
        groups="base.group_user",
    )
    warranty_end_date = fields.Date(readonly=True, copy=False, groups="base.group_user")
    cond_original_packaging = fields.Boolean("Original Packaging", groups="base.group_user")
    cond_accessories_complete = fields.Boolean("Accessories Complete", groups="base.group_user")
    cond_no_human_damage = fields.Boolean("No Human Damage", groups="base.group_user")
    eligibility_state = fields.Selection(
        [
            ("not_checked", "Not checked"),
            ("eligible", "Eligible"),
            ("failed", "Failed"),
            ("overridden", "Overridden"),
        ],
        default="not_checked",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    eligibility_note = fields.Text(readonly=True, copy=False, groups="base.group_user")

    def _workflow_fields(self):
        """The result of the eligibility check is the check's."""
        return super()._workflow_fields() | {
            "eligibility_state",
            "eligibility_note",
            "warranty_end_date",
        }

    @api.depends(
        "move_id.date",
        "sale_line_id.move_ids.date",
        "sale_line_id.move_ids.state",
        "invoice_line_id.move_id.invoice_date",
        "lot_id",
    )
    def _compute_delivery_date(self):
        for line in self:
            moves = line.move_id or line.sale_line_id.move_ids.filtered(
                lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
            )
            if moves:
                line.delivery_date = fields.Date.to_date(min(moves.mapped("date")))
            elif line.invoice_line_id.move_id.invoice_date:
                line.delivery_date = line.invoice_line_id.move_id.invoice_date
            elif line.lot_id and not line.delivery_date:
                line.delivery_date = fields.Date.to_date(line.lot_id.create_date)

    def _run_eligibility_check(self):
        """Check criterion A (warranty), B/C/D, the return window and the
        conditions checklist; store the result and the reasons per line."""
        for line in self:
            rma = line.rma_id
            policy = rma.policy_id
            reference = rma.date_request or fields.Date.context_today(line)
            failures = []
            months = line.product_id.product_tmpl_id._rma_warranty_months(policy)
            warranty_end = False
            if not line.delivery_date:
                failures.append(_("A failed: the delivery date is unknown."))
            else:
                warranty_end = line.delivery_date + relativedelta(months=months)
                if reference > warranty_end:
                    failures.append(
                        _("A failed: warranty ended %s.", fields.Date.to_string(warranty_end))
                    )
                if policy.return_window_days:
                    window_end = line.delivery_date + relativedelta(days=policy.return_window_days)
                    if reference > window_end:
                        failures.append(
                            _("Return window closed on %s.", fields.Date.to_string(window_end))
                        )
            if line.is_third_party:
                # not the company's goods: no warranty nor return window
                failures, warranty_end = [], False
            if (
                rma.rma_type == "shortage"
                and line.delivery_date
                and reference > line.delivery_date + relativedelta(days=policy.shortage_report_days)
            ):
                failures.append(
                    _(
                        "Shortage reported more than %s days after delivery.",
                        policy.shortage_report_days,
                    )
                )
            if rma._is_carrier_damage() and not rma.carrier_note_ref:
                failures.append(
                    _("The packaging was damaged: the carrier's signed delivery note is missing.")
                )
            if policy.require_bcd and not (rma.criterion_b or rma.criterion_c or rma.criterion_d):
                failures.append(_("No B/C/D criterion met."))
            if policy.require_original_packaging and not line.cond_original_packaging:
                failures.append(_("Original packaging missing."))
            if policy.require_accessories and not line.cond_accessories_complete:
                failures.append(_("Accessories incomplete."))
            if policy.require_no_human_damage and not line.cond_no_human_damage:
                failures.append(_("Human damage not excluded."))
            line._write_workflow(
                {
                    "warranty_end_date": warranty_end,
                    "eligibility_state": "failed" if failures else "eligible",
                    "eligibility_note": "\n".join(failures) or _("All criteria met."),
                }
            )
