/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A portal customer opens their returns, opens the RMA waiting for their
 * answer, checks its lines and our corrective action, then accepts it.
 */
registry.category("web_tour.tours").add("rma_factory_portal_tour", {
    url: "/my/rmas",
    steps: () => [
        {
            content: "Open the RMA waiting for an answer",
            trigger: "tr.o_rma_portal_row:contains('Waiting for your answer') a:contains('RMA')",
            run: "click",
        },
        {
            content: "The returned product is listed",
            trigger: "#rma_lines tr.o_rma_portal_line:contains('M-100')",
        },
        {
            content: "The corrective action is shown",
            trigger: "#rma_reply .o_rma_portal_corrective_action:contains('tested batch by batch')",
        },
        {
            content: "Accept the corrective action",
            trigger: "#rma_reply_form button.o_rma_portal_accept",
            run: "click",
        },
        {
            content: "The answer is recorded",
            trigger: ".o_rma_portal_message.alert-success:contains('You accepted the corrective action')",
        },
        {
            content: "No answer button any more",
            trigger: "#rma_reply .o_rma_portal_reply_state:contains('Accepted')",
        },
    ],
});
