"""Access matrix of the RMA documents (issue #10): for every model × role ×
operation — reading each confidential field, writing each workflow field,
create, unlink and every ``action_*`` button — whether the server allows it
or refuses it, asserted and printed as a table in the test log.

A call is *refused* when the server raises an AccessError (groups, access
rights, record rules) or refuses to write a workflow field; *allowed* when it
gets past those controls — whatever the button then says about the record's
state or data (each button runs on a record in the state it is made for, so
that its rights are what is tested). Every call runs in a savepoint that is
rolled back: the cells do not influence each other."""

import logging

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.rma_factory_account.tests.common import RmaAccountCommon

_logger = logging.getLogger(__name__)

ROLES = (
    "portal",
    "portal_other",
    "rma_user",
    "rma_manager",
    "rma_approver",
    "inspector",
    "quality_manager",
    "stock",
    "accountant",
    "other_company",
)
SHORT = {
    "portal": "portal",
    "portal_other": "portal2",
    "rma_user": "user",
    "rma_manager": "mgr",
    "rma_approver": "gm",
    "inspector": "qi",
    "quality_manager": "qm",
    "stock": "stock",
    "accountant": "acc",
    "other_company": "co2",
}

RMA = {"rma_user", "rma_manager", "rma_approver"}
MANAGERS = {"rma_manager", "rma_approver"}
QUALITY = {"inspector", "quality_manager"}
#: internal roles of the company that read RMAs
READERS = RMA | QUALITY | {"stock", "accountant"}
NOBODY = set()


