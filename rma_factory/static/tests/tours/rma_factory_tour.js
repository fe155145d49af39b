/** @odoo-module **/

import { registry } from "@web/core/registry";
import { check, click, stateIs } from "@rma_factory/../tests/tours/rma_tour_steps";

/**
 * Customer service opens a draft RMA from the list, checks its line and
 * submits it; the statusbar then shows "Submitted".
 */
registry.category("web_tour.tours").add("rma_factory_submit_tour", {
    steps: () => [
        click("Open the draft RMA", ".o_data_row td[name='name']:contains('RMA/')"),
        check(
            "The product line is there",
            ".o_field_one2many[name='line_ids'] .o_data_row:contains('C-20')"
        ),
        click("Submit", ".o_form_statusbar button[name='action_submit']"),
        stateIs("Submitted", "The RMA is submitted"),
    ],
});
