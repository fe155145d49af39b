/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * Customer service opens a draft RMA from the list, checks its line and
 * submits it; the statusbar then shows "Submitted".
 */
registry.category("web_tour.tours").add("rma_factory_submit_tour", {
    steps: () => [
        {
            content: "Open the draft RMA",
            trigger: ".o_data_row td[name='name']:contains('RMA/')",
            run: "click",
        },
        {
            content: "The product line is there",
            trigger: ".o_field_one2many[name='line_ids'] .o_data_row:contains('C-20')",
        },
        {
            content: "Submit",
            trigger: ".o_form_statusbar button[name='action_submit']",
            run: "click",
        },
        {
            content: "The RMA is submitted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
    ],
});
