"""Every user-visible string of the addons is translated in zh_CN and
zh_TW: the terms Odoo would export now are compared with the .po files."""

from pathlib import Path

import polib

from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader

ROOT = Path(__file__).resolve().parent.parent
ADDONS = (
    "rma_factory",
    "rma_factory_quality",
    "rma_factory_account",
    "rma_factory_dashboard",
    "rma_factory_supplier",
)


class TestTranslations(TransactionCase):
    def test_po_files_are_complete(self):
        for addon in ADDONS:
            reader = TranslationModuleReader(self.env.cr, modules=[addon], lang="en_US")
            terms = {source for _module, _type, _name, _res, source, _value, _c in reader if source}
            if addon == "rma_factory":
                self.assertGreater(len(terms), 400, "the reader found the addon's terms")
            for lang in ("zh_CN", "zh_TW"):
                path = ROOT / addon / "i18n" / f"{lang}.po"
                self.assertTrue(path.exists(), f"{path} is missing")
                po = polib.pofile(str(path))
                translated = {
                    e.msgid for e in po if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
                }
                missing = sorted(terms - translated)
                self.assertFalse(
                    missing, f"{addon} {lang}: {len(missing)} untranslated, e.g. {missing[:5]}"
                )
