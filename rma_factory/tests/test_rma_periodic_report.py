import base64
import io
import subprocess

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaPeriodicReport(RmaCommon):
    """Issue #15 / AS-30: the monthly statistics on the 1st, free vs charged
    twice a month, the quarterly return-rate review, mailed with a PDF and
    an XLSX to the company's recipients, once per period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recipient = cls.env["res.partner"].create(
            {"name": "Quality Director", "email": "director@example.com"}
        )
        cls.company.rma_report_partner_ids = cls.recipient
        Reason = cls.env["factory.rma.reason"]
        cls.cracking = Reason.create({"name": "Cracking", "category": "quality"})
        cls.appearance = Reason.create({"name": "Appearance", "category": "quality"})
        with freeze_time("2026-03-02 10:00:00"):
            cls.so_mould = cls._deliver(cls.dealer_a, [(cls.mould, 100, cls.lot1)])
            cls.so_connector = cls._deliver(cls.dealer_b, [(cls.connector, 50, None)])

    def _return(self, order, when, qty, reason, responsibility, outcome):
        with freeze_time(when):
            rma = self._create_rma(order)
            rma.line_ids.write({"quantity": qty, "reason_id": reason.id})
            self._approve(rma)
            self._receive(rma)
            rma.line_ids.with_user(self.user_cs).write({"responsibility": responsibility})
            self._decide(rma, outcome)
            rma.with_user(self.user_cs).action_judge()
        return rma

    def _march(self):
        """March: 4 × M-100 cracked (production, free) judged on the 6th,
        2 × C-20 scratched (dealer, charged) judged on the 20th."""
        self._return(self.so_mould, "2026-03-05 10:00:00", 4, self.cracking, "production", "refund")
        self._return(
            self.so_connector, "2026-03-20 10:00:00", 2, self.appearance, "dealer", "repair"
        )

    def _reports(self):
        return self.env["factory.rma.periodic.report"].search(
            [("company_id", "=", self.company.id)]
        )

    @staticmethod
    def _section(report, title):
        return next(s for s in report.sections if s["title"].startswith(title))

    def _send(self, when):
        with freeze_time(when):
            # real PDFs (Odoo renders HTML in tests unless told otherwise)
            return (
                self.env["factory.rma.periodic.report"]
                .with_context(force_report_rendering=True)
                ._cron_send_periodic_reports()
            )

    def test_reports_sent_once_per_period_with_figures(self):
        self._march()
        sent = self._send("2026-04-01 06:00:00")
        self.assertEqual(
            sorted((r.kind, str(r.date_from), str(r.date_to)) for r in sent),
            [
                ("free_charged", "2026-03-16", "2026-03-31"),
                ("monthly", "2026-03-01", "2026-03-31"),
                ("quarterly", "2026-01-01", "2026-03-31"),
            ],
        )
        self.assertFalse(self._send("2026-04-01 18:00:00"), "the cron runs twice: no second mail")
        self.assertEqual(len(self._reports()), 3)
        for report in sent:
            self.assertEqual(report.mail_id.recipient_ids, self.recipient)
            self.assertEqual(
                sorted(report.mail_id.attachment_ids.mapped("mimetype")),
                [
                    "application/pdf",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ],
            )
        monthly = sent.filtered(lambda r: r.kind == "monthly")
        rmas = self._section(monthly, "Returns, exchanges and spare parts")
        self.assertEqual(rmas["rows"][-1][:5], ["Total", 2, 0, 6.0, 6.0])
        rate = self._section(monthly, "Return rate by product category")
        self.assertEqual(rate["rows"][-1][:5], ["Total", 150.0, 6.0, 6.0, 4.0])
        self.assertTrue(self._section(monthly, "Late steps by team"))
        free_charged = sent.filtered(lambda r: r.kind == "free_charged")
        self.assertEqual(
            self._section(free_charged, "Free vs charged")["rows"],
            [["Free (免费)", 0, 0, 0.0], ["Charged (收费)", 1, 1, 2.0], ["Not set", 0, 0, 0.0]],
        )
        quarterly = sent.filtered(lambda r: r.kind == "quarterly")
        by_product = self._section(quarterly, "Return rate by product")["rows"]
        self.assertEqual(
            {row[0]: row[1:5] for row in by_product},
            {
                self.mould.display_name: [100.0, 4.0, 4.0, 4.0],
                self.connector.display_name: [50.0, 2.0, 2.0, 4.0],
                "Total": [150.0, 6.0, 6.0, 4.0],
            },
        )
        self.assertEqual(
            self._section(quarterly, "Return reasons")["rows"],
            [["Cracking", 1, 4.0, 66.67, 66.67], ["Appearance", 1, 2.0, 33.33, 100.0]],
        )
        # the attachments show the same figures
        xlsx = quarterly.attachment_ids.filtered(lambda a: a.name.endswith(".xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xlsx.datas))).active
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertIn([self.mould.display_name, 100, 4, 4, 4, 10000, 400], cells)
        pdf = quarterly.attachment_ids.filtered(lambda a: a.name.endswith(".pdf"))
        text = subprocess.run(
            ["pdftotext", "-", "-"],
            input=base64.b64decode(pdf.datas),
            capture_output=True,
            check=True,
        ).stdout.decode()
        self.assertIn("Return reasons", text)
        self.assertIn("66.67", text)
        # the 16th: the first half of April, nothing else
        april = self._send("2026-04-16 06:00:00")
        self.assertEqual(
            [(r.kind, str(r.date_from), str(r.date_to)) for r in april],
            [("free_charged", "2026-04-01", "2026-04-15")],
        )
        self.assertEqual(len(self._reports()), 4)

    def test_no_recipients_no_report(self):
        self.company.rma_report_partner_ids = False
        self.assertFalse(self._send("2026-04-01 06:00:00"))
        self.assertFalse(self._reports())

    def test_periods(self):
        Report = self.env["factory.rma.periodic.report"]
        day = self._today().replace(year=2026, month=1, day=5)
        self.assertEqual(
            [str(d) for d in Report._last_period("free_charged", day)],
            ["2025-12-16", "2025-12-31"],
        )
        self.assertEqual(
            [str(d) for d in Report._last_period("quarterly", day)], ["2025-10-01", "2025-12-31"]
        )
        self.assertEqual(
            [str(d) for d in Report._last_period("monthly", day.replace(month=3, day=31))],
            ["2026-02-01", "2026-02-28"],
        )

    def test_reports_are_internal(self):
        self._march()
        self._send("2026-04-01 06:00:00")
        with self.assertRaises(AccessError):
            self.env["factory.rma.periodic.report"].with_user(self.user_cs).search([])
        self.assertEqual(
            len(self.env["factory.rma.periodic.report"].with_user(self.user_mgr).search([])), 3
        )
