import base64

from odoo import Command, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import RmaCommon

#: the smallest valid PNG (1 × 1 pixel)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class PortalRequestCommon(RmaCommon, HttpCase):
    """AS-28: Customer C's portal user (Carol) and Dealer B's (Bob); an
    order of C with 5 × M-100 delivered (lot L1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_c, cls.portal_c = cls._portal_contact(
            cls.customer_c, "Carol of Customer C", "carol@c.com", "req_portal_c"
        )
        cls.contact_b, cls.portal_b = cls._portal_contact(
            cls.dealer_b, "Bob of Dealer B", "bob@b.com", "req_portal_b"
        )
        cls.reason = cls.env.ref("rma_factory.reason_quality_cracking")
        # customer service receives the requests
        cls.order = cls._deliver(cls.customer_c, [(cls.mould, 5, cls.lot1)])
        cls.order.user_id = cls.user_cs

    def setUp(self):
        super().setUp()
        self.move = self.order.picking_ids.move_ids
        self.key = f"{self.move.id}-{self.lot1.id}"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _form(self, qty="2", order=None, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            f"qty_{self.key}": qty,
            "reason_id": str(self.reason.id),
            "requested_outcome": "replace",
            "return_method": "courier",
            "description": "Cracks along the parting line",
            "request_key": values.pop("request_key", "key-1"),
        }
        data.update(values)
        return data

    def _post(self, data, files=None, order=None):
        order = order or self.order
        return self.url_open(
            f"/my/rma/new?order_id={order.id}",
            data=data,
            files=files or [],
            allow_redirects=True,
        )

    def _photos(self, count=2):
        return [("attachments", (f"photo{i}.png", PNG, "image/png")) for i in range(1, count + 1)]

    def _rmas(self):
        return self.env["factory.rma"].search([("commercial_partner_id", "=", self.customer_c.id)])

    def _attachments(self):
        return self.env["ir.attachment"].search([("res_model", "=", "factory.rma")])

    def _assert_refused(self, res, *texts):
        """The form comes back with ``texts``; nothing was created."""
        self.assertEqual(res.status_code, 200)
        self.assertIn("Your request was not sent", res.text)
        for text in texts:
            self.assertIn(text, res.text)
        self.env.invalidate_all()
        self.assertEqual(self._rmas(), self.rmas_before, "no RMA created")
        self.assertEqual(self._attachments(), self.attachments_before, "nothing attached")


@tagged("post_install", "-at_install")
class TestRmaPortalRequest(PortalRequestCommon):
    """Issue #13: a return request from the portal becomes a draft RMA of
    the customer's own delivered lines; every bad input leaves nothing."""

    def setUp(self):
        super().setUp()
        self.rmas_before = self._rmas()
        self.attachments_before = self._attachments()

    def test_request_with_photos_becomes_a_draft_rma(self):
        self.authenticate("req_portal_c", "req_portal_c")
        res = self.url_open(f"/my/rma/new?order_id={self.order.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("M-100", res.text)
        self.assertIn(f'name="qty_{self.key}"', res.text)
        res = self._post(self._form(), files=self._photos())
        self.assertEqual(res.status_code, 200)
        rma = self._rmas() - self.rmas_before
        self.assertEqual(len(rma), 1)
        self.assertIn(f"/my/rma/{rma.id}", res.url)
        self.assertIn("We received your return request", res.text)
        self.assertIn(rma.name, res.text)
        self.assertEqual(rma.state, "draft")
        self.assertEqual(rma.channel, "portal")
        self.assertEqual(rma.partner_id, self.customer_c)
        self.assertEqual(rma.partner_contact_id, self.contact_c)
        self.assertEqual(rma.sale_order_id, self.order)
        self.assertEqual(rma.user_id, self.user_cs)
        self.assertEqual(rma.return_method, "courier")
        self.assertIn("Cracks along the parting line", rma.description)
        line = rma.line_ids
        self.assertEqual(
            (line.product_id, line.lot_id, line.quantity, line.move_id, line.sale_line_id),
            (self.mould, self.lot1, 2.0, self.move, self.move.sale_line_id),
        )
        self.assertEqual((line.reason_id, line.requested_outcome), (self.reason, "replace"))
        photos = self._attachments() - self.attachments_before
        self.assertEqual(sorted(photos.mapped("name")), ["photo1.png", "photo2.png"])
        self.assertEqual(set(photos.mapped("res_id")), {rma.id})
        self.assertEqual(set(photos.mapped("mimetype")), {"image/png"})
        # customer service gets an activity, the customer its acknowledgement
        self.assertTrue(
            rma.activity_ids.filtered(lambda a: a.user_id == self.user_cs and "portal" in a.summary)
        )
        self.env["factory.rma.customer.message"]._cron_send_pending()
        ack = rma.message_ids.filtered(
            lambda m: (
                self.customer_c in m.partner_ids and "We received your return request" in m.body
            )
        )
        self.assertEqual(len(ack), 1)
        self.assertIn(rma.name, ack.body)
        self.assertIn(self.contact_c, ack.partner_ids, "the contact who asked is told too")
        # the request follows the back-office controls: customer service submits it
        rma.line_ids.with_user(self.user_cs).write(
            {
                "cond_original_packaging": True,
                "cond_accessories_complete": True,
                "cond_no_human_damage": True,
            }
        )
        rma.with_user(self.user_cs).write({"criterion_b": True})
        rma.with_user(self.user_cs).action_submit()
        self.assertEqual(rma.state, "submitted")
        # it is listed
        res = self.url_open("/my/rmas")
        self.assertIn(rma.name, res.text)
        self.assertIn("New return", res.text)

    def test_each_reader_in_its_language(self):
        """The acknowledgement is written in the customer's language
        (zh_TW), the activity in customer service's (zh_CN), whatever the
        language of the portal user who files the request (en)."""
        for lang in ("zh_CN", "zh_TW"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["rma_factory"], ["zh_CN", "zh_TW"])
        self.customer_c.lang = "zh_TW"
        self.user_cs.lang = "zh_CN"
        self.assertEqual(self.portal_c.lang, "en_US")
        self.authenticate("req_portal_c", "req_portal_c")
        self._post(self._form(), files=self._photos(1))
        rma = self._rmas() - self.rmas_before
        self.assertEqual(len(rma), 1)
        activity = rma.activity_ids.filtered(lambda a: a.user_id == self.user_cs)
        self.assertEqual(activity.summary, "审核客户门户提交的退货申请")
        Message = self.env["factory.rma.customer.message"]
        Message._cron_send_pending()
        Message._cron_send_pending()
        ack = rma.message_ids.filtered(lambda m: self.customer_c in m.partner_ids)
        self.assertEqual(len(ack), 1, "one acknowledgement")
        self.assertIn(f"已收到您的退貨申請 {rma.name}", ack.subject)

    def test_quantities_above_returnable_zero_negative_or_not_numbers(self):
        self.authenticate("req_portal_c", "req_portal_c")
        for qty, text in (
            ("6", "you can return at most 5"),
            ("0", "must be more than zero"),
            ("-1", "must be more than zero"),
            ("abc", "is not a quantity"),
            ("nan", "must be more than zero"),
            ("", "Enter the quantity of at least one product"),
        ):
            with self.subTest(qty=qty):
                res = self._post(self._form(qty=qty), files=self._photos())
                self._assert_refused(res, text, "Please select your files again")
        # a quantity already on another RMA is not returnable any more
        res = self._post(self._form(qty="3", request_key="first"))
        self.assertEqual(len(self._rmas() - self.rmas_before), 1)
        self.rmas_before = self._rmas()
        res = self._post(self._form(qty="3", request_key="second"))
        self._assert_refused(res, "you can return at most 2")

    def test_other_fields_are_checked(self):
        self.authenticate("req_portal_c", "req_portal_c")
        other_company_reason = self.env["factory.rma.reason"].create(
            {
                "name": "Other company's reason",
                "company_id": self.env["res.company"].create({"name": "Other"}).id,
            }
        )
        for values, text in (
            ({"reason_id": ""}, "Choose the reason"),
            ({"reason_id": str(other_company_reason.id)}, "Choose the reason"),
            ({"reason_id": "x"}, "Choose the reason"),
            ({"requested_outcome": "scrap"}, "Choose what you wish"),
            ({"return_method": "teleport"}, "Choose how the goods come back"),
            ({"description": "  "}, "Describe the problem"),
            ({"description": "x" * 5001}, "at most 5000 characters"),
            (
                {
                    "reason_id": str(self.env.ref("rma_factory.reason_wrong_model").id),
                    "requested_outcome": "replace",
                },
                "is not possible for the reason",
            ),
        ):
            with self.subTest(values=values):
                self._assert_refused(self._post(self._form(**values)), text)

    def test_files_too_big_refused_type_or_forged_content(self):
        self.authenticate("req_portal_c", "req_portal_c")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("rma_factory.portal_max_file_mb", "1")
        params.set_param("rma_factory.portal_max_files", "3")
        big = PNG + b"\0" * (1024 * 1024)
        for files, text in (
            ([("attachments", ("big.png", big, "image/png"))], "big.png is larger than 1 MB"),
            (
                [("attachments", ("run.exe", b"MZ\x90\x00", "image/png"))],
                "run.exe: this type of file",
            ),
            (
                [("attachments", ("page.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"))],
                "page.svg: this type of file",
            ),
            (
                [("attachments", ("fake.png", b"<html></html>", "image/png"))],
                "fake.png is not a PNG",
            ),
            ([("attachments", ("fake.pdf", PNG, "application/pdf"))], "fake.pdf is not a PDF"),
            ([("attachments", ("empty.jpg", b"", "image/jpeg"))], "empty.jpg is empty"),
            (self._photos(4), "Attach at most 3 files"),
        ):
            with self.subTest(files=[f[1][0] for f in files]):
                self._assert_refused(self._post(self._form(), files=files), text)
        # accepted: a photo, a video and a PDF
        files = [
            ("attachments", ("photo.png", PNG, "image/png")),
            ("attachments", ("clip.mp4", b"\0\0\0\x18ftypmp42" + b"\0" * 32, "video/mp4")),
            ("attachments", ("report.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")),
        ]
        self._post(self._form(), files=files)
        self.assertEqual(len(self._rmas() - self.rmas_before), 1)
        self.assertEqual(
            sorted((self._attachments() - self.attachments_before).mapped("mimetype")),
            ["application/pdf", "image/png", "video/mp4"],
        )

    def test_another_customers_order_or_an_undelivered_one(self):
        other = self._deliver(self.dealer_b, [(self.mould, 5, self.lot2)])
        undelivered = self.env["sale.order"].create(
            {
                "partner_id": self.customer_c.id,
                "order_line": [
                    Command.create({"product_id": self.connector.id, "product_uom_qty": 3})
                ],
            }
        )
        undelivered.action_confirm()
        self.authenticate("req_portal_c", "req_portal_c")
        other_key = f"{other.picking_ids.move_ids.id}-{self.lot2.id}"
        for order, data, text in (
            (
                other,
                self._form(**{f"qty_{other_key}": "1"}),
                "cannot be returned from your account",
            ),
            (undelivered, self._form(), "has no delivered goods left to return"),
        ):
            with self.subTest(order=order.name):
                res = self.url_open(f"/my/rma/new?order_id={order.id}")
                self.assertIn(text, res.text)
                self.assertNotIn('name="qty_', res.text)
                self._assert_refused(self._post(data, order=order), text)
        # a missing order says the same as another customer's
        res = self.url_open("/my/rma/new?order_id=999999")
        self.assertIn("cannot be returned from your account", res.text)
        # the order list offers only the customer's delivered orders
        res = self.url_open("/my/rma/new")
        self.assertIn(self.order.name, res.text)
        self.assertNotIn(other.name, res.text)
        self.assertNotIn(undelivered.name, res.text)
        # the portal page of the order offers the return; not the undelivered one
        res = self.url_open(f"/my/orders/{self.order.id}")
        self.assertIn("o_rma_portal_request_from_order", res.text)
        res = self.url_open(f"/my/orders/{undelivered.id}")
        self.assertNotIn("o_rma_portal_request_from_order", res.text)

    def test_lines_of_the_order_only(self):
        """A quantity posted for a move of another order (the keys are in
        the form) is refused."""
        other = self._deliver(self.dealer_b, [(self.mould, 5, self.lot2)])
        self.authenticate("req_portal_c", "req_portal_c")
        other_key = f"{other.picking_ids.move_ids.id}-{self.lot2.id}"
        res = self._post(self._form(qty="", **{f"qty_{other_key}": "1"}))
        self._assert_refused(res, "not part of this order")

    def test_csrf_internal_and_public_users(self):
        self.authenticate("req_portal_c", "req_portal_c")
        data = self._form()
        del data["csrf_token"]
        res = self._post(data)
        self.assertEqual(res.status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(self._rmas(), self.rmas_before)
        # internal users create RMAs in the back office
        self.authenticate("rma_cs", "rma_cs")
        res = self._post(self._form())
        self.assertIn("internal users create RMAs in the back office", res.text)
        self.assertEqual(self._rmas(), self.rmas_before)
        # not logged in: the login page
        self.authenticate(None, None)
        res = self.url_open(f"/my/rma/new?order_id={self.order.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertIn("/web/login", res.headers["Location"])

    def test_double_submission_creates_one_rma(self):
        self.authenticate("req_portal_c", "req_portal_c")
        data = self._form(request_key="same-form")
        first = self._post(data, files=self._photos(1))
        rma = self._rmas() - self.rmas_before
        self.assertEqual(len(rma), 1)
        second = self._post(
            dict(data, csrf_token=http.Request.csrf_token(self)), files=self._photos(1)
        )
        self.assertEqual(self._rmas() - self.rmas_before, rma, "the same form creates one RMA")
        self.assertIn(f"/my/rma/{rma.id}", second.url)
        self.assertIn("This request was already sent", second.text)
        self.assertEqual(len(self._attachments() - self.attachments_before), 1)
        self.assertIn("We received your return request", first.text)
        # the same key of another customer is another request
        self.assertEqual(
            self.env["factory.rma"].search_count([("portal_request_key", "=", "same-form")]), 1
        )

    def test_model_refuses_whoever_calls_it(self):
        """The controls are in the model: an internal user, another
        customer's portal user, and the public user are refused."""
        Rma = self.env["factory.rma"]
        public = self.env.ref("base.public_user")
        for user, error in (
            (self.user_cs, "back office"),
            (public, "back office"),
            (self.portal_b, "cannot be returned from your account"),
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError) as caught:
                    Rma.with_user(user)._portal_create_request(
                        self.order,
                        {self.key: "1"},
                        {
                            "reason_id": self.reason.id,
                            "requested_outcome": "refund",
                            "return_method": "courier",
                            "description": "x",
                        },
                        [],
                    )
                self.assertIn(error, str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(self._rmas(), self.rmas_before)


@tagged("post_install", "-at_install")
class TestRmaPortalShipment(PortalRequestCommon):
    """After approval the customer reads the return instructions and enters
    its carrier and tracking number (LOG-23); the receipt shows them."""

    def setUp(self):
        super().setUp()
        self.rma = self._create_rma(self.order)
        self._set_line_qty(self.rma, 2)
        self._approve(self.rma)
        self.receipt = self._receipt(self.rma)

    def _post_shipment(self, carrier, tracking_ref, rma=None, **extra):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "carrier": carrier,
            "tracking_ref": tracking_ref,
            **extra,
        }
        return self.url_open(f"/my/rma/{(rma or self.rma).id}/shipment", data=data)

    def test_instructions_then_tracking_number_on_the_receipt(self):
        self.authenticate("req_portal_c", "req_portal_c")
        res = self.url_open(f"/my/rma/{self.rma.id}")
        self.assertEqual(res.status_code, 200)
        for text in (
            "How to send the goods back",
            "o_rma_portal_ra_number",
            self.rma.name,
            "report=authorisation",
            "rma_shipment_form",
            "o_rma_portal_step_approved",
        ):
            self.assertIn(text, res.text)
        warehouse_address = self.rma.warehouse_id.partner_id.name
        self.assertIn(warehouse_address, res.text)
        res = self._post_shipment("SF Express", "SF1234567890")
        self.assertIn("the carrier and the tracking number of your parcel are recorded", res.text)
        self.assertIn("SF1234567890", res.text)
        self.assertEqual(
            (self.rma.return_carrier_name, self.rma.return_tracking_ref),
            ("SF Express", "SF1234567890"),
        )
        self.assertEqual(
            (self.receipt.rma_carrier_name, self.receipt.rma_tracking_ref),
            ("SF Express", "SF1234567890"),
        )
        self.assertTrue(
            self.rma.sudo().customer_message_ids.filtered(lambda m: m.step == "return_shipped")
        )
        # a correction replaces it; the same post again changes nothing
        self._post_shipment("SF Express", "SF0000000001")
        self._post_shipment("SF Express", "SF0000000001")
        self.assertEqual(self.receipt.rma_tracking_ref, "SF0000000001")
        self.assertEqual(
            len(
                self.rma.sudo().customer_message_ids.filtered(lambda m: m.step == "return_shipped")
            ),
            2,
        )

    def test_shipment_refusals(self):
        self.authenticate("req_portal_c", "req_portal_c")
        for carrier, ref, text in (
            ("", "SF1", "Enter the carrier and the tracking number"),
            ("SF", "  ", "Enter the carrier and the tracking number"),
            ("SF", "x" * 65, "at most 64 characters"),
        ):
            with self.subTest(carrier=carrier, ref=ref):
                res = self._post_shipment(carrier, ref)
                self.assertIn("Your shipment was not recorded", res.text)
                self.assertIn(text, res.text)
                self.assertFalse(self.receipt.rma_tracking_ref)
        # without CSRF token
        res = self.url_open(
            f"/my/rma/{self.rma.id}/shipment", data={"carrier": "SF", "tracking_ref": "SF1"}
        )
        self.assertEqual(res.status_code, 400)
        # another customer's portal user is sent away
        self.authenticate("req_portal_b", "req_portal_b")
        res = self.url_open(f"/my/rma/{self.rma.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        res = self._post_shipment("SF", "SF1")
        self.assertNotIn(self.rma.name, res.text)
        # internal users record it on the RMA form, not on the portal
        self.authenticate("rma_cs", "rma_cs")
        res = self._post_shipment("SF", "SF1")
        self.assertIn("only the customer enters its return shipment", res.text)
        self.env.invalidate_all()
        self.assertFalse(self.rma.return_tracking_ref)
        self.assertFalse(self.receipt.rma_tracking_ref)
        # once the goods are received, nothing is awaited any more
        self._receive(self.rma)
        self.authenticate("req_portal_c", "req_portal_c")
        res = self._post_shipment("SF", "SF1")
        self.assertIn("does not wait for goods from you any more", res.text)
        self.assertFalse(self.rma.return_tracking_ref)
        # the model checks its caller whatever the caller is
        with self.assertRaises(AccessError):
            self.rma.with_user(self.portal_b).sudo()._portal_record_return_shipment("SF", "1")

    def test_customer_with_rmas_in_two_companies(self):
        """Each RMA on the portal, with its company's letterhead."""
        company_2 = self.env["res.company"].create(
            {"name": "Mould Works South", "street": "8 Harbour Road", "city": "Xiamen"}
        )
        self.env.user.company_ids |= company_2
        env2 = self.env(context=dict(self.env.context, allowed_company_ids=[company_2.id]))
        warehouse_2 = env2["stock.warehouse"].search([("company_id", "=", company_2.id)])
        env2["stock.quant"]._update_available_quantity(self.connector, warehouse_2.lot_stock_id, 4)
        order_2 = env2["sale.order"].create(
            {
                "partner_id": self.customer_c.id,
                "company_id": company_2.id,
                "order_line": [
                    Command.create({"product_id": self.connector.id, "product_uom_qty": 4})
                ],
            }
        )
        order_2.action_confirm()
        order_2.picking_ids.move_ids.quantity = 4
        order_2.picking_ids.move_ids.picked = True
        order_2.picking_ids._action_done()
        rma_2 = env2["factory.rma"].browse(order_2.action_create_rma()["res_id"])
        self.assertEqual(rma_2.company_id, company_2)
        self.assertNotIn(company_2, self.portal_c.company_ids)
        self.authenticate("req_portal_c", "req_portal_c")
        res = self.url_open("/my/rmas")
        self.assertIn(self.rma.name, res.text)
        self.assertIn(rma_2.name, res.text)
        rma_2.with_company(company_2)._write_workflow({"state": "approved"})
        for rma, company in ((self.rma, self.env.company), (rma_2, company_2)):
            res = self.url_open(f"/my/rma/{rma.id}?report_type=html&report=authorisation")
            self.assertEqual(res.status_code, 200)
            self.assertIn("o_rma_letterhead", res.text)
            self.assertIn(company.name, res.text)
            other = company_2 if company != company_2 else self.env.company
            self.assertNotIn(f">{other.name}<", res.text)
        self.assertIn("8 Harbour Road", res.text)
