from . import factory_rma_credit_wizard
from . import factory_rma_credit_wizard_line
from . import factory_rma_writedown_wizard
from . import factory_rma_writedown_wizard_line
