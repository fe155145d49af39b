from odoo import models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        """Withheld carrier freight (shortage RMAs) cannot be paid from the
        payment wizard either."""
        self.line_ids.move_id._check_rma_freight_not_withheld()
        return super()._create_payments()
