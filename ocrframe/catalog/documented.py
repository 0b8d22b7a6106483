"""Records of the 16 APIs documented in the OCR API Reference (data only).

Source: the OCR API Reference (digest in ``shared/reference/api_schemas.md`` and ``calling.md``).
"""

from __future__ import annotations

from .spec import ApiSpec, Param


def _keys(names: str) -> tuple[str, ...]:
    """``"a b"`` -> ``("a", "b")``: compact field lists."""
    return tuple(names.split())


def _signatures(*key_sets: str) -> tuple[frozenset[str], ...]:
    """Each argument is one set of result keys, space-separated, that identifies the API."""
    return tuple(frozenset(keys.split()) for keys in key_sets)


_ID_FORMATS = ("jpeg", "jpg", "png", "bmp", "tiff")
_SIDE = ("front", "back")

_GENERAL_TEXT_LANGUAGES = (
    "auto", "ms", "uk", "hi", "ru", "vi", "id", "th", "zh", "ar", "de", "la", "fr", "it",
    "es", "pt", "ro", "pl", "am", "ja", "ko", "tr", "no", "da", "sv", "km", "he",
)  # fmt: skip
_ID_DOCUMENT_COUNTRIES = (
    "VNM", "IND", "PHL", "ALB", "BRA", "IDN", "MYS", "NGA", "PAK", "RUS", "TWN", "UKR", "THA",
    "CHL", "HKG",
)  # fmt: skip

