from odoo import Command, api, fields, models


class FactoryRmaQualityDemo(models.AbstractModel):
    """Builds the quality demo: inspections in every state and 8D reports in
    every stage, through the same buttons users press. Called once from
    ``demo/rma_factory_quality_demo.xml``; never used outside demo
    databases."""

    _name = "factory.rma.quality.demo"
    _description = "RMA Quality Demo Builder"

    @api.model
    def _demo_received_rma(self, partner, product, qty, lot_name, reason, requested):
        builder = self.env["factory.rma.demo"]
        order = builder._demo_deliver(partner, [(product, qty, lot_name)])
        rma = builder._demo_rma(order, qty, reason)
        rma.line_ids.requested_outcome = requested
        rma.action_submit()
        rma.action_approve()
        if rma.state == "submitted":
            rma.action_approve()
        builder._demo_validate(builder._demo_receipt(rma))
        return rma

    @api.model
    def _demo_fill(self, inspection, defects, responsibility, **vals):
        inspection.action_start()
        inspection.write(
            dict(
                {
                    "qty_inspected": inspection.sample_size,
                    "qty_good": 0,
                    "qty_defective": inspection.sample_size,
                    "verdict": "confirmed",
                    "responsibility": responsibility,
                    "defect_ids": [
                        Command.create({"defect_id": defect.id, "count": count})
                        for defect, count in defects
                    ],
                },
                **vals,
            )
        )

    @api.model
    def _demo_8d_content(self, report, done=False):
        today = fields.Date.context_today(self)
        report.write(
            {
                "team_user_ids": [Command.link(self.env.ref("base.user_admin").id)],
                "cause_ids": [
                    Command.create(
                        {
                            "category": "method",
                            "name": "Engraving program not updated after the drawing change",
                            "escape_point": "First-article inspection",
                            "verified": done,
                        }
                    )
                ],
                "action_ids": [
                    Command.create(
                        {
                            "kind": "containment",
                            "name": "Sort all finished inserts in stock",
                            "date_done": today,
                        }
                    ),
                    Command.create(
                        {
                            "kind": "corrective",
                            "name": "Link engraving programs to the drawing revision",
                            "responsible_unit": "Engineering",
                            "date_due": today,
                            "date_done": today if done else False,
                        }
                    ),
                    Command.create(
                        {
                            "kind": "preventive",
                            "name": "Add engraving check to the first-article checklist",
                            "date_due": today,
                            "date_done": today if done else False,
                        }
                    ),
                ],
            }
        )

    @api.model
    def _create_demo_scenarios(self):
        ref = self.env.ref
        dealer_a = ref("rma_factory.demo_partner_dealer_a")
        dealer_b = ref("rma_factory.demo_partner_dealer_b")
        customer_c = ref("rma_factory.demo_partner_customer_c")
        mould = ref("rma_factory.demo_product_mould")
        connector = ref("rma_factory.demo_product_connector")
        appearance = ref("rma_factory_quality.defect_appearance")
        engraving = ref("rma_factory_quality.defect_engraving")
        cracking = ref("rma_factory_quality.defect_cracking")

        # To inspect: goods just received.
        self._demo_received_rma(
            dealer_a, connector, 40, None, "reason_quality_appearance", "replace"
        )

        # In progress: sample taken.
        rma = self._demo_received_rma(
            customer_c, connector, 30, None, "reason_quality_dimension", "replace"
        )
        inspection = rma.inspection_ids
        inspection.action_start()
        inspection.write({"qty_inspected": 3, "qty_good": 2, "qty_defective": 1})

        # Waiting for the customer: refund asked, customer damage → paid repair.
        rma = self._demo_received_rma(
            dealer_b, mould, 2, "L-2701", "reason_quality_cracking", "refund"
        )
        self._demo_fill(
            rma.inspection_ids,
            [(cracking, 2)],
            "customer",
            responsible_partner_id=dealer_b.id,
            cause_analysis="Insert cracked by over-tightening at installation",
            rework_plan="<p>Replace the insert pin, retest the fit.</p>",
        )
        rma.inspection_ids.action_done()

        # Done, minor: routed, no 8D.
        rma = self._demo_received_rma(
            dealer_a, connector, 20, None, "reason_quality_appearance", "replace"
        )
        self.env["stock.quant"]._update_available_quantity(
            connector, rma.warehouse_id.lot_stock_id, 20
        )
        self._demo_fill(rma.inspection_ids, [(appearance, 2)], "quality_escape")
        rma.inspection_ids.action_done()

        # Major complaints: one 8D report in every stage.
        stages = ["draft", "in_progress", "review", "approved", "sent", "closed"]
        for index, stage in enumerate(stages):
            rma = self._demo_received_rma(
                customer_c, mould, 3, f"L-28{index:02d}", "reason_quality_cracking", "refund"
            )
            self._demo_fill(
                rma.inspection_ids,
                [(engraving, 3)],
                "process",
                responsible_unit="Engineering",
                cause_analysis="Wrong engraving on three moulds",
            )
            rma.inspection_ids.action_done()
            report = rma.eightd_ids
            if stage == "draft":
                continue
            report.action_start()
            self._demo_8d_content(report, done=stage == "closed")
            if stage == "in_progress":
                continue
            report.action_submit_review()
            if stage == "review":
                continue
            report.cause_ids.verified = True
            report.action_approve()
            if stage == "approved":
                continue
            report._mark_sent()
            if stage == "sent":
                continue
            report.action_customer_accepted()
            report.action_close()
