from . import models
from . import report
from . import wizards


def post_init_hook(env):
    """Give the companies their "RMA customer deposits" liability account."""
    env["res.company"].search([])._rma_setup_deposit_account()
