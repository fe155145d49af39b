from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .test_rma_deadlines import RmaCalendarCommon


@tagged("post_install", "-at_install")
class TestRmaStepDeadlines(RmaCalendarCommon):
    """Every step deadline of SEED §3.3 on a Mon–Fri calendar with a public
    holiday (Mon 2026-03-16), and its escalation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 3, 15, 16, 0),  # Mon 16th 00:00 Shanghai
                "date_to": datetime(2026, 3, 16, 15, 59),
            }
        )

    def _day(self, dt):
        return self._local(dt).date().isoformat()

    def _steps(self, rma):
        return (
            self.env["mail.activity"]
            .search([("res_model", "=", "factory.rma"), ("res_id", "=", rma.id)])
            .mapped("rma_escalation_step")
        )

    def test_analysis_solution_onsite_and_judgement(self):
        rma = self._new_rma(needs_onsite=True)
        with freeze_time("2026-03-12 02:00:00"):  # Thu 10:00 Shanghai
            rma.action_submit()
        # 3 WD after Thu 12th: Fri 13, (weekend), (holiday Mon 16), Tue 17, Wed 18
        self.assertEqual(self._day(rma.onsite_deadline), "2026-03-18")
        self.assertEqual(self._day(rma.analysis_deadline), "2026-03-18")
        # 7 WD: 13, 17, 18, 19, 20, 23, 24
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-24")
        with freeze_time("2026-03-12 03:00:00"):
            rma.with_user(self.user_mgr).action_approve()
        # urgent after approval: 2 WD from the approval (Thu 12th) → Tue 17th
        rma.urgent = True
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-17")
        # international: 3 WD urgent → Wed 18th; not urgent 30 WD
        rma.is_international = True
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-18")
        rma.urgent = False
        self.assertEqual(self._day(rma.solution_deadline), "2026-04-24")
        rma.is_international = False
        with freeze_time("2026-03-13 01:00:00"):  # Fri 09:00
            self._receive(rma)
        # quality judgement: 2 calendar days after receipt
        self.assertEqual(rma.judgement_deadline, datetime(2026, 3, 15, 1, 0))

        Rma = self.env["factory.rma"]
        with freeze_time("2026-03-15 02:00:00"):  # Sunday: judgement late only
            Rma._cron_escalate_overdue()
            Rma._cron_escalate_overdue()
        self.assertEqual(sorted(self._steps(rma)), ["judgement"])
        with freeze_time("2026-03-19 02:00:00"):  # Thu 19th
            Rma._cron_escalate_overdue()
            Rma._cron_escalate_overdue()
        self.assertEqual(sorted(self._steps(rma)), ["analysis", "judgement", "onsite"])
        rma.with_user(self.user_cs).action_onsite_verified()
        self.assertEqual(sorted(self._steps(rma)), ["analysis", "judgement"])

        report = self.env["factory.rma.deadline.report"].search([("rma_id", "=", rma.id)])
        by_step = {row.step: row for row in report}
        self.assertTrue(by_step["onsite"].is_late)
        self.assertFalse(by_step["review"].is_late, "approved within 24 h")
        self.assertTrue(by_step["judgement"].is_open)
        self.assertFalse(by_step["return"].is_late, "received before the deadline")
        # the SQL view compares open steps with the database clock (today)
        late = self.env["factory.rma.deadline.report"].read_group(
            [("is_late", "=", True), ("rma_id", "=", rma.id)], ["user_id"], ["step"]
        )
        self.assertEqual(
            sorted(g["step"] for g in late), ["analysis", "judgement", "onsite", "solution"]
        )
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()
        self.assertEqual(self._steps(rma), [], "judged: the escalations are closed")

    def test_complaint_reply_deadline_by_responsibility(self):
        rma = self._new_rma(rma_type="complaint")
        with freeze_time("2026-03-13 02:00:00"):  # Fri
            rma.action_submit()
            rma.with_user(self.user_mgr).action_approve()
        rma.line_ids.write({"decided_outcome": "reject", "responsibility": "customer"})
        with freeze_time("2026-03-13 03:00:00"):
            rma.with_user(self.user_cs).action_judge()
        # not our cause: 1 WD after Fri 13th, skipping the weekend and Mon 16th
        self.assertEqual(self._day(rma.reply_deadline), "2026-03-17")
        rma.line_ids.sudo().with_context(rma_outcome_override=True).write(
            {"responsibility": "production"}
        )
        self.assertEqual(self._day(rma.reply_deadline), "2026-03-18")
        with freeze_time("2026-03-19 02:00:00"):
            self.env["factory.rma"]._cron_escalate_overdue()
            self.env["factory.rma"]._cron_escalate_overdue()
        self.assertEqual(self._steps(rma).count("reply"), 1)
