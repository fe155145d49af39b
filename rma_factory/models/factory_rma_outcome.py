from odoo import fields, models

OUTCOMES = [
    ("refund", "Refund"),
    ("replace", "Replace"),
    ("repair", "Repair"),
    ("return_only", "Return only (no replacement)"),
    ("send_back", "Send back as is"),
    ("scrap", "Scrap"),
    ("sell_off", "Sell off"),
    ("concession", "Discount / concession (no return)"),
]

#: outcomes whose received quantity is credited to the customer and
#: therefore lowers the sale order's delivered quantity.
CREDIT_OUTCOMES = ("refund", "return_only")

#: outcomes that need the RMA Approver (general manager) before they run.
APPROVER_OUTCOMES = ("scrap", "sell_off")

DESTINATIONS = [
    ("stock", "Stock (resaleable)"),
    ("defective", "Defective store"),
    ("slow_moving", "Slow-moving store"),
    ("scrap", "Scrap"),
    ("customer", "Back to the customer"),
]

#: goods destination proposed for each outcome.
DEFAULT_DESTINATION = {
    "refund": "defective",
    "replace": "defective",
    "repair": "customer",
    "return_only": "slow_moving",
    "send_back": "customer",
    "scrap": "scrap",
    "sell_off": "defective",
    "concession": False,
}

#: who caused the problem, from the responsibility judgement (RESP-01..04,
#: RESP-17, RESP-06). The first five are the company's own; logistics is
#: the shipping side (a shortage in an intact parcel, 004 §l ②).
RESPONSIBILITIES = [
    ("production", "Production"),
    ("quality_escape", "Quality escape (missed inspection)"),
    ("process", "Process / engineering"),
    ("logistics", "Logistics / packing"),
    ("supplier", "Supplier (raw material)"),
    ("carrier", "Carrier"),
    ("dealer", "Dealer (storage, handling, installation)"),
    ("customer", "Customer misuse"),
    ("force_majeure", "Force majeure"),
]
COMPANY_RESPONSIBILITIES = ("production", "quality_escape", "process", "logistics", "supplier")

#: responsibilities whose service is charged (收费) unless the policy
#: makes customer-caused repairs free.
CHARGED_RESPONSIBILITIES = ("dealer", "customer")

SERVICE_CHARGES = [
    ("free", "Free (免费)"),
    ("charged", "Charged (收费)"),
]

#: RMA types (DESIGN, Decisions): each has its own flow rules.
RMA_TYPES = [
    ("return", "Return"),
    ("shortage", "Shortage / carrier damage"),
    ("complaint", "Complaint only"),
    ("spare_part", "Spare part first"),
    ("advance_replacement", "Advance replacement (deposit)"),
]
#: types where no goods come back.
NO_GOODS_TYPES = ("shortage", "complaint")
#: types whose replacement ships before (or without) the goods coming back.
SHIP_FIRST_TYPES = ("shortage", "spare_part", "advance_replacement")


class FactoryRmaOutcome(models.Model):
    """Catalogue of outcomes, so that reasons can restrict the outcomes they
    allow with a many2many an integrator can edit from the interface."""

    _name = "factory.rma.outcome"
    _description = "RMA Outcome"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(OUTCOMES, required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each outcome code can exist only once."),
    ]
