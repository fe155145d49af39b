from odoo.tests import tagged

from odoo.addons.rma_factory.tests.test_rma_migration import load_migration, restore_old_key

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestQualityMigration(QualityCommon):
    def test_inspection_outcomes_become_send_back(self):
        """18.0.1.1.0: the inspections' proposed outcome and good-units
        outcome stored as ``reject`` become ``send_back``."""
        script = load_migration("rma_factory_quality", "18.0.1.1.0")
        rma = self._received_rma([(self.mould, 2, self.lot1)], requested="send_back")
        inspection = self._inspect(
            rma.inspection_ids,
            qty_inspected=2,
            qty_good=2,
            qty_defective=0,
            verdict="not_confirmed",
        )
        self.assertEqual((inspection.outcome, inspection.good_outcome), ("send_back", "send_back"))
        selection = self.env.ref(
            "rma_factory_quality.selection__factory_rma_inspection__outcome__send_back"
        )

        restore_old_key(self.env, script.OUTCOME_FIELDS, "send_back", "reject")
        self.env.registry.clear_cache()
        self.assertEqual((inspection.outcome, inspection.good_outcome), ("reject", "reject"))

        script.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertEqual((inspection.outcome, inspection.good_outcome), ("send_back", "send_back"))
        self.assertEqual(
            self.env.ref(
                "rma_factory_quality.selection__factory_rma_inspection__outcome__send_back"
            ),
            selection,
        )
        self.assertEqual(selection.value, "send_back")
