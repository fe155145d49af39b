from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """Called by Odoo when a chart of accounts is loaded for ``company``
        (often after this addon's installation, e.g. a fresh database or a
        new company): give it its "RMA customer deposits" account and its RMA
        cost accounts."""
        res = super()._post_load_data(template_code, company, template_data)
        company._rma_setup_deposit_account()
        company._rma_setup_cost_accounts()
        return res
