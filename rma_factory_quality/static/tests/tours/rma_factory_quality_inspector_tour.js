/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    check,
    click,
    openRmaApp,
    openRmaOf,
    stateIs,
} from "@rma_factory/../tests/tours/rma_tour_steps";

/**
 * A quality inspector without RMA rights opens the RMA app, the received
 * RMA from the list, creates its 8D report from the form, starts it and
 * goes back to the RMA, which now counts one 8D report.
 */
registry.category("web_tour.tours").add("rma_factory_quality_inspector_8d_tour", {
    steps: () => [
        ...openRmaApp(),
        openRmaOf("Dealer B", "Open the received RMA from the list"),
        stateIs("Received", "The RMA is received"),
        check(
            "Its inspection is counted",
            ".oe_stat_button[name='action_view_inspections']:contains('1')"
        ),
        click("Create the 8D report", ".o_statusbar_buttons button[name='action_create_8d']"),
        check(
            "The 8D report of the RMA opens",
            ".o_form_view .o_field_widget[name='rma_id']:contains('RMA/')"
        ),
        click("Start working on it", ".o_statusbar_buttons button[name='action_start']"),
        stateIs("In Progress", "The 8D report is in progress"),
        click("Back to the RMA", ".o_breadcrumb .breadcrumb-item a:contains('RMA/')"),
        check("The RMA counts its 8D report", ".oe_stat_button[name='action_view_8d']:contains('1')"),
    ],
});
