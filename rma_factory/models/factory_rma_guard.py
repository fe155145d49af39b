import logging

from psycopg2 import errors as pg_errors

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class FactoryRmaGuard(models.AbstractModel):
    """Server-side controls shared by every RMA document (the RMA and its
    lines here; inspections and 8D reports in the quality addon).

    - ``_check_group`` / ``_check_state``: who may run a button on which
      state, with a translated message. Authorisation comes from the
      caller's groups and the record's state, never from the context.
    - ``_workflow_fields``: fields that only the buttons change. A
      ``create``/``write`` that sets one of them is refused unless it runs
      in superuser mode, which only server code can enter: the action
      methods check the caller's rights and the state, then write those
      fields through ``_write_workflow``.
    - ``_lock_for_update``: a NOWAIT row lock against double clicks; and
      ``_serialize_on``, which makes concurrent transactions that decide on
      the same rows (delivered quantity of a sale line, last open inspection
      of an RMA, invoiced quantity of an invoice line) run one after the
      other: the later one fails with a serialization error, which Odoo
      retries on fresh data.
    """

    _name = "factory.rma.guard"
    _description = "RMA Controls"

    # ------------------------------------------------------------------
    # Groups and states
    # ------------------------------------------------------------------
    def _check_group(self, group_xmlid, action_label):
        """Refuse ``action_label`` to a caller outside ``group_xmlid``
        (server code running as superuser passes)."""
        if self.env.su or self.env.user.has_group(group_xmlid):
            # the button acts on these records: the caller must reach them
            # (record rules: another company's RMAs stay out of reach)
            self.check_access("read")
            return
        raise AccessError(
            _(
                "Only members of the group “%(group)s” can %(action)s.",
                group=self.env.ref(group_xmlid).sudo().full_name,
                action=action_label,
            )
        )

    def _check_any_group(self, group_xmlids, action_label):
        """Like ``_check_group`` for a job several groups may do (e.g. RMA
        users and accountants prepare credit notes)."""
        if self.env.su or any(self.env.user.has_group(xmlid) for xmlid in group_xmlids):
            self.check_access("read")
            return
        raise AccessError(
            _(
                "Only members of the groups %(groups)s can %(action)s.",
                groups=", ".join(
                    f"“{self.env.ref(xmlid).sudo().full_name}”" for xmlid in group_xmlids
                ),
                action=action_label,
            )
        )

    def _check_state(self, states, action_label):
        """Refuse ``action_label`` on a record whose state is not in
        ``states``, naming the record and its state."""
        wrong = self.filtered(lambda r: r.state not in states)
        if wrong:
            labels = dict(wrong[0]._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(action)s is not possible on %(name)s in state “%(state)s”.",
                    action=action_label,
                    name=wrong[0].display_name,
                    state=labels.get(wrong[0].state, wrong[0].state),
                )
            )

    # ------------------------------------------------------------------
    # Workflow fields
    # ------------------------------------------------------------------
    def _workflow_fields(self):
        """Fields written only by the buttons of the model (state, dates,
        approvals, results of checks…). Models and addons extend the set;
        it always holds the stored computed fields that users cannot edit
        (quantity buckets, deadlines…), whose values only the ORM sets."""
        return {
            name
            for name, field in self._fields.items()
            if field.store
            and field.compute
            and field.readonly
            and not field.related
            and not field.inverse
        }

    def _check_workflow_vals(self, vals_list, creating=False):
        if self.env.su:
            return
        protected = self._workflow_fields()
        for vals in vals_list:
            touched = sorted(
                name
                for name in protected & set(vals)
                # a new record may state the empty value of a workflow field
                # (clients send the whole form), never a result
                if not (creating and not vals[name])
            )
            if touched:
                field_labels = ", ".join(
                    f"“{self._fields[name]._description_string(self.env)}”" for name in touched
                )
                raise UserError(
                    _(
                        "%(fields)s of %(model)s change only through the document's buttons.",
                        fields=field_labels,
                        model=self.env["ir.model"]._get(self._name).name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals([vals])
        return super().write(vals)

    def _write_workflow(self, vals):
        """Write workflow fields from an action method, once the caller's
        group and the state were checked: exactly the values the button
        causes, whoever the caller is (a stock user validating a receipt
        moves the RMA to "received" without RMA rights)."""
        return self.sudo().write(vals)

    def _rma_template_sent(self, template):
        """Called by the mail composer once ``template`` was sent from the
        records (comment mode). Documents whose sending is a step of their
        workflow (customer reply, 8D report) override it."""
        return False

    def _in_lang_of(self, user):
        """These records in ``user``'s language: what an activity or a mail
        tells that user is written in it (``.env._()``), not in the
        language of whoever (or whichever cron) schedules it."""
        return self.with_context(lang=user.lang or self.env.lang)

    # ------------------------------------------------------------------
    # Dialogs
    # ------------------------------------------------------------------
    def _rma_dialog_action(self, res_model, title, context=None, res_id=False):
        """Window action opening a form of ``res_model`` in a dialog: a new
        record with ``context`` (its defaults), or the record ``res_id``."""
        action = {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": res_model,
            "views": [(False, "form")],
            "target": "new",
            "context": context or {},
        }
        if res_id:
            action["res_id"] = res_id
        return action

    def _rma_composer_action(self, template):
        """The mail composer on these records with ``template``, posted on
        their chatter and mailed to the recipients; once sent, the composer
        calls ``_rma_template_sent(template)`` on them."""
        return self._rma_dialog_action(
            "mail.compose.message",
            False,
            {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        )

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_each(self, records, func, description):
        """Run ``func(record)`` for every record in its own savepoint: a
        record that fails is logged and skipped, the others go on. Returns
        the records that succeeded."""
        succeeded = records.browse()
        for record in records:
            try:
                with self.env.cr.savepoint():
                    func(record)
            except Exception:
                _logger.exception("%s failed for %s: skipped", description, record.display_name)
            else:
                succeeded |= record
        return succeeded

    # ------------------------------------------------------------------
    # Concurrency
    # ------------------------------------------------------------------
    def _lock_for_update(self):
        """Row-lock the records for the rest of the transaction so that two
        quick clicks (or two users) cannot run the same button twice: the
        second one gets a clear message. When the first one has already
        committed, PostgreSQL raises a serialization failure instead, which
        Odoo retries: the retry sees the new state."""
        if not self.ids:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s FOR UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        tuple(self.ids),
                    )
                )
        except pg_errors.LockNotAvailable as exc:
            raise UserError(
                _(
                    "%s is being processed by another action. Please try again.",
                    self[:1].display_name,
                )
            ) from exc
        # No invalidation: the transaction reads one snapshot (repeatable
        # read), so the rows read before the lock are those read after it (a
        # row changed by a transaction that committed since then makes the
        # lock fail with a serialization error). Invalidating would only
        # flush the records' pending changes and read them again.

    @api.model
    def _serialize_on(self, records):
        """Make the transactions that take a decision on ``records`` (the
        rows another transaction may change at the same time) run one after
        the other: the rows are locked and marked as written, so a
        concurrent transaction that started before this one commits fails
        with a serialization error and is retried by Odoo on fresh data.
        Rows are taken in id order so that two callers never deadlock."""
        if not records:
            return
        records.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET write_date = write_date WHERE id IN ("
                " SELECT id FROM %(table)s WHERE id IN %(ids)s ORDER BY id FOR NO KEY UPDATE)",
                table=SQL.identifier(records._table),
                ids=tuple(sorted(records.ids)),
            )
        )
