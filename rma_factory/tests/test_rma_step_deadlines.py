from datetime import datetime
from unittest.mock import patch

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
        # analysis and solution start when the goods are back
        self.assertFalse(rma.analysis_deadline)
        self.assertFalse(rma.solution_deadline)
        with freeze_time("2026-03-12 03:00:00"):
            rma.with_user(self.user_mgr).action_approve()
        self.assertFalse(rma.analysis_deadline, "approved, goods not back: no analysis clock")
        with freeze_time("2026-03-13 01:00:00"):  # Fri 09:00
            self._receive(rma)
        # 3 WD after the receipt on Fri 13th: Tue 17, Wed 18, Thu 19 (end of day)
        self.assertEqual(rma.analysis_deadline, datetime(2026, 3, 19, 9, 0))  # 17:00 local
        # 7 WD: 17, 18, 19, 20, 23, 24, 25
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-25")
        # urgent (leadership's approval): 2 WD → Wed 18th
        rma.urgent = True
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-18")
        # international: 3 WD urgent → Thu 19th; not urgent 30 WD
        rma.is_international = True
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-19")
        rma.urgent = False
        self.assertEqual(self._day(rma.solution_deadline), "2026-04-27")
        rma.is_international = False
        # quality judgement: 2 calendar days after receipt
        self.assertEqual(rma.judgement_deadline, datetime(2026, 3, 15, 1, 0))

        Rma = self.env["factory.rma"]
        with freeze_time("2026-03-15 02:00:00"):  # Sunday: judgement late only
            Rma._cron_escalate_overdue()
            Rma._cron_escalate_overdue()
        self.assertEqual(sorted(self._steps(rma)), ["judgement"])
        with freeze_time("2026-03-19 08:00:00"):  # Thu 19th 16:00: analysis due at 17:00
            Rma._cron_escalate_overdue()
        self.assertEqual(sorted(self._steps(rma)), ["judgement", "onsite"])
        with freeze_time("2026-03-19 09:30:00"):  # Thu 19th 17:30
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
        rma.line_ids.write({"decided_outcome": "send_back", "responsibility": "customer"})
        with freeze_time("2026-03-13 03:00:00"):
            rma.with_user(self.user_cs).action_judge()
        # not our cause: 1 WD after Fri 13th, skipping the weekend and Mon 16th
        self.assertEqual(self._day(rma.reply_deadline), "2026-03-17")
        rma.line_ids.sudo().write({"responsibility": "production"})
        self.assertEqual(self._day(rma.reply_deadline), "2026-03-18")
        with freeze_time("2026-03-19 02:00:00"):
            self.env["factory.rma"]._cron_escalate_overdue()
            self.env["factory.rma"]._cron_escalate_overdue()
        self.assertEqual(self._steps(rma).count("reply"), 1)

    def test_working_day_deadline_ends_with_the_last_attendance(self):
        """Issue #9 item 5: on a calendar with a lunch break, "7 working days
        after approval" ends at 17:00 of the 7th day, not at 12:00; the
        escalation does not fire in the afternoon of the last allowed day."""
        rma = self._new_rma()
        with freeze_time("2026-03-02 01:00:00"):  # Mon 09:00 Shanghai
            rma.action_submit()
            rma.with_user(self.user_mgr).action_approve()
        # 7 WD after Mon 2nd: 3, 4, 5, 6, 9, 10, 11 → Wed 11th 17:00 local
        self.assertEqual(rma.return_deadline, datetime(2026, 3, 11, 9, 0))
        Rma = self.env["factory.rma"]
        with freeze_time("2026-03-11 06:00:00"):  # Wed 14:00, last allowed afternoon
            Rma._cron_escalate_overdue()
            self.assertNotIn("return", self._steps(rma))
            self.assertFalse(Rma.search([("id", "=", rma.id), ("is_overdue", "=", True)]))
        with freeze_time("2026-03-11 09:05:00"):  # Wed 17:05
            Rma._cron_escalate_overdue()
        self.assertEqual(self._steps(rma), ["return"])
        # the holiday before the last day moves the end to the next working
        # day's last attendance: Fri 13th + 3 WD = Thu 19th 17:00
        start = datetime(2026, 3, 13, 2, 0)
        self.assertEqual(rma._add_working_days(start, 3), datetime(2026, 3, 19, 9, 0))

    def test_working_day_deadline_on_a_calendar_without_break(self):
        """Same rule on a one-block calendar (07:30–16:00, Sat morning)."""
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Workshop with Saturday morning",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"day {day}",
                            "dayofweek": str(day),
                            "hour_from": 7.5,
                            "hour_to": 16.0,
                            "day_period": "morning",
                        },
                    )
                    for day in range(5)
                ]
                + [
                    (
                        0,
                        0,
                        {
                            "name": "Saturday",
                            "dayofweek": "5",
                            "hour_from": 8.0,
                            "hour_to": 11.5,
                            "day_period": "morning",
                        },
                    )
                ],
            }
        )
        self.company.resource_calendar_id = calendar
        rma = self._new_rma()
        start = datetime(2026, 3, 5, 2, 0)  # Thu 5th 10:00 local
        # 1 WD: Fri 6th, ends 16:00 local (08:00 UTC)
        self.assertEqual(rma._add_working_days(start, 1), datetime(2026, 3, 6, 8, 0))
        # 2 WD: Sat 7th, ends 11:30 local
        self.assertEqual(rma._add_working_days(start, 2), datetime(2026, 3, 7, 3, 30))

    def test_waiting_return_has_only_the_return_step_overdue(self):
        """Issue #9 item 7: an approved return whose goods are not back has
        one overdue step, the return; analysis and solution start at the
        receipt (TIME-26, DESIGN: a step's clock starts when it can)."""
        rma = self._new_rma()
        with freeze_time("2026-03-02 01:00:00"):
            rma.action_submit()
            rma.with_user(self.user_mgr).action_approve()
        Rma = self.env["factory.rma"]
        with freeze_time("2026-03-27 02:00:00"):  # weeks later, nothing back
            Rma._cron_escalate_overdue()
            self.assertEqual(self._steps(rma), ["return"])
            self.assertEqual(rma._overdue_steps(datetime(2026, 3, 27, 2, 0)), ["return"])
        with freeze_time("2026-03-30 01:00:00"):  # Mon 30th: goods back
            self._receive(rma)
        self.assertEqual(self._steps(rma), [], "receipt closes the return escalation")
        # analysis 3 WD after Mon 30th → Thu 2nd April, 17:00 local
        self.assertEqual(rma.analysis_deadline, datetime(2026, 4, 2, 9, 0))

    def test_no_goods_types_start_analysis_at_approval(self):
        rma = self._new_rma(rma_type="complaint")
        with freeze_time("2026-03-02 01:00:00"):  # Mon
            rma.action_submit()
            self.assertFalse(rma.analysis_deadline)
            rma.with_user(self.user_mgr).action_approve()
        # complaint: straight to the judgement, clock from the approval
        self.assertEqual(rma.analysis_deadline, datetime(2026, 3, 5, 9, 0))  # Thu 17:00
        self.assertEqual(self._day(rma.solution_deadline), "2026-03-11")

    def test_a_step_added_to_the_registry_is_escalated_and_reported(self):
        """A step declared once in the registry (here by the test, as an
        addon would by extending ``_rma_steps``) is in the Overdue filter,
        the escalation cron and the Late Steps report."""
        Rma = self.env["factory.rma"]
        original = type(Rma)._rma_steps

        def rma_steps(model):
            return original(model) + [
                {
                    "code": "countersign",
                    "label": "Countersignature",
                    "escalation": "Countersignature overdue",
                    "deadline": "date_submitted",
                    "pending": [("state", "=", "submitted"), ("urgent", "=", False)],
                    "done": "date_approved",
                }
            ]

        rma = self._new_rma()
        with freeze_time("2026-03-02 01:00:00"):
            rma.action_submit()
        with (
            patch.object(type(Rma), "_rma_steps", rma_steps),
            freeze_time("2026-03-02 02:00:00"),
        ):
            now = datetime(2026, 3, 2, 2, 0)
            self.assertEqual(rma._overdue_steps(now), ["countersign"])
            self.assertIn(rma, Rma.search([("is_overdue", "=", True)]))
            Rma._cron_escalate_overdue()
            Rma._cron_escalate_overdue()
            self.assertEqual([step for step in self._steps(rma) if step], ["countersign"])
            activity = self.env["mail.activity"].search(
                [("res_id", "=", rma.id), ("rma_escalation_step", "=", "countersign")]
            )
            self.assertEqual(activity.summary, f"{rma.name}: Countersignature overdue")
            row = self.env["factory.rma.deadline.report"].search(
                [("rma_id", "=", rma.id), ("step", "=", "countersign")]
            )
            self.assertEqual(len(row), 1)
            self.assertTrue(row.is_open)
            self.assertEqual(row.deadline, rma.date_submitted)
            # the step is done: the next run closes its escalation
            rma.with_user(self.user_mgr).action_approve()
            Rma._cron_escalate_overdue()
            self.assertNotIn("countersign", self._steps(rma))
            self.assertFalse(
                self.env["factory.rma.deadline.report"]
                .search([("rma_id", "=", rma.id), ("step", "=", "countersign")])
                .is_open
            )
