from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaComputes(RmaCommon):
    """Computed fields follow every field they read (issue #11)."""

    def test_pending_return_follows_replenish_first(self):
        """The replaced quantity still awaited back counts only on a
        replenish-first RMA: the flag is read, so changing it recomputes the
        bucket without any stock move changing."""
        order = self._deliver(self.dealer_a, [(self.connector, 4, None)])
        rma = self._create_rma(order, replenish_first=True)
        rma.line_ids.requested_outcome = "replace"
        self._put_in_stock(self.connector, 4)
        self._approve(rma)
        line = rma.line_ids
        self.assertEqual(line.qty_replacement_planned, 4)
        self.assertEqual(line.qty_pending_return, 4)
        rma.replenish_first = False  # as superuser: past the submission freeze
        self.assertEqual(line.qty_pending_return, 0)
        rma.replenish_first = True
        self.assertEqual(line.qty_pending_return, 4)

    def test_buckets_follow_the_line_unit(self):
        """The buckets are in the line's unit: a received dozen counts 12
        units on a line in units, 1 on a line in dozens."""
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self._deliver(self.customer_c, [(self.connector, 24, None)])
        rma = self._create_rma(order)
        line = rma.line_ids
        line.quantity = 12
        self._approve(rma)
        self._receive(rma)
        self.assertEqual(line.qty_received, 12)
        line.product_uom_id = dozen  # as superuser: past the submission freeze
        self.assertEqual(line.qty_received, 1)

    def test_team_proposed_from_the_responsible(self):
        """The responsible's sales team is proposed; a responsible without
        team leaves the team chosen by hand."""
        team = self.env["crm.team"].create({"name": "Returns desk"})
        other = self.env["crm.team"].create({"name": "Dealers"})
        self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": self.user_cs.id})
        self.assertFalse(self.user_mgr.sale_team_id)
        rma = self.env["factory.rma"].create(
            {"partner_id": self.customer_c.id, "user_id": self.user_cs.id}
        )
        self.assertEqual(rma.team_id, team)
        rma.team_id = other
        rma.user_id = self.user_mgr
        self.assertEqual(rma.team_id, other, "no team to propose: the chosen one stays")
        rma.user_id = self.user_cs
        self.assertEqual(rma.team_id, team)
