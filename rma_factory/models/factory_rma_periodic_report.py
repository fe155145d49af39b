import base64
import io
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import float_round

try:
    import xlsxwriter
except ImportError:  # pragma: no cover - Odoo requires it
    xlsxwriter = None

#: periodic statistics (KPI-06, KPI-13, KPI-02, SEED §6.2-14)
KINDS = [
    ("monthly", "Monthly statistics"),
    ("free_charged", "Free vs charged"),
    ("quarterly", "Quarterly return-rate review"),
]

#: RMA states that count in statistics
COUNTED_STATES = ("submitted", "approved", "received", "judged", "processing", "done", "rejected")


class FactoryRmaPeriodicReport(models.Model):
    """A periodic statistics report sent by mail to the company's
    recipients, once per period: the monthly statistics sheet on the 1st
    (《___月客户退换货、补件统计表》: RMAs, quantities, rates, costs, late
    steps by team), free vs charged counts on the 1st and the 16th, the
    quarterly return-rate review by product. The figures are kept on the
    record (``sections``) so that the PDF and the XLSX sent, and any later
    print, show the same numbers.

    Integrators add sections by extending ``_sections``; the accounting
    addon adds the costs by responsible party and the refund deadlines.
    """

    _name = "factory.rma.periodic.report"
    _description = "RMA Periodic Report"
    _order = "date_from desc, kind, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True, help="Last day of the period.")
    date_sent = fields.Datetime("Sent On", readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    mail_id = fields.Many2one("mail.mail", "Mail", readonly=True)
    sections = fields.Json(readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", string="Attachments", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "period_uniq",
            "unique(company_id, kind, date_from)",
            "A periodic report is sent once per company and period.",
        ),
    ]

    @api.depends("kind", "date_from", "date_to")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for report in self:
            report.name = _(
                "%(kind)s %(date_from)s – %(date_to)s",
                kind=labels.get(report.kind, ""),
                date_from=report.date_from,
                date_to=report.date_to,
            )

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    @api.model
    def _last_period(self, kind, today):
        """(first day, last day) of the last complete period of ``kind``
        on ``today``: the previous month, the previous half-month (1st–15th
        sent from the 16th, 16th–end of month from the 1st), the previous
        quarter."""
        first_of_month = today.replace(day=1)
        if kind == "monthly":
            start = first_of_month - relativedelta(months=1)
            return start, first_of_month - relativedelta(days=1)
        if kind == "free_charged":
            if today.day >= 16:
                return first_of_month, first_of_month + relativedelta(days=14)
            start = first_of_month - relativedelta(months=1, day=16)
            return start, first_of_month - relativedelta(days=1)
        if kind == "quarterly":
            quarter_start = first_of_month - relativedelta(months=(today.month - 1) % 3)
            return quarter_start - relativedelta(months=3), quarter_start - relativedelta(days=1)
        return None

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_periodic_reports(self):
        """Daily: every company with recipients gets the reports of the last
        complete periods not sent yet; each company in its own savepoint. A
        second run (or a concurrent one) finds the period's record and
        sends nothing."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].sudo().search([]).filtered("rma_report_partner_ids")
        reports = self.browse()

        def send_company(company):
            nonlocal reports
            for kind, _label in KINDS:
                date_from, date_to = self._last_period(kind, today)
                reports |= self._send_period(company, kind, date_from, date_to)

        self.env["factory.rma"]._cron_run_each(companies, send_company, "RMA periodic report")
        return reports

    @api.model
    def _send_period(self, company, kind, date_from, date_to):
        """Create, render and mail the report of a period unless it was sent."""
        Report = self.sudo().with_company(company).with_context(lang=company.partner_id.lang)
        if Report.search_count(
            [("company_id", "=", company.id), ("kind", "=", kind), ("date_from", "=", date_from)]
        ):
            return self.browse()
        report = Report._create_report(company, kind, date_from, date_to)
        report._send_mail()
        return report

    @api.model
    def _create_report(self, company, kind, date_from, date_to):
        """The period's record with its figures (the unique constraint makes
        a concurrent run fail here, before anything is mailed)."""
        report = self.create(
            {
                "company_id": company.id,
                "kind": kind,
                "date_from": date_from,
                "date_to": date_to,
                "sections": self._sections(kind, company, date_from, date_to),
            }
        )
        report.flush_recordset()
        return report

    def _send_mail(self):
        """PDF and XLSX attached to one mail to the company's recipients."""
        for report in self:
            company = report.company_id
            recipients = company.rma_report_partner_ids
            attachments = report._render_attachments()
            mail = (
                self.env["mail.mail"]
                .sudo()
                .create(
                    {
                        "subject": _(
                            "%(company)s: %(report)s", company=company.name, report=report.name
                        ),
                        "body_html": self.env["ir.qweb"]._render(
                            "rma_factory.factory_rma_periodic_mail_body", {"report": report}
                        ),
                        "email_from": company.email_formatted or self.env.user.email_formatted,
                        "recipient_ids": [fields.Command.set(recipients.ids)],
                        "attachment_ids": [fields.Command.set(attachments.ids)],
                        "auto_delete": False,
                    }
                )
            )
            report.write(
                {
                    "mail_id": mail.id,
                    "partner_ids": [fields.Command.set(recipients.ids)],
                    "attachment_ids": [fields.Command.set(attachments.ids)],
                    "date_sent": fields.Datetime.now(),
                }
            )

    @api.model
    def _format_value(self, value, kind):
        """A figure as the PDF and the mail print it."""
        if value is None or kind == "text" or isinstance(value, str):
            return value or ""
        if kind == "int":
            return f"{int(value):,}"
        return f"{value:,.2f}"

    def _file_name(self, extension):
        self.ensure_one()
        kind = {"monthly": "monthly", "free_charged": "free-charged", "quarterly": "quarterly"}
        return f"rma-{kind[self.kind]}-{self.date_from}.{extension}"

    def _render_attachments(self):
        self.ensure_one()
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "rma_factory.action_report_factory_rma_periodic", self.ids
        )
        Attachment = self.env["ir.attachment"].sudo()
        common = {"res_model": self._name, "res_id": self.id}
        return Attachment.create(
            [
                dict(
                    common,
                    name=self._file_name("pdf"),
                    datas=base64.b64encode(pdf),
                    mimetype="application/pdf",
                ),
                dict(
                    common,
                    name=self._file_name("xlsx"),
                    datas=base64.b64encode(self._xlsx()),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ]
        )

    def _xlsx(self):
        """The sections, one under the other, on one sheet."""
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.kind)
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        formats = {
            "percent": workbook.add_format({"num_format": "0.00"}),
            "float": workbook.add_format({"num_format": "#,##0.00"}),
            "monetary": workbook.add_format({"num_format": "#,##0.00"}),
            "int": workbook.add_format({"num_format": "0"}),
        }
        sheet.write(0, 0, self.name, title)
        sheet.write(1, 0, self.company_id.name)
        row = 3
        for section in self.sections or []:
            sheet.write(row, 0, section["title"], bold)
            row += 1
            for col, label in enumerate(section["columns"]):
                sheet.write(row, col, label, bold)
            row += 1
            for values in section["rows"]:
                for col, value in enumerate(values):
                    kind = section["kinds"][col]
                    if kind == "text" or value is None or isinstance(value, str):
                        sheet.write(row, col, value if value is not None else "")
                    else:
                        sheet.write_number(row, col, value, formats[kind])
                row += 1
            row += 1
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, 12, 14)
        workbook.close()
        return output.getvalue()

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _sections(self, kind, company, date_from, date_to):
        """[{"title", "columns", "kinds", "rows"}] of a report (hook).
        ``kinds`` says how each column prints: text, int, float, percent,
        monetary."""
        if kind == "monthly":
            return [
                self._section_rmas(company, date_from, date_to),
                self._section_return_rate(company, date_from, date_to, "categ_id"),
                self._section_late_steps(company, date_from, date_to),
            ]
        if kind == "free_charged":
            return [self._section_free_charged(company, date_from, date_to)]
        if kind == "quarterly":
            return [
                self._section_return_rate(company, date_from, date_to, "product_id"),
                self._section_reasons(company, date_from, date_to),
            ]
        return []

    @api.model
    def _section(self, title, columns, rows):
        """``columns``: [(label, kind)]."""
        return {
            "title": title,
            "columns": [label for label, _kind in columns],
            "kinds": [kind for _label, kind in columns],
            "rows": rows,
        }

    @api.model
    def _period_lines(self, company, date_from, date_to):
        """RMA lines requested in the period (third-party goods included:
        they are handled like the others)."""
        return (
            self.env["factory.rma.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("rma_id.date_request", ">=", date_from),
                    ("rma_id.date_request", "<=", date_to),
                    ("rma_id.state", "in", COUNTED_STATES),
                ]
            )
        )

    @api.model
    def _section_rmas(self, company, date_from, date_to):
        """RMAs and quantities of the period by type: requested, returned,
        replaced or shipped as spare parts, credited, scrapped."""
        lines = self._period_lines(company, date_from, date_to)
        types = dict(self.env["factory.rma"]._fields["rma_type"]._description_selection(self.env))
        rows = []
        for rma_type, label in types.items():
            type_lines = lines.filtered(lambda x, t=rma_type: x.rma_id.rma_type == t)
            if not type_lines:
                continue
            rows.append(
                [
                    label,
                    len(type_lines.rma_id),
                    len(type_lines.rma_id.filtered(lambda r: r.state == "done")),
                    sum(type_lines.mapped("quantity")),
                    sum(type_lines.mapped("qty_received")),
                    sum(type_lines.mapped("qty_replaced")),
                    sum(type_lines.mapped("qty_credited")),
                    sum(type_lines.mapped("qty_scrapped")),
                ]
            )
        if rows:
            rows.append([_("Total"), *[sum(row[i] for row in rows) for i in range(1, 8)]])
        return self._section(
            _("Returns, exchanges and spare parts"),
            [
                (_("Type"), "text"),
                (_("RMAs"), "int"),
                (_("Done"), "int"),
                (_("Requested"), "float"),
                (_("Returned"), "float"),
                (_("Replaced / spare parts"), "float"),
                (_("Credited"), "float"),
                (_("Scrapped"), "float"),
            ],
            rows,
        )

    @api.model
    def _section_return_rate(self, company, date_from, date_to, groupby):
        """Delivered and returned quantities and the return rate of the
        period (return-date basis) by ``groupby``, with the total."""
        Report = self.env["factory.rma.return.rate"].sudo()
        domain = [
            ("company_id", "=", company.id),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        aggregates = [
            "qty_delivered:sum",
            "qty_requested:sum",
            "qty_accepted:sum",
            "return_rate:sum",
            "value_delivered:sum",
            "value_accepted:sum",
        ]
        groups = Report._read_group(domain, [groupby], aggregates)
        rows = [
            [record.display_name or _("None"), *[float_round(v or 0.0, 2) for v in values]]
            for record, *values in groups
            if any(values[:3])
        ]
        rows.sort(key=lambda row: (-row[4], row[0]))
        total = Report._read_group(domain, [], aggregates)[0]
        rows.append([_("Total"), *[float_round(v or 0.0, 2) for v in total]])
        label = Report._fields[groupby].get_description(self.env)["string"]
        return self._section(
            _("Return rate by %(dimension)s (return date basis)", dimension=label.lower()),
            [
                (label, "text"),
                (_("Delivered"), "float"),
                (_("Requested"), "float"),
                (_("Returned"), "float"),
                (_("Return rate (%)"), "percent"),
                (_("Delivered value"), "monetary"),
                (_("Returned value"), "monetary"),
            ],
            rows,
        )

    @api.model
    def _section_reasons(self, company, date_from, date_to):
        """Reasons of the period's returns, most frequent first, with their
        share and the cumulative share (Pareto, KPI-02)."""
        Report = self.env["factory.rma.return.rate"].sudo()
        domain = [
            ("company_id", "=", company.id),
            ("kind", "=", "return"),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        groups = Report._read_group(domain, ["reason_id"], ["qty_requested:sum", "__count"])
        total = sum(qty for _reason, qty, _count in groups) or 1.0
        rows, cumulative = [], 0.0
        for reason, qty, count in sorted(groups, key=lambda g: -g[1]):
            cumulative += qty
            rows.append(
                [
                    reason.display_name or _("None"),
                    count,
                    qty,
                    float_round(100.0 * qty / total, 2),
                    float_round(100.0 * cumulative / total, 2),
                ]
            )
        return self._section(
            _("Return reasons"),
            [
                (_("Reason"), "text"),
                (_("Lines"), "int"),
                (_("Requested"), "float"),
                (_("Share (%)"), "percent"),
                (_("Cumulative (%)"), "percent"),
            ],
            rows,
        )

    @api.model
    def _section_late_steps(self, company, date_from, date_to):
        """Steps due in the period by sales team: due, late, on time %
        (from the late-steps report)."""
        Report = self.env["factory.rma.deadline.report"].sudo()
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        domain = [
            ("company_id", "=", company.id),
            ("deadline", ">=", start),
            ("deadline", "<", end),
        ]
        counts = defaultdict(lambda: [0, 0])
        for team, is_late, count in Report._read_group(domain, ["team_id", "is_late"], ["__count"]):
            counts[team][0] += count
            if is_late:
                counts[team][1] += count
        rows = [
            [
                team.display_name or _("No team"),
                due,
                late,
                float_round(100.0 * (due - late) / due, 2) if due else 0.0,
            ]
            for team, (due, late) in sorted(counts.items(), key=lambda x: x[0].display_name or "")
        ]
        return self._section(
            _("Late steps by team"),
            [
                (_("Sales team"), "text"),
                (_("Steps due"), "int"),
                (_("Late"), "int"),
                (_("On time (%)"), "percent"),
            ],
            rows,
        )

    @api.model
    def _section_free_charged(self, company, date_from, date_to):
        """Lines judged in the period, free (免费) or charged (收费) (RESP-05,
        KPI-06): lines, RMAs and quantities."""
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        lines = (
            self.env["factory.rma.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("rma_id.date_judged", ">=", start),
                    ("rma_id.date_judged", "<", end),
                ]
            )
        )
        labels = dict(
            self.env["factory.rma.line"]._fields["service_charge"]._description_selection(self.env)
        )
        rows = []
        for key in ("free", "charged", False):
            selected = lines.filtered(lambda x, k=key: x.service_charge == k)
            rows.append(
                [
                    labels.get(key) or _("Not set"),
                    len(selected),
                    len(selected.rma_id),
                    sum(selected.mapped("qty_received")),
                ]
            )
        return self._section(
            _("Free vs charged (lines judged in the period)"),
            [
                (_("Service"), "text"),
                (_("Lines"), "int"),
                (_("RMAs"), "int"),
                (_("Returned quantity"), "float"),
            ],
            rows,
        )
