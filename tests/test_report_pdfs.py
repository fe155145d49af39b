"""Every PDF report of the three addons prints (issue 9, item 10).

The Complaint Handling Sheet answered *Print* with an empty PDF (0 bytes,
HTTP 200) with Debian's wkhtmltopdf while its HTML rendered, so reading the
HTML is not enough: each report action the addons define is printed here the
way *Print* does (``_render_qweb_pdf``, wkhtmltopdf, the page assets served by
the test server) on a realistic record, for a Chinese customer and user, and
the PDF is read back with ``pdftotext``.

Printing a selection of records gives wkhtmltopdf one input document per
record, which Debian's build refuses as well (an empty PDF, or a server error
when Odoo splits it): ``test_several_records_print_in_one_pdf``.

The table lists every report action: a report added to an addon without a row
here fails ``test_every_report_action_is_in_the_table``.
"""

import subprocess
import unicodedata
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.addons.rma_factory_account.tests.common import RmaAccountCommon
from odoo.addons.rma_factory_quality.tests.common import QualityCommon

ADDONS = ("rma_factory", "rma_factory_quality", "rma_factory_account")

# report action -> (record to print, texts its PDF must show). ``{rma}``,
# ``{8d}`` and ``{inspection}`` are the numbers of the printed documents; the
# Chinese texts are the zh_CN headings, so that a missing CJK font or a
# report printed in the wrong language fails too.
REPORTS = {
    "rma_factory.action_report_rma_authorisation": ("rma", ["退货授权书", "{rma}", "M-100", "L1"]),
    "rma_factory.action_report_rma_tracking_sheet": (
        "rma",
        ["客户退换货处理跟踪单", "{rma}", "M-100 mould insert", "C-20 connector", "L1"],
    ),
    "rma_factory.action_report_rma_handling_sheet": (
        "rma",
        [
            "客诉产品处理单",
            "白联 — 生管部留存",
            "红联 — 随货同行",
            "红联：随货交生产返修或入呆滞品仓",
            "{rma}",
            "M-100 mould insert",
        ],
    ),
    "rma_factory.action_report_rma_judgement_label": (
        "rma",
        ["判定标签", "{rma}", "M-100 mould insert", "C-20 connector", "L1"],
    ),
    "rma_factory.action_report_rma_received_confirmation": (
        "rma",
        ["收货数量确认书", "{rma}", "M-100 mould insert", "L1"],
    ),
    "rma_factory.action_report_rma_customer_reply": (
        "rma",
        ["顾客退换货答复报告", "{rma}", "M-100 mould insert", "Wrong steel grade"],
    ),
    "rma_factory_quality.action_report_rma_8d": (
        "eightd",
        ["客户抱怨回复书", "{8d}", "{rma}", "M-100 mould insert"],
    ),
    "rma_factory_quality.action_report_rma_inspection": (
        "inspection",
        ["客户退货品检验报告", "{inspection}", "{rma}", "M-100 mould insert"],
    ),
    "rma_factory.action_report_factory_rma_periodic": (
        "periodic",
        ["月度统计", "退货、换货与备件", "各团队逾期步骤"],
    ),
    "rma_factory_account.action_report_factory_rma_matching": (
        "matching",
        ["RMA 每日配对核销", "{rma}", "[M-100]", "C-20 connector"],
    ),
}


