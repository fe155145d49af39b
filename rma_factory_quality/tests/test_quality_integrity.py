from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import QualityCommon

#: context keys that used to authorise writes: they authorise nothing
OLD_KEYS = {
    "rma_inspection_closing": True,
    "mark_8d_as_sent": True,
    "rma_judged_by_inspection": True,
}


@tagged("post_install", "-at_install")
class TestQualityIntegrity(QualityCommon):
    """Issue #10, quality side: the workflow fields of inspections and 8D
    reports change only through their buttons, by the caller's groups and
    the document's state; closed documents are locked; quality records are
    archived, never deleted; quality data stay internal."""

    def setUp(self):
        super().setUp()
        self.rma = self._received_rma([(self.mould, 10, self.lot1)], requested="refund")
        self.inspection = self.rma.inspection_ids

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _fill(self, inspection, defects=((None, 1),), **vals):
        defects = [(defect or self.d_appearance, count) for defect, count in defects]
        values = {
            "qty_inspected": 1,
            "qty_good": 0,
            "qty_defective": 1,
            "verdict": "confirmed",
            "responsibility": "production",
        }
        values.update(vals)
        return self._inspect(inspection, defects, **values)

    def _approved_8d(self):
        """A major complaint's 8D, written by the inspector and approved by
        the Quality Manager."""
        inspection = self._fill(
            self.inspection, [(self.d_engraving, 3)], qty_inspected=3, qty_defective=3
        )
        inspection.action_done()
        report = inspection.eightd_id.with_user(self.user_qi)
        self.assertTrue(report)
        self._write_and_approve_8d(report)
        self.assertEqual(report.state, "approved")
        return report

    @contextmanager
    def _refused(self, exception, pattern):
        """Like assertRaisesRegex, in a savepoint whose rollback clears the
        caches: what is asserted afterwards is what the database holds."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)

    # ------------------------------------------------------------------
    # Inspection: workflow fields
    # ------------------------------------------------------------------
    def test_inspector_cannot_write_the_inspection_workflow(self):
        inspection = self._fill(self.inspection)
        report = self.env["factory.rma.8d"].create(
            {"rma_id": self.rma.id, "company_id": self.rma.company_id.id}
        )
        forbidden = [
            {"state": "done"},
            {"state": "cancelled"},
            {"date_done": "2026-01-01 10:00:00"},
            {"severity_manual": "major"},
            {"severity_reason": "because"},
            {"sample_percent": 1.0},
            {"eightd_id": report.id},
            {"severity": "major"},
            {"severity_computed": "major"},
            {"requires_8d": True},
            {"deadline": "2099-01-01 10:00:00"},
            {"lot_id": self.lot2.id},
            # a legitimate field with a forbidden one: nothing is written
            {"qty_inspected": 2, "state": "done"},
        ]
        for user in (self.user_qi, self.user_qm):
            for vals in forbidden:
                with self.subTest(user=user.login, vals=vals):
                    with self._refused(UserError, "change only through"):
                        inspection.with_user(user).with_context(**OLD_KEYS).write(vals)
        inspection.invalidate_recordset()
        self.assertEqual(inspection.state, "draft")
        self.assertFalse(inspection.date_done)
        self.assertFalse(inspection.severity_manual)
        self.assertEqual(inspection.severity, "minor")
        self.assertFalse(inspection.requires_8d)
        self.assertEqual(inspection.sample_percent, 10.0)
        self.assertFalse(inspection.eightd_id)
        self.assertEqual(inspection.lot_id, self.lot1)
        self.assertEqual(inspection.qty_inspected, 1)
        # the RMA's quality results are computed, never written
        with self._refused(UserError, "change only through"):
            self.rma.with_user(self.user_mgr).write({"severity": "major"})
        self.assertEqual(self.rma.severity, "minor")
        # RMA staff only read inspections
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_mgr).write({"qty_inspected": 2})
        # inspections come from the receipt, not from a user
        Inspection = self.env["factory.rma.inspection"].with_user(self.user_qm)
        for vals in ({}, {"line_id": self.rma.line_ids.id}):
            with self._refused(AccessError, "created when the goods"):
                Inspection.create(vals)
        self.assertEqual(len(self.rma.line_ids.inspection_ids), 1)

    def test_severity_is_raised_only_by_the_quality_manager_button(self):
        inspection = self._fill(self.inspection)
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_qi)._raise_severity("major", "customer line stop")
        self.assertFalse(inspection.severity_manual)
        inspection.with_user(self.user_qm)._raise_severity("major", "customer line stop")
        self.assertEqual(
            (inspection.severity_manual, inspection.severity_reason, inspection.severity),
            ("major", "customer line stop", "major"),
        )
        # and never lowered by writing
        with self._refused(UserError, "change only through"):
            inspection.with_user(self.user_qm).write({"severity_manual": False})
        self.assertEqual(inspection.severity, "major")

    # ------------------------------------------------------------------
    # Sampling
    # ------------------------------------------------------------------
    def test_sample_never_below_the_minimum(self):
        # the seeds: at least 10 %
        with self.assertRaises(ValidationError):
            self.policy.sample_percent = 5.0
        with self.assertRaises(ValidationError):
            self.inspection.sample_percent = 5.0
        self.assertEqual(self.inspection.sample_percent, 10.0)
        # a policy asking more: new inspections follow it, and never go below
        self.policy.sample_percent = 30.0
        rma = self._received_rma([(self.connector, 10, None)], requested="refund")
        inspection = rma.inspection_ids
        self.assertEqual(inspection.qty_received, 10)
        self.assertEqual((inspection.sample_percent, inspection.sample_size_min), (30.0, 3.0))
        self.assertEqual(inspection.sample_size, 3.0)
        with self.assertRaises(ValidationError):
            inspection.sample_percent = 20.0
        with self._refused(ValidationError, "below the minimum"):
            inspection.with_user(self.user_qi).write({"sample_size": 2})
        with self._refused(UserError, "change only through"):
            inspection.with_user(self.user_qm).write({"sample_percent": 50.0})
        inspection.invalidate_recordset()
        self.assertEqual((inspection.sample_percent, inspection.sample_size), (30.0, 3.0))
        # a larger sample is the inspector's choice
        inspection.with_user(self.user_qi).write({"sample_size": 5})
        self.assertEqual(inspection.sample_size, 5.0)

    # ------------------------------------------------------------------
    # Locks of a closed inspection
    # ------------------------------------------------------------------
    def _assert_defects_locked(self, inspection, user):
        defect = inspection.defect_ids
        Defect = self.env["factory.rma.inspection.defect"].with_user(user)
        with self._refused(UserError, "no longer"):
            defect.with_user(user).write({"count": 5})
        with self._refused(UserError, "no longer"):
            Defect.create(
                {"inspection_id": inspection.id, "defect_id": self.d_cracking.id, "count": 3}
            )
        with self._refused(UserError, "no longer"):
            defect.with_user(user).unlink()
        with self._refused(UserError, "no longer"):
            inspection.with_user(user).write(
                {"defect_ids": [Command.create({"defect_id": self.d_cracking.id, "count": 3})]}
            )
        with self._refused(UserError, "no longer"):
            inspection.with_user(user).write({"defect_ids": [Command.delete(defect.id)]})
        inspection.invalidate_recordset()
        self.assertEqual(inspection.defect_ids, defect)
        self.assertEqual(defect.count, 1)
        self.assertEqual(
            self.env["factory.rma.inspection.defect"].search_count(
                [("inspection_id", "=", inspection.id)]
            ),
            1,
        )

    def test_waiting_inspection_keeps_its_decision_until_reopened(self):
        # the inspection classifies as a replacement, the customer asked a
        # refund: sales must agree it with the customer
        inspection = self._fill(self.inspection, outcome="replace")
        inspection.action_done()
        self.assertEqual(inspection.state, "waiting")
        for user in (self.user_qi, self.user_qm):
            self._assert_defects_locked(inspection, user)
            with self._refused(UserError, "no longer"):
                inspection.with_user(user).write({"qty_defective": 0, "qty_good": 1})
            with self._refused(UserError, "no longer"):
                inspection.with_user(user).write({"outcome": "refund"})
        self.assertEqual((inspection.qty_defective, inspection.outcome), (1, "replace"))
        # analysis notes are still written while the customer decides
        inspection.with_user(self.user_qi).cause_analysis = "Polishing skipped"
        # Reopen is the way back
        inspection.with_user(self.user_qi).action_reset()
        self.assertEqual(inspection.state, "in_progress")
        inspection.with_user(self.user_qi).write({"outcome": "refund"})
        inspection.defect_ids.with_user(self.user_qi).count = 1
        inspection.with_user(self.user_qi).action_done()
        self.assertEqual(inspection.state, "done")
        self.assertEqual(self.rma.line_ids.decided_outcome, "refund")

    def test_done_inspection_is_locked_for_everyone_but_the_workflow(self):
        inspection = self._fill(self.inspection, cause_analysis="Scratches")
        inspection.action_done()
        self.assertEqual(inspection.state, "done")
        self.assertEqual(self.rma.state, "processing")
        for user in (self.user_qi, self.user_qm):
            with self.subTest(user=user.login):
                self._assert_defects_locked(inspection, user)
                for vals in (
                    {"cause_analysis": "rewritten"},
                    {"verdict": "not_confirmed"},
                    {"responsibility": "customer"},
                    {"inspector_id": self.user_qm.id},
                    {"rework_plan": "<p>new</p>"},
                ):
                    with self._refused(UserError, "no longer"):
                        inspection.with_user(user).with_context(**OLD_KEYS).write(vals)
                # no button reopens a done inspection
                with self._refused(UserError, "not possible"):
                    inspection.with_user(user).action_reset()
        inspection.invalidate_recordset()
        self.assertEqual(
            (inspection.cause_analysis, inspection.verdict, inspection.responsibility),
            ("Scratches", "confirmed", "production"),
        )
        # the chatter stays open
        inspection.with_user(self.user_qi).message_post(body="Photos filed")
        # review meetings: a closing review is recorded after the closing,
        # and is then kept as recorded
        review = (
            self.env["factory.rma.review"]
            .with_user(self.user_qi)
            .create({"inspection_id": inspection.id, "kind": "closing", "conclusion": "Closed"})
        )
        with self._refused(UserError, "review meetings"):
            review.write({"conclusion": "Rewritten"})
        with self._refused(UserError, "review meetings"):
            review.unlink()
        self.assertEqual(review.conclusion, "Closed")

    # ------------------------------------------------------------------
    # Archive, never delete
    # ------------------------------------------------------------------
    def test_inspections_are_archived_never_deleted(self):
        inspection = self.inspection
        with self._refused(UserError, "cannot be deleted"):
            inspection.with_user(self.user_qm).unlink()
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_qi).unlink()
        with self._refused(UserError, "cannot be deleted"):
            inspection.unlink()  # not even by server code
        # an open inspection is not archived: it would escape the judgement
        with self._refused(UserError, "not possible"):
            inspection.with_user(self.user_qm).action_archive()
        self.assertTrue(inspection.active)
        inspection.with_user(self.user_qm).action_cancel()
        inspection.with_user(self.user_qm).action_archive()
        self.assertFalse(inspection.active)
        self.assertFalse(self.rma.inspection_ids)
        self.assertTrue(inspection.exists())
        # Reopen brings it back
        inspection.with_user(self.user_qi).action_reset()
        self.assertEqual((inspection.state, inspection.active), ("in_progress", True))
        self.assertEqual(self.rma.inspection_ids, inspection)

    # ------------------------------------------------------------------
    # 8D reports
    # ------------------------------------------------------------------
    def test_8d_workflow_by_role(self):
        report = self._approved_8d()
        self.assertEqual(report.approved_by_id, self.user_qm)
        self.assertTrue(report.date_approved)
        qi = report.with_user(self.user_qi).with_context(**OLD_KEYS)
        for vals in (
            {"state": "closed"},
            {"state": "sent"},
            {"approved_by_id": self.user_qi.id},
            {"customer_reply": "accepted"},
            {"customer_reply_date": "2026-03-01"},
            {"date_closed": "2026-03-01"},
            {"date_sent": "2026-03-01 10:00:00"},
            {"closure_note": "done", "state": "closed"},
        ):
            with self.subTest(vals=vals):
                with self._refused(UserError, "change only through"):
                    qi.write(vals)
        # an inspector does not send nor close, a Quality Manager does
        with self.assertRaises(AccessError):
            qi.action_send()
        with self.assertRaises(AccessError):
            qi.action_close()
        with self.assertRaises(AccessError):
            qi.action_draft()
        report.invalidate_recordset()
        self.assertEqual((report.state, report.customer_reply), ("approved", "pending"))
        self.assertFalse(report.closure_note)
        report.with_user(self.user_qm).action_close()
        self.assertEqual(report.state, "closed")
        self.assertTrue(report.date_closed)
        # creating a report in a later state is refused as well
        with self._refused(UserError, "change only through"):
            self.env["factory.rma.8d"].with_user(self.user_qi).create(
                {"rma_id": self.rma.id, "state": "closed"}
            )
        self.assertEqual(self.rma.eightd_ids, report)

    def test_approval_needs_the_quality_manager(self):
        inspection = self._fill(
            self.inspection, [(self.d_engraving, 3)], qty_inspected=3, qty_defective=3
        )
        inspection.action_done()
        report = inspection.eightd_id.with_user(self.user_qi)
        report.action_start()
        report.write(
            {
                "cause_ids": [Command.create({"name": "Program", "verified": True})],
                "action_ids": [Command.create({"kind": "corrective", "name": "Check"})],
            }
        )
        report.action_submit_review()
        with self.assertRaises(AccessError):
            report.action_approve()
        with self._refused(UserError, "change only through"):
            report.write({"state": "approved"})
        self.assertEqual(report.state, "review")
        self.assertFalse(report.approved_by_id)
        report.with_user(self.user_qm).action_approve()
        self.assertEqual(report.state, "approved")
        # reopening withdraws the approval
        report.with_user(self.user_qm).action_draft()
        self.assertEqual(report.state, "in_progress")
        self.assertFalse(report.approved_by_id)

    def test_closed_8d_is_locked(self):
        report = self._approved_8d()
        report.with_user(self.user_qm).action_close()
        rows = (report.cause_ids, report.action_ids[:1], report.discipline_ids[:1])
        for user in (self.user_qi, self.user_qm):
            with self.subTest(user=user.login):
                with self._refused(UserError, "no longer"):
                    report.with_user(user).write({"problem_what": "rewritten"})
                with self._refused(UserError, "no longer"):
                    report.with_user(user).write({"team_user_ids": [Command.link(user.id)]})
                for row in rows:
                    with self._refused(UserError, "no longer"):
                        row.with_user(user).write({"name": "rewritten"})
                    with self._refused(UserError, "no longer"):
                        row.with_user(user).unlink()
                with self._refused(UserError, "no longer"):
                    self.env["factory.rma.8d.action"].with_user(user).create(
                        {"eightd_id": report.id, "kind": "preventive", "name": "More"}
                    )
                with self._refused(UserError, "no longer"):
                    self.env["factory.rma.8d.cause"].with_user(user).create(
                        {"eightd_id": report.id, "name": "Another cause"}
                    )
        report.invalidate_recordset()
        self.assertEqual(report.cause_ids.name, "Wrong engraving program")
        self.assertEqual(len(report.action_ids), 2)
        self.assertEqual(len(report.discipline_ids), 9)
        self.assertNotEqual(report.problem_what, "rewritten")
        # closed is final: neither reopened nor archived nor deleted
        with self._refused(UserError, "not possible"):
            report.with_user(self.user_qm).action_draft()
        with self._refused(UserError, "not possible"):
            report.with_user(self.user_qm).action_archive()
        with self._refused(UserError, "cannot be deleted"):
            report.with_user(self.user_qm).unlink()
        self.assertTrue(report.exists())

    def test_8d_reports_are_archived_never_deleted(self):
        report = self.env["factory.rma.8d"].with_user(self.user_qi).create({"rma_id": self.rma.id})
        with self.assertRaises(AccessError):
            report.unlink()
        with self._refused(UserError, "cannot be deleted"):
            report.with_user(self.user_qm).unlink()
        report.with_user(self.user_qm).action_cancel()
        with self._refused(UserError, "no longer"):
            report.write({"problem_what": "while cancelled"})
        report.with_user(self.user_qm).action_archive()
        self.assertFalse(report.active)
        self.assertFalse(self.rma.eightd_ids)
        report.with_user(self.user_qm).action_draft()
        self.assertEqual((report.state, report.active), ("in_progress", True))

    def test_8d_sent_only_by_sending_it_with_its_template(self):
        report = self._approved_8d()
        messages = len(report.message_ids)
        # any message with any context marks nothing: an inspector's note…
        report.with_user(self.user_qi).with_context(**OLD_KEYS).message_post(
            body="Draft sent to sales", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        # … a portal user (the customer) reads nothing of it over RPC …
        portal = new_test_user(self.env, login="rma_q_portal", groups="base.group_portal")
        portal.partner_id.parent_id = self.dealer_b
        with self.assertRaises(AccessError):
            report.with_user(portal).with_context(**OLD_KEYS).message_post(body="Received?")
        with self.assertRaises(AccessError):
            report.with_user(portal).read(["state"])
        # … and a message posted in the customer's name marks nothing
        report.sudo().with_context(**OLD_KEYS).message_post(
            body="We got it", author_id=portal.partner_id.id, message_type="comment"
        )
        self.assertEqual(report.state, "approved")
        self.assertFalse(report.date_sent)
        self.assertEqual(len(report.message_ids), messages + 2)
        template = self.env.ref("rma_factory_quality.mail_template_rma_8d")
        composer_ctx = {
            "default_model": "factory.rma.8d",
            "default_res_ids": report.ids,
            "default_template_id": template.id,
            "default_composition_mode": "comment",
        }
        # an inspector sending it with the template is refused: nothing sent
        with self.assertRaises(AccessError):
            Form(
                self.env["mail.compose.message"]
                .with_user(self.user_qi)
                .with_context(**composer_ctx)
            ).save().action_send_mail()
        self.assertEqual(report.state, "approved")
        self.assertEqual(len(report.message_ids), messages + 2)
        # the Quality Manager's mail without the template is just a mail
        Form(
            self.env["mail.compose.message"]
            .with_user(self.user_qm)
            .with_context(
                **dict(
                    composer_ctx,
                    default_template_id=False,
                    default_subject="Question",
                    default_body="<p>A question on your complaint</p>",
                    **OLD_KEYS,
                )
            )
        ).save().action_send_mail()
        self.assertEqual(report.state, "approved")
        # sent with its template by the Quality Manager: sent
        action = report.with_user(self.user_qm).action_send()
        self.assertNotIn("mark_8d_as_sent", action["context"])
        Form(
            self.env["mail.compose.message"]
            .with_user(self.user_qm)
            .with_context(**action["context"])
        ).save().action_send_mail()
        self.assertEqual((report.state, report.customer_reply), ("sent", "pending"))
        self.assertTrue(report.date_sent)
        self.assertTrue(report.message_ids[0].attachment_ids)

    # ------------------------------------------------------------------
    # Records of the core kept
    # ------------------------------------------------------------------
    def test_approval_trail_and_reasons_in_use_are_kept(self):
        trail = self.rma.approval_ids
        self.assertTrue(trail)
        with self.assertRaises(AccessError):
            trail.with_user(self.user_mgr).unlink()
        with self._refused(UserError, "approval trail"):
            trail.unlink()
        self.assertEqual(self.rma.approval_ids, trail)
        reason = self.env["factory.rma.reason"].create({"name": "Scratched"})
        self.rma.line_ids.sudo().reason_id = reason
        with self._refused(UserError, "archive it instead"):
            reason.with_user(self.user_mgr).unlink()
        reason.with_user(self.user_mgr).action_archive()
        self.assertFalse(reason.active)
        self.assertEqual(self.rma.line_ids.reason_id, reason)
        unused = self.env["factory.rma.reason"].create({"name": "Never used"})
        unused.with_user(self.user_mgr).unlink()
        self.assertFalse(unused.exists())

    # ------------------------------------------------------------------
    # Confidentiality
    # ------------------------------------------------------------------
    def test_portal_user_reads_no_quality_data(self):
        portal = new_test_user(self.env, login="rma_q_portal2", groups="base.group_portal")
        portal.partner_id.parent_id = self.dealer_b
        rma = self.rma.with_user(portal)
        self.assertEqual(rma.read(["name"])[0]["name"], self.rma.name)
        for field in (
            "severity",
            "inspection_deadline",
            "inspection_ids",
            "inspection_count",
            "open_inspection_count",
            "eightd_ids",
            "eightd_count",
        ):
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    rma.read([field])
        for field in ("inspection_ids", "inspection_count"):
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    rma.line_ids.read([field])
        with self.assertRaises(AccessError):
            rma.search([("severity", "=", "major")])
        for model in (
            "factory.rma.inspection",
            "factory.rma.inspection.defect",
            "factory.rma.8d",
            "factory.rma.8d.action",
            "factory.rma.8d.cause",
            "factory.rma.review",
        ):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(portal).search([])

    def test_8d_pdf_filters_names_and_prints_html(self):
        self.supplier.name = "SecretSteel Ltd"
        contact = self.env["res.partner"].create(
            {"name": "Hans Geheim", "parent_id": self.supplier.id}
        )
        buyer = self.env["res.partner"].create(
            {"name": "Dora Buyer", "parent_id": self.dealer_b.id}
        )
        self.mould.seller_ids = [Command.create({"partner_id": self.supplier.id})]
        report = self._approved_8d()
        report.with_user(self.user_qm).action_draft()
        report.with_user(self.user_qi).write(
            {
                "team_partner_ids": [Command.set((contact | buyer).ids)],
                "implementation_note": "<p>Sorted with <b>SecretSteel Ltd</b> on site</p>",
                "verification_note": "<p>Checked <i>100 %</i></p>",
            }
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("rma_factory_quality.action_report_rma_8d", report.ids)[0]
            .decode()
        )
        self.assertNotIn("SecretSteel", html)
        self.assertNotIn("Hans Geheim", html, "a supplier's contact is not named")
        self.assertIn("Dora Buyer", html, "the customer's people are named")
        self.assertIn("<b>[supplier]</b>", html, "HTML prints as HTML, filtered")
        self.assertIn("<i>100 %</i>", html)
        self.assertNotIn("&lt;p&gt;", html)
