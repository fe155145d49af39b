from . import factory_rma_severity_wizard
from . import factory_rma_disposition_wizard
