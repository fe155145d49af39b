from odoo.addons.rma_factory.models.account_move_line import UNTRACKED_WRITE

from .common import RmaCommon


class TestJournalItemWrite(RmaCommon):
    """Journal item writes of untracked fields (posting, reconciling) skip
    describing the whole model for a tracking that is empty; tracked writes
    keep their tracking."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        order = cls._deliver(cls.dealer_a, [(cls.connector, 4, None)])
        cls.invoice = order._create_invoices()
        cls.invoice.action_post()

    def _messages(self):
        return self.invoice.message_ids

    def test_tracked_write_still_tracked(self):
        """Renaming an item of a posted invoice logs the change, as in Odoo."""
        line = self.invoice.invoice_line_ids[:1].with_context(tracking_disable=False)
        before = self._messages()
        line.write({"name": "Renamed connector"})
        new = self._messages() - before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.tracking_value_ids.mapped("new_value_char"), ["Renamed connector"])

    def test_untracked_write_logs_nothing(self):
        line = self.invoice.invoice_line_ids[:1].with_context(tracking_disable=False)
        before = self._messages()
        line.write({"sequence": 77})
        self.assertEqual(line.sequence, 77)
        self.assertFalse(self._messages() - before)

    def test_empty_list_means_none_only_within_untracked_write(self):
        Line = self.env["account.move.line"]
        everything = Line.fields_get([], ["string"])
        self.assertIn("balance", everything)
        self.assertEqual(set(everything), set(Line.fields_get(None, ["string"])))
        marked = Line.with_context(**{UNTRACKED_WRITE: True})
        self.assertEqual(marked.fields_get([], ["string"]), {})
        self.assertEqual(set(marked.fields_get(["name"], ["string"])), {"name"})
