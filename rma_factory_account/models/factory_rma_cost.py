from odoo import models


class FactoryRma(models.Model):
    """The RMA's cost ledger (smart button)."""

    _inherit = "factory.rma"

    def action_view_costs(self):
        """Cost ledger rows of the RMA, by party and cost."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rma_factory_account.action_factory_rma_cost"
        )
        action["domain"] = [("rma_id", "=", self.id)]
        action["context"] = {"search_default_group_party": 1}
        action["view_mode"] = "list,pivot,graph"
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        return action
