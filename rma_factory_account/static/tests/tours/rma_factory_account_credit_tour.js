/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    check,
    click,
    openRmaApp,
    openRmaOf,
    stateIs,
} from "@rma_factory/../tests/tours/rma_tour_steps";

const postCreditNote = () => [
    click("Post the credit note", ".o_form_view .o_statusbar_buttons button[name='action_post']"),
    stateIs("Posted", "The credit note is posted"),
];

/**
 * An accountant without RMA rights opens the RMA app, credits one RMA with
 * "Create Credit Notes" of the list and posts the credit note, then opens
 * another RMA, credits it with the form's "Create Credit Note" button,
 * posts it and goes back to that RMA, now reconciled and done.
 */
registry.category("web_tour.tours").add("rma_factory_account_credit_tour", {
    steps: () => [
        ...openRmaApp(),
        click(
            "Select the RMA of Customer C in the list",
            ".o_list_view .o_data_row:contains('Customer C') .o_list_record_selector input"
        ),
        click(
            "Credit the selected RMA",
            ".o_control_panel button[name='action_create_credit_note_batch']"
        ),
        ...postCreditNote(),
        click("Back to the RMA list", ".o_breadcrumb .breadcrumb-item a:contains('RMAs')"),
        openRmaOf("Dealer B", "Open the RMA of Dealer B"),
        check(
            "Its repairs are not offered to accounting",
            ".o_form_view:not(:has(.oe_stat_button[name='action_view_repairs']))"
        ),
        click(
            "Credit it from the form",
            ".o_statusbar_buttons button[name='action_create_credit_note']"
        ),
        ...postCreditNote(),
        click("Open its RMA", ".oe_stat_button[name='action_view_rma']"),
        check("The RMA is reconciled", ".o_field_widget[name='refund_state']:contains('Reconciled')"),
        stateIs("Done", "The RMA is done"),
    ],
});
