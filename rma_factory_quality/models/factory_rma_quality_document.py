from odoo import _, models
from odoo.exceptions import AccessError, UserError


class FactoryRmaQualityDocument(models.AbstractModel):
    """Guards shared by the quality documents (inspections, 8D reports):
    group and state checks with translated messages, and a row lock so that
    a double click waits for the first one and then finds the new state."""

    _name = "factory.rma.quality.document"
    _description = "RMA Quality Document"

    def _check_group(self, xmlid, action_label):
        if self.env.su or self.env.user.has_group(xmlid):
            return
        raise AccessError(
            _(
                "Only members of “%(group)s” can %(action)s.",
                group=self.env.ref(xmlid).name,
                action=action_label,
            )
        )

    def _check_state(self, states, action_label):
        wrong = self.filtered(lambda r: r.state not in states)
        if wrong:
            raise UserError(
                _(
                    "%(action)s is not possible on %(name)s in state “%(state)s”.",
                    action=action_label,
                    name=wrong[0].name,
                    state=dict(wrong[0]._fields["state"]._description_selection(self.env))[
                        wrong[0].state
                    ],
                )
            )

    def _lock_for_update(self):
        if self.ids:
            self.env.cr.execute(
                f"SELECT id FROM {self._table} WHERE id IN %s FOR UPDATE",  # noqa: S608
                [tuple(self.ids)],
            )
            self.invalidate_recordset(["state"])
