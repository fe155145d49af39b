# Copyright 2026 RMA Factory
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "RMA Factory - Supplier",
    "summary": "Supplier side of customer returns: return to vendor, supplier 8D, cost recovery",
    "version": "18.0.1.0.0",
    "category": "Inventory/Returns",
    "website": "https://github.com/rma-factory/rma-factory",
    "author": "RMA Factory",
    "license": "LGPL-3",
    "depends": ["rma_factory_quality", "rma_factory_account", "purchase_stock"],
    "data": [
        "security/rma_factory_supplier_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/product_data.xml",
        "data/mail_template_data.xml",
        "views/factory_rma_supplier_return_views.xml",
        "views/factory_rma_8d_views.xml",
        "views/factory_rma_views.xml",
        "views/factory_rma_policy_views.xml",
        "views/rma_factory_supplier_menus.xml",
    ],
    "demo": [
        "demo/rma_factory_supplier_demo.xml",
    ],
    "installable": True,
}
