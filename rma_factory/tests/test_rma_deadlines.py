from datetime import datetime

import pytz
from freezegun import freeze_time

from odoo.tests import tagged

from .common import RmaCommon


class RmaCalendarCommon(RmaCommon):
    """Fixture with the factory's working calendar; no tests of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Mon–Fri 08:00–12:00 / 13:00–17:00, Asia/Shanghai (SEED §5.0).
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Factory 40h",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        },
                    )
                    for day in range(5)
                    for period, start, end in (("morning", 8, 12), ("afternoon", 13, 17))
                ],
            }
        )
        cls.company.resource_calendar_id = cls.calendar
        cls.order = cls._deliver(cls.customer_c, [(cls.connector, 50, None)])

    @staticmethod
    def _local(dt):
        return pytz.utc.localize(dt).astimezone(pytz.timezone("Asia/Shanghai"))

    def _new_rma(self, **vals):
        rma = self._create_rma(self.order, **vals)
        rma.line_ids.quantity = 1
        return rma


@tagged("post_install", "-at_install")
class TestRmaDeadlines(RmaCalendarCommon):
    def test_review_deadline_is_24_clock_hours(self):
        rma = self._new_rma()
        with freeze_time("2026-03-06 08:00:00"):  # Fri 16:00 Shanghai
            rma.action_submit()
        self.assertEqual(rma.review_deadline, datetime(2026, 3, 7, 8, 0))  # Sat 16:00 local

    def test_return_deadline_seven_working_days(self):
        rma = self._new_rma()
        with freeze_time("2026-03-02 01:00:00"):  # Mon 09:00 Shanghai
            rma.action_submit()
            rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(self._local(rma.return_deadline).date().isoformat(), "2026-03-11")

    def test_working_days_skip_public_holiday(self):
        rma = self._new_rma()
        start = datetime(2026, 3, 13, 2, 0)  # Fri 10:00 Shanghai
        self.assertEqual(
            self._local(rma._add_working_days(start, 3)).date().isoformat(), "2026-03-18"
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 15, 16, 0),  # Mon 16th 00:00 local
                "date_to": datetime(2026, 3, 16, 15, 59),
            }
        )
        self.assertEqual(
            self._local(rma._add_working_days(start, 3)).date().isoformat(), "2026-03-19"
        )

    def test_promise_deadline_by_customer_class(self):
        for partner, expected in (
            (self.customer_c, "2026-03-07"),
            (self.dealer_a, "2026-03-04"),
            (self.dealer_b, "2026-03-06"),
        ):
            order = self._deliver(partner, [(self.connector, 1, None)])
            rma = self._create_rma(order, replenish_first=True)
            with freeze_time("2026-03-04 02:00:00"):  # Wed 10:00 Shanghai
                rma.action_submit()
            self.assertEqual(self._local(rma.promise_deadline).date().isoformat(), expected)

    def test_escalation_goes_to_the_policy_manager(self):
        self.policy.escalation_user_id = self.user_gm
        rma = self._new_rma()
        with freeze_time("2026-03-02 01:00:00"):
            rma.action_submit()
        with freeze_time("2026-03-03 02:00:00"):
            self.env["factory.rma"]._cron_escalate_overdue()
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "factory.rma"),
                ("res_id", "=", rma.id),
                ("rma_escalation_step", "!=", False),
            ]
        )
        self.assertEqual(activity.user_id, self.user_gm)

    def test_escalation_cron_is_idempotent(self):
        rma = self._new_rma()
        with freeze_time("2026-03-02 01:00:00"):
            rma.action_submit()
        Activity = self.env["mail.activity"]
        domain = [
            ("res_model", "=", "factory.rma"),
            ("res_id", "=", rma.id),
            ("rma_escalation_step", "=", "review"),
        ]
        with freeze_time("2026-03-02 20:00:00"):
            self.env["factory.rma"]._cron_escalate_overdue()
            self.assertFalse(Activity.search(domain))
            self.assertFalse(
                self.env["factory.rma"].search([("id", "=", rma.id), ("is_overdue", "=", True)])
            )
        with freeze_time("2026-03-03 02:00:00"):
            self.assertTrue(
                self.env["factory.rma"].search([("id", "=", rma.id), ("is_overdue", "=", True)])
            )
            self.env["factory.rma"]._cron_escalate_overdue()
            self.env["factory.rma"]._cron_escalate_overdue()
            activities = Activity.search(domain)
            self.assertEqual(len(activities), 1)
            self.assertTrue(activities.user_id.has_group("rma_factory.group_rma_manager"))
            rma.with_user(self.user_mgr).action_approve()
            self.assertFalse(Activity.search(domain), "completing the step closes the activity")