class _Rollback(Exception):
    """Ends a cell's savepoint so that its changes are rolled back."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.users = {
            "rma_user": cls.user_cs,
            "rma_manager": cls.user_mgr,
            "rma_approver": cls.user_gm,
            "inspector": new_test_user(
                env, login="mx_qi", groups="rma_factory_quality.group_quality_inspector"
            ),
            "quality_manager": new_test_user(
                env, login="mx_qm", groups="rma_factory_quality.group_quality_manager"
            ),
            "stock": cls.user_stock,
            "accountant": cls.user_accountant,
        }
        cls.users["portal"] = new_test_user(
            env, login="mx_portal", groups="base.group_portal", partner_id=cls.customer_c.id
        )
        other = env["res.partner"].create({"name": "Other dealer"})
        cls.users["portal_other"] = new_test_user(
            env, login="mx_portal2", groups="base.group_portal", partner_id=other.id
        )
        company2 = env["res.company"].create({"name": "Other factory"})
        cls.users["other_company"] = new_test_user(
            env,
            login="mx_co2",
            groups="rma_factory.group_rma_approver,rma_factory_quality.group_quality_manager,"
            "account.group_account_invoice,stock.group_stock_user",
            company_id=company2.id,
            company_ids=[Command.set(company2.ids)],
        )
        cls._build_records()

    @classmethod
    def _build_records(cls):
        """One record of each kind in the state its buttons are made for."""
        policy = cls.policy
        policy.quality_inspection = True
        rec = {}
        order = cls._deliver(cls.customer_c, [(cls.connector, 30, None)])
        cls.invoice = order._create_invoices()
        cls.invoice.action_post()

        def new_rma(qty, **vals):
            rma = cls.env["factory.rma"].create(
                dict(
                    {
                        "partner_id": cls.customer_c.id,
                        "sale_order_id": order.id,
                        "criterion_b": True,
                        "line_ids": [
                            Command.create(
                                {
                                    "product_id": cls.connector.id,
                                    "quantity": qty,
                                    "move_id": order.picking_ids.move_ids.id,
                                    "sale_line_id": order.order_line.id,
                                    "cond_original_packaging": True,
                                    "cond_accessories_complete": True,
                                    "cond_no_human_damage": True,
                                }
                            )
                        ],
                    },
                    **vals,
                )
            )
            return rma

        def validate(pickings):
            pickings.move_ids.picked = True
            pickings.button_validate()

        rec["draft"] = new_rma(1)
        rec["submitted"] = new_rma(1, needs_onsite=True)
        rec["submitted"].action_submit()
        rec["rejected"] = new_rma(1)
        rec["rejected"].action_submit()
        rec["rejected"]._reject("Not in warranty any more", "repair")
        received = new_rma(4)
        received.action_submit()
        received.action_approve()
        validate(received.picking_ids)
        rec["received"] = received
        rec["inspection"] = received.inspection_ids[:1]
        # judged and processing without inspections (judged by hand)
        policy.quality_inspection = False
        judged = new_rma(2, customer_cause="Worn insert")
        judged.action_submit()
        judged.action_approve()
        validate(judged.picking_ids)
        judged.line_ids.write({"decided_outcome": "refund", "destination": "defective"})
        judged.action_judge()
        rec["judged"] = judged
        processing = new_rma(2)
        processing.action_submit()
        processing.action_approve()
        validate(processing.picking_ids)
        processing.line_ids.write({"decided_outcome": "refund", "destination": "scrap"})
        processing.action_judge()
        processing.line_ids.action_approve_outcome()
        processing.action_process()
        rec["processing"] = processing
        replied = new_rma(1, customer_cause="Worn insert")
        replied.action_submit()
        replied.action_approve()
        validate(replied.picking_ids)
        replied.line_ids.write({"decided_outcome": "refund", "destination": "defective"})
        replied.action_judge()
        replied._mark_reply_sent()
        rec["replied"] = replied
        # an 8D report on another inspected RMA (the one above stays without:
        # its inspectors create theirs in the matrix)
        policy.quality_inspection = True
        reported = new_rma(1)
        reported.action_submit()
        reported.action_approve()
        validate(reported.picking_ids)
        reported.action_create_8d()
        rec["8d"] = reported.eightd_ids[:1]
        policy.quality_inspection = False
        cls.rec = rec

    # ------------------------------------------------------------------
    # Cells
    # ------------------------------------------------------------------
    def _cell(self, role, func, kind):
        """Run ``func(user)`` as the role in a savepoint rolled back after
        it; returns True when allowed, False when refused.

        Reads, writes, creates and unlinks are allowed when they happen; any
        error refuses them. Buttons are refused by an AccessError (or the
        workflow-field guard); another error is about the record's state or
        data, past the rights."""
        user = self.users[role]
        allowed = False
        try:
            with self.env.cr.savepoint():
                allowed = bool(func(user))
                raise _Rollback
        except _Rollback:
            pass
        except AccessError:
            allowed = False
        except Exception as exc:  # noqa: BLE001 - classified below
            if kind == "button" and isinstance(exc, UserError):
                allowed = "change only through the document's buttons" not in str(exc)
            elif kind == "button":
                allowed = True  # e.g. a constraint on the data: rights were passed
            else:
                allowed = False
        self.env.invalidate_all()
        return allowed

    def _operations(self):
        """(model, operation, func(user), roles expected to be allowed)."""
        rec = self.rec
        line = rec["processing"].line_ids[:1]
        ops = []

        def read(record, field):
            return lambda user: record.with_user(user).read([field])

        def write(record, vals):
            return lambda user: record.with_user(user).write(vals)

        def unlink(record):
            def run(user):
                record.with_user(user).unlink()
                return not record.exists()

            return run

        def call(record, method, *args):
            def run(user):
                getattr(record.with_user(user), method)(*args)
                return True

            return run

        # confidential fields: internal readers of the company only
        for field in (
            "customer_class",
            "criterion_c",
            "internal_note",
            "claim_amount",
            "approval_ids",
            "amount_total",
            "eligibility_override_reason",
            "freight_amount",
            "refund_state",
        ):
            ops.append(("factory.rma", f"read {field}", read(rec["judged"], field), READERS))
        for field in (
            "responsibility",
            "responsible_partner_id",
            "responsible_unit",
            "price_unit",
            "writedown_amount",
            "eligibility_note",
            "qty_credited",
        ):
            ops.append(("factory.rma.line", f"read {field}", read(line, field), READERS))
        # what the portal shows: the customer reads it, nobody outside
        ops.append(("factory.rma", "read name", read(rec["judged"], "name"), READERS | {"portal"}))
        ops.append(
            ("factory.rma.line", "read quantity", read(line, "quantity"), READERS | {"portal"})
        )
        # workflow fields: nobody writes them
        for field, value in (
            ("state", "approved"),
            ("eligibility_state", "eligible"),
            ("manager_approved", True),
            ("approval_amount", 1.0),
            ("reply_state", "accepted"),
            ("deposit_state", "released"),
            ("claim_state", "paid"),
            ("urgent", True),
        ):
            ops.append(
                ("factory.rma", f"write {field}", write(rec["submitted"], {field: value}), NOBODY)
            )
        for field, value in (
            ("outcome_approved", True),
            ("customer_agreed", True),
            ("replacement_special_request", True),
            ("qty_received_adjust", 1.0),
            ("qty_received", 9.0),
            ("qty_not_invoiced", 1.0),
        ):
            ops.append(("factory.rma.line", f"write {field}", write(line, {field: value}), NOBODY))
        inspection = rec["inspection"]
        for field, value in (
            ("state", "done"),
            ("severity_manual", "major"),
            ("sample_percent", 1),
        ):
            ops.append(
                (
                    "factory.rma.inspection",
                    f"write {field}",
                    write(inspection, {field: value}),
                    NOBODY,
                )
            )
        ops.append(("factory.rma.8d", "write state", write(rec["8d"], {"state": "closed"}), NOBODY))
        # create and unlink
        ops.append(
            (
                "factory.rma",
                "create",
                lambda user: (
                    self.env["factory.rma"]
                    .with_user(user)
                    .create({"partner_id": self.customer_c.id})
                ),
                # in the user's own company: the other company's staff too
                RMA | {"other_company"},
            )
        )
        ops.append(
            (
                "factory.rma",
                "create in this company",
                lambda user: (
                    self.env["factory.rma"]
                    .with_user(user)
                    .create({"partner_id": self.customer_c.id, "company_id": self.company.id})
                ),
                RMA,
            )
        )
        ops.append(("factory.rma", "unlink (draft)", unlink(rec["draft"]), RMA))
        ops.append(
            (
                "factory.rma.approval",
                "unlink",
                call(rec["judged"].approval_ids[:1], "unlink"),
                NOBODY,
            )
        )
        ops.append(("factory.rma.inspection", "unlink", unlink(inspection), NOBODY))
        ops.append(("factory.rma.8d", "unlink", unlink(rec["8d"]), NOBODY))
        ops.append(
            (
                "factory.rma.inspection",
                "create",
                lambda user: (
                    self.env["factory.rma.inspection"]
                    .with_user(user)
                    .create({"line_id": rec["received"].line_ids[:1].id})
                ),
                NOBODY,
            )
        )
        # buttons of the RMA, on a record in the state they are made for
        rma_buttons = [
            ("draft", "action_submit", RMA),
            ("draft", "action_check_eligibility", RMA),
            ("draft", "action_cancel", RMA),
            ("submitted", "action_approve", MANAGERS),
            ("submitted", "action_open_reject_wizard", MANAGERS),
            ("submitted", "action_open_override_wizard", MANAGERS),
            ("submitted", "action_set_urgent", {"rma_approver"}),
            ("submitted", "action_onsite_verified", RMA),
            ("rejected", "action_draft", RMA),
            ("received", "action_judge", RMA),
            ("received", "action_create_8d", QUALITY),
            ("judged", "action_process", RMA),
            ("judged", "action_send_customer_reply", RMA),
            ("replied", "action_reply_accepted", RMA),
            ("replied", "action_reply_rejected", RMA),
            ("processing", "action_create_credit_note", RMA | {"accountant"}),
            ("processing", "action_create_credit_note_batch", RMA | {"accountant"}),
            ("processing", "action_open_writedown_wizard", MANAGERS | {"accountant"}),
        ]
        for state, method, roles in rma_buttons:
            ops.append(("factory.rma", f"{method} ({state})", call(rec[state], method), roles))
        line_buttons = [
            (rec["processing"].line_ids[:1], "action_open_split_wizard", RMA),
            (rec["received"].line_ids[:1], "action_open_surplus_wizard", MANAGERS),
            (rec["received"].line_ids[:1], "action_record_customer_agreement", RMA),
            (rec["received"].line_ids[:1], "action_open_special_request_wizard", MANAGERS),
            (rec["received"].line_ids[:1], "action_open_disposition_wizard", MANAGERS),
        ]
        for record, method, roles in line_buttons:
            ops.append(("factory.rma.line", method, call(record, method), roles))
        for method, roles in (
            ("action_done", QUALITY),
            ("action_open_severity_wizard", {"quality_manager"}),
        ):
            ops.append(("factory.rma.inspection", method, call(inspection, method), roles))
        for method, roles in (
            ("action_approve", {"quality_manager"}),
            ("action_close", {"quality_manager"}),
        ):
            ops.append(("factory.rma.8d", method, call(rec["8d"], method), roles))
        return ops

    def test_access_matrix(self):
        rows = []
        mismatches = []
        for model, operation, func, expected in self._operations():
            kind = "button" if "action_" in operation else "data"
            cells = []
            for role in ROLES:
                allowed = self._cell(role, func, kind)
                wanted = role in expected
                mark = "✓" if allowed else "·"
                if allowed != wanted:
                    mark += "!"
                    mismatches.append(f"{model} {operation} as {role}: allowed={allowed}")
                cells.append(mark)
            rows.append((f"{model} {operation}", cells))
        width = max(len(label) for label, _cells in rows)
        header = " " * width + " | " + " ".join(f"{SHORT[r]:>7}" for r in ROLES)
        lines = [header, "-" * len(header)]
        lines += [
            f"{label:<{width}} | " + " ".join(f"{c:>7}" for c in cells) for label, cells in rows
        ]
        _logger.info(
            "Access matrix (✓ allowed, · refused, ! not as expected):\n%s", "\n".join(lines)
        )
        print("\n".join(lines))  # noqa: T201 - the table is the test's report
        self.assertFalse(mismatches, "\n".join(mismatches))
