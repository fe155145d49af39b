from odoo import models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    def _get_locations_values(self, vals, code=False):
        """A new warehouse's RMA scrap location values scrapped goods into
        the company's scrap loss account (never the stock interim)."""
        values = super()._get_locations_values(vals, code=code)
        if "rma_scrap_loc_id" in values:
            company_id = vals.get("company_id") or self.default_get(["company_id"])["company_id"]
            account = self.env["res.company"].sudo().browse(company_id).rma_scrap_account_id
            if account:
                values["rma_scrap_loc_id"].update(
                    valuation_in_account_id=account.id, valuation_out_account_id=account.id
                )
        return values
