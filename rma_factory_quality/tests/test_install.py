# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_on_top_of_rma_factory(self):
        module = self.env["ir.module.module"].search([("name", "=", "rma_factory_quality")])
        self.assertEqual(module.state, "installed")
        dependencies = module.dependencies_id
        self.assertEqual(sorted(dependencies.mapped("name")), ["rma_factory"])
        self.assertEqual(dependencies.depend_id.state, "installed")
