"""The outcome "send back as is" was stored as ``reject``, a word the RMA's
own rejection also uses: it becomes ``send_back`` in every stored outcome
and in the outcome catalogue (its record keeps its id and translations)."""

from odoo.addons.rma_factory.migration_utils import rename_selection_value

OUTCOME_FIELDS = {
    "factory.rma.line": ("requested_outcome", "decided_outcome"),
    "factory.rma.line.split.wizard": ("decided_outcome",),
    "factory.rma.outcome": ("code",),
    "factory.rma.reason": ("default_outcome",),
}


def migrate(cr, version):
    if not version:
        return
    for model, field_names in OUTCOME_FIELDS.items():
        rename_selection_value(cr, model, field_names, "reject", "send_back")
    cr.execute(
        """
        UPDATE ir_model_data
           SET name = 'outcome_send_back'
         WHERE module = 'rma_factory' AND name = 'outcome_reject'
        """
    )
