from . import factory_rma_deadline_report
