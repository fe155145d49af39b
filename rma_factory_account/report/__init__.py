from . import factory_rma_matching
