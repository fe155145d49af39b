# Copyright 2026 RMA Factory
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "RMA Factory - Dashboard",
    "summary": "Spreadsheet dashboard of the RMA manager: open RMAs by state and age, late "
    "steps, return rate, top defects, cost by responsible party",
    "version": "18.0.1.0.0",
    "category": "Inventory/Returns",
    "website": "https://github.com/rma-factory/rma-factory",
    "author": "RMA Factory",
    "license": "LGPL-3",
    "depends": ["rma_factory_quality", "rma_factory_account", "spreadsheet_dashboard"],
    "data": [
        "security/ir.model.access.csv",
        "security/rma_factory_dashboard_security.xml",
        "data/dashboards.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "rma_factory_dashboard/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "auto_install": False,
}
