from . import models
from . import wizards


def post_init_hook(env):
    """Give every existing company its RMA sequence and every existing
    warehouse its RMA locations and operation types.

    Called once by the module loader after installation; warehouses and
    companies created later are handled by their ``create`` overrides.
    """
    env["res.company"].search([])._rma_ensure_sequence()
    env["stock.warehouse"].with_context(active_test=False).search([])._rma_ensure_setup()
