# Copyright 2026 RMA Factory
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class RmaCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # /my/home counter
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "rma_count" in counters:
            Rma = request.env["factory.rma"]
            values["rma_count"] = (
                Rma.search_count(self._prepare_rmas_domain(request.env.user.partner_id))
                if Rma.has_access("read")
                else 0
            )
        return values

    def _prepare_rmas_domain(self, partner):
        return [("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    def _get_rma_searchbar_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "date_request desc, id desc"},
            "name": {"label": _("Reference"), "order": "name desc, id desc"},
        }

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------
    @http.route(["/my/rmas", "/my/rmas/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_rmas(self, page=1, sortby=None, **kw):
        Rma = request.env["factory.rma"]
        values = self._prepare_portal_layout_values()
        domain = self._prepare_rmas_domain(request.env.user.partner_id)
        searchbar_sortings = self._get_rma_searchbar_sortings()
        if sortby not in searchbar_sortings:
            sortby = "date"
        order = searchbar_sortings[sortby]["order"]
        total = Rma.search_count(domain) if Rma.has_access("read") else 0
        pager = portal_pager(
            url="/my/rmas",
            total=total,
            page=page,
            step=self._items_per_page,
            url_args={"sortby": sortby},
        )
        if total:
            rmas = Rma.search(
                domain, order=order, limit=self._items_per_page, offset=pager["offset"]
            )
        else:
            rmas = Rma
        request.session["my_rmas_history"] = rmas.ids[:100]
        values.update(
            {
                "rmas": rmas.sudo(),
                "page_name": "rma",
                "pager": pager,
                "default_url": "/my/rmas",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("rma_factory.portal_my_rmas", values)

    # ------------------------------------------------------------------
    # Detail and PDF downloads
    # ------------------------------------------------------------------

    @http.route(["/my/rma/<int:rma_id>"], type="http", auth="public", website=True)
    def portal_rma_page(
        self,
        rma_id,
        report_type=None,
        report=None,
        access_token=None,
        message=False,
        download=False,
        **kw,
    ):
        try:
            rma_sudo = self._document_check_access("factory.rma", rma_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")

        documents = rma_sudo._portal_documents()
        if report_type in ("html", "pdf"):
            report = report or "authorisation"
            if report not in documents:
                return request.redirect(rma_sudo.get_portal_url(query_string="&message=no_report"))
            _label, report_ref, records, filename = documents[report]
            response = self._show_report(
                model=records.sudo(), report_type=report_type, report_ref=report_ref
            )
            if report_type == "pdf" and download:
                response.headers["Content-Disposition"] = content_disposition(f"{filename}.pdf")
            return response

        return self._rma_page_response(rma_sudo, access_token, {"message": message}, **kw)

    def _rma_page_response(self, rma_sudo, access_token, extra_values, **kw):
        """The page of the RMA for its customer: whitelisted values only."""
        documents = rma_sudo._portal_documents()
        values = {
            "rma": rma_sudo,
            # the lines, the reply, the instructions and the timeline as
            # whitelisted values, not records
            "rma_lines": rma_sudo._portal_line_values(),
            "rma_reply": rma_sudo._portal_reply_values() if rma_sudo.reply_state else {},
            "rma_instructions": rma_sudo._portal_return_instructions(),
            "rma_timeline": rma_sudo._portal_timeline_values(),
            "rma_documents": [(key, doc[0]) for key, doc in documents.items()],
            "is_internal_user": request.env.user._is_internal(),
            "message": False,
            "page_name": "rma",
            "report_type": "html",
            "authorisation_available": "authorisation" in documents,
            "reply_available": "reply" in documents,
            "received_available": "received" in documents,
            "res_company": rma_sudo.company_id,
            **extra_values,
        }
        # The portal chatter posts with the token: a logged-in customer
        # reads the RMA through the record rule but has no write access.
        values = self._get_page_view_values(
            rma_sudo,
            access_token or rma_sudo._portal_ensure_token(),
            values,
            "my_rmas_history",
            False,
            **kw,
        )
        return request.render("rma_factory.portal_rma_page", values)

    # ------------------------------------------------------------------
    # The customer's answer to the reply report
    # ------------------------------------------------------------------
    @http.route(
        ["/my/rma/<int:rma_id>/reply"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_rma_reply(self, rma_id, decision=None, access_token=None, **kw):
        """The customer's answer: served to the customer only (a portal user
        of the RMA's commercial partner or the holder of its access token);
        ``_portal_record_reply`` checks the caller again and refuses
        internal users, who use the buttons of the RMA form."""
        try:
            rma_sudo = self._document_check_access("factory.rma", rma_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        rma = request.env["factory.rma"].browse(rma_sudo.id)
        if decision not in ("accept", "reject"):
            message = "reply_error"
        else:
            try:
                # a refusal leaves nothing half-written
                with request.env.cr.savepoint():
                    rma._portal_record_reply(decision == "accept", access_token=access_token)
                message = "reply_accepted" if decision == "accept" else "reply_rejected"
            except AccessError:
                message = "reply_internal" if request.env.user._is_internal() else "reply_refused"
            except UserError:
                message = "reply_error"
        query = {"message": message}
        if access_token:
            query["access_token"] = access_token
        return request.redirect(f"/my/rma/{rma_sudo.id}?{url_encode(query)}")
