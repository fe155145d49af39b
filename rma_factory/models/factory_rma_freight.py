from odoo import api, fields, models


class FactoryRma(models.Model):
    """How the goods come back and who pays the freight."""

    _inherit = "factory.rma"

    return_method = fields.Selection(
        [
            ("courier", "Courier"),
            ("pickup", "Company pick-up"),
            ("drop_off", "Customer drop-off"),
        ],
        default="courier",
        groups="base.group_user",
    )
    freight_payer = fields.Selection(
        [
            ("company", "Company"),
            ("customer", "Customer"),
            ("split", "Split"),
            ("dealer", "Dealer"),
            ("carrier", "Carrier"),
        ],
        compute="_compute_freight_payer",
        store=True,
        readonly=False,
        tracking=True,
        help="Default from the policy by reason category (quality returns split 50/50 per the "
        "seeds), then by the judged responsibility (dealer, customer or carrier pays).",
        groups="base.group_user",
    )
    freight_split_percent = fields.Float(
        "Customer Freight Share (%)",
        compute="_compute_freight_payer",
        store=True,
        readonly=False,
        groups="base.group_user",
    )
    expected_arrival_date = fields.Date(
        help="Pick-up and drop-off are pre-notified: when the goods are expected.",
        groups="base.group_user",
    )
    pickup_place = fields.Char("Pick-up / Arrival Place", groups="base.group_user")

    @api.depends("policy_id", "line_ids.reason_id.category", "line_ids.responsibility")
    def _compute_freight_payer(self):
        """Who pays the return freight (RESP-18): the policy's default for
        the reason category, replaced by the judged external party."""
        for rma in self:
            policy = rma.policy_id
            categories = set(rma.line_ids.reason_id.mapped("category"))
            payer = (
                policy.freight_payer_quality
                if "quality" in categories
                else policy.freight_payer_non_quality
            ) or "company"
            external = set(rma.line_ids.mapped("responsibility")) - {False}
            if external and external <= {"dealer"}:
                payer = "dealer"
            elif external and external <= {"customer", "dealer"}:
                payer = "customer"
            elif external and external <= {"carrier"}:
                payer = "carrier"
            rma.freight_payer = payer
            if payer == "split":
                rma.freight_split_percent = policy.freight_split_percent
