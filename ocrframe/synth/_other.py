"""Bodies of the 36 other operations, from compact field trees named after the SDK models."""

from __future__ import annotations

from typing import Any

from ._pools import B64_JPEG, EN_NAMES, Gen

# --- the 36 other operations: compact trees --------------------------------------------------
# Leaf codes: "s" string (value chosen by field name), "c" confidence float, "i" int, "b" bool,
# "p" polygon, "b64" Base64 payload, "ls" list of strings, "li" list of ints, "score" 0-99
# alarm score, "conf" {sibling string field: float}.
# A dict is an object, [dict] a list of 1-4 objects. A tree in a list is a list-shaped result.

_WORDS = {
    "words_block_count": "i",
    "words_block_list": [{"words": "s", "confidence": "c", "location": "p"}],
}
_TABLE = {
    "words_region_count": "i",
    "words_region_list": [
        {
            "type": "s",
            "words_block_count": "i",
            "words_block_list": [{"words": "s", "confidence": "c", "rows": "li", "columns": "li"}],
        }
    ],
    "excel": "b64",
}


def _card(*fields: str) -> dict:
    return {**{f: "s" for f in fields}, "confidence": "conf"}


OTHER_TREES: dict[str, Any] = {
    "acceptance-bill": _card(
        "bill_type",
        "issue_date",
        "number",
        "due_date",
        "drawer_name",
        "drawer_account_number",
        "drawer_bank_name",
        "payee_name",
        "payee_account_number",
        "payee_bank_name",
        "amount_in_words",
        "amount_in_figures",
        "acceptance_date",
    ),
    "auto-classification": [
        {
            "type": "s",
            "status": "s",
            "location": "p",
            "content": {"number": "s", "name": "s", "issue_date": "s"},
        }
    ],
    "bank-receipt": {
        "bank_receipt_count": "i",
        "bank_receipt_list": [
            {
                "kv_count": "i",
                "kv_list": [{"key": "s", "value": "s", "key_location": "p", "value_location": "p"}],
                "location": "p",
            }
        ],
    },
    "bankcard": {
        "bank_name": "s",
        "card_number": "s",
        "issue_date": "s",
        "expiry_date": "s",
        "type": "s",
        "confidence": "conf",
    },
    "business-card": {
        "name": "ls",
        "phone": "ls",
        "company": "ls",
        "title": "ls",
        "address": "ls",
        "email": "ls",
        "confidence": "conf",
    },
    "business-license": _card(
        "registration_number",
        "name",
        "type",
        "address",
        "legal_representative",
        "registered_capital",
        "found_date",
        "business_term",
        "business_scope",
        "issue_date",
    ),
    "custom-template": {
        "template_id": "s",
        "template_name": "s",
        "words_block_count": "i",
        "words_block_list": [{"key": "s", "value": "s", "location": "p", "confidence": "c"}],
    },
    "driver-license": _card(
        "type",
        "number",
        "name",
        "sex",
        "nationality",
        "address",
        "birth",
        "issue_date",
        "class",
        "valid_from",
        "valid_to",
        "issuing_authority",
    ),
    "exit-entry-permit": _card(
        "name",
        "name_en",
        "sex",
        "birth",
        "number",
        "expiry_date",
        "issue_date",
        "issue_place",
        "issuing_authority",
    ),
    "financial-statement": _TABLE,
    "flight-itinerary": {
        **_card(
            "serial_number",
            "passenger_name",
            "id_number",
            "pnr",
            "issued_by",
            "issue_date",
            "fare",
            "tax",
            "fuel_surcharge",
            "total",
        ),
        "itinerary_list": [
            {
                "departure_station": "s",
                "arrival_station": "s",
                "carrier": "s",
                "flight": "s",
                "cabin_class": "s",
                "date": "s",
                "time": "s",
                "allow": "s",
            }
        ],
    },
    "handwriting": {
        "words_block_count": "i",
        "words_block_list": [
            {
                "words": "s",
                "confidence": "c",
                "location": "p",
                "char_list": [{"char": "s", "char_location": "p", "char_confidence": "c"}],
            }
        ],
    },
    "health-code": {**_card("name", "time", "color", "phone"), **_WORDS},
    "hk-id-card": _card(
        "side",
        "name",
        "name_en",
        "birth",
        "sex",
        "number",
        "issue_date",
        "first_issue_date",
        "symbols",
    ),
    "household-register": [
        _card(
            "type",
            "name",
            "relationship",
            "sex",
            "birth_place",
            "birth",
            "nationality",
            "id_card_number",
            "address",
        )
    ],
    "id-card": {
        **_card(
            "name",
            "sex",
            "ethnicity",
            "birth",
            "address",
            "number",
            "issuing_authority",
            "valid_from",
            "valid_to",
        ),
        "detect_reproduce_result": "b",
        "detect_copy_result": "b",
        "detect_blur_result": "b",
        "score_info": {"reproduce_score": "score", "copy_score": "score", "blur_score": "score"},
    },
    "insurance-policy": {
        "bill_type": "s",
        "policy_number": "s",
        "holder_name": "s",
        "insured_name": "s",
        "total_premium": "s",
        "issue_date": "s",
        "insurance_list": [{"name": "s", "amount": "s", "period": "s", "premium": "s"}],
        "confidence": "conf",
    },
    "invoice-verification": {
        "code": "s",
        "number": "s",
        "issue_date": "s",
        "buyer_name": "s",
        "seller_name": "s",
        "subtotal_amount": "s",
        "subtotal_tax": "s",
        "total": "s",
        "state": "s",
        "type": "s",
    },
    "license-plate": [
        {"plate_number": "s", "plate_color": "s", "plate_location": "p", "confidence": "c"}
    ],
    "macao-id-card": _card(
        "side",
        "name",
        "name_en",
        "birth",
        "sex",
        "number",
        "issue_date",
        "expiry_date",
        "first_issue_date",
    ),
    "mainland-travel-permit": _card(
        "name",
        "name_en",
        "sex",
        "birth",
        "number",
        "issue_date",
        "expiry_date",
        "issuing_authority",
        "issue_times",
    ),
    "mvs-invoice": _card(
        "code",
        "number",
        "issue_date",
        "machine_number",
        "buyer_name",
        "buyer_id",
        "vehicle_type",
        "brand_model",
        "vin",
        "engine_number",
        "seller_name",
        "total",
        "total_in_words",
        "tax_rate",
    ),
    "pcr-test-record": {**_card("name", "test_time", "test_result", "institution"), **_WORDS},
    "transportation-qualification-certificate": _card(
        "name",
        "sex",
        "nationality",
        "birth",
        "address",
        "number",
        "category",
        "issue_date",
        "valid_from",
        "valid_to",
        "issuing_authority",
    ),
    "quota-invoice": _card("code", "number", "amount", "location", "issue_date"),
    "real-estate-certificate": _card(
        "obligee", "ownership", "location", "unit_number", "use", "area", "land_use_term", "number"
    ),
    "seal": {
        "seal_count": "i",
        "seal_list": [{"words": "s", "confidence": "c", "location": "p", "color": "s"}],
    },
    "taxi-invoice": _card(
        "code",
        "number",
        "taxi_number",
        "date",
        "time_geton",
        "time_getoff",
        "mileage",
        "amount",
        "location",
    ),
    "toll-invoice": _card(
        "code", "number", "entry", "exit", "vehicle_type", "amount", "date", "time"
    ),
    "train-ticket": _card(
        "ticket_id",
        "check",
        "start_station",
        "end_station",
        "train_number",
        "departure_time",
        "seat_number",
        "seat_category",
        "ticket_price",
        "name",
        "id_number",
    ),
    "transportation-license": _card(
        "owner_name",
        "license_number",
        "vehicle_number",
        "vehicle_type",
        "maximum_capacity",
        "vehicle_size",
        "issue_date",
        "business_certificate",
    ),
    "vat-invoice": {
        **_card(
            "type",
            "serial_number",
            "code",
            "check_code",
            "number",
            "issue_date",
            "buyer_name",
            "buyer_id",
            "buyer_address",
            "buyer_bank",
            "seller_name",
            "seller_id",
            "seller_address",
            "seller_bank",
            "subtotal_amount",
            "subtotal_tax",
            "total",
            "total_in_words",
            "remarks",
            "receiver",
            "reviewer",
            "issuer",
        ),
        "item_list": [
            {
                "name": "s",
                "specification": "s",
                "unit": "s",
                "quantity": "s",
                "unit_price": "s",
                "amount": "s",
                "tax_rate": "s",
                "tax": "s",
            }
        ],
    },
    "vehicle-certificate": _card(
        "certificate_number",
        "issue_date",
        "vehicle_manufacturer",
        "vehicle_brand",
        "vehicle_type",
        "vin",
        "engine_number",
        "vehicle_color",
        "displacement",
        "manufacture_date",
    ),
    "vehicle-license": {
        **_card(
            "number",
            "vehicle_type",
            "name",
            "address",
            "use_character",
            "model",
            "vin",
            "engine_no",
            "register_date",
            "issue_date",
            "issuing_authority",
        ),
        "detect_copy_result": "b",
        "detect_reproduce_result": "b",
    },
    "vin": {"vin": "s", "confidence": "c"},
    "waybill-electronic": _card(
        "waybill_number",
        "receiver_name",
        "receiver_phone",
        "receiver_address",
        "sender_name",
        "sender_phone",
        "sender_address",
    ),
}


