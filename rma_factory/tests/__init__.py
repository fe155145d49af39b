from . import test_rma_setup
from . import test_rma_flow
from . import test_rma_guards
from . import test_rma_eligibility
from . import test_rma_deadlines
from . import test_rma_performance
from . import test_rma_ui
from . import test_rma_types
