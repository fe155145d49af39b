from odoo import api, fields, models
from odoo.tools import SQL


class FactoryRmaDeadlineReport(models.Model):
    """One row per RMA and deadline step: when it was due, when it was done
    and whether it was late, for the Late Steps report by team and user.

    The steps come from the RMA's step registry (``factory.rma._rma_steps``):
    a step an addon declares there is in the report with nothing more to do.
    The query is built at each read (``_table_query``), so it compares the
    open steps with the current time and follows the registry."""

    _name = "factory.rma.deadline.report"
    _description = "RMA Step Deadlines"
    _auto = False
    _order = "deadline desc"

    rma_id = fields.Many2one("factory.rma", "RMA", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    rma_state = fields.Selection(
        lambda self: self.env["factory.rma"]._fields["state"].selection,
        "RMA Status",
        readonly=True,
    )
    step = fields.Selection("_selection_step", readonly=True)
    deadline = fields.Datetime(readonly=True)
    date_done = fields.Datetime("Done", readonly=True)
    is_late = fields.Boolean("Late", readonly=True)
    is_open = fields.Boolean("Open", readonly=True)
    delay_hours = fields.Float("Delay (hours)", readonly=True, aggregator="avg")

    @api.model
    def _selection_step(self):
        return [(step["code"], step["label"]) for step in self.env["factory.rma"]._rma_steps()]

    @property
    def _table_query(self):
        Rma = self.env["factory.rma"].sudo().with_context(active_test=False)
        steps = Rma._rma_steps()
        # the RMA fields the steps read are written to the database first
        Rma.flush_model()
        now = fields.Datetime.now()
        return SQL(" UNION ALL ").join(
            self._select_step(index, step, now, Rma) for index, step in enumerate(steps)
        )

    def _select_step(self, index, step, now, rma_model):
        """SELECT of one step: its deadline and done columns of
        ``factory_rma``; open while its ``pending`` domain holds."""
        deadline = SQL("rma.%s", SQL.identifier(step["deadline"]))
        done = (
            SQL("rma.%s", SQL.identifier(step["done"]))
            if step.get("done")
            else SQL("NULL::timestamp")
        )
        pending = rma_model._search(step["pending"]).subselect()
        return SQL(
            """
            SELECT rma.id * 100 + %(index)s AS id,
                   rma.id AS rma_id,
                   rma.company_id,
                   rma.partner_id,
                   rma.user_id,
                   rma.team_id,
                   rma.state AS rma_state,
                   %(code)s::varchar AS step,
                   %(deadline)s AS deadline,
                   %(done)s AS date_done,
                   COALESCE(%(done)s, %(now)s) > %(deadline)s AS is_late,
                   rma.id IN %(pending)s AS is_open,
                   GREATEST(
                       EXTRACT(EPOCH FROM (COALESCE(%(done)s, %(now)s) - %(deadline)s)) / 3600.0,
                       0
                   ) AS delay_hours
              FROM factory_rma rma
             WHERE %(deadline)s IS NOT NULL
               AND (rma.state NOT IN ('rejected', 'cancelled') OR %(done)s IS NOT NULL)
            """,
            index=index,
            code=step["code"],
            deadline=deadline,
            done=done,
            now=now,
            pending=pending,
        )
