from odoo import _, models
from odoo.exceptions import AccessError


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _check_rma_report_access(self, report_ref):
        """Reports of the RMA documents are printed only by the groups of
        the report (internal users): ``/report/pdf/...`` does not check a
        report's groups, so a portal user could otherwise render any of them
        on the RMAs it can read. The customer downloads its documents from
        the portal, whose controller checks the access and renders them as
        superuser."""
        if self.env.su:
            return
        report = self._get_report(report_ref)
        if not report.model or not report.model.startswith("factory.rma") or not report.groups_id:
            return
        if not report.groups_id & self.env.user.groups_id:
            raise AccessError(_("You are not allowed to print “%s”.", report.name))

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        self._check_rma_report_access(report_ref)
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_html(self, report_ref, docids, data=None):
        self._check_rma_report_access(report_ref)
        return super()._render_qweb_html(report_ref, docids, data=data)

    def _render_qweb_text(self, report_ref, docids, data=None):
        self._check_rma_report_access(report_ref)
        return super()._render_qweb_text(report_ref, docids, data=data)
