import functools
import logging
import subprocess

from odoo import _, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.pdf import merge_pdf

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)


@functools.cache
def wkhtmltopdf_takes_one_input():
    """Whether wkhtmltopdf is a build against an unpatched Qt (Debian's).

    Such a build refuses more than one input document: it prints nothing and
    exits with code 1, which Odoo accepts. Builds with the patched Qt say so
    in their version string ("wkhtmltopdf 0.12.6 (with patched qt)")."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, TypeError, subprocess.SubprocessError):
        return False
    return bool(version) and "patched qt" not in version.lower()


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

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Odoo gives wkhtmltopdf one input document per record (per
        ``article``). With an unpatched build each document is converted on
        its own and the PDFs are merged: given them all at once it would
        print nothing. An empty result raises instead of being served as a
        0-byte PDF."""
        options = {
            "report_ref": report_ref,
            "header": header,
            "footer": footer,
            "landscape": landscape,
            "specific_paperformat_args": specific_paperformat_args,
            "set_viewport_size": set_viewport_size,
        }
        if len(bodies) > 1 and wkhtmltopdf_takes_one_input():
            pdfs = []
            for body in bodies:
                pdf = super()._run_wkhtmltopdf([body], **options)
                pdfs.append(self._rma_check_pdf_output(pdf, report_ref))
            return merge_pdf(pdfs)
        pdf = super()._run_wkhtmltopdf(bodies, **options)
        return self._rma_check_pdf_output(pdf, report_ref)

    def _rma_check_pdf_output(self, pdf, report_ref):
        if not pdf:
            _logger.warning("wkhtmltopdf produced an empty PDF (report %s)", report_ref)
            raise UserError(
                _(
                    "The PDF could not be created: wkhtmltopdf returned an empty file. "
                    "Its messages are in the server log."
                )
            )
        return pdf
