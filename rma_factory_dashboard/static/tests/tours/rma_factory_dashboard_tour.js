/** @odoo-module **/

import { registry } from "@web/core/registry";
import { check, click } from "@rma_factory/../tests/tours/rma_tour_steps";

/**
 * The RMA manager opens Dashboards → Returns → RMA Manager: the spreadsheet
 * loads its charts and its pivot (an error of any data source would fail
 * the tour) and shows its period filter.
 */
registry.category("web_tour.tours").add("rma_factory_dashboard_tour", {
    steps: () => [
        click(
            "Open the RMA Manager dashboard",
            ".o_search_panel_category_value:contains('RMA Manager')"
        ),
        check(
            "It is the active dashboard",
            ".o_search_panel_category_value.active:contains('RMA Manager')"
        ),
        check("Its charts are drawn", ".o_renderer .o-figure canvas"),
        check("Its period filter is shown", ".o_control_panel:contains('Period')"),
        check(
            "No loading error",
            ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status.error))"
        ),
    ],
});
