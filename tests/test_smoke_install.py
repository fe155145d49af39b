from odoo.tests import TransactionCase

RMA_ADDONS = [
    "rma_factory",
    "rma_factory_quality",
    "rma_factory_account",
    "rma_factory_dashboard",
    "rma_factory_supplier",
]


class TestSmokeInstall(TransactionCase):
    def test_all_rma_addons_installed(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", RMA_ADDONS), ("state", "=", "installed")]
        )
        self.assertEqual(sorted(modules.mapped("name")), sorted(RMA_ADDONS))
        self.assertEqual(len(modules), len(RMA_ADDONS))
        # The class got the defaults Odoo gives to addon tests (see tests/conftest.py).
        self.assertEqual(self.test_module, "rma_factory_e2e")
        self.assertIn("post_install", self.test_tags)
