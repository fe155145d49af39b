from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.rma_factory.tests.common import RmaCommon


class QualityCommon(RmaCommon):
    """Core fixture plus the quality staff: an inspector (qi) and a quality
    manager (qm), neither with RMA rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.quality_inspection = True
        cls.user_qi = new_test_user(
            cls.env, login="rma_qi", groups="rma_factory_quality.group_quality_inspector"
        )
        cls.user_qm = new_test_user(
            cls.env, login="rma_qm", groups="rma_factory_quality.group_quality_manager"
        )
        ref = cls.env.ref
        cls.d_appearance = ref("rma_factory_quality.defect_appearance")
        cls.d_dimension = ref("rma_factory_quality.defect_dimension")
        cls.d_engraving = ref("rma_factory_quality.defect_engraving")
        cls.d_mixed = ref("rma_factory_quality.defect_mixed_material")
        cls.d_cracking = ref("rma_factory_quality.defect_cracking")
        cls.d_function = ref("rma_factory_quality.defect_function")
        cls.supplier = cls.env["res.partner"].create({"name": "PowerCo", "supplier_rank": 1})

    def _received_rma(self, lines, requested=None, **header):
        """Deliver ``lines`` to Dealer B, create, approve and receive the RMA."""
        order = self._deliver(self.dealer_b, lines)
        rma = self._create_rma(order, **header)
        if requested:
            rma.line_ids.write({"requested_outcome": requested})
        self._approve(rma)
        self._receive(rma)
        self.assertEqual(rma.state, "received")
        return rma

    def _inspect(self, inspection, defects=(), user=None, **vals):
        """Fill the inspection as the inspector: ``defects`` is a list of
        (defect, count)."""
        if defects:
            vals["defect_ids"] = [
                Command.create({"defect_id": defect.id, "count": count})
                for defect, count in defects
            ]
        inspection = inspection.with_user(user or self.user_qi)
        inspection.write(vals)
        return inspection

    def _write_and_approve_8d(self, report):
        """The inspector starts ``report``, records a verified cause with a
        corrective and a preventive action done and submits it; the Quality
        Manager approves it."""
        report = report.with_user(self.user_qi)
        report.action_start()
        report.write(
            {
                "cause_ids": [
                    Command.create(
                        {"category": "method", "name": "Wrong engraving program", "verified": True}
                    )
                ],
                "action_ids": [
                    Command.create(
                        {"kind": "corrective", "name": "Check program", "date_done": "2026-03-01"}
                    ),
                    Command.create(
                        {"kind": "preventive", "name": "Update FMEA", "date_done": "2026-03-01"}
                    ),
                ],
            }
        )
        report.action_submit_review()
        report.with_user(self.user_qm).action_approve()
