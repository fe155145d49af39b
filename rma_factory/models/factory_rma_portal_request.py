import os

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from .factory_rma_customer_steps import qty_str

#: Outcomes a customer may wish for on the portal.
PORTAL_OUTCOMES = ("refund", "replace", "repair", "return_only")
#: Longest description the portal accepts.
DESCRIPTION_SIZE = 5000


def _zip_of(mimetype):
    """Office documents are zip files: Odoo's sniffer tells which one."""
    return lambda data: guess_mimetype(data) == mimetype


#: Files the customer may attach: extension -> (mimetype, check of the
#: content's signature). Photos, videos and documents; nothing a browser
#: would run (HTML, SVG) and nothing executable.
PORTAL_FILE_TYPES = {
    "jpg": ("image/jpeg", lambda d: d[:3] == b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", lambda d: d[:3] == b"\xff\xd8\xff"),
    "png": ("image/png", lambda d: d[:8] == b"\x89PNG\r\n\x1a\n"),
    "gif": ("image/gif", lambda d: d[:6] in (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP"),
    "mp4": ("video/mp4", lambda d: d[4:8] == b"ftyp"),
    "mov": ("video/quicktime", lambda d: d[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")),
    "webm": ("video/webm", lambda d: d[:4] == b"\x1a\x45\xdf\xa3"),
    "pdf": ("application/pdf", lambda d: d[:5] == b"%PDF-"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_of("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ),
}


class FactoryRma(models.Model):
    """Return requests filed by the customer on the portal (AS-28, CHAN-01).

    A portal user of the customer picks delivered lines and lots of one of
    its sale orders with the quantity still returnable, a reason, the wished
    outcome, the return method, a description and photos, videos or
    documents. Everything is checked here, whoever calls it; the request
    then becomes, as superuser, what the customer is entitled to cause and
    nothing more: a draft RMA of its own commercial partner for its own
    delivered lines (channel "portal"), the files on the RMA, an activity
    for customer service and the acknowledgement to the customer.
    """

    _inherit = "factory.rma"

    portal_request_key = fields.Char(
        copy=False,
        index="btree_not_null",
        help="Key of the portal form that created the RMA: the same form submitted twice "
        "creates one RMA.",
        groups="base.group_user",
    )

    def _workflow_fields(self):
        return super()._workflow_fields() | {"portal_request_key"}

    # ------------------------------------------------------------------
    # Who may ask, for which order
    # ------------------------------------------------------------------
    @api.model
    def _portal_requester(self):
        """The portal user asking, refused to internal and public users."""
        user = self.env.user
        if not user.share or user._is_public():
            raise AccessError(
                _(
                    "Return requests are filed by customers on the portal; internal users "
                    "create RMAs in the back office."
                )
            )
        return user

    @api.model
    def _portal_check_order(self, order, returnable=True):
        """The order belongs to the portal user's customer (another
        customer's order and a missing one get the same refusal, so that
        they stay unknown) and, with ``returnable``, has delivered goods
        left to return. Returns the order as superuser."""
        user = self._portal_requester()
        order = order.sudo()
        if (
            not order.exists()
            or order.partner_id.commercial_partner_id != user.partner_id.commercial_partner_id
        ):
            raise AccessError(_("This order cannot be returned from your account."))
        if returnable and (order.state != "sale" or not self._portal_returnable_rows(order)):
            raise UserError(_("%s has no delivered goods left to return.", order.name))
        return order

    @api.model
    def _portal_orders_to_return(self, limit=50):
        """The portal user's confirmed orders with delivered goods left to
        return, newest first (as superuser: sale orders of every company
        the customer buys from)."""
        user = self._portal_requester()
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        user.partner_id.commercial_partner_id.id,
                    ),
                    ("state", "=", "sale"),
                    ("picking_ids.state", "=", "done"),
                ],
                order="date_order desc, id desc",
                limit=limit,
            )
        )
        return orders.filtered(lambda o: self._portal_returnable_rows(o))

    @api.model
    def _portal_returnable_rows(self, order):
        """Delivered lots of ``order`` a new request may return, as the form
        shows them: [{key, move, lot, product, lot_name, date, returnable,
        returnable_label, uom}]."""
        Line = self.env["factory.rma.line"]
        rows = []
        moves = order.sudo().order_line.move_ids._rma_returnable_deliveries()
        for move in moves.sorted(lambda m: (m.date, m.id)):
            for lot, qty in Line._returnable_by_lot(move).items():
                uom = move.product_id.uom_id
                rows.append(
                    {
                        "key": f"{move.id}-{lot.id or 0}",
                        "move": move,
                        "lot": lot,
                        "product": move.product_id.display_name,
                        "lot_name": lot.name or "",
                        "date": move.date,
                        "returnable": qty,
                        "returnable_label": qty_str(qty, uom),
                        "uom": uom.name,
                    }
                )
        return rows

    @api.model
    def _portal_reasons(self, company):
        return (
            self.env["factory.rma.reason"]
            .sudo()
            .search([("company_id", "in", (False, company.id))])
        )

    @api.model
    def _portal_outcome_options(self):
        labels = dict(
            self.env["factory.rma.line"]
            ._fields["requested_outcome"]
            ._description_selection(self.env)
        )
        return [(code, labels[code]) for code in PORTAL_OUTCOMES]

    @api.model
    def _portal_return_method_options(self):
        return self._fields["return_method"]._description_selection(self.env)

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    @api.model
    def _portal_file_limits(self):
        """(files, MB per file, MB in all) the portal accepts; system
        parameters ``rma_factory.portal_max_files``,
        ``rma_factory.portal_max_file_mb`` and ``rma_factory.portal_max_total_mb``."""
        params = self.env["ir.config_parameter"].sudo()

        def param(name, default):
            try:
                return max(int(params.get_param(name, default)), 1)
            except ValueError:
                return default

        return (
            param("rma_factory.portal_max_files", 10),
            param("rma_factory.portal_max_file_mb", 20),
            param("rma_factory.portal_max_total_mb", 50),
        )

    @api.model
    def _portal_file_type_labels(self):
        """The accepted types as the form lists them, and its ``accept``."""
        extensions = sorted(PORTAL_FILE_TYPES)
        return {
            "label": ", ".join(ext.upper() for ext in extensions),
            "accept": ",".join(f".{ext}" for ext in extensions),
        }

    @api.model
    def _portal_file_errors(self, files):
        """What is wrong with ``files`` [(file name, content)]: types are
        checked by extension and by the signature of the content, sizes
        against the limits."""
        max_files, max_mb, max_total_mb = self._portal_file_limits()
        errors = []
        if len(files) > max_files:
            errors.append(_("Attach at most %s files.", max_files))
        total = 0
        for name, data in files:
            extension = os.path.splitext(name or "")[1].lower().lstrip(".")
            total += len(data)
            if extension not in PORTAL_FILE_TYPES:
                errors.append(
                    _(
                        "%(file)s: this type of file is not accepted (accepted: %(types)s).",
                        file=name,
                        types=", ".join(sorted(PORTAL_FILE_TYPES)),
                    )
                )
            elif not data:
                errors.append(_("%s is empty.", name))
            elif len(data) > max_mb * 1024 * 1024:
                errors.append(_("%(file)s is larger than %(size)s MB.", file=name, size=max_mb))
            elif not PORTAL_FILE_TYPES[extension][1](data):
                errors.append(
                    _(
                        "%(file)s is not a %(type)s file.",
                        file=name,
                        type=extension.upper(),
                    )
                )
        if total > max_total_mb * 1024 * 1024:
            errors.append(_("The files together are larger than %s MB.", max_total_mb))
        return errors

    # ------------------------------------------------------------------
    # The request
    # ------------------------------------------------------------------
    @api.model
    def _portal_parse_quantities(self, rows, quantities):
        """{row key: quantity} of the rows the customer returns, and the
        errors: an entered quantity must be a positive number within the
        returnable quantity; an empty field means "not returned"."""
        errors = []
        chosen = {}
        by_key = {row["key"]: row for row in rows}
        for key, raw in quantities.items():
            raw = (raw or "").strip()
            if not raw:
                continue
            row = by_key.get(key)
            if not row:
                errors.append(_("A product line of the form is not part of this order."))
                continue
            label = f"{row['product']} {row['lot_name']}".strip()
            try:
                qty = float(raw.replace(",", "."))
            except ValueError:
                errors.append(
                    _("%(product)s: “%(qty)s” is not a quantity.", product=label, qty=raw)
                )
                continue
            rounding = row["move"].product_id.uom_id.rounding
            if qty != qty or float_compare(qty, 0.0, precision_rounding=rounding) <= 0:
                errors.append(_("%s: the quantity must be more than zero.", label))
            elif float_compare(qty, row["returnable"], precision_rounding=rounding) > 0:
                errors.append(
                    _(
                        "%(product)s: you can return at most %(max)s %(uom)s (delivered and "
                        "not yet on a return).",
                        product=label,
                        max=row["returnable_label"],
                        uom=row["uom"],
                    )
                )
            else:
                chosen[key] = qty
        if not chosen and not errors:
            errors.append(_("Enter the quantity of at least one product to return."))
        return chosen, errors

    @api.model
    def _portal_request_errors(self, order, values):
        """Errors of the request's other fields: reason, wished outcome,
        return method, description."""
        errors = []
        reason = self._portal_reasons(order.company_id).filtered(
            lambda r: str(r.id) == str(values.get("reason_id") or "")
        )
        outcome = values.get("requested_outcome")
        if not reason:
            errors.append(_("Choose the reason of the return."))
        if outcome not in PORTAL_OUTCOMES:
            errors.append(_("Choose what you wish: refund, replacement, repair or return only."))
        elif reason and not reason._allows_outcome(outcome):
            errors.append(
                _(
                    "“%(outcome)s” is not possible for the reason “%(reason)s”.",
                    outcome=dict(self._portal_outcome_options())[outcome],
                    reason=reason.name,
                )
            )
        if values.get("return_method") not in dict(self._portal_return_method_options()):
            errors.append(_("Choose how the goods come back."))
        description = (values.get("description") or "").strip()
        if not description:
            errors.append(_("Describe the problem."))
        elif len(description) > DESCRIPTION_SIZE:
            errors.append(_("The description has at most %s characters.", DESCRIPTION_SIZE))
        return errors

    @api.model
    def _portal_create_request(self, order, quantities, values, files, request_key=None):
        """File a return request for ``order`` from the portal. Returns
        ``(rma, created)``: the draft RMA, and False when the same form was
        already submitted (``request_key``). Any error raises with every
        problem found, and nothing is created."""
        order = self._portal_check_order(order, returnable=False)
        customer = self.env.user.partner_id.commercial_partner_id
        # two submissions of the same form run one after the other: the
        # second one finds the RMA of the first
        self._serialize_on(order)
        if request_key:
            done = self.sudo().search(
                [
                    ("portal_request_key", "=", request_key),
                    ("commercial_partner_id", "=", customer.id),
                ],
                limit=1,
            )
            if done:
                return done.with_env(self.env), False
        self._portal_check_order(order)
        rows = self._portal_returnable_rows(order)
        chosen, errors = self._portal_parse_quantities(rows, quantities)
        errors += self._portal_request_errors(order, values)
        errors += self._portal_file_errors(files)
        if errors:
            raise UserError("\n".join(errors))
        rma = (
            self.sudo()
            .with_company(order.company_id)
            .create(self._portal_prepare_request_vals(order, rows, chosen, values, request_key))
        )
        rma._portal_attach_request_files(files, values)
        rma._portal_schedule_request_activity()
        rma._record_customer_step("request")
        return rma.with_env(self.env), True

    @api.model
    def _portal_prepare_request_vals(self, order, rows, chosen, values, request_key):
        """Values of the draft RMA of a portal request."""
        user = self.env.user
        by_key = {row["key"]: row for row in rows}
        description = (values.get("description") or "").strip()
        line_vals = []
        for key, qty in chosen.items():
            row = by_key[key]
            move = row["move"]
            line_vals.append(
                {
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_id.uom_id.id,
                    "move_id": move.id,
                    "sale_line_id": move.sale_line_id.id,
                    "lot_id": row["lot"].id,
                    "quantity": qty,
                    "reason_id": int(values["reason_id"]),
                    "requested_outcome": values["requested_outcome"],
                    "description": description,
                }
            )
        pickings = (
            self.env["stock.move"].browse([by_key[key]["move"].id for key in chosen]).picking_id
        )
        return {
            "partner_id": order.partner_id.id,
            "partner_contact_id": user.partner_id.id
            if user.partner_id != order.partner_id
            else False,
            "company_id": order.company_id.id,
            "sale_order_id": order.id,
            "picking_id": pickings.id if len(pickings) == 1 else False,
            "warehouse_id": order.warehouse_id.id,
            "channel": "portal",
            "rma_type": "return",
            "return_method": values["return_method"],
            "description": plaintext2html(description),
            "user_id": self._portal_request_responsible(order).id,
            "date_request": fields.Date.context_today(self),
            "portal_request_key": request_key or False,
            "line_ids": [Command.create(vals) for vals in line_vals],
        }

    @api.model
    def _portal_request_responsible(self, order):
        """Customer service of the request: the order's salesperson when he
        handles RMAs in its company, else the first RMA user there."""
        group = self.env.ref("rma_factory.group_rma_user")
        company = order.company_id

        def handles(user):
            return (
                user.active
                and not user.share
                and group in user.groups_id
                and company in user.company_ids
            )

        salesperson = order.user_id.sudo()
        if salesperson and handles(salesperson):
            return salesperson
        return group.sudo().users.filtered(handles).sorted("id")[:1]

    def _portal_attach_request_files(self, files, values):
        """The customer's files on the RMA, in a message of the customer
        with its description."""
        self.ensure_one()
        attachments = self.env["ir.attachment"].sudo()
        for name, data in files:
            extension = os.path.splitext(name)[1].lower().lstrip(".")
            attachments |= attachments.create(
                {
                    "name": os.path.basename(name),
                    "raw": data,
                    "mimetype": PORTAL_FILE_TYPES[extension][0],
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        body = Markup("<p>%s</p>%s") % (
            _("Return request filed on the portal."),
            plaintext2html((values.get("description") or "").strip()),
        )
        self.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.env.user.partner_id.id,
            attachment_ids=attachments.ids,
        )

    def _portal_schedule_request_activity(self):
        """Customer service reviews the request: complete it (eligibility,
        conditions) and submit it."""
        self.ensure_one()
        rma = self.sudo()
        if not rma.user_id:
            return
        rma.activity_schedule(
            activity_type_id=self.env.ref("mail.mail_activity_data_todo").id,
            user_id=rma.user_id.id,
            summary=rma._in_lang_of(rma.user_id).env._(
                "Review the return request filed on the portal"
            ),
        )
