"""Normalised field names, so mixed ID documents can be analysed in one frame.

Country APIs name the same concept differently (``birth_date`` / ``date_of_birth`` /
``birth``; ``sex`` / ``gender``). ``fields`` keeps the original name in ``field`` and puts the
shared name in ``field_norm``. A language suffix other than English is kept
(``date_of_birth_th`` -> ``birth_date_th``), so the English value owns the plain name.
"""

from __future__ import annotations

import re

FIELD_NORMS: dict[str, str] = {
    # dates
    "birth_date": "birth_date",
    "date_of_birth": "birth_date",
    "birth": "birth_date",
    "issue_date": "issue_date",
    "date_of_issue": "issue_date",
    "expiry_date": "expiry_date",
    "date_of_expiry": "expiry_date",
    "expiried_date": "expiry_date",
    "valid_date": "expiry_date",
    "registration_date": "registration_date",
    # people
    "sex": "sex",
    "gender": "sex",
    "name": "full_name",
    "full_name": "full_name",
    "given_name": "given_name",
    "first_name": "given_name",
    "surname": "surname",
    "last_name": "surname",
    "first_surname": "surname",
    "second_surname": "second_surname",
    "father_name": "father_name",
    "nationality": "nationality",
    "birth_place": "birth_place",
    "place_of_birth": "birth_place",
    "origin_place": "birth_place",
    "address": "address",
    "residence_place": "address",
    "height": "height",
    "blood_type": "blood_type",
    "blood_group": "blood_type",
    "religion": "religion",
    "bloodlines_religion": "religion",
    "profession": "profession",
    "marital_status": "marital_status",
    # documents
    "id_number": "id_number",
    "nrc_id": "id_number",
    "cui_number": "id_number",
    "passport_number": "document_number",
    "document_number": "document_number",
    "card_number": "card_number",
    "card_id": "card_number",
    "issuing_authority": "issuing_authority",
    "issue_authority": "issuing_authority",
    "place_of_issue": "place_of_issue",
    "country_code": "country",
    "country_region": "country",
    "machine_code": "mrz1",
    "machine_code1": "mrz1",
    "machine_code2": "mrz2",
    "machine_code3": "mrz3",
    "portrait_location": "portrait_location",
    "idcard_type": "document_copy_type",
    "side": "side",
    # other engines' names of the same concepts (Textract AnalyzeID, Azure and Document AI ID
    # models, in snake case)
    "expiration_date": "expiry_date",
    "date_of_expiration": "expiry_date",
    "given_names": "given_name",
    "family_name": "surname",
    "middle_name": "middle_name",
}

# APIs whose plain ``number`` is the personal ID number.
_NUMBER_IS_ID = {"chile-id-card", "colombia-id-card", "vietnam-id-card"}
# Myanmar Driving License: plain fields are Burmese, ``_en`` fields English.
_LOCAL_SUFFIX = {"myanmar-driver-license": "my"}
_SUFFIX = re.compile(r"^(.*?)_(en|th|kh|my|local)$")


def normalise_field(name: str, api: str | None = None, group: str = "") -> str:
    """The shared name of a field.

    >>> normalise_field("date_of_birth_th", "thailand-id-card")
    'birth_date_th'
    >>> normalise_field("gender", "colombia-id-card")
    'sex'
    >>> normalise_field("birth", "myanmar-driver-license")
    'birth_date_my'
    """
    base, suffix = name, ""
    m = _SUFFIX.match(name)
    if m and m.group(1) in FIELD_NORMS:
        base, suffix = m.group(1), m.group(2)
    translation = base.endswith("_translation")
    if translation:
        base = base[: -len("_translation")]
    if base == "number" and api in _NUMBER_IS_ID:
        norm = "id_number"
    else:
        norm = FIELD_NORMS.get(base, base)
    if not suffix and not translation and api in _LOCAL_SUFFIX and f"{name}_en" != name:
        if base in FIELD_NORMS or base == "number":
            suffix = _LOCAL_SUFFIX[api]
    if suffix and suffix != "en":
        norm = f"{norm}_{suffix}"
    if translation:
        norm = f"{norm}_translation"
    if group.endswith("local_language"):
        norm = f"{norm}_local"
    return norm
