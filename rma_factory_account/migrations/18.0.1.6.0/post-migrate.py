from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Issue #15: the companies get their RMA cost accounts, and the RMA
    scrap locations their valuation account."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._rma_setup_cost_accounts()
