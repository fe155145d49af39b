from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.rma_factory.tests.test_rma_deadlines import RmaCalendarCommon

from .common import SupplierCommon


@tagged("post_install", "-at_install")
class TestSupplier8d(SupplierCommon, RmaCalendarCommon):
    """Supplier 8D (SUP-02, AS-24): requested from the vendor with the
    inspection's evidence, answered within 2 working days on the company
    calendar, escalated once; the vendor's cause is quoted to the customer
    only without supplier names."""

    def setUp(self):
        super().setUp()
        self.po, self.bill, self.lot = self._purchase(10, "LP1")
        order = self._deliver_from_stock(self.dealer_b, self.power, 2, self.lot)
        self.rma = self._supplier_judged_rma(order)
        self.sreturn = self._open_return(self.rma.line_ids)
        self.sreturn.with_user(self.user_qi).action_confirm()

    def _escalations(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "factory.rma"),
                ("res_id", "=", self.rma.id),
                ("rma_escalation_step", "=", "supplier_8d"),
            ]
        )

    def test_request_deadline_escalation_and_reply(self):
        with self.assertRaises(AccessError):
            self.sreturn.with_user(self.user_cs).action_create_supplier_8d()
        self.assertFalse(self.sreturn.eightd_id)
        self.sreturn.with_user(self.user_qi).action_create_supplier_8d()
        report = self.sreturn.eightd_id
        self.assertEqual(
            (report.kind, report.supplier_id, report.state), ("supplier", self.supplier, "draft")
        )
        self.assertEqual(report.rma_id, self.rma)
        self.assertEqual(report.inspection_id, self.rma.inspection_ids)
        self.assertIn(self.power.display_name, report.problem_what)
        self.assertFalse(self.rma.eightd_ids, "the customer 8D reports are another list")
        self.assertEqual(self.rma.supplier_8d_ids, report)
        # the inspection's photo goes with the request
        photo = self.env["ir.attachment"].create(
            {
                "name": "crack.jpg",
                "raw": b"jpeg",
                "res_model": "factory.rma.inspection",
                "res_id": self.rma.inspection_ids.id,
            }
        )
        with self.assertRaises(AccessError):
            report.with_user(self.user_cs).action_send_supplier_request()
        # Tue 2026-03-03 10:00 Shanghai
        with freeze_time("2026-03-03 02:00:00"):
            action = report.with_user(self.user_qi).action_send_supplier_request()
            self._send_with_composer(report, action, self.user_qi)
        self.assertEqual(report.state, "in_progress")
        message = report.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(self.supplier, message.partner_ids)
        self.assertIn(photo.name, message.attachment_ids.mapped("name"))
        # due Thu 2026-03-05 at the end of the working day (17:00 local)
        self.assertEqual(report.supplier_deadline, datetime(2026, 3, 5, 9, 0))
        self.assertEqual(self.rma.supplier_8d_deadline, datetime(2026, 3, 5, 9, 0))
        # a supplier 8D never goes to the customer
        with self.assertRaises(UserError):
            report.with_user(self.user_qm).action_send()
        Rma = self.env["factory.rma"]
        with freeze_time("2026-03-05 08:00:00"):
            Rma._cron_escalate_overdue()
            self.assertFalse(self._escalations(), "not late before 17:00 on Thursday")
        with freeze_time("2026-03-05 10:00:00"):
            Rma._cron_escalate_overdue()
            Rma._cron_escalate_overdue()
            escalation = self._escalations()
            self.assertEqual(len(escalation), 1, "twice the cron, one activity")
            self.assertTrue(
                escalation.user_id.has_group("rma_factory_quality.group_quality_manager")
            )
            self.assertTrue(self.rma.is_overdue)
        # the reply needs the vendor's cause and actions
        with self.assertRaises(UserError):
            report.with_user(self.user_qi).action_supplier_replied()
        self.env.invalidate_all()
        self.assertFalse(report.date_supplier_replied)
        report.with_user(self.user_qi).write(
            {
                "supplier_root_cause": "PowerCo used capacitors of batch C12, undersized.",
                "supplier_corrective_action": "PowerCo checks every capacitor batch.",
            }
        )
        with freeze_time("2026-03-06 02:00:00"):
            report.with_user(self.user_qi).action_supplier_replied()
        self.assertEqual(report.date_supplier_replied, datetime(2026, 3, 6, 2, 0))
        self.assertFalse(self.rma.supplier_8d_deadline)
        self.assertFalse(self._escalations().exists(), "the step is done: escalation closed")
        with self.assertRaises(UserError):
            report.with_user(self.user_qi).action_supplier_replied()
        # nobody creates a supplier 8D by hand
        with self.assertRaises(UserError):
            self.env["factory.rma.8d"].with_user(self.user_qi).create(
                {"rma_id": self.rma.id, "kind": "supplier"}
            )

    def test_customer_reply_quotes_the_vendor_without_names(self):
        self.sreturn.with_user(self.user_qi).action_create_supplier_8d()
        report = self.sreturn.eightd_id
        with self.assertRaises(UserError):
            self.rma.with_user(self.user_cs).action_quote_supplier_8d()
        report.sudo().write(
            {
                "state": "in_progress",
                "date_supplier_requested": datetime(2026, 3, 3, 2, 0),
                "supplier_root_cause": "PowerCo used capacitors of batch C12, undersized.",
                "supplier_corrective_action": "POWERCO checks every capacitor batch.",
            }
        )
        report.with_user(self.user_qi).action_supplier_replied()
        with self.assertRaises(AccessError):
            self.rma.with_user(self.user_qi).action_quote_supplier_8d()
        self.rma.with_user(self.user_cs).action_quote_supplier_8d()
        self.assertNotIn("powerco", self.rma.customer_cause.lower())
        self.assertIn("[supplier] used capacitors of batch C12", self.rma.customer_cause)
        self.assertIn(
            "[supplier] checks every capacitor batch", self.rma.customer_corrective_action
        )
        self.assertIn(self.supplier, self.rma._confidential_partners())

    def test_no_quote_into_a_reply_the_customer_holds(self):
        """Once the reply went out, its text is what the customer received:
        quoting the vendor is refused on the server (not only hidden) until
        the customer did not accept it."""
        self.sreturn.with_user(self.user_qi).action_create_supplier_8d()
        report = self.sreturn.eightd_id
        report.sudo().write(
            {
                "state": "in_progress",
                "date_supplier_requested": datetime(2026, 3, 3, 2, 0),
                "supplier_root_cause": "PowerCo used capacitors of batch C12, undersized.",
                "supplier_corrective_action": "POWERCO checks every capacitor batch.",
            }
        )
        report.with_user(self.user_qi).action_supplier_replied()
        self.rma.sudo().write({"customer_cause": "Undersized capacitors."})
        self.rma.sudo()._mark_reply_sent()
        with self.assertRaises(UserError) as caught:
            self.rma.with_user(self.user_cs).action_quote_supplier_8d()
        self.assertIn("customer reply was sent", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(self.rma.customer_cause, "Undersized capacitors.")
        self.rma.with_user(self.user_cs).action_reply_rejected()
        self.rma.with_user(self.user_cs).action_quote_supplier_8d()
        self.assertIn("[supplier] used capacitors", self.rma.customer_cause)
