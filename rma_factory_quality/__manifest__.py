# Copyright 2026 RMA Factory
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "RMA Factory - Quality",
    "summary": "Quality side of customer returns: inspections, responsibility, severity, 8D",
    "version": "18.0.1.1.0",
    "category": "Inventory/Returns",
    "website": "https://github.com/rma-factory/rma-factory",
    "author": "RMA Factory",
    "license": "LGPL-3",
    "depends": ["rma_factory"],
    "data": [
        "security/rma_factory_quality_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/factory_rma_defect_data.xml",
        "data/factory_rma_severity_rule_data.xml",
        "report/factory_rma_8d_reports.xml",
        "report/factory_rma_8d_templates.xml",
        "data/mail_template_data.xml",
        "views/factory_rma_inspection_views.xml",
        "views/factory_rma_8d_views.xml",
        "views/factory_rma_oqc_views.xml",
        "views/factory_rma_defect_views.xml",
        "views/factory_rma_views.xml",
        "views/rma_factory_quality_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "rma_factory_quality/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/rma_factory_quality_demo.xml",
    ],
    "installable": True,
}
