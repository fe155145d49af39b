import re

from odoo.tests import tagged

from .common import RmaCommon

TRACKING = "rma_factory.action_report_rma_tracking_sheet"
HANDLING = "rma_factory.action_report_rma_handling_sheet"
LABELS = "rma_factory.action_report_rma_judgement_label"
RECEIVED = "rma_factory.action_report_rma_received_confirmation"


@tagged("post_install", "-at_install")
class TestRmaForms(RmaCommon):
    """Paper forms (issue #5, SEED_REQUIREMENTS §3.13, INSP-07): tracking
    sheet, complaint handling sheet in copies, judgement labels and the
    confirmation of the received quantities."""

    def _render(self, report, rma):
        html, report_type = self.env["ir.actions.report"]._render_qweb_html(report, rma.ids)
        self.assertEqual(report_type, "html")
        return html.decode()

    def _rma_partially_received(self):
        """Mould lot L1 and connectors; 3 of the 4 moulds come back."""
        order = self._deliver(
            self.customer_c, [(self.mould, 10, self.lot1), (self.connector, 5, None)]
        )
        rma = self._create_rma(order)
        mould_line = rma.line_ids.filtered(lambda line: line.product_id == self.mould)
        connector_line = rma.line_ids - mould_line
        mould_line.quantity = 4
        connector_line.quantity = 2
        self._approve(rma)
        receipt = self._receipt(rma)
        mould_move = receipt.move_ids.filtered(lambda m: m.product_id == self.mould)
        self._validate(receipt, quantities={mould_move: 3})
        self.assertEqual(mould_line.qty_received, 3)
        self.assertEqual(connector_line.qty_received, 2)
        self._decide(rma, "refund")
        return rma, mould_line, connector_line

    def test_tracking_sheet(self):
        rma, _mould_line, _connector_line = self._rma_partially_received()
        html = self._render(TRACKING, rma)
        self.assertIn("o_rma_tracking_sheet", html)
        self.assertIn(rma.name, html)
        self.assertIn(self.customer_c.name, html)
        self.assertIn(self.mould.name, html)
        self.assertIn(self.connector.name, html)
        self.assertIn(self.lot1.name, html)
        self.assertIn(self.user_mgr.name, html, "approval trail")
        # Requested 4, received 3, difference 1 for the mould.
        self.assertRegex(html, r">\s*3\.00\s*<")
        self.assertRegex(html, r">\s*4\.00\s*<")
        self.assertRegex(html, r">\s*1\.00\s*<")
        # No cost price on a sheet the customer may see.
        self.assertNotIn("60.00", html)
        self.assertEqual(html.count('class="page o_rma_form'), 1)

    def test_handling_sheet_copies(self):
        rma, _mould_line, _connector_line = self._rma_partially_received()
        mould_line = rma.line_ids.filtered(lambda line: line.product_id == self.mould)
        mould_line.write({"responsible_unit": "Moulding shop 2", "responsibility": "production"})
        html = self._render(HANDLING, rma)
        self.assertEqual(html.count('class="page o_rma_form o_rma_handling_sheet"'), 2)
        self.assertEqual(re.findall(r'data-copy="(\w+)"', html), ["white", "red"])
        self.assertEqual(html.count(rma.name), 2)
        self.assertIn(self.mould.name, html)
        self.assertIn(self.lot1.name, html)
        self.assertIn("Moulding shop 2", html)
        self.assertNotIn("60.00", html)

        # Two RMAs: two copies each.
        order = self._deliver(self.dealer_a, [(self.connector, 2, None)])
        other = self._create_rma(order)
        html = self._render(HANDLING, rma | other)
        self.assertEqual(re.findall(r'data-copy="(\w+)"', html), ["white", "red", "white", "red"])
        self.assertIn(other.name, html)

    def test_judgement_labels(self):
        rma, _mould_line, _connector_line = self._rma_partially_received()
        html = self._render(LABELS, rma)
        label_ids = re.findall(r'data-line-id="(\d+)"', html)
        self.assertEqual(sorted(map(int, label_ids)), sorted(rma.line_ids.ids))
        self.assertEqual(html.count(rma.name), 2, "RMA number on each label")
        self.assertIn(self.lot1.name, html)
        self.assertIn(self.mould.name, html)
        self.assertIn(self.connector.name, html)
        self.assertIn(self.customer_c.name, html)

        # Nine lines: eight labels on the first sheet, one on the second.
        order = self._deliver(self.dealer_b, [(self.connector, 20, None)])
        other = self._create_rma(order)
        other.line_ids.quantity = 2
        line = other.line_ids
        for _i in range(8):
            line.copy({"rma_id": other.id, "quantity": 1})
        self.assertEqual(len(other.line_ids), 9)
        html = self._render(LABELS, other)
        self.assertEqual(len(re.findall(r'data-line-id="\d+"', html)), 9)
        self.assertEqual(html.count('class="page o_rma_label_sheet"'), 2)

    def test_received_confirmation(self):
        rma, _mould_line, _connector_line = self._rma_partially_received()
        html = self._render(RECEIVED, rma)
        self.assertIn(rma.name, html)
        self.assertIn(self._receipt(rma).filtered(lambda p: p.state == "done").name, html)
        self.assertIn(self.lot1.name, html)
        received = re.findall(r'class="o_rma_qty_received"[^>]*>([^<]*)<', html)
        self.assertEqual([q.strip() for q in received], ["3.00", "2.00"])
        self.assertEqual(html.count('class="o_rma_received_line"'), 2)

    def test_pdf(self):
        rma, _mould_line, _connector_line = self._rma_partially_received()
        for report in (RECEIVED, LABELS):
            pdf, report_type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report, rma.ids)
            )
            self.assertEqual(report_type, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))
