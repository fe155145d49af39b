# Copyright 2026 RMA Factory
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "RMA Factory - Accounting",
    "summary": "Accounting side of customer returns: credit notes, refunds, charge-backs, "
    "write-downs",
    "version": "18.0.1.7.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/rma-factory/rma-factory",
    "author": "RMA Factory",
    "license": "LGPL-3",
    "depends": ["rma_factory", "stock_account"],
    "data": [
        "security/ir.model.access.csv",
        "security/rma_factory_account_security.xml",
        "data/account_analytic_data.xml",
        "data/product_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "wizards/factory_rma_credit_wizard_views.xml",
        "wizards/factory_rma_writedown_wizard_views.xml",
        "views/factory_rma_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "report/factory_rma_matching_views.xml",
        "report/factory_rma_matching_reports.xml",
        "report/factory_rma_cost_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "rma_factory_account/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
