"""pytest glue for the repository-level ``tests/`` package.

pytest-odoo imports test files that live inside an addon as ``odoo.addons.<addon>.tests.<file>``,
and Odoo's ``MetaCase`` uses that module name to give each test class its defaults
(``test_tags = {"standard", "at_install"}``, ``test_module``, ``test_class``,
``test_sequence``). Files in this directory are imported as ``tests.<file>`` instead, so the
metaclass would leave ``test_tags`` unset and ``BaseCase.setUpClass`` would crash on it.

This conftest is imported by pytest before any test file of this directory, and extends
``MetaCase`` so that test classes defined in the ``tests`` package get the same defaults as
addon tests, except that they are ``post_install`` (they exercise several addons together).
Test files can therefore use ``odoo.tests.TransactionCase`` / ``HttpCase`` and ``@tagged``
exactly as inside an addon.
"""

from odoo.tests import common

E2E_PACKAGE = __name__.rpartition(".")[0] or "tests"
E2E_TEST_MODULE = "rma_factory_e2e"

if not getattr(common.MetaCase, "_rma_e2e_patched", False):
    _metacase_init = common.MetaCase.__init__

    def _e2e_metacase_init(cls, name, bases, attrs):
        _metacase_init(cls, name, bases, attrs)
        if cls.__module__ == E2E_PACKAGE or cls.__module__.startswith(E2E_PACKAGE + "."):
            if getattr(cls, "test_tags", None) is None:
                cls.test_tags = {"standard", "post_install"}
            cls.test_module = E2E_TEST_MODULE
            cls.test_class = cls.__name__
            cls.test_sequence = 0

    common.MetaCase.__init__ = _e2e_metacase_init
    common.MetaCase._rma_e2e_patched = True
