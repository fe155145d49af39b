from odoo import _, fields, models


class StockLot(models.Model):
    """The repaired mark of a lot or serial number (STK-05, STK-08): goods
    repaired on an RMA stay recognisable on later deliveries and returns."""

    _inherit = "stock.lot"

    rma_repaired = fields.Boolean(
        "Repaired Goods",
        readonly=True,
        copy=False,
        help="Units of this lot / serial number were repaired on a customer return (客退RC返修品).",
    )
    rma_repaired_note = fields.Text("Repair History", readonly=True, copy=False)

    def _rma_mark_repaired(self, repairs):
        """Mark the lots of done RMA ``repairs`` as repaired and add a line
        per repair to their history (called as superuser by the repair's
        completion: the repair user causes it)."""
        for repair in repairs.filtered("lot_id"):
            lot = repair.lot_id
            entry = _(
                "%(date)s: %(qty)s %(uom)s repaired on %(rma)s (%(repair)s)",
                date=fields.Date.to_string(fields.Date.context_today(repair)),
                qty=repair.product_qty,
                uom=repair.product_uom.name,
                rma=repair.rma_id.name,
                repair=repair.name,
            )
            lot.write(
                {
                    "rma_repaired": True,
                    "rma_repaired_note": "\n".join(filter(None, [lot.rma_repaired_note, entry])),
                }
            )
