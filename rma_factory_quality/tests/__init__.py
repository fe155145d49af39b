# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_install
from . import test_inspection_flow
from . import test_severity_8d
from . import test_quality_performance
from . import test_quality_regressions
from . import test_quality_roles
from . import test_quality_integrity
from . import test_quality_concurrency
from . import test_quality_customer_reply
from . import test_quality_migration
from . import test_quality_query_budgets
from . import test_quality_oqc_query_budgets
