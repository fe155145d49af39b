from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRmaQualityDocument(models.AbstractModel):
    """What the quality documents (inspections, 8D reports) add to the core
    guard layer (``factory.rma.guard``: groups, states, workflow fields,
    locks): their content is locked in the closed states, except for the
    workflow's own writes; they are never deleted, only archived once
    cancelled."""

    _name = "factory.rma.quality.document"
    _inherit = "factory.rma.guard"
    _description = "RMA Quality Document"

    active = fields.Boolean(default=True)

    # ------------------------------------------------------------------
    # Content lock
    # ------------------------------------------------------------------
    def _closed_states(self):
        """States in which the whole content is fixed."""
        return ("cancelled",)

    def _locked_fields(self, state):
        """Fields a user can no longer change on a document in ``state``
        (the buttons still write their workflow fields). Empty: open."""
        if state in self._closed_states():
            return self._content_fields()
        return set()

    def _closed(self):
        return self.filtered(lambda d: d.state in d._closed_states())

    def _content_fields(self):
        """Every field a user edits on the document: stored or relational
        fields that are not the chatter's, the archive flag or the review
        meetings (added after closing too, see ``factory.rma.review``)."""
        chatter = set(self.env["mail.thread"]._fields) | set(
            self.env["mail.activity.mixin"]._fields
        )
        return {
            name
            for name, field in self._fields.items()
            if (field.store or field.type in ("one2many", "many2many"))
            and not field.related
            and name not in chatter
            and name not in models.MAGIC_COLUMNS
            and name not in ("active", "review_ids")
        }

    def _check_content_unlocked(self, names):
        """Refuse a user's change of ``names`` on a document whose state
        locks them."""
        if self.env.su:
            return
        names = set(names)
        for document in self:
            locked = sorted(names & document._locked_fields(document.state))
            if locked:
                labels = dict(document._fields["state"]._description_selection(self.env))
                raise UserError(
                    _(
                        "%(name)s is “%(state)s”: %(fields)s can no longer be changed.",
                        name=document.display_name,
                        state=labels.get(document.state, document.state),
                        fields=", ".join(
                            f"“{document._fields[name]._description_string(self.env)}”"
                            for name in locked
                        ),
                    )
                )

    def write(self, vals):
        self._check_content_unlocked(vals)
        if "active" in vals and not self.env.su:
            self._check_state(self._archivable_states(), _("Archiving or restoring"))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Archive instead of delete
    # ------------------------------------------------------------------
    def _archivable_states(self):
        return ("cancelled",)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self:
            raise UserError(
                _(
                    "%(model)s %(name)s is part of the quality records and cannot be deleted: "
                    "cancel it and archive it instead.",
                    model=self.env["ir.model"]._get(self._name).name,
                    name=self[0].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Rows of the document (defects, 8D actions, causes, plan)
    # ------------------------------------------------------------------
    def _rows_locked(self):
        """Documents of ``self`` whose rows (defects, actions, causes…) a
        user can no longer add, change or remove."""
        return self.filtered(lambda d: d._locked_fields(d.state))


class FactoryRmaQualityRow(models.AbstractModel):
    """A row of a quality document (defect of an inspection; action, cause
    or plan row of an 8D report): created, changed and removed only while
    its document is open; the workflow (superuser) writes them anyway."""

    _name = "factory.rma.quality.row"
    _description = "RMA Quality Document Row"

    #: the Many2one to the ``factory.rma.quality.document``
    _document_field = None

    def _check_document_open(self, documents):
        if self.env.su:
            return
        locked = documents.sudo()._rows_locked()
        if locked:
            document = locked[0]
            labels = dict(document._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(name)s is “%(state)s”: its %(rows)s can no longer be added, changed or "
                    "removed.",
                    name=document.display_name,
                    state=labels.get(document.state, document.state),
                    rows=self.env["ir.model"]._get(self._name).name,
                )
            )

    def _documents_of_vals(self, vals_list):
        ids = {vals[self._document_field] for vals in vals_list if vals.get(self._document_field)}
        return self.env[self._fields[self._document_field].comodel_name].browse(list(ids))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_document_open(self._documents_of_vals(vals_list))
        return super().create(vals_list)

    def write(self, vals):
        self._check_document_open(
            self.mapped(self._document_field) | self._documents_of_vals([vals])
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_document(self):
        self._check_document_open(self.mapped(self._document_field))
