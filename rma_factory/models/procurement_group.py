from contextlib import contextmanager

from odoo import fields, models

#: key of ``cr.cache`` holding the push rules found while RMA moves are
#: pushed (only during ``stock.move._push_apply``, see ``_rma_push_rule_memo``)
PUSH_RULE_MEMO = "rma_factory.push_rule_memo"


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    rma_id = fields.Many2one("factory.rma", "RMA", index="btree_not_null", readonly=True)

    @contextmanager
    def _rma_push_rule_memo(self):
        """While RMA moves are pushed, the push rule of moves that look
        alike (same product, destination, routes, packaging, warehouse) is
        searched once instead of once per move: a list of 50 RMA receipts
        validated together needs one search of the location hierarchy.
        Rules do not change while moves are pushed; the memo lives only for
        that call (the outermost one, when pushes nest)."""
        cache = self.env.cr.cache
        if PUSH_RULE_MEMO in cache:
            yield
            return
        cache[PUSH_RULE_MEMO] = {}
        try:
            yield
        finally:
            cache.pop(PUSH_RULE_MEMO, None)

    def _get_push_rule(self, product_id, location_dest_id, values):
        memo = self.env.cr.cache.get(PUSH_RULE_MEMO)
        if memo is None:
            return super()._get_push_rule(product_id, location_dest_id, values)
        key = (
            self.env.uid,
            self.env.su,
            self.env.company.id,
            tuple(self.env.context.get("allowed_company_ids") or ()),
            product_id.id,
            location_dest_id.id,
            tuple(sorted((values.get("route_ids") or self.env["stock.route"]).ids)),
            (values.get("product_packaging_id") or self.env["product.packaging"]).id,
            (values.get("warehouse_id") or self.env["stock.warehouse"]).id,
            repr(values.get("domain")),
        )
        if key not in memo:
            memo[key] = super()._get_push_rule(product_id, location_dest_id, values).ids
        return self.env["stock.rule"].browse(memo[key])
