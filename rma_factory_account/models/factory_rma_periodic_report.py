from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import float_round


class FactoryRmaPeriodicReport(models.Model):
    """The monthly statistics add the costs by responsible party and the
    review and refund deadlines met (AS-30)."""

    _inherit = "factory.rma.periodic.report"

    @api.model
    def _sections(self, kind, company, date_from, date_to):
        sections = super()._sections(kind, company, date_from, date_to)
        if kind == "monthly":
            sections.append(self._section_costs(company, date_from, date_to))
            sections.append(self._section_deadlines_met(company, date_from, date_to))
        return sections

    @api.model
    def _section_costs(self, company, date_from, date_to):
        """The period's cost ledger by responsible party (company currency):
        costs, recoveries and net."""
        domain = [
            ("company_id", "=", company.id),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        groups = (
            self.env["factory.rma.cost"]
            .sudo()
            ._read_group(domain, ["party", "is_recovery"], ["amount:sum"])
        )
        amounts = {}
        for party, is_recovery, amount in groups:
            costs = amounts.setdefault(party, [0.0, 0.0])
            costs[1 if is_recovery else 0] += amount
        labels = dict(
            self.env["factory.rma.cost"]._fields["party"]._description_selection(self.env)
        )
        rows = [
            [
                labels.get(party, party),
                float_round(cost, 2),
                float_round(recovery, 2),
                float_round(cost + recovery, 2),
            ]
            for party, (cost, recovery) in sorted(amounts.items(), key=lambda x: -sum(x[1]))
        ]
        if rows:
            rows.append(
                [_("Total"), *[float_round(sum(row[i] for row in rows), 2) for i in (1, 2, 3)]]
            )
        return self._section(
            _("Costs by responsible party (%(currency)s)", currency=company.currency_id.name),
            [
                (_("Borne by"), "text"),
                (_("Costs"), "monetary"),
                (_("Recovered"), "monetary"),
                (_("Net"), "monetary"),
            ],
            rows,
        )

    @api.model
    def _section_deadlines_met(self, company, date_from, date_to):
        """Reviews and refunds due in the period and met on time."""
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        reviews = (
            self.env["factory.rma.deadline.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("step", "=", "review"),
                    ("deadline", ">=", start),
                    ("deadline", "<", end),
                ],
                ["is_late"],
                ["__count"],
            )
        )
        review_due = sum(count for _late, count in reviews)
        review_late = sum(count for late, count in reviews if late)
        refunds = (
            self.env["factory.rma"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("refund_deadline", ">=", start),
                    ("refund_deadline", "<", end),
                ]
            )
        )
        refund_met = len(refunds.filtered("refund_on_time"))
        rows = [
            [
                _("Review"),
                review_due,
                review_due - review_late,
                float_round(100.0 * (review_due - review_late) / review_due, 2)
                if review_due
                else 0.0,
            ],
            [
                _("Refund"),
                len(refunds),
                refund_met,
                float_round(100.0 * refund_met / len(refunds), 2) if refunds else 0.0,
            ],
        ]
        return self._section(
            _("Deadlines met"),
            [
                (_("Step"), "text"),
                (_("Due"), "int"),
                (_("On time"), "int"),
                (_("On time (%)"), "percent"),
            ],
            rows,
        )
