"""Helpers shared by the migration scripts of the RMA addons."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists


def rename_selection_value(cr, model, field_names, old, new):
    """Rename the stored key ``old`` of the selection fields ``field_names``
    of ``model`` to ``new``: in the model's table, in the field's selection
    record (kept, with its external id renamed, so that the translations of
    its label stay) and in the saved defaults. Fields whose column does not
    exist (yet) are skipped."""
    table = model.replace(".", "_")
    for name in field_names:
        if not column_exists(cr, table, name):
            continue
        cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE %s = %s",
                SQL.identifier(table),
                SQL.identifier(name),
                new,
                SQL.identifier(name),
                old,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE ir_model_fields_selection sel
                   SET value = %(new)s
                  FROM ir_model_fields fld
                 WHERE fld.id = sel.field_id
                   AND fld.model = %(model)s
                   AND fld.name = %(name)s
                   AND sel.value = %(old)s
             RETURNING sel.id
                """,
                new=new,
                model=model,
                name=name,
                old=old,
            )
        )
        selection_ids = [row[0] for row in cr.fetchall()]
        if selection_ids:
            cr.execute(
                SQL(
                    """
                    UPDATE ir_model_data
                       SET name = %(xmlid)s
                     WHERE model = 'ir.model.fields.selection'
                       AND res_id = ANY(%(ids)s)
                    """,
                    xmlid=f"selection__{table}__{name}__{new}",
                    ids=selection_ids,
                )
            )
        cr.execute(
            SQL(
                """
                UPDATE ir_default dft
                   SET json_value = %(new)s
                  FROM ir_model_fields fld
                 WHERE fld.id = dft.field_id
                   AND fld.model = %(model)s
                   AND fld.name = %(name)s
                   AND dft.json_value = %(old)s
                """,
                new=f'"{new}"',
                model=model,
                name=name,
                old=f'"{old}"',
            )
        )
