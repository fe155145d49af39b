from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import SQL

from .common import RmaCommon


def load_migration(module, version, stage="pre"):
    """The migration script ``<module>/migrations/<version>/<stage>-migrate.py``
    as a Python module (Odoo's own loader)."""
    return load_script(f"{module}/migrations/{version}/{stage}-migrate.py", f"{module}_{stage}")


def restore_old_key(env, fields_by_model, new, old):
    """Put the database back in the shape of a version that stored ``old``
    instead of ``new`` for the given selection fields: rows, selection
    records and their external ids, by plain SQL (what an old database has)."""
    cr = env.cr
    env.flush_all()
    for model, names in fields_by_model.items():
        table = model.replace(".", "_")
        for name in names:
            column = SQL.identifier(name)
            cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE %s = %s",
                    SQL.identifier(table),
                    column,
                    old,
                    column,
                    new,
                )
            )
            cr.execute(
                """
                UPDATE ir_model_fields_selection sel SET value = %s
                  FROM ir_model_fields fld
                 WHERE fld.id = sel.field_id AND fld.model = %s AND fld.name = %s
                   AND sel.value = %s
             RETURNING sel.id
                """,
                (old, model, name, new),
            )
            ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                """
                UPDATE ir_model_data SET name = %s
                 WHERE model = 'ir.model.fields.selection' AND res_id = ANY(%s)
                """,
                (f"selection__{table}__{name}__{old}", ids),
            )
    env.invalidate_all()


@tagged("post_install", "-at_install")
class TestRmaMigration(RmaCommon):
    """18.0.1.1.0: the outcome "send back as is" was stored as ``reject``;
    the migration renames it to ``send_back`` everywhere it is stored and
    leaves the RMA's own rejection (state, approval step) alone."""

    def test_reject_outcome_becomes_send_back(self):
        script = load_migration("rma_factory", "18.0.1.1.0")
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        rma = self._create_rma(order, user=self.user_cs)
        line = rma.line_ids
        line.write({"requested_outcome": "send_back", "decided_outcome": "send_back"})
        refused = self._create_rma(
            self._deliver(self.customer_c, [(self.connector, 2, None)]), user=self.user_cs
        )
        refused.with_user(self.user_cs).action_submit()
        refused.with_user(self.user_mgr)._reject("Not a quality problem", "repair")
        reason = self.env["factory.rma.reason"].create(
            {"name": "Wrong order", "default_outcome": "send_back"}
        )
        self.env["ir.default"].set("factory.rma.line", "requested_outcome", "send_back")
        outcome = self.env.ref("rma_factory.outcome_send_back")
        selection = self.env.ref(
            "rma_factory.selection__factory_rma_line__decided_outcome__send_back"
        )
        move_kind = self.env.ref("rma_factory.selection__stock_move__rma_move_kind__send_back")

        restore_old_key(self.env, script.OUTCOME_FIELDS, "send_back", "reject")
        self.env.cr.execute(
            "UPDATE ir_model_data SET name = 'outcome_reject'"
            " WHERE module = 'rma_factory' AND name = 'outcome_send_back'"
        )
        self.env.cr.execute(
            "UPDATE ir_default SET json_value = '\"reject\"' WHERE json_value = '\"send_back\"'"
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertEqual(line.decided_outcome, "reject")
        self.assertEqual(self.env.ref("rma_factory.outcome_reject"), outcome)
        self.assertEqual(outcome.code, "reject")

        script.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.env.registry.clear_cache()

        self.assertEqual((line.requested_outcome, line.decided_outcome), ("send_back", "send_back"))
        self.assertEqual(reason.default_outcome, "send_back")
        self.assertEqual(outcome.code, "send_back")
        self.assertEqual(self.env.ref("rma_factory.outcome_send_back"), outcome)
        self.assertFalse(self.env.ref("rma_factory.outcome_reject", raise_if_not_found=False))
        self.assertEqual(
            self.env.ref("rma_factory.selection__factory_rma_line__decided_outcome__send_back"),
            selection,
        )
        self.assertEqual(selection.value, "send_back")
        self.assertEqual(
            self.env["ir.default"]._get("factory.rma.line", "requested_outcome"), "send_back"
        )
        # the RMA's rejection is not an outcome: untouched
        self.assertEqual(refused.state, "rejected")
        self.assertEqual(refused.approval_ids.filtered(lambda a: a.step == "reject").step, "reject")
        self.assertEqual(move_kind.value, "send_back")
        # nothing left under the old key
        for model, names in script.OUTCOME_FIELDS.items():
            for name in names:
                self.assertFalse(
                    self.env[model].with_context(active_test=False).search([(name, "=", "reject")])
                )

    def test_migration_runs_only_on_update(self):
        """A fresh install (no previous version) has nothing to rename."""
        script = load_migration("rma_factory", "18.0.1.1.0")
        restore_old_key(self.env, {"factory.rma.outcome": ("code",)}, "send_back", "reject")
        script.migrate(self.env.cr, None)
        self.env.invalidate_all()
        self.assertEqual(self.env.ref("rma_factory.outcome_send_back").code, "reject")
