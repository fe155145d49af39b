from odoo import fields, models, tools
from odoo.tools import SQL

#: (step, deadline column, column of the date the step was done)
STEPS = [
    ("review", "review_deadline", "date_approved"),
    ("onsite", "onsite_deadline", "date_onsite"),
    ("return", "return_deadline", "date_received"),
    ("analysis", "analysis_deadline", "date_judged"),
    ("judgement", "judgement_deadline", "date_judged"),
    ("solution", "solution_deadline", "date_reply_sent"),
    ("reply", "reply_deadline", "date_reply_sent"),
    ("claim", "claim_deadline", None),
]


class FactoryRmaDeadlineReport(models.Model):
    """One row per RMA step with a deadline: when it was due, when it was
    done and whether it was late, for the deadline report by team and user
    (SEED §3.3). A SQL view: nothing to keep in sync."""

    _name = "factory.rma.deadline.report"
    _description = "RMA Step Deadlines"
    _auto = False
    _order = "deadline desc"
    _depends = {
        "factory.rma": [
            "company_id",
            "partner_id",
            "user_id",
            "team_id",
            "state",
            *{column for _step, deadline, done in STEPS for column in (deadline, done)} - {None},
        ],
    }

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
    step = fields.Selection(
        [
            ("review", "Review"),
            ("onsite", "On-site verification"),
            ("return", "Customer return"),
            ("analysis", "Cause analysis"),
            ("judgement", "Quality judgement"),
            ("solution", "Solution and reply"),
            ("reply", "Complaint reply"),
            ("claim", "Carrier claim"),
        ],
        readonly=True,
    )
    deadline = fields.Datetime(readonly=True)
    date_done = fields.Datetime("Done", readonly=True)
    is_late = fields.Boolean("Late", readonly=True)
    is_open = fields.Boolean("Open", readonly=True)
    delay_hours = fields.Float("Delay (hours)", readonly=True, aggregator="avg")

    def _select_step(self, index, step, deadline, done):
        """SELECT of one step; ``done`` is a column of ``factory_rma`` or
        None when the step has no completion date."""
        deadline_sql = SQL("rma.%s", SQL.identifier(deadline))
        done_sql = SQL("rma.%s", SQL.identifier(done)) if done else SQL("NULL::timestamp")
        now = SQL("(now() AT TIME ZONE 'UTC')")
        return SQL(
            """
            SELECT rma.id * 10 + %(index)s AS id,
                   rma.id AS rma_id,
                   rma.company_id,
                   rma.partner_id,
                   rma.user_id,
                   rma.team_id,
                   rma.state AS rma_state,
                   %(step)s::varchar AS step,
                   %(deadline)s AS deadline,
                   %(done)s AS date_done,
                   COALESCE(%(done)s, %(now)s) > %(deadline)s AS is_late,
                   %(done)s IS NULL
                       AND rma.state NOT IN ('done', 'rejected', 'cancelled') AS is_open,
                   GREATEST(
                       EXTRACT(EPOCH FROM (COALESCE(%(done)s, %(now)s) - %(deadline)s)) / 3600.0,
                       0
                   ) AS delay_hours
              FROM factory_rma rma
             WHERE %(deadline)s IS NOT NULL
               AND (rma.state NOT IN ('rejected', 'cancelled') OR %(done)s IS NOT NULL)
            """,
            index=index,
            step=step,
            deadline=deadline_sql,
            done=done_sql,
            now=now,
        )

    def _steps(self):
        """(step, deadline column, done column) of ``factory_rma``; addons
        with their own deadline columns add theirs (and the step to the
        ``step`` selection)."""
        return list(STEPS)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = SQL(" UNION ALL ").join(
            self._select_step(index, step, deadline, done)
            for index, (step, deadline, done) in enumerate(self._steps())
        )
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), query)
        )