def pdf_text(pdf):
    """Text of ``pdf`` as ``pdftotext`` reads it, NFKC-normalised (CJK fonts
    map some ideographs to their Kangxi-radical look-alikes, e.g. 日 → ⽇)."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return unicodedata.normalize("NFKC", text)


@tagged("post_install", "-at_install")
class TestReportPdfs(QualityCommon, RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(list(ADDONS), ["zh_CN"])
        (cls.dealer_b | cls.customer_c).lang = "zh_CN"

    def _documents(self):
        """A received RMA of Dealer B (two lines, invoiced) whose mould
        inspection found a major defect: the RMA, its inspection, its 8D and
        its matching rows."""
        order = self._deliver(
            self.dealer_b, [(self.mould, 4, self.lot1), (self.connector, 5, None)]
        )
        self._invoice(order)
        rma = self._create_rma(order)
        rma.line_ids.write({"requested_outcome": "refund"})
        rma.write(
            {
                "customer_cause": "Wrong steel grade in lot L1",
                "customer_corrective_action": "Incoming material is tested lot by lot",
            }
        )
        self._approve(rma)
        self._receive(rma)
        inspection = rma.inspection_ids.filtered(lambda i: i.product_id == self.mould)
        self._inspect(
            inspection,
            [(self.d_engraving, 3)],
            qty_inspected=4,
            qty_good=0,
            qty_defective=4,
            verdict="confirmed",
            responsibility="production",
            cause_analysis="Engraving tool worn",
        )
        inspection.with_user(self.user_qi).action_done()
        self.assertTrue(inspection.eightd_id, "a major defect opens an 8D report")
        self.env.flush_all()
        matching = self.env["factory.rma.matching"].search([("rma_id", "=", rma.id)])
        self.assertTrue(matching)
        today = fields.Date.today()
        periodic = (
            self.env["factory.rma.periodic.report"]
            .with_context(lang="zh_CN")
            ._create_report(self.env.company, "monthly", today.replace(day=1), today)
        )
        return {
            "rma": rma,
            "inspection": inspection,
            "eightd": inspection.eightd_id,
            "matching": matching,
            "periodic": periodic,
        }

    def _print(self, xmlid, records):
        """PDF bytes of ``xmlid`` on ``records`` as *Print* makes them, for
        a Chinese user; fails on anything that is not a readable PDF."""
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(lang="zh_CN", force_report_rendering=True)
            ._render_qweb_pdf(xmlid, records.ids)
        )
        self.assertEqual(report_type, "pdf", xmlid)
        self.assertTrue(pdf, f"{xmlid}: empty PDF")
        self.assertTrue(pdf.startswith(b"%PDF-"), f"{xmlid}: not a PDF: {pdf[:40]!r}")
        return pdf_text(pdf)

    def test_every_report_action_is_in_the_table(self):
        actions = self.env["ir.model.data"].search(
            [("model", "=", "ir.actions.report"), ("module", "in", ADDONS)]
        )
        self.assertEqual(sorted(actions.mapped("complete_name")), sorted(REPORTS))

    def test_every_report_prints_its_record(self):
        documents = self._documents()
        names = {
            "rma": documents["rma"].name,
            "8d": documents["eightd"].name,
            "inspection": documents["inspection"].name,
        }
        for xmlid, (document, expected) in REPORTS.items():
            with self.subTest(report=xmlid):
                text = " ".join(self._print(xmlid, documents[document]).split())
                for needle in expected:
                    needle = unicodedata.normalize("NFKC", needle.format_map(names))
                    self.assertIn(needle, text, xmlid)

    def test_delivery_slip_marks_repaired_goods(self):
        """STK-08: Odoo's delivery slip, as the addons extend it, prints the
        repaired goods of the delivery in the customer's language."""
        order = self._deliver(self.dealer_b, [(self.mould, 4, self.lot1)])
        # the mark itself comes from an RMA repair (test_rma_outgoing)
        self.lot1.rma_repaired = True
        text = " ".join(self._print("stock.action_report_delivery", order.picking_ids).split())
        for needle in ("返修品：客户退货后经维修的货品。", "M-100 mould insert", "(L1)"):
            self.assertIn(unicodedata.normalize("NFKC", needle), text)

    def test_handling_sheet_prints_each_copy_on_its_own_page(self):
        rma = self._documents()["rma"]
        pages = self._print("rma_factory.action_report_rma_handling_sheet", rma).split("\f")
        white = [i for i, page in enumerate(pages) if "白联 — 生管部留存" in page]
        red = [i for i, page in enumerate(pages) if "红联 — 随货同行" in page]
        self.assertEqual(len(white), 1)
        self.assertEqual(len(red), 1)
        self.assertGreater(red[0], white[0], "the red copy starts on a new page")
        self.assertIn(rma.name, pages[red[0]])

    def test_several_records_print_in_one_pdf(self):
        documents = self._documents()
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rmas = documents["rma"] | self._create_rma(order)
        for xmlid, (document, _expected) in REPORTS.items():
            if document != "rma":
                continue
            with self.subTest(report=xmlid):
                text = " ".join(self._print(xmlid, rmas).split())
                for rma in rmas:
                    self.assertIn(rma.name, text, xmlid)
                if xmlid == "rma_factory.action_report_rma_handling_sheet":
                    self.assertEqual(text.count("白联 — 生管部留存"), 2)
                    self.assertEqual(text.count("红联 — 随货同行"), 2)
        inspections = documents["rma"].inspection_ids
        self.assertEqual(len(inspections), 2)
        text = self._print("rma_factory_quality.action_report_rma_inspection", inspections)
        for inspection in inspections:
            self.assertIn(inspection.name, text)

    def test_an_empty_pdf_is_an_error_not_a_download(self):
        rma = self._documents()["rma"]
        with (
            patch.object(IrActionsReport, "_run_wkhtmltopdf", return_value=b""),
            self.assertRaisesRegex(UserError, "wkhtmltopdf 返回了空文件"),
        ):
            self._print("rma_factory.action_report_rma_authorisation", rma)

    def test_customer_documents_carry_the_letterhead_in_zh_cn_and_en(self):
        """Issue #13: Debian's wkhtmltopdf prints no header: the documents the
        customer receives print the company's name and address in their body,
        in the customer's language."""
        self.env.company.write({"street": "88 Mould Road", "city": "Ningbo"})
        documents = self._documents()
        rma = documents["rma"]
        customer_documents = {
            "rma_factory.action_report_rma_authorisation": (
                rma,
                "退货授权书",
                "Return Authorisation",
            ),
            "rma_factory.action_report_rma_received_confirmation": (
                rma,
                "收货数量确认书",
                "Confirmation of Received Quantities",
            ),
            "rma_factory.action_report_rma_customer_reply": (
                rma,
                "顾客退换货答复报告",
                "Customer Reply Report",
            ),
            "rma_factory_quality.action_report_rma_8d": (
                documents["eightd"],
                "客户抱怨回复书",
                "8D Report",
            ),
        }
        for lang in ("zh_CN", "en_US"):
            rma.partner_id.lang = lang
            for xmlid, (record, heading_cn, heading_en) in customer_documents.items():
                with self.subTest(report=xmlid, lang=lang):
                    pdf, _type = (
                        self.env["ir.actions.report"]
                        .with_context(lang=lang, force_report_rendering=True)
                        ._render_qweb_pdf(xmlid, record.ids)
                    )
                    self.assertTrue(pdf.startswith(b"%PDF-"), xmlid)
                    text = " ".join(pdf_text(pdf).split())
                    for needle in (
                        self.env.company.name,
                        "88 Mould Road",
                        rma.name,
                        heading_cn if lang == "zh_CN" else heading_en,
                    ):
                        self.assertIn(needle, text, f"{xmlid} {lang}")
                    html = self.env["ir.actions.report"]._render_qweb_html(xmlid, record.ids)[0]
                    self.assertIn(b"o_rma_letterhead", html)
