import secrets

from werkzeug.urls import url_encode

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from .portal import RmaCustomerPortal


class RmaPortalRequest(RmaCustomerPortal):
    """The customer's own steps: filing a return request from a delivered
    order, and entering the return shipment once the return is approved.
    The controller reads the form; ``factory.rma`` checks the caller and
    every value (``_portal_create_request``,
    ``_portal_record_return_shipment``)."""

    # ------------------------------------------------------------------
    # Return request
    # ------------------------------------------------------------------
    @http.route(["/my/rma/new"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def portal_rma_request(self, order_id=None, **post):
        Rma = request.env["factory.rma"]
        values = {
            "page_name": "rma_request",
            "rma_errors": [],
            "rma_form": {},
            "rma_order": None,
            "rma_orders": None,
        }
        try:
            Rma._portal_requester()
        except AccessError as exc:
            values["rma_errors"] = [str(exc.args[0])]
            return request.render("rma_factory.portal_rma_request", values)
        order = None
        if order_id:
            try:
                # a second submission of the same form may find nothing left
                # to return: the creation tells it from the form's key
                order = Rma._portal_check_order(
                    self._rma_order(order_id),
                    returnable=request.httprequest.method != "POST",
                )
            except (AccessError, UserError) as exc:
                values["rma_errors"] = [str(exc.args[0])]
        if order and request.httprequest.method == "POST":
            response, errors = self._rma_submit_request(order, post)
            if response is not None:
                return response
            values["rma_errors"] = errors
            values["rma_form"] = post
        if order:
            values.update(self._rma_request_form_values(order))
        else:
            values["rma_orders"] = [
                {"id": o.id, "name": o.name, "date": o.date_order}
                for o in Rma._portal_orders_to_return()
            ]
        values.setdefault("request_key", secrets.token_urlsafe(16))
        if values["rma_form"].get("request_key"):
            values["request_key"] = values["rma_form"]["request_key"]
        return request.render("rma_factory.portal_rma_request", values)

    def _rma_order(self, order_id):
        try:
            return request.env["sale.order"].sudo().browse(int(order_id))
        except (TypeError, ValueError):
            return request.env["sale.order"].sudo()

    def _rma_request_files(self):
        """The uploaded files as (name, content); fields left empty by the
        browser are skipped."""
        files = []
        for upload in request.httprequest.files.getlist("attachments"):
            if not upload or not upload.filename:
                continue
            files.append((upload.filename, upload.read()))
        return files

    def _rma_submit_request(self, order, post):
        """Create the request and redirect to it; on any error return the
        errors for the form and leave nothing behind."""
        quantities = {
            key[len("qty_") :]: value for key, value in post.items() if key.startswith("qty_")
        }
        files = self._rma_request_files()
        try:
            with request.env.cr.savepoint():
                rma, created = request.env["factory.rma"]._portal_create_request(
                    order, quantities, post, files, request_key=post.get("request_key")
                )
        except (UserError, ValidationError, AccessError) as exc:
            errors = str(exc.args[0]).split("\n")
            if files:
                errors.append(_("Please select your files again."))
            return None, errors
        message = "request_received" if created else "request_already_received"
        return request.redirect(f"/my/rma/{rma.id}?{url_encode({'message': message})}"), []

    def _rma_request_form_values(self, order):
        Rma = request.env["factory.rma"]
        rows = Rma._portal_returnable_rows(order)
        max_files, max_mb, max_total_mb = Rma._portal_file_limits()
        return {
            "rma_order": {"id": order.id, "name": order.name, "date": order.date_order},
            "rma_rows": [
                {key: row[key] for key in ("key", "product", "lot_name", "date", "uom")}
                | {"returnable": row["returnable_label"]}
                for row in rows
            ],
            "reasons": [(r.id, r.name) for r in Rma._portal_reasons(order.company_id)],
            "outcomes": Rma._portal_outcome_options(),
            "return_methods": Rma._portal_return_method_options(),
            "file_types": Rma._portal_file_type_labels(),
            "file_help": _(
                "Accepted: %(types)s — at most %(files)s files, %(mb)s MB each, %(total)s MB in "
                "all.",
                types=Rma._portal_file_type_labels()["label"],
                files=max_files,
                mb=max_mb,
                total=max_total_mb,
            ),
        }

    # ------------------------------------------------------------------
    # The customer's return shipment
    # ------------------------------------------------------------------
    @http.route(
        ["/my/rma/<int:rma_id>/shipment"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_rma_shipment(self, rma_id, carrier=None, tracking_ref=None, access_token=None, **kw):
        try:
            rma_sudo = self._document_check_access("factory.rma", rma_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        rma = request.env["factory.rma"].browse(rma_sudo.id)
        try:
            with request.env.cr.savepoint():
                rma._portal_record_return_shipment(carrier, tracking_ref, access_token=access_token)
        except (AccessError, UserError) as exc:
            # the page again, with the message and what was typed
            return self._rma_page_response(
                rma_sudo,
                access_token,
                {
                    "shipment_error": str(exc.args[0]),
                    "shipment_form": {"carrier": carrier or "", "tracking_ref": tracking_ref or ""},
                },
            )
        query = {"message": "shipment_recorded"}
        if access_token:
            query["access_token"] = access_token
        return request.redirect(f"/my/rma/{rma_sudo.id}?{url_encode(query)}")
