/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A quality inspector without RMA rights opens the RMA app, the received
 * RMA from the list, creates its 8D report from the form, starts it and
 * goes back to the RMA, which now counts one 8D report.
 */
registry.category("web_tour.tours").add("rma_factory_quality_inspector_8d_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("rma_factory.menu_rma_root", "Open the RMA app"),
        {
            content: "Open the received RMA from the list",
            trigger: ".o_list_view .o_data_row:contains('Dealer B') td[name='name']",
            run: "click",
        },
        {
            content: "The RMA is received",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Received')",
        },
        {
            content: "Its inspection is counted",
            trigger: ".oe_stat_button[name='action_view_inspections']:contains('1')",
        },
        {
            content: "Create the 8D report",
            trigger: ".o_statusbar_buttons button[name='action_create_8d']",
            run: "click",
        },
        {
            content: "The 8D report of the RMA opens",
            trigger: ".o_form_view .o_field_widget[name='rma_id']:contains('RMA/')",
        },
        {
            content: "Start working on it",
            trigger: ".o_statusbar_buttons button[name='action_start']",
            run: "click",
        },
        {
            content: "The 8D report is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Back to the RMA",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('RMA/')",
            run: "click",
        },
        {
            content: "The RMA counts its 8D report",
            trigger: ".oe_stat_button[name='action_view_8d']:contains('1')",
        },
    ],
});
