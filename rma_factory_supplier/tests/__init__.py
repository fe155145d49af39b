from . import test_supplier_return
from . import test_supplier_recovery
from . import test_supplier_8d
from . import test_supplier_portal_rpc
from . import test_supplier_batch
from . import test_supplier_query_budgets
