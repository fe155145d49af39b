from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestSeverityAnd8d(QualityCommon):
    def setUp(self):
        super().setUp()
        self.rma = self._received_rma([(self.mould, 10, self.lot1)], requested="refund")

    def _severity(self, defects):
        inspection = self.rma.inspection_ids
        inspection.defect_ids = [Command.clear()] + [
            Command.create({"defect_id": d.id, "count": n}) for d, n in defects
        ]
        return inspection.severity, inspection.severity_unclassified

    def test_severity_from_each_rule_of_the_table(self):
        """The complaint severity table, row by row: appearance minor; engraving,
        mixed material and cracking major from 3; dimension minor up to 2,
        major from 3 (SEV-01, AS-14)."""
        self.assertEqual(self._severity([(self.d_appearance, 10)]), ("minor", False))
        self.assertEqual(self._severity([(self.d_engraving, 3)]), ("major", False))
        self.assertEqual(self._severity([(self.d_mixed, 4)]), ("major", False))
        self.assertEqual(self._severity([(self.d_cracking, 3)]), ("major", False))
        self.assertEqual(self._severity([(self.d_dimension, 2)]), ("minor", False))
        self.assertEqual(self._severity([(self.d_dimension, 3)]), ("major", False))
        # not in the table: policy default, flagged
        self.assertEqual(self._severity([(self.d_cracking, 2)]), ("minor", True))
        self.policy.default_severity = "major"
        self.assertEqual(self._severity([(self.d_cracking, 2)]), ("major", True))
        self.policy.default_severity = "minor"
        # the worst row wins
        self.assertEqual(
            self._severity([(self.d_appearance, 1), (self.d_dimension, 5)]), ("major", False)
        )
        # the table is data: a manager edits it
        rule = self.env.ref("rma_factory_quality.severity_rule_appearance")
        rule.with_user(self.user_qm).write({"severity": "major"})
        self.assertEqual(self._severity([(self.d_appearance, 1)]), ("major", False))
        with self.assertRaises(AccessError):
            rule.with_user(self.user_qi).write({"severity": "minor"})
        self.assertEqual(self.rma.severity, "major")

    def test_raise_severity_with_reason_creates_8d(self):
        inspection = self.rma.inspection_ids
        self._severity([(self.d_cracking, 2)])
        self._inspect(
            inspection,
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            verdict="confirmed",
            responsibility="production",
        )
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_qi).action_open_severity_wizard()
        wizard = Form(
            self.env["factory.rma.severity.wizard"]
            .with_user(self.user_qm)
            .with_context(default_inspection_id=inspection.id)
        )
        wizard.reason = "Key account, line stop at the customer"
        with self.assertRaisesRegex(UserError, "reason"):
            inspection.with_user(self.user_qm)._raise_severity("major", "  ")
        wizard.save().action_confirm()
        self.assertEqual(inspection.severity, "major")
        self.assertEqual(inspection.severity_reason, "Key account, line stop at the customer")
        self.assertTrue(inspection.requires_8d)
        inspection.with_user(self.user_qi).action_done()
        report = inspection.eightd_id
        self.assertTrue(report)
        self.assertEqual(self.rma.eightd_ids, report)
        self.assertIn("Cracking", report.problem_what)
        self.assertIn("1.0 defective of 1.0 inspected", report.problem_how_many)
        self.assertEqual(report.discipline_ids.mapped("code"), [f"d{i}" for i in range(9)])
        manager_activity = inspection.activity_ids.filtered(
            lambda a: (
                a.user_id.has_group("rma_factory_quality.group_quality_manager")
                and a.summary == "Major complaint: review now"
            )
        )
        self.assertEqual(len(manager_activity), 1, "major complaint: reviewed at once (SEV-04)")

    def test_minor_with_customer_request_gets_8d_and_minor_alone_does_not(self):
        inspection = self._inspect(
            self.rma.inspection_ids,
            [(self.d_appearance, 1)],
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            verdict="confirmed",
            responsibility="production",
        )
        self.assertEqual(inspection.severity, "minor")
        self.assertFalse(inspection.requires_8d)
        self.rma.customer_requests_report = True
        self.assertTrue(inspection.requires_8d)
        inspection.action_done()
        self.assertEqual(len(self.rma.eightd_ids), 1)

    def test_8d_guards_approval_and_confidential_pdf(self):
        self.supplier.name = "SecretSteel Ltd"
        whitelisted = self.env["res.partner"].create(
            {"name": "LuxPower", "supplier_rank": 1, "rma_disclose_in_reports": True}
        )
        self.mould.seller_ids = [Command.create({"partner_id": whitelisted.id})]
        self._severity([(self.d_engraving, 3)])
        inspection = self._inspect(
            self.rma.inspection_ids,
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            verdict="confirmed",
            responsibility="supplier",
            responsible_partner_id=self.supplier.id,
            cause_analysis="Steel from SecretSteel Ltd was mixed",
        )
        inspection.action_done()
        report = inspection.eightd_id.with_user(self.user_qi)
        report.action_start()
        with self.assertRaisesRegex(UserError, "root causes"):
            report.action_submit_review()
        report.write(
            {
                "cause_ids": [
                    Command.create(
                        {
                            "category": "material",
                            "name": "Mixed steel grades from SecretSteel Ltd",
                        }
                    )
                ],
                "action_ids": [
                    Command.create({"kind": "containment", "name": "Sort stock at LuxPower"}),
                    Command.create({"kind": "corrective", "name": "Incoming spectrometer check"}),
                ],
            }
        )
        report.action_submit_review()
        with self.assertRaises(AccessError):
            report.action_approve()
        with self.assertRaisesRegex(UserError, "verify"):
            report.with_user(self.user_qm).action_approve()
        report.cause_ids.write({"verified": True, "verification": "Spectrometer"})
        report.with_user(self.user_qm).action_approve()
        self.assertEqual(report.state, "approved")
        with self.assertRaisesRegex(UserError, "corrective and preventive"):
            report.with_user(self.user_qm).action_close()

        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("rma_factory_quality.action_report_rma_8d", report.ids)[0]
            .decode()
        )
        self.assertNotIn("SecretSteel", html)
        self.assertIn("LuxPower", html, "whitelisted suppliers may be named")
        self.assertIn("Incoming spectrometer check", html)

        # the Quality Manager sends it (8D-06), from the chatter with the
        # template: the report is marked sent
        with self.assertRaises(AccessError):
            report.action_send()
        action = report.with_user(self.user_qm).action_send()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.user_qm)
            .with_context(**action["context"])
        ).save()
        composer.action_send_mail()
        self.assertEqual(report.state, "sent")
        message = report.message_ids[0]
        self.assertTrue(message.attachment_ids, "the PDF goes with the mail")
        # the customer does not accept: back to work, then accepted
        report.action_customer_rejected()
        self.assertEqual((report.state, report.customer_reply), ("in_progress", "rejected"))
        report.write(
            {
                "action_ids": [
                    Command.create(
                        {"kind": "preventive", "name": "Update the FMEA", "date_done": "2026-03-01"}
                    )
                ]
            }
        )
        report.action_ids.filtered(lambda a: a.kind == "corrective").date_done = "2026-03-01"
        report.action_submit_review()
        report.with_user(self.user_qm).action_approve()
        report.with_user(self.user_qm).action_close()
        self.assertEqual(report.state, "closed")

    def test_rights_per_group(self):
        inspection = self.rma.inspection_ids
        # an inspector reads the RMA but cannot approve, judge or decide
        self.assertEqual(self.rma.with_user(self.user_qi).name, self.rma.name)
        with self.assertRaises(AccessError):
            self.rma.with_user(self.user_qi).action_judge()
        order = self._deliver(self.dealer_a, [(self.connector, 1, None)])
        draft = self._create_rma(order)
        draft.with_user(self.user_cs).action_submit()
        with self.assertRaises(AccessError):
            draft.with_user(self.user_qi).action_approve()
        with self.assertRaises(AccessError):
            self.rma.line_ids.with_user(self.user_qi).write({"decided_outcome": "refund"})
        # a salesperson reads inspections but cannot fill them in
        self.assertEqual(inspection.with_user(self.user_cs).state, "draft")
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_cs).write({"qty_inspected": 1})
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_cs).action_start()
        # only quality managers cancel
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_qi).action_cancel()
        # another company sees nothing
        other = self.env["res.company"].create({"name": "Other Mould Co"})
        outsider = self.env["res.users"].create(
            {
                "name": "Other QI",
                "login": "other_qi",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "groups_id": [
                    Command.link(self.env.ref("rma_factory_quality.group_quality_manager").id)
                ],
            }
        )
        self.assertFalse(
            self.env["factory.rma.inspection"]
            .with_user(outsider)
            .search([("id", "=", inspection.id)])
        )
        with self.assertRaises(AccessError):
            inspection.with_user(outsider).read(["name"])
