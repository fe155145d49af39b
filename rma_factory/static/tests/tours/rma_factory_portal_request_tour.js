/** @odoo-module **/

import { registry } from "@web/core/registry";

// The smallest valid PNG (1 × 1 pixel): the server checks the signature.
const PNG_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function photo(name) {
    const bytes = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
    return new File([bytes], name, { type: "image/png" });
}

/**
 * AS-28: a dealer opens its delivered order on the portal, asks to return 2
 * of the moulds with a reason, the wished outcome and two photos, and finds
 * the request in its list of returns.
 */
registry.category("web_tour.tours").add("rma_factory_portal_request_tour", {
    steps: () => [
        {
            content: "Request a return from the delivered order",
            trigger: "a.o_rma_portal_request_from_order",
            run: "click",
        },
        {
            content: "Return 2 of the delivered moulds",
            trigger: "tr.o_rma_portal_request_row:contains('M-100') input",
            run: "edit 2",
        },
        {
            content: "The reason",
            trigger: "select#rma_request_reason",
            run: "selectByLabel cracking",
        },
        {
            content: "The wished outcome",
            trigger: "select#rma_request_outcome",
            run: "select replace",
        },
        {
            content: "The problem",
            trigger: "textarea#rma_request_description",
            run: "edit Cracks along the parting line after two weeks",
        },
        {
            content: "Two photos",
            trigger: "input#rma_request_files",
            run() {
                const files = new DataTransfer();
                files.items.add(photo("crack-1.png"));
                files.items.add(photo("crack-2.png"));
                this.anchor.files = files.files;
            },
        },
        {
            content: "Send the request",
            trigger: "button.o_rma_portal_request_submit",
            run: "click",
        },
        {
            content: "The request is acknowledged with its number",
            trigger: ".o_rma_portal_request_received:contains('RMA/')",
        },
        {
            content: "Its timeline starts",
            trigger: "#rma_timeline .o_rma_portal_step_request",
        },
        {
            content: "Back to the list of returns",
            trigger: ".o_portal_submenu a[href^='/my/rmas']",
            run: "click",
        },
        {
            content: "The request is listed, as a draft",
            trigger: "tr.o_rma_portal_row:contains('Draft') a:contains('RMA/')",
        },
    ],
});

/**
 * After approval: the dealer reads the return instructions and enters the
 * carrier and the tracking number of its parcel.
 */
registry.category("web_tour.tours").add("rma_factory_portal_shipment_tour", {
    url: "/my/rmas",
    steps: () => [
        {
            content: "Open the approved return",
            trigger: "tr.o_rma_portal_row:contains('Approved') a:contains('RMA/')",
            run: "click",
        },
        {
            content: "The instructions show the return number",
            trigger: "#rma_instructions .o_rma_portal_ra_number:contains('RMA/')",
        },
        {
            content: "The authorisation to put in the parcel",
            trigger: "#rma_instructions a.o_rma_portal_instructions_authorisation",
        },
        {
            content: "The carrier",
            trigger: "#rma_shipment_form input[name='carrier']",
            run: "edit SF Express",
        },
        {
            content: "The tracking number",
            trigger: "#rma_shipment_form input[name='tracking_ref']",
            run: "edit SF1234567890",
        },
        {
            content: "Save",
            trigger: "#rma_shipment_form button.o_rma_portal_shipment_submit",
            run: "click",
        },
        {
            content: "Recorded",
            trigger: ".o_rma_portal_shipment_recorded",
        },
        {
            content: "Shown on the page",
            trigger: "#rma_shipment .o_rma_portal_tracking_ref:contains('SF1234567890')",
        },
    ],
});

/**
 * The reply report waits for the dealer's answer: it accepts it.
 */
registry.category("web_tour.tours").add("rma_factory_portal_accept_reply_tour", {
    url: "/my/rmas",
    steps: () => [
        {
            content: "Open the return waiting for an answer",
            trigger: "tr.o_rma_portal_row:has(.o_rma_portal_waiting) a:contains('RMA/')",
            run: "click",
        },
        {
            content: "Our reply is downloadable",
            trigger: "a.o_rma_portal_reply_report",
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
            content: "It is on the timeline",
            trigger: "#rma_timeline .o_rma_portal_step_reply_accepted",
        },
    ],
});

/**
 * The dealer does not accept the corrected action.
 */
registry.category("web_tour.tours").add("rma_factory_portal_refuse_reply_tour", {
    url: "/my/rmas",
    steps: () => [
        {
            content: "Open the return waiting for an answer",
            trigger: "tr.o_rma_portal_row:has(.o_rma_portal_waiting) a:contains('RMA/')",
            run: "click",
        },
        {
            content: "Do not accept",
            trigger: "#rma_reply_form button.o_rma_portal_reject",
            run: "click",
        },
        {
            content: "The answer is recorded: a new reply follows",
            trigger: ".o_rma_portal_message:contains('We will rework it and send you a new reply')",
        },
        {
            content: "It is on the timeline",
            trigger: "#rma_timeline .o_rma_portal_step_reply_rejected",
        },
    ],
});

/**
 * The new version of the reply arrives: the dealer sees it on the page.
 */
registry.category("web_tour.tours").add("rma_factory_portal_new_version_tour", {
    url: "/my/rmas",
    steps: () => [
        {
            content: "The return waits for an answer again",
            trigger: "tr.o_rma_portal_row:has(.o_rma_portal_waiting) a:contains('RMA/')",
            run: "click",
        },
        {
            content: "The new version is on the timeline",
            trigger: "#rma_timeline .o_rma_portal_step_reply:contains('Version 2')",
        },
        {
            content: "The corrected action is shown",
            trigger: "#rma_reply .o_rma_portal_corrective_action:contains('every insert is X-rayed')",
        },
        {
            content: "It can be answered",
            trigger: "#rma_reply_form button.o_rma_portal_accept",
        },
    ],
});
