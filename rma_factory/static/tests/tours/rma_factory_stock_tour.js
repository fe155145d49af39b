/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A warehouse user without RMA rights opens the RMA app, the approved RMA
 * from the list (approval trail included), its return receipt from the
 * Transfers button, validates it and goes back to the RMA, now received.
 */
registry.category("web_tour.tours").add("rma_factory_stock_receipt_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("rma_factory.menu_rma_root", "Open the RMA app"),
        {
            content: "Open the approved RMA from the list",
            trigger: ".o_list_view .o_data_row:contains('Customer C') td[name='name']",
            run: "click",
        },
        {
            content: "The RMA is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            content: "Customer service buttons are not offered",
            trigger: ".o_form_view:not(:has(button[name='action_cancel']))",
        },
        {
            content: "Show the approval trail",
            trigger: ".o_notebook .nav-link[name='approval']",
            run: "click",
        },
        {
            content: "The manager's approval is listed",
            trigger: ".o_field_one2many[name='approval_ids'] .o_data_row:contains('Manager approval')",
        },
        {
            content: "Open the return receipt",
            trigger: ".oe_stat_button[name='action_view_pickings']",
            run: "click",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "Back to the RMA",
            trigger: ".oe_stat_button[name='action_view_rma']",
            run: "click",
        },
        {
            content: "The RMA is received",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Received')",
        },
    ],
});
