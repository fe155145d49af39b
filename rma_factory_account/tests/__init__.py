# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_install
from . import test_rma_credit_note
from . import test_rma_credit_invoices
from . import test_rma_refund_payment
from . import test_rma_credit_rights
from . import test_rma_writedown
from . import test_rma_charges
from . import test_rma_matching
from . import test_rma_credit_performance
from . import test_rma_account_views
from . import test_rma_deposit
from . import test_rma_concession
from . import test_rma_claim_spare_part
from . import test_rma_freight_cost
from . import test_rma_account_roles
from . import test_rma_currency
from . import test_rma_account_integrity
