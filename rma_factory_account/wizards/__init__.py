from . import factory_rma_credit_wizard
from . import factory_rma_credit_wizard_line
