/** @odoo-module **/

import { registry } from "@web/core/registry";
import { check, click } from "@rma_factory/../tests/tours/rma_tour_steps";

/**
 * A portal customer opens their returns, opens the RMA waiting for their
 * answer, checks its lines and our corrective action, then accepts it.
 */
registry.category("web_tour.tours").add("rma_factory_portal_tour", {
    url: "/my/rmas",
    steps: () => [
        click(
            "Open the RMA waiting for an answer",
            "tr.o_rma_portal_row:contains('Waiting for your answer') a:contains('RMA')"
        ),
        check("The returned product is listed", "#rma_lines tr.o_rma_portal_line:contains('M-100')"),
        check(
            "The corrective action is shown",
            "#rma_reply .o_rma_portal_corrective_action:contains('tested batch by batch')"
        ),
        click("Accept the corrective action", "#rma_reply_form button.o_rma_portal_accept"),
        check(
            "The answer is recorded",
            ".o_rma_portal_message.alert-success:contains('You accepted the corrective action')"
        ),
        check(
            "No answer button any more",
            "#rma_reply .o_rma_portal_reply_state:contains('Accepted')"
        ),
    ],
});
