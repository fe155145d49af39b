# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase


class TestInstall(TransactionCase):
    def test_installed_on_top_of_rma_factory(self):
        module = self.env["ir.module.module"].search([("name", "=", "rma_factory_account")])
        self.assertEqual(module.state, "installed")
        dependencies = module.dependencies_id
        self.assertEqual(sorted(dependencies.mapped("name")), ["rma_factory", "stock_account"])
        self.assertEqual(set(dependencies.depend_id.mapped("state")), {"installed"})
