from odoo import fields, models

from .factory_rma_supplier_return import SUPPLIER_RETURN_READERS


class StockMove(models.Model):
    """Moves of a supplier return: the goods going back to the vendor and its replacement."""

    _inherit = "stock.move"

    rma_supplier_return_id = fields.Many2one(
        "factory.rma.supplier.return",
        "Supplier Return",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups=SUPPLIER_RETURN_READERS,
    )
    rma_supplier_move_kind = fields.Selection(
        [("return", "Return to vendor"), ("replacement", "Replacement from vendor")],
        "Supplier Move Kind",
        copy=False,
        readonly=True,
        groups=SUPPLIER_RETURN_READERS,
    )