DOCUMENTED_RECORDS: tuple[ApiSpec, ...] = (
    ApiSpec(
        slug="smart-document-recognizer",
        name="Smart Document Recognizer",
        method="smart_document_recognizer",
        sdk_method="recognize_smart_document_recognizer",
        image_field="data",
        regions=("ap-southeast-1", "ap-southeast-3"),
        documented=True,
        result_kind="list",
        formats=("png", "jpg", "jpeg", "bmp", "gif", "tiff", "webp", "pcx", "ico", "psd"),
        accepts_pdf=True,
        min_side=15,
        max_side=30000,
        families=(
            "words",
            "chars",
            "kv",
            "kv_boxes",
            "cells",
            "outlines",
            "layout",
            "formulas",
            "document",
        ),
        local=True,  # its ocr_result and table_result (LocalEngine, table model)
        params=(
            Param("single_orientation_mode", "boolean", True, doc="false = multi-direction text"),
            Param(
                "language",
                "string",
                "zh",
                ("zh", "es", "ar", "pt", "tr", "th"),
                "zh = Chinese+English (default); KV extraction only zh",
            ),
            Param("kv", "boolean", doc="key-value pairs -> kv_result; default not stated"),
            Param("table", "boolean", doc="logical tables -> table_result; default not stated"),
            Param("layout", "boolean", doc="layout analysis -> layout_result; default not stated"),
            Param("return_excel", "boolean", doc="Base64 xlsx per table; needs table=true"),
            Param("form", "boolean", doc="ruled forms -> form_result; default not stated"),
            Param("formula", "boolean", doc="LaTeX formulas -> formula_result; slower"),
            Param("image_layout", "boolean", doc="second layout pass over images"),
            Param(
                "kv_map",
                "string",
                doc='JSON-serialized dict renaming keys, e.g. \'{"Name":"Full name"}\'',
            ),
            Param("erase_seal", "boolean", doc="erase seals before recognition"),
            Param("pdf_page_number", "integer", 1, doc="PDF page to recognize (one per call)"),
            Param("character_mode", "boolean", False, doc="char_list in ocr_result blocks"),
        ),
        doc=(
            "result is a list: one element per page in the tables, one per result kind in the "
            "example; merge all elements. The data description lists only JPG/PNG/BMP/TIFF and "
            "says multi-page PDFs give the first page; the Notes list more formats and "
            "pdf_page_number selects any page."
        ),
    ),
    ApiSpec(
        slug="id-document",
        name="ID Document",
        method="id_document",
        sdk_method="recognize_id_document",
        image_field="image",
        regions=("ap-southeast-1",),
        documented=True,
        deprecated=True,
        formats=_ID_FORMATS,
        min_side=100,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("country_region id_type"),
        expected_fields=_keys(
            "country_region id_type side first_name last_name sex nationality birth_date "
            "issue_date expiry_date document_number"
        ),
        params=(
            Param(
                "country_region",
                "array",
                None,
                _ID_DOCUMENT_COUNTRIES,
                "ISO 3166-1 alpha-3 codes; mandatory for Vietnamese documents",
            ),
            Param("id_type", "array", None, ("PP", "DL", "ID"), "blank = all document types"),
            Param("return_portrait_image", "boolean", doc="Base64 portrait; default not stated"),
        ),
        doc=(
            "Deprecated: removal announced for 2025-11-04. In Table 2-1 (ap-southeast-1) but not "
            "in the endpoint Table 1-1. Example requests send country_region/id_type as strings "
            "although they are arrays."
        ),
    ),
    ApiSpec(
        slug="auto-id-doc-classification",
        name="Auto ID Document Classification",
        method="auto_id_document_classification",
        sdk_method="recognize_auto_id_doc_classification",
        image_field="data",
        regions=("ap-southeast-2",),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("fields", "alarms"),
        signatures=_signatures("alarm_result", "type location confidence"),
        expected_fields=_keys("type"),
        params=(
            Param("alarm", "boolean", False, doc="alarm_result booleans + alarm_confidence scores"),
        ),
        doc=(
            "Region from Table 2-1 only (ap-southeast-2); not in the endpoint Table 1-1. "
            "alarm_confidence holds integer scores 0-99, not probabilities."
        ),
    ),
    ApiSpec(
        slug="general-table",
        name="General Table",
        method="general_table",
        sdk_method="recognize_general_table",
        image_field="image",
        regions=("ap-southeast-3",),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("words", "chars", "cells", "document"),
        signatures=_signatures("words_region_list"),
        local=True,
        params=(
            Param(
                "return_text_location", "boolean", False, doc="location, cell_location, words_list"
            ),
            Param(
                "return_char_location",
                "boolean",
                False,
                doc="char_list; needs return_text_location",
            ),
            Param("return_confidence", "boolean", False, doc="confidence fields"),
            Param("return_excel", "boolean", False, doc="result.excel (Base64 xlsx)"),
            Param(
                "return_rectification_matrix", "boolean", False, doc="no response field documented"
            ),
            Param("with_borders", "boolean", False, doc="true = only bordered tables"),
        ),
        errors_in_result=True,
        doc="The failure example nests error_code/error_msg inside result.",
    ),
    ApiSpec(
        slug="general-text",
        name="General Text",
        method="general_text",
        sdk_method="recognize_general_text",
        image_field="image",
        regions=("ap-southeast-1",),
        documented=True,
        formats=("jpeg", "jpg", "png", "bmp", "gif", "tiff", "webp", "pcx", "ico", "psd"),
        accepts_pdf=True,
        min_side=15,
        max_side=30000,
        families=("words", "chars", "document"),
        signatures=_signatures("markdown_result"),
        local=True,
        params=(
            Param("detect_direction", "boolean", False, doc="result.direction = angle, else -1"),
            Param("quick_mode", "boolean", False, doc="faster for single-line images"),
            Param("character_mode", "boolean", False, doc="char_list per block"),
            Param(
                "language",
                "string",
                "zh",
                _GENERAL_TEXT_LANGUAGES,
                "zh = Chinese+English (default); auto = detect",
            ),
            Param("single_orientation_mode", "boolean", False, doc="true = all text one direction"),
            Param("pdf_page_number", "integer", 1, doc="PDF page to recognize"),
            Param("return_markdown_result", "boolean", False, doc="result.markdown_result"),
        ),
        doc="Notes also cap the image at 160 million pixels (height x width).",
        max_pixels=160_000_000,
    ),
    ApiSpec(
        slug="web-image",
        name="Web Image",
        method="web_image",
        sdk_method="recognize_web_image",
        image_field="image",
        regions=("ap-southeast-2",),
        documented=True,
        formats=("jpg", "jpeg", "png", "bmp", "tiff", "tga", "webp", "ico", "pcx", "gif"),
        min_side=15,
        max_side=30000,
        families=("words", "fonts", "fields", "document"),
        signatures=_signatures("extracted_data"),
        local=True,
        params=(
            Param("detect_direction", "boolean", False, doc="deskew tilted images"),
            Param(
                "extract_type",
                "array",
                None,
                ("image_size", "contact_info"),
                "structured extraction -> extracted_data",
            ),
            Param("detect_font", "boolean", False, doc="font_list/font_scores per block"),
            Param("detect_text_direction", "boolean", True, doc="false if all text is upright"),
        ),
        doc=(
            "extract_type: the request table allows only image_size; the response table and SDK "
            "samples also use contact_info."
        ),
    ),
    ApiSpec(
        slug="passport",
        name="Passport",
        method="passport",
        sdk_method="recognize_passport",
        image_field="image",
        regions=("ap-southeast-1", "ap-southeast-2"),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("passport_number", "machine_code machine_code2"),
        expected_fields=_keys(
            "country_code passport_number surname given_name sex date_of_birth date_of_expiry"
        ),
        params=(
            Param(
                "country_code",
                "string",
                None,
                ("GENERAL", "CHN"),
                "omit to auto-detect; GENERAL = MRZ fields; CHN = all fields (Chinese passport)",
            ),
        ),
        doc="Examples also hold undocumented machine_code(2) and extra_info.local_language.",
    ),
    ApiSpec(
        slug="thailand-id-card",
        name="Thailand ID Card",
        method="thailand_id_card",
        sdk_method="recognize_thailand_idcard",
        image_field="image",
        regions=("ap-southeast-2",),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("name_th", "laser_number"),
        params=(
            Param(
                "side", "string", None, _SIDE, "omit for auto-detect (setting it is recommended)"
            ),
            Param("return_portrait_image", "boolean", False, doc="Base64 portrait_image"),
            Param(
                "return_portrait_location", "boolean", doc="portrait_location; default not stated"
            ),
            Param(
                "return_idcard_type", "boolean", doc="idcard_type normal/copy; default not stated"
            ),
            Param(
                "return_text_location", "boolean", False, doc="text_location (undocumented object)"
            ),
        ),
    ),
    ApiSpec(
        slug="colombia-id-card",
        name="Colombia ID Card",
        method="colombia_id_card",
        sdk_method="recognize_colombia_id_card",
        image_field="image",
        regions=("la-north-2",),
        documented=True,
        formats=("jpg", "jpeg", "png", "bmp", "tiff"),
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("citizen_code1", "blood_type birth_place"),
        expected_fields=_keys("side birth_date birth_place gender issue_date"),
        doc=(
            "In the endpoint Table 1-1 (la-north-2, .com only) but missing from Table 2-1. "
            "Parameter table lists JPG/PNG/BMP/TIFF, the Notes add JPEG."
        ),
    ),
    ApiSpec(
        slug="cambodian-idcard",
        name="Cambodian ID Card",
        method="cambodian_id_card",
        sdk_method="recognize_cambodian_id_card",
        image_field="image",
        regions=("ap-southeast-3",),
        documented=True,
        formats=("jpg", "jpeg", "png", "bmp", "tiff"),
        min_side=15,
        max_side=8192,
        families=("fields", "alarms"),
        signatures=_signatures("name_kh"),
        expected_fields=_keys(
            "id_number name_kh name_en birth_date sex birth_place address issue_date expiry_date"
        ),
        params=(
            Param("return_portrait_image", "boolean", False, doc="Base64 portrait_image"),
            Param("return_portrait_location", "boolean", False, doc="portrait_location"),
            Param(
                "return_idcard_type", "boolean", doc="idcard_type + score_info.idcard_type_score"
            ),
            Param(
                "detect_border_integrity", "boolean", doc="detect_border_integrity_result + score"
            ),
            Param("detect_blocking_within_border", "boolean", doc="blocking alarm + score"),
            Param("detect_blur", "boolean", doc="detect_blur_result + score_info.blur_score"),
            Param("detect_glare", "boolean", doc="detect_glare_result + score_info.glare_score"),
            Param("return_adjusted_image", "boolean", doc="Base64 adjusted_image"),
            Param("detect_tampering", "boolean", doc="detect_tampering_result + tampering_score"),
            Param("detect_reproduce", "boolean", doc="detect_reproduce_result + reproduce_score"),
        ),
        doc="Front side only. Parameter table lists JPG/PNG/BMP/TIFF (JPEG is the same format).",
    ),
    ApiSpec(
        slug="myanmar-id-card",
        name="Myanmar ID Card",
        method="myanmar_id_card",
        sdk_method="recognize_myanmar_idcard",
        image_field="image",
        regions=("ap-southeast-1", "ap-southeast-2"),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("nrc_id father_name", "bloodlines_religion", "nrc_id_back"),
        params=(
            Param("convert_unicode", "boolean", False, doc="false = Zawgyi output, true = Unicode"),
            Param("return_confidence", "boolean", False, doc="confidence dict"),
            Param("return_portrait_image", "boolean", False, doc="Base64 portrait_image"),
            Param("return_portrait_location", "boolean", doc="portrait_location"),
            Param("return_idcard_type", "boolean", doc="idcard_type normal/copy"),
            Param("return_translation", "boolean", doc="translation_info"),
        ),
        doc=(
            "Regions: Table 1-1 lists ap-southeast-1 and ap-southeast-2; Table 2-1 and the "
            "section list only ap-southeast-1."
        ),
    ),
    ApiSpec(
        slug="myanmar-driver-license",
        name="Myanmar Driving License",
        method="myanmar_driving_license",
        sdk_method="recognize_myanmar_driver_license",
        image_field="image",
        regions=("ap-southeast-1",),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("card_number_en", "expiried_date"),
        expected_fields=_keys(
            "card_number card_number_en name name_en nrc_id nrc_id_en birth birth_en "
            "blood_group blood_group_en expiried_date expiried_date_en"
        ),
        params=(
            Param("convert_unicode", "boolean", False, doc="false = Zawgyi output, true = Unicode"),
        ),
        doc=(
            "Front side only. Max side: the parameter table (and SDK) say 4,096 px, the Notes "
            "8,192 px; the larger limit is kept here."
        ),
        extra={"max_side_param_table": 4096},
    ),
    ApiSpec(
        slug="chile-id-card",
        name="Chile ID Card",
        method="chile_id_card",
        sdk_method="recognize_chile_id_card",
        image_field="image",
        regions=("la-south-2",),
        documented=True,
        formats=("jpg", "jpeg", "png", "bmp", "tiff"),
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("given_name number document_number"),
        expected_fields=_keys(
            "surname given_name nationality sex birth issue_date expiry_date document_number number"
        ),
        doc="Front side only. result.surname is an array of strings.",
    ),
    ApiSpec(
        slug="vietnam-id-card",
        name="Vietnam ID Card",
        method="vietnam_id_card",
        sdk_method="recognize_vietnam_id_card",
        image_field="image",
        regions=("ap-southeast-1",),
        documented=True,
        formats=_ID_FORMATS,
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("full_name", "residence_place"),
        expected_fields=_keys(
            "side number full_name birth_date sex nationality origin_place residence_place "
            "expiry_date"
        ),
        params=(
            Param(
                "side", "string", None, _SIDE, "omit for auto-detect (setting it is recommended)"
            ),
            Param("return_portrait_image", "boolean", False, doc="Base64 portrait_image"),
            Param("return_portrait_location", "boolean", doc="portrait_location"),
            Param("return_idcard_type", "boolean", doc="idcard_type normal/copy/screen"),
            Param(
                "return_text_location", "boolean", False, doc="text_location (undocumented object)"
            ),
        ),
    ),
    ApiSpec(
        slug="peru-id-card",
        name="Peru ID Card",
        method="peru_id_card",
        sdk_method="recognize_peru_id_card",
        image_field="image",
        regions=("la-south-2",),
        documented=True,
        formats=("jpg", "jpeg", "png", "bmp", "tiff"),
        accepts_pdf=True,
        min_side=15,
        max_side=8192,
        families=("fields",),
        signatures=_signatures("cui_number"),
        expected_fields=_keys(
            "cui_number first_surname second_surname given_name sex birth_date issue_date "
            "expiry_date"
        ),
        params=(
            Param("return_portrait_image", "boolean", False, doc="false -> null portrait_image"),
            Param("return_portrait_location", "boolean", False, doc="false -> null location"),
        ),
        doc=(
            "The image parameter says multi-page PDFs are accepted (not in the Notes, no page "
            "parameter). result.birth_place may be a JSON number."
        ),
    ),
    ApiSpec(
        slug="thailand-license-plate",
        name="Thailand Plate Number",
        method="thailand_plate_number",
        sdk_method="recognize_thailand_license_plate",
        image_field="image",
        regions=("ap-southeast-2",),
        documented=True,
        result_kind="list",
        formats=("jpg", "jpeg", "png", "bmp", "tiff"),
        min_side=15,
        max_side=8192,
        families=("plates",),
        doc="result is a list with one item per plate (plate_location, not location).",
    ),
)
