from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.rma_factory.models.factory_rma_outcome import RMA_TYPES

#: (bucket, label, first day, last day or None)
AGE_BUCKETS = [
    ("0_7", "Up to 7 days", 0, 7),
    ("8_30", "8 to 30 days", 8, 30),
    ("31_90", "31 to 90 days", 31, 90),
    ("91_plus", "More than 90 days", 91, None),
]


class FactoryRmaOpenAge(models.Model):
    """Open RMAs (submitted to processing) by state and age since their
    request, for the RMA manager's dashboard. A SQL view: the age is counted
    when it is read."""

    _name = "factory.rma.open.age"
    _description = "Open RMAs by Age"
    _auto = False
    _order = "age_days desc"
    _rec_name = "rma_id"
    _depends = {
        "factory.rma": [
            "state",
            "date_request",
            "company_id",
            "rma_type",
            "user_id",
            "team_id",
            "commercial_partner_id",
        ],
    }

    rma_id = fields.Many2one("factory.rma", "RMA", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    state = fields.Selection(
        lambda self: self.env["factory.rma"]._fields["state"].selection, readonly=True
    )
    rma_type = fields.Selection(RMA_TYPES, "Type", readonly=True)
    date_request = fields.Date("Request Date", readonly=True)
    age_days = fields.Integer("Age (days)", readonly=True, aggregator="avg")
    age_bucket = fields.Selection(
        [(bucket, label) for bucket, label, _first, _last in AGE_BUCKETS],
        "Age",
        readonly=True,
    )

    def _age_bucket_sql(self):
        cases = SQL(" ").join(
            SQL("WHEN CURRENT_DATE - rma.date_request <= %s THEN %s", last, bucket)
            for bucket, _label, _first, last in AGE_BUCKETS
            if last is not None
        )
        return SQL("CASE %s ELSE %s END", cases, AGE_BUCKETS[-1][0])

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT rma.id,
                           rma.id AS rma_id,
                           rma.company_id,
                           rma.commercial_partner_id AS partner_id,
                           rma.user_id,
                           rma.team_id,
                           rma.state,
                           rma.rma_type,
                           rma.date_request,
                           CURRENT_DATE - rma.date_request AS age_days,
                           %(bucket)s::varchar AS age_bucket
                      FROM factory_rma rma
                     WHERE rma.state IN ('submitted', 'approved', 'received', 'judged',
                                         'processing')
                )
                """,
                table=SQL.identifier(self._table),
                bucket=self._age_bucket_sql(),
            )
        )
