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
 * A warehouse user without RMA rights opens the RMA app, the approved RMA
 * from the list (approval trail included), its return receipt from the
 * Transfers button, validates it and goes back to the RMA, now received.
 */
registry.category("web_tour.tours").add("rma_factory_stock_receipt_tour", {
    steps: () => [
        ...openRmaApp(),
        openRmaOf("Customer C", "Open the approved RMA from the list"),
        stateIs("Approved", "The RMA is approved"),
        check(
            "Customer service buttons are not offered",
            ".o_form_view:not(:has(button[name='action_cancel']))"
        ),
        click("Show the approval trail", ".o_notebook .nav-link[name='approval']"),
        check(
            "The manager's approval is listed",
            ".o_field_one2many[name='approval_ids'] .o_data_row:contains('Manager approval')"
        ),
        click("Open the return receipt", ".oe_stat_button[name='action_view_pickings']"),
        click("Validate the receipt", ".o_statusbar_buttons button[name='button_validate']"),
        stateIs("Done", "The receipt is done"),
        click("Back to the RMA", ".oe_stat_button[name='action_view_rma']"),
        stateIs("Received", "The RMA is received"),
    ],
});
