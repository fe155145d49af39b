from . import factory_rma_matching
from . import factory_rma_cost
