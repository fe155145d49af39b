from odoo import _, api, fields, models
from odoo.tools import SQL


class FactoryRmaMatching(models.Model):
    """Daily matching report (每日配对核销, ACC-09/10): one row per RMA line
    with what came back, what was credited, replaced, repaired and returned,
    the credited amount against the amount invoiced for the same quantity,
    and the mismatches an accountant has to clear."""

    _name = "factory.rma.matching"
    _description = "RMA Matching Report"
    _auto = False
    _order = "date desc, rma_id desc, id"
    _rec_name = "rma_line_id"
    # What the view reads: Odoo flushes these fields (pending computations
    # included) before it is queried.
    _depends = {
        "factory.rma.line": [
            "rma_id",
            "product_id",
            "sale_line_id",
            "invoice_line_id",
            "credit_origin_line_ids",
            "decided_outcome",
            "concession_amount",
            "qty_received",
            "qty_credited",
            "qty_not_invoiced",
            "qty_replaced",
            "qty_repaired",
            "qty_returned",
            "qty_to_credit",
            "credit_not_invoiced",
        ],
        "factory.rma": [
            "company_id",
            "commercial_partner_id",
            "date_received",
            "create_date",
            "rma_type",
            "state",
        ],
        "res.company": ["currency_id"],
        "account.move": ["move_type", "state", "amount_residual"],
        "account.move.line": [
            "move_id",
            "balance",
            "quantity",
            "display_type",
            "rma_line_id",
            "rma_origin_line_id",
            "rma_charge_type",
            "sale_line_ids",
        ],
    }

    rma_line_id = fields.Many2one("factory.rma.line", "RMA Line", readonly=True)
    rma_id = fields.Many2one("factory.rma", "RMA", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    date = fields.Date(readonly=True, help="Date the goods were received.")
    decided_outcome = fields.Selection(
        related="rma_line_id.decided_outcome", string="Outcome", readonly=True
    )
    qty_received = fields.Float("Received", digits="Product Unit of Measure", readonly=True)
    qty_credited = fields.Float("Credited", digits="Product Unit of Measure", readonly=True)
    qty_replaced = fields.Float("Replaced", digits="Product Unit of Measure", readonly=True)
    qty_repaired = fields.Float("Repaired", digits="Product Unit of Measure", readonly=True)
    qty_returned = fields.Float(
        "Returned to Customer", digits="Product Unit of Measure", readonly=True
    )
    qty_not_invoiced = fields.Float(
        "Never Invoiced", digits="Product Unit of Measure", readonly=True
    )
    qty_difference = fields.Float(
        "Quantity Difference",
        digits="Product Unit of Measure",
        readonly=True,
        help="Received minus credited and never invoiced, for lines that are credited.",
    )
    amount_credited = fields.Monetary("Credited Amount", readonly=True)
    amount_invoiced = fields.Monetary(
        "Invoiced Amount", readonly=True, help="Original invoice amount of the credited quantity."
    )
    price_difference = fields.Monetary(
        "Price Difference (unit)",
        readonly=True,
        help="Invoiced minus credited amount per credited unit.",
    )
    amount_concession = fields.Monetary(
        "Concession Credited",
        readonly=True,
        help="Amount credited for a concession (discount in lieu of a return).",
    )
    concession_not_credited = fields.Boolean(
        "Concession, Not Credited",
        readonly=True,
        help="A concession was granted but no posted credit note carries it.",
    )
    not_credited = fields.Boolean("Received, Not Credited", readonly=True)
    credited_not_received = fields.Boolean("Credited, Not Received", readonly=True)
    qty_mismatch = fields.Boolean("Quantity Difference Flag", readonly=True)
    price_mismatch = fields.Boolean("Price Difference Flag", readonly=True)
    unreconciled = fields.Boolean("Unreconciled Credit Note", readonly=True)
    has_mismatch = fields.Boolean("Mismatch", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH base AS (
                SELECT
                    l.id AS id,
                    l.id AS rma_line_id,
                    l.rma_id AS rma_id,
                    r.company_id AS company_id,
                    c.currency_id AS currency_id,
                    r.commercial_partner_id AS partner_id,
                    l.product_id AS product_id,
                    COALESCE(r.date_received, r.create_date)::date AS date,
                    l.qty_received AS qty_received,
                    COALESCE(l.qty_credited, 0.0) AS qty_credited,
                    COALESCE(l.qty_not_invoiced, 0.0) AS qty_not_invoiced,
                    l.qty_replaced AS qty_replaced,
                    l.qty_repaired AS qty_repaired,
                    l.qty_returned AS qty_returned,
                    COALESCE(cr.amount_credited, 0.0) AS amount_credited,
                    COALESCE(cr.amount_invoiced, 0.0) AS amount_invoiced,
                    COALESCE(cr.unreconciled, FALSE) OR COALESCE(cc.unreconciled, FALSE)
                        AS unreconciled,
                    COALESCE(cc.amount_concession, 0.0) AS amount_concession,
                    (
                        l.decided_outcome = 'concession'
                        AND r.rma_type = 'complaint'
                        AND COALESCE(l.concession_amount, 0.0) > 0
                        AND cc.amount_concession IS NULL
                    ) AS concession_not_credited,
                    (
                        COALESCE(l.qty_to_credit, 0.0) > 0
                        AND NOT COALESCE(l.credit_not_invoiced, FALSE)
                        AND (
                            l.invoice_line_id IS NOT NULL
                            OR EXISTS (
                                SELECT 1 FROM factory_rma_line_credit_origin_rel o
                                WHERE o.rma_line_id = l.id
                            )
                            OR EXISTS (
                                SELECT 1
                                FROM sale_order_line_invoice_rel rel
                                JOIN account_move_line il ON il.id = rel.invoice_line_id
                                JOIN account_move im ON im.id = il.move_id
                                WHERE rel.order_line_id = l.sale_line_id
                                AND im.move_type = 'out_invoice'
                                AND im.state = 'posted'
                            )
                        )
                    ) AS to_credit
                FROM factory_rma_line l
                JOIN factory_rma r ON r.id = l.rma_id
                JOIN res_company c ON c.id = r.company_id
                LEFT JOIN LATERAL (
                    SELECT
                        SUM(cl.balance) AS amount_credited,
                        SUM(-il.balance / NULLIF(il.quantity, 0.0) * cl.quantity)
                            AS amount_invoiced,
                        BOOL_OR(ABS(m.amount_residual) > 0.005) AS unreconciled
                    FROM account_move_line cl
                    JOIN account_move m ON m.id = cl.move_id
                    LEFT JOIN account_move_line il ON il.id = cl.rma_origin_line_id
                    WHERE cl.rma_line_id = l.id
                    AND m.move_type = 'out_refund'
                    AND m.state = 'posted'
                    AND cl.display_type = 'product'
                    AND cl.rma_charge_type IS NULL
                ) cr ON TRUE
                LEFT JOIN LATERAL (
                    SELECT
                        SUM(cl.balance) AS amount_concession,
                        BOOL_OR(ABS(m.amount_residual) > 0.005) AS unreconciled
                    FROM account_move_line cl
                    JOIN account_move m ON m.id = cl.move_id
                    WHERE cl.rma_line_id = l.id
                    AND m.move_type = 'out_refund'
                    AND m.state = 'posted'
                    AND cl.rma_charge_type = 'concession'
                ) cc ON TRUE
                WHERE r.state NOT IN ('draft', 'cancelled', 'rejected')
            )
            SELECT
                base.*,
                CASE WHEN base.qty_credited > 0
                    THEN base.qty_received - base.qty_credited - base.qty_not_invoiced
                    ELSE 0.0 END AS qty_difference,
                CASE WHEN base.qty_credited > 0
                    THEN ROUND(
                        ((base.amount_invoiced - base.amount_credited)
                            / base.qty_credited)::numeric,
                        2
                    ) ELSE 0.0 END AS price_difference,
                (base.to_credit AND base.qty_credited = 0) AS not_credited,
                (base.qty_credited > base.qty_received) AS credited_not_received,
                (
                    base.qty_credited > 0
                    AND ABS(base.qty_credited + base.qty_not_invoiced - base.qty_received)
                        > 0.00001
                ) AS qty_mismatch,
                (base.qty_credited > 0 AND ABS(base.amount_invoiced - base.amount_credited) > 0.005)
                    AS price_mismatch,
                (
                    (base.to_credit AND base.qty_credited = 0)
                    OR (
                        base.qty_credited > 0
                        AND ABS(base.qty_credited + base.qty_not_invoiced - base.qty_received)
                            > 0.00001
                    )
                    OR (base.qty_credited > 0
                        AND ABS(base.amount_invoiced - base.amount_credited) > 0.005)
                    OR base.unreconciled
                    OR base.concession_not_credited
                ) AS has_mismatch
            FROM base
            """
        )

    def _mismatch_reasons(self):
        """Translated, human reasons of a row's mismatch (mail and PDF)."""
        self.ensure_one()
        reasons = []
        if self.not_credited:
            reasons.append(_("received %s, not credited", self.qty_received))
        if self.credited_not_received:
            reasons.append(_("credited more than received"))
        if self.qty_mismatch:
            reasons.append(_("quantity difference %s", self.qty_difference))
        if self.price_mismatch:
            reasons.append(_("price difference %s / unit", self.price_difference))
        if self.concession_not_credited:
            reasons.append(_("concession not credited"))
        if self.unreconciled:
            reasons.append(_("credit note not reconciled"))
        return ", ".join(reasons)

    @api.model
    def _accountants(self, company):
        """Who receives the daily mismatch mail: the company's invoicing users."""
        group = self.env.ref("account.group_account_invoice")
        return group.users.filtered(
            lambda u: not u.share and company in u.company_ids and u.partner_id.email
        )

    @api.model
    def _cron_mail_mismatches(self):
        """Daily: mail each company's accountants the open mismatches, one
        mail per language they read; no mail on a day without any. Each
        company in its own savepoint: one that fails is logged and the
        others still get their mail."""
        rows = self.search([("has_mismatch", "=", True)])
        mails = self.env["mail.mail"]

        def mail_company(company):
            nonlocal mails
            company_rows = rows.filtered(lambda r: r.company_id == company)
            accountants = self._accountants(company)
            for lang in set(accountants.mapped("lang")):
                recipients = accountants.filtered(lambda u, lang=lang: u.lang == lang)
                mails |= (
                    self.env["mail.mail"]
                    .sudo()
                    .create(
                        company_rows.with_context(lang=lang)._prepare_mismatch_mail_vals(
                            company, recipients
                        )
                    )
                )

        self.env["factory.rma"]._cron_run_each(
            rows.company_id, mail_company, "RMA matching mismatch mail"
        )
        return mails

    def _prepare_mismatch_mail_vals(self, company, recipients):
        body = self.env["ir.qweb"]._render(
            "rma_factory_account.factory_rma_matching_mail_body", {"rows": self}
        )
        return {
            "subject": _(
                "%(company)s: %(count)s RMA matching mismatches on %(date)s",
                company=company.name,
                count=len(self),
                date=fields.Date.context_today(self),
            ),
            "body_html": body,
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "recipient_ids": [fields.Command.set(recipients.partner_id.ids)],
            "auto_delete": False,
        }