def _value_for(g: Gen, name: str) -> str:
    n = name.lower()
    if any(k in n for k in ("date", "birth", "valid_", "_time", "time")) and "place" not in n:
        return g.date()
    if (
        any(
            k in n
            for k in (
                "amount",
                "total",
                "price",
                "fare",
                "tax",
                "premium",
                "mileage",
                "capital",
                "surcharge",
            )
        )
        and "words" not in n
    ):
        return g.money()
    if "phone" in n:
        return "+852 " + g.digits(8)
    if "vin" == n or n.startswith("vin"):
        return "LSV" + "".join(g.r.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(14))
    if any(k in n for k in ("number", "code", "_id", "serial", "pnr")) or n == "id":
        return g.digits(g.r.choice((8, 10, 12)))
    if n == "sex":
        return g.r.choice("MF")
    if "name" in n or n in ("obligee", "receiver", "reviewer", "issuer", "passenger"):
        return g.r.choice(EN_NAMES).title()
    if any(k in n for k in ("address", "location", "station", "place", "entry", "exit")):
        return g.r.choice(
            (
                "12 Harbour Road, Wan Chai",
                "88 Nathan Road",
                "Shenzhen North",
                "Guangzhou South",
                "1 Science Park Ave",
            )
        )
    if n in ("type", "status", "state", "color", "side", "class", "category"):
        return g.r.choice(("normal", "front", "blue", "valid", "C1"))
    return g.line()


def walk_tree(g: Gen, tree: Any, name: str = "") -> Any:
    if isinstance(tree, list):
        return [walk_tree(g, tree[0], name) for _ in range(g.r.randint(1, 4))]
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, sub in tree.items():
            if sub != "conf":
                out[key] = walk_tree(g, sub, key)
        for key, sub in tree.items():
            if sub == "conf":
                out[key] = {k: g.conf(0.6) for k, v in out.items() if isinstance(v, str)}
        for key in list(out):
            if key.endswith("_count") and isinstance(out.get(key[:-6] + "_list"), list):
                out[key] = len(out[key[:-6] + "_list"])
        return out
    return {
        "s": lambda: _value_for(g, name),
        "c": lambda: g.conf(),
        "i": lambda: g.r.randint(1, 20),
        "b": lambda: g.r.random() < 0.5,
        "p": lambda: g.box(),
        "b64": lambda: B64_JPEG,
        "ls": lambda: [_value_for(g, name) for _ in range(g.r.randint(1, 2))],
        "li": lambda: [g.r.randint(0, 6)],
        "score": lambda: g.r.choice((0, 1, 3, g.r.randint(0, 99))),
    }[tree]()
