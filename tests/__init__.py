# Cross-addon end-to-end scenarios, run by ./setup/test.sh through pytest-odoo.
# This directory is not an Odoo addon: see conftest.py for how its test classes are set up.
