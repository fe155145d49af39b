"""The outcome "send back as is" was stored as ``reject``: it becomes
``send_back`` in the inspections' proposed outcomes (see the same
migration of ``rma_factory``)."""

from odoo.addons.rma_factory.migration_utils import rename_selection_value

OUTCOME_FIELDS = {
    "factory.rma.inspection": ("outcome", "good_outcome"),
    "factory.rma.disposition.wizard": ("outcome",),
}


def migrate(cr, version):
    if not version:
        return
    for model, field_names in OUTCOME_FIELDS.items():
        rename_selection_value(cr, model, field_names, "reject", "send_back")
