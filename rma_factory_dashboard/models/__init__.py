from . import factory_rma_open_age
