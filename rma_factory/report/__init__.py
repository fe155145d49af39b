from . import factory_rma_deadline_report
from . import factory_rma_return_rate_delivery
from . import factory_rma_return_rate
