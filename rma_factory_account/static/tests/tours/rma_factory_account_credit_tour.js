/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * An accountant without RMA rights opens the RMA app, credits one RMA with
 * "Create Credit Notes" of the list and posts the credit note, then opens
 * another RMA, credits it with the form's "Create Credit Note" button,
 * posts it and goes back to that RMA, now reconciled and done.
 */
registry.category("web_tour.tours").add("rma_factory_account_credit_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("rma_factory.menu_rma_root", "Open the RMA app"),
        {
            content: "Select the RMA of Customer C in the list",
            trigger: ".o_list_view .o_data_row:contains('Customer C') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Credit the selected RMA",
            trigger: ".o_control_panel button[name='action_create_credit_note_batch']",
            run: "click",
        },
        {
            content: "Post the credit note",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_post']",
            run: "click",
        },
        {
            content: "The credit note is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Back to the RMA list",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('RMAs')",
            run: "click",
        },
        {
            content: "Open the RMA of Dealer B",
            trigger: ".o_list_view .o_data_row:contains('Dealer B') td[name='name']",
            run: "click",
        },
        {
            content: "Its repairs are not offered to accounting",
            trigger: ".o_form_view:not(:has(.oe_stat_button[name='action_view_repairs']))",
        },
        {
            content: "Credit it from the form",
            trigger: ".o_statusbar_buttons button[name='action_create_credit_note']",
            run: "click",
        },
        {
            content: "Post the credit note",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_post']",
            run: "click",
        },
        {
            content: "The credit note is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Open its RMA",
            trigger: ".oe_stat_button[name='action_view_rma']",
            run: "click",
        },
        {
            content: "The RMA is reconciled",
            trigger: ".o_field_widget[name='refund_state']:contains('Reconciled')",
        },
        {
            content: "The RMA is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
