from . import models
from . import report
from . import wizards


def post_init_hook(env):
    """Give the companies their "RMA customer deposits" liability account and
    their RMA cost accounts."""
    companies = env["res.company"].search([])
    companies._rma_setup_deposit_account()
    companies._rma_setup_cost_accounts()
