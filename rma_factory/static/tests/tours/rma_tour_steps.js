/** @odoo-module **/

import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * Steps shared by the RMA tours of the three addons
 * (import from "@rma_factory/../tests/tours/rma_tour_steps").
 */

/** A step that clicks ``trigger``. */
export function click(content, trigger) {
    return { content, trigger, run: "click" };
}

/** A step that waits until ``trigger`` is on the page. */
export function check(content, trigger) {
    return { content, trigger };
}

/** From the home menu to the RMA app (its list of RMAs). */
export function openRmaApp() {
    return stepUtils.goToAppSteps("rma_factory.menu_rma_root", "Open the RMA app");
}

/** Open the RMA of ``customer`` from the list. */
export function openRmaOf(customer, content) {
    return click(content, `.o_list_view .o_data_row:contains('${customer}') td[name='name']`);
}

/** The statusbar shows ``label`` as the current state. */
export function stateIs(label, content) {
    return check(
        content,
        `.o_statusbar_status button.o_arrow_button_current:contains('${label}')`
    );
}
