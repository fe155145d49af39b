from . import factory_rma_reject_wizard
from . import factory_rma_override_wizard
from . import factory_rma_line_split_wizard
from . import factory_rma_line_special_wizard
from . import factory_rma_line_surplus_wizard
