# Copyright 2026 RMA Factory
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "RMA Factory - Quality",
    "summary": "Quality side of customer returns: inspections, responsibility, severity, 8D",
    "version": "18.0.1.0.0",
    "category": "Inventory/Returns",
    "website": "https://github.com/rma-factory/rma-factory",
    "author": "RMA Factory",
    "license": "LGPL-3",
    "depends": ["rma_factory"],
    "data": [],
    "installable": True,
}
