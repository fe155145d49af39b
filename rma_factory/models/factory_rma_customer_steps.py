from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.tools import float_round

from .factory_rma_outcome import NO_GOODS_TYPES


def qty_str(qty, uom):
    """A quantity as the customer reads it: rounded to its unit, without
    trailing zeros (8, 2.5)."""
    qty = float_round(qty, precision_rounding=uom.rounding or 0.01)
    return f"{qty:f}".rstrip("0").rstrip(".") or "0"


class FactoryRma(models.Model):
    """The steps of the RMA the customer hears about: a message at each step,
    once, in the customer's language, and the portal's timeline.

    Each step is recorded once per key (``factory.rma.customer.message``)
    by the action that makes it; its message is sent by the cron.
    """

    _inherit = "factory.rma"

    customer_message_ids = fields.One2many(
        "factory.rma.customer.message",
        "rma_id",
        "Customer Messages",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """The customer's messages are recorded by the steps."""
        return super()._workflow_fields() | {"customer_message_ids"}

    # ------------------------------------------------------------------
    # Who is told, in which language, by whom
    # ------------------------------------------------------------------
    def _customer_recipients(self):
        """The customer and, when the request names one, its contact (the
        portal user who filed it)."""
        self.ensure_one()
        return (self.partner_id | self.sudo().partner_contact_id).filtered("active")

    def _customer_lang(self):
        self.ensure_one()
        return self.partner_id.lang or self.company_id.partner_id.lang or "en_US"

    def _customer_message_author(self):
        """Messages to the customer are signed by the RMA's responsible,
        else by the company."""
        self.ensure_one()
        rma = self.sudo()
        return rma.user_id.partner_id or rma.company_id.partner_id

    def _customer_partner_to(self):
        """``partner_to`` of the customer templates: the recipients' ids."""
        self.ensure_one()
        return ",".join(str(pid) for pid in self._customer_recipients().ids)

    def _expects_goods_back(self):
        """Whether the customer sends goods back (not a shortage or a
        complaint only)."""
        self.ensure_one()
        return self.rma_type not in NO_GOODS_TYPES

    # ------------------------------------------------------------------
    # Recording a step
    # ------------------------------------------------------------------
    def _record_customer_step(self, step, key=None, **values):
        """Record ``step`` on each RMA once per ``key`` (default: the step):
        an entry of the customer's timeline and, for the steps that send a
        message, the message to send (by the cron, triggered at once). A
        step recorded before is left alone; returns the new entries."""
        return self._record_customer_steps(
            [{"rma_id": rma.id, "step": step, "key": key or step, **values} for rma in self]
        )

    @api.model
    def _record_customer_steps(self, entries):
        """Record the steps ``entries`` (values of
        ``factory.rma.customer.message`` with at least ``rma_id``, ``step``
        and ``key``) of any RMAs at once: those recorded before, here or by
        a concurrent transaction, are left alone. Returns the new entries."""
        Message = self.env["factory.rma.customer.message"].sudo()
        if not entries:
            return Message
        recorded = {
            (message.rma_id.id, message.key)
            for message in Message.search(
                [
                    ("rma_id", "in", list({entry["rma_id"] for entry in entries})),
                    ("key", "in", list({entry["key"] for entry in entries})),
                ]
            )
        }
        with_message = Message._steps_with_message()
        vals_list = []
        for entry in entries:
            if (entry["rma_id"], entry["key"]) in recorded:
                continue
            recorded.add((entry["rma_id"], entry["key"]))
            vals_list.append(
                {"state": "pending" if entry["step"] in with_message else "none", **entry}
            )
        if not vals_list:
            return Message
        # The savepoints do not flush the transaction: a flush there would
        # also run the precommit hooks (mail tracking) in the middle of the
        # action (two tracking messages for one click, the records' computed
        # fields recomputed twice). Inside, only the new entries are written
        # (their INSERT is what meets the unique key), so rolling back to the
        # savepoint loses nothing else; the entries written before are
        # flushed first for the same reason.
        Message.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                created = Message.create(vals_list)
                created.flush_recordset()
        except pg_errors.UniqueViolation:
            # a concurrent transaction recorded some of them: one by one,
            # the later of two meets the unique key and records nothing
            created = Message.browse()
            for vals in vals_list:
                try:
                    with self.env.cr.savepoint(flush=False):
                        record = Message.create(vals)
                        record.flush_recordset()
                except pg_errors.UniqueViolation:
                    continue
                created |= record
        if created.filtered(lambda m: m.state == "pending"):
            self.env.ref("rma_factory.ir_cron_rma_customer_messages").sudo()._trigger()
        return created

    def _submission_count(self):
        """How many times the RMA was submitted: a step of the review
        (approved, not approved) is told once per submission."""
        self.ensure_one()
        return len(self.sudo().approval_ids.filtered(lambda a: a.step == "submit"))

    def _record_review_step(self, step, **values):
        self._record_customer_steps(
            [
                {
                    "rma_id": rma.id,
                    "step": step,
                    "key": f"{step}:{rma._submission_count()}",
                    **values,
                }
                for rma in self
            ]
        )

    def _line_figures(self, lines, quantities):
        """Per line: product, lot and the quantities ``quantities`` (a dict
        name -> function(line)) as strings, in the customer's language."""
        self.ensure_one()
        figures = []
        for line in lines.with_context(lang=self._customer_lang()):
            uom = line.product_uom_id
            row = {
                "product": line.product_id.display_name,
                "lot": line.lot_id.name or "",
                "uom": uom.name,
            }
            for name, func in quantities.items():
                row[name] = qty_str(func(line), uom)
            figures.append(row)
        return figures

    # ------------------------------------------------------------------
    # Steps of the core flow
    # ------------------------------------------------------------------
    def action_submit(self):
        res = super().action_submit()
        self._record_customer_step("request")
        return res

    def action_judge(self):
        res = super().action_judge()
        entries = []
        outcomes_by_lang = {}  # the outcomes' labels, once per language
        field = self.env["factory.rma.line"]._fields["decided_outcome"]
        for rma in self:
            lines = rma.line_ids.filtered("decided_outcome")
            lang = rma._customer_lang()
            if lang not in outcomes_by_lang:
                outcomes_by_lang[lang] = dict(
                    field._description_selection(rma.with_context(lang=lang).env)
                )
            outcomes = outcomes_by_lang[lang]
            figures = rma._line_figures(
                lines,
                {"quantity": lambda x: x.qty_received if x._expects_goods_back() else x.quantity},
            )
            for row, line in zip(figures, lines, strict=True):
                row["outcome"] = outcomes.get(line.decided_outcome, "")
            entries.append(
                {"rma_id": rma.id, "step": "judged", "key": "judged", "line_values": figures}
            )
        self._record_customer_steps(entries)
        return res

    def _action_done(self):
        res = super()._action_done()
        self._record_customer_step("closed")
        return res

    def _record_goods_received(self, pickings):
        """A receipt of the customer's goods is done: the quantities
        received so far against the authorised ones (AS-12: "8 of 10
        received"), once per receipt."""
        entries = []
        for rma in self.filtered(lambda r: r._expects_goods_back()):
            lines = rma.line_ids.filtered(lambda line: line._expects_goods_back())
            figures = rma._line_figures(
                lines,
                {
                    "authorised": lambda x: x.quantity,
                    "received": lambda x: x.qty_received,
                    "difference": lambda x: x.quantity - x.qty_received,
                },
            )
            env = rma.with_context(lang=rma._customer_lang()).env
            detail = "; ".join(
                env._(
                    "%(product)s: %(received)s of %(authorised)s received",
                    product=row["product"],
                    received=row["received"],
                    authorised=row["authorised"],
                )
                for row in figures
            )
            entries += [
                {
                    "rma_id": rma.id,
                    "step": "received",
                    "key": f"received:{picking.id}",
                    "picking_id": picking.id,
                    "detail": detail,
                    "line_values": figures,
                }
                for picking in pickings.filtered(lambda p, rma=rma: p.rma_id == rma)
            ]
        self._record_customer_steps(entries)

    def _record_goods_shipped(self, moves):
        """Goods left for the customer (replacement, spare part, repaired or
        sent-back goods): once per delivery, with its tracking reference."""
        entries = []
        for picking in moves.picking_id:
            rma = (
                picking.rma_id
                or moves.filtered(lambda m, p=picking: m.picking_id == p)[:1].rma_line_id.rma_id
            )
            if not rma or rma not in self:
                continue
            rows = []
            for move in moves.filtered(lambda m, p=picking: m.picking_id == p):
                lots = move.move_line_ids.lot_id
                rows.append(
                    {
                        "product": move.product_id.with_context(
                            lang=rma._customer_lang()
                        ).display_name,
                        "lot": ", ".join(lots.mapped("name")),
                        "quantity": qty_str(move.quantity, move.product_uom),
                        "uom": move.product_uom.with_context(lang=rma._customer_lang()).name,
                    }
                )
            carrier = picking.rma_carrier_id.name or picking.rma_carrier_name or ""
            tracking = picking.rma_tracking_ref or ""
            entries.append(
                {
                    "rma_id": rma.id,
                    "step": "shipped",
                    "key": f"shipped:{picking.id}",
                    "picking_id": picking.id,
                    "detail": " ".join(part for part in (carrier, tracking) if part),
                    "line_values": rows,
                }
            )
        self._record_customer_steps(entries)

    def _record_repair_step(self, step, repairs):
        """Repair of the customer's goods started or finished, once per
        repair order."""
        entries = []
        for repair in repairs.sudo():
            rma = repair.rma_line_id.rma_id
            if rma not in self:
                continue
            figures = rma._line_figures(
                repair.rma_line_id, {"quantity": lambda x, r=repair: r.product_qty}
            )
            entries.append(
                {
                    "rma_id": rma.id,
                    "step": step,
                    "key": f"{step}:{repair.id}",
                    "repair_id": repair.id,
                    "line_values": figures,
                }
            )
        self._record_customer_steps(entries)

    # ------------------------------------------------------------------
    # Timeline (portal)
    # ------------------------------------------------------------------
    def _portal_timeline_values(self):
        """The steps as the portal page shows them (whitelisted values):
        label, date and figures."""
        self.ensure_one()
        Message = self.env["factory.rma.customer.message"]
        labels = dict(Message._fields["step"]._description_selection(self.env))
        return [
            {
                "step": entry.step,
                "label": labels.get(entry.step, entry.step),
                "date": entry.date,
                "detail": entry.detail or "",
            }
            for entry in self.sudo().customer_message_ids.sorted(lambda m: (m.date, m.id))
        ]

    @api.model
    def _cron_send_customer_messages(self):
        return self.env["factory.rma.customer.message"]._cron_send_pending()
