from odoo import fields, models


class FactoryRmaLine(models.Model):
    """Remake of a replacement without free stock (REPL-06, REPL-15):
    planning is told, customer service hears when the goods are ready."""

    _inherit = "factory.rma.line"

    remake_state = fields.Selection(
        [("waiting", "Waiting for goods"), ("ready", "Replacement ready")],
        "Replacement Goods",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Waiting: no free stock when the replacement was procured; the product's routes "
        "(make to order → manufacturing or purchase) make or buy it. Ready: the replacement "
        "is reserved and can ship.",
    )

    def _workflow_fields(self):
        """The remake state follows the replacement's moves."""
        return super()._workflow_fields() | {"remake_state"}

    def _replacement_first_legs(self):
        self.ensure_one()
        return self.move_ids.filtered(
            lambda m: (
                m.rma_move_kind == "replacement"
                and m.state not in ("done", "cancel")
                and self._is_first_leg(m)
            )
        )

    def _remake_planning_user(self):
        """Who plans the remake: the default user of the "RMA Remake"
        activity type (the planning manager, configured on the activity
        type), else the RMA's responsible."""
        self.ensure_one()
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_remake")
        return activity_type.default_user_id or self.rma_id.user_id or self.env.user

    def _remake_documents(self, moves):
        """The documents the product's routes created to bring the goods of
        the replacement ``moves``: purchase orders, manufacturing orders,
        upstream transfers (read as superuser for the activity's note)."""
        env = self.sudo().env
        documents = [moves.sudo().move_orig_ids.picking_id]
        for model in ("purchase.order.line", "mrp.production"):
            if model in env and "move_dest_ids" in env[model]._fields:
                records = env[model].search([("move_dest_ids", "in", moves.ids)])
                documents.append(records.order_id if model == "purchase.order.line" else records)
        return [doc for doc in documents if doc]

    def _check_remake(self):
        """Called after the replacements are procured: a line whose
        replacement finds no free stock waits for a remake, and planning
        gets an activity naming the documents the routes created."""
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_remake")
        waiting = self.browse()
        for line in self:
            moves = line._replacement_first_legs()
            if not moves or all(m.state == "assigned" for m in moves):
                continue
            waiting |= line
            user = line._remake_planning_user()
            in_lang = line._in_lang_of(user)
            documents = ", ".join(
                name for doc in line._remake_documents(moves) for name in doc.mapped("display_name")
            )
            line.rma_id.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                date_deadline=(line.rma_id.promised_date or fields.Datetime.now()).date(),
                summary=in_lang.env._(
                    "Remake %(qty)s %(product)s for %(rma)s",
                    qty=sum(moves.mapped("product_uom_qty")),
                    product=in_lang.replacement_product_id.display_name,
                    rma=line.rma_id.name,
                ),
                note=in_lang.env._(
                    "No free stock for the replacement; it is procured through the product's "
                    "routes. %(documents)s",
                    documents=documents,
                ),
            )
        if waiting:
            waiting._write_workflow({"remake_state": "waiting"})
        return waiting

    def _check_replacement_ready(self):
        """Called when replacement moves get reserved: the lines waiting for
        a remake whose replacement is now reserved are ready; planning's
        activity is closed and customer service is told (REPL-15)."""
        remake_type = self.env.ref("rma_factory.mail_activity_type_rma_remake")
        ready_type = self.env.ref("rma_factory.mail_activity_type_rma_replacement_ready")
        ready = self.filtered(
            lambda line: (
                line.remake_state == "waiting"
                and line._replacement_first_legs()
                and all(m.state == "assigned" for m in line._replacement_first_legs())
            )
        )
        if not ready:
            return ready
        ready._write_workflow({"remake_state": "ready"})
        for line in ready:
            rma = line.rma_id.sudo()
            rma.activity_ids.filtered(lambda a: a.activity_type_id == remake_type).action_feedback(
                feedback=line.env._("The replacement is ready.")
            )
            user = rma.user_id or self.env.user
            in_lang = line._in_lang_of(user)
            rma.activity_schedule(
                activity_type_id=ready_type.id,
                user_id=user.id,
                summary=in_lang.env._(
                    "Replacement ready: %(product)s for %(rma)s",
                    product=in_lang.replacement_product_id.display_name,
                    rma=rma.name,
                ),
                note=in_lang.env._(
                    "The replacement goods are reserved: arrange the shipment with the customer."
                ),
            )
        return ready
