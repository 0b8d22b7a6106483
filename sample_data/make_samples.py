"""Write ocrframe/sample_data/responses (run: ``python sample_data/make_samples.py``).

Synthetic bodies come from ``ocrframe.synth`` with fixed seeds, so re-running the script
rewrites byte-identical files; the ``*-example.json``/passport/error files are the examples of
the OCR API Reference (the Chinese passport example with its trailing comma removed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocrframe.synth import smart_document_one_kind_per_element, synthesize  # noqa: E402

_NUMBERS = re.compile(r"\[\s*(-?[\d.]+(?:,\s*-?[\d.]+)*)\s*\]")
_POLYGON = re.compile(r"\[\s*\[[-\d., ]+\](?:,\s*\[[-\d., ]+\])+\s*\]")
DEFAULT_OUT = ROOT / "ocrframe" / "sample_data" / "responses"

# Reference section 4.1, "Example response for a successful request" (verbatim).
SDR_EXAMPLE = r"""{
  "result" : [ {
    "formula_result" : {
      "formula_count" : 1,
      "formula_list" : [ {
        "formula" : "__FORMULA__",
        "location" : [ [ 171, 919 ], [ 950, 919 ], [ 950, 967 ], [ 171, 967 ] ]
      } ]
    }
  }, {
    "layout_result" : {
      "layout_block_count" : 19,
      "layout_block_list" : [ {
        "location" : [ [ 1165, 368 ], [ 2031, 368 ], [ 2031, 465 ], [ 1165, 465 ] ],
        "type" : "title",
        "text" : "Heilongjiang VAT Special Invoice",
        "words_ids" : [ 0 ]
      }, {
        "location" : [ [ 15, 19 ], [ 1078, 19 ], [ 1078, 637 ], [ 15, 637 ] ],
        "type" : "form",
        "text" : "xxxx",
        "words_ids" : [ 2, 3, 4 ],
        "form_id" : 0
      }, {
        "location" : [ [ 18, 180 ], [ 1077, 180 ], [ 1077, 636 ], [ 18, 636 ] ],
        "type" : "table",
        "text" : "xxxx",
        "words_ids" : [ 0, 1, 2 ],
        "table_id" : 0
      } ]
    }
  }, {
    "form_result" : {
      "form_count" : 1,
      "form_list" : [ {
        "location" : [ [ 15, 19 ], [ 1074, 19 ], [ 1074, 636 ], [ 15, 636 ] ],
        "words_block_count" : 24,
        "words_block_list" : [ {
          "words" : "xxx",
          "rows" : [ 0 ],
          "columns" : [ 0, 1, 2 ]
        }, {
          "words" : "xxxx",
          "rows" : [ 1 ],
          "columns" : [ 0, 1, 2 ]
        } ],
         "excel" : "UEsDBBQAAAAIAAAAIQBhXUk6TwEAAI8EAAATAAAAW0NvbnRlbnRfVHlwZX..."
      } ]
    }
  }, {
    "table_result" : {
      "table_count" : 1,
      "table_list" : [ {
        "words_block_count" : 24,
        "words_block_list" : [ {
          "words" : "Name of goods or taxable labor services",
          "rows" : [ 0 ],
          "columns" : [ 0 ]
        }, {
          "words" : "Specifications and model",
          "rows" : [ 0 ],
          "columns" : [ 1 ]
        } ],
        "excel" : "xxxx",
        "location" : [ [ 275, 967 ], [ 2919, 967 ], [ 2919, 1177 ], [ 275, 1177 ] ]
      } ]
    }
  }, {
    "kv_result" : {
      "kv_block_count" : 25,
      "kv_block_list" : [ {
        "key" : "Invoice issuance date",
        "value" : "August 31, 2017",
        "words_block_count" : 2,
        "words_block_list" : [ {
          "words" : "Invoice issuance date",
          "location" : [ [ 2241, 589 ], [ 2480, 592 ], [ 2480, 646 ], [ 2241, 643 ] ],
          "type" : "key"
        }, {
          "words" : "August 31, 2017",
          "location" : [ [ 2479, 591 ], [ 2850, 595 ], [ 2850, 649 ], [ 2479, 645 ] ],
          "type" : "value"
        } ]
      } ]
    }
  }, {
    "ocr_result" : {
      "direction" : 0.4767,
      "words_block_count" : 67,
      "words_block_list" : [ {
        "words" : "Heilongjiang VAT Special Invoice",
        "location" : [ [ 430, 100 ], [ 874, 99 ], [ 874, 139 ], [ 430, 141 ] ],
        "confidence" : 0.9552
      } ]
    }
  } ]
}
"""

# The example's formula string (JSON-escaped, as in the reference), split for line length.
SDR_EXAMPLE_FORMULA = (
    r"\\\\int _ { L } \\\\left ( 2 x y ^ { 3 } - y ^ { 2 } \\\\cos x \\\\rig"
    r"ht ) \\\\mathrm { d } x + \\\\left ( 1 - 2 y \\\\sin x + 3 x ^ { 2 } y"
    r" ^ { 2 } \\\\right ) \\\\mathrm { d } y"
)

# Reference section 4.7, "Chinese passport" (trailing comma after "China" removed).
PASSPORT_CHN_EXAMPLE = r"""{
    "result": {
        "passport_type": "P",
        "country_code": "CHN",
        "passport_number": "ED999XXXX",
        "nationality": "CHINESE",
        "surname": "ZHANG",
        "given_name": "SAN",
        "sex": "F",
        "date_of_birth": "1990-12-12",
        "date_of_expiry": "2020-07-08",
        "date_of_issue": "2010-07-09",
        "place_of_birth": "HUNAN",
        "place_of_issue": "GUANGDONG",
        "issuing_authority": "MPS Exit & Entry Administration",
        "extra_info": {
            "local_language": {
                 "name": "Zhang San",
                "sex": "Female",
                "place_of_birth": "Hunan",
                "place_of_issue": "Guangdong",
                "issuing_authority": "xxx Entry and Exit Administration",
                "nationality": "China"
            }
        },
        "confidence": {
            "passport_type": 0.9987,
            "country_code": 0.9897,
            "passport_number": 0.9997,
            "nationality": 0.9977,
            "surname": 0.9729,
            "given_name": 0.9729,
            "sex": 0.9897,
            "date_of_birth": 0.9998,
            "date_of_expiry": 0.9995,
            "date_of_issue": 0.9969,
            "place_of_birth": 0.9937,
            "place_of_issue": 0.9993,
            "issuing_authority": 0.9985
        }
    }
}
"""

# Reference section 4.7, "Non-Chinese passport" (verbatim).
PASSPORT_MRZ_EXAMPLE = r""" {
    "result": {
        "country_code": "ETF",
        "surname": "HUZHAO",
        "given_name": "ZHAOMIN DESALEGN ",
        "passport_number": "EP435XXXX",
        "date_of_birth": "1985-09-18",
        "sex": "M",
        "date_of_expiry": "2022-01-15",
        "machine_code": "P<ETFHUZHAO<< ZHAOMIN <DESALEGN<<<<<<<<<<<<<<<",
        "machine_code2": "EP435XXXX7ETF8509185M2201155<<<<<<<<<<<<<<08",
        "extra_info": {},
        "confidence": {
            "country_code": 0.9727,
            "surname": 0.9727,
            "given_name": 0.9727,
            "passport_number": 0.9558,
            "date_of_birth": 0.9558,
            "sex": 0.9558,
            "date_of_expiry": 0.9558
        }
    }
}
"""

# Reference section 4.4, failure example: the error nested inside "result" (verbatim).
GENERAL_TABLE_NESTED_ERROR = r"""{
  "result" : {
    "error_code" : "AIS.0103",
    "error_msg" : "The image size does not meet the requirements."
  }
}
"""

SDR_ALL = {
    "kv": True,
    "table": True,
    "layout": True,
    "form": True,
    "formula": True,
    "return_excel": True,
}
TABLE_ALL = {
    "return_text_location": True,
    "return_char_location": True,
    "return_confidence": True,
    "return_excel": True,
}

# file stem -> (api, params, extra synthesize keywords)
SYNTHETIC: dict[str, tuple[str, dict, dict]] = {
    "general-text": ("general-text", {"detect_direction": True}, {"n_blocks": 60}),
    "general-text-chars": (
        "general-text",
        {"character_mode": True, "return_markdown_result": True},
        {"n_blocks": 60},
    ),
    "web-image": (
        "web-image",
        {"detect_font": True, "extract_type": ["contact_info", "image_size"]},
        {},
    ),
    "general-table": ("general-table", TABLE_ALL, {"n_blocks": 45}),
    "smart-document-recognizer": ("smart-document-recognizer", SDR_ALL, {"n_blocks": 40}),
    "id-document": ("id-document", {"return_portrait_image": True}, {}),
    "auto-id-doc-classification": ("auto-id-doc-classification", {"alarm": True}, {}),
    "passport": ("passport", {"country_code": "GENERAL"}, {}),
    "thailand-id-card": (
        "thailand-id-card",
        {
            "side": "front",
            "return_portrait_location": True,
            "return_idcard_type": True,
            "return_text_location": True,
        },
        {},
    ),
    "colombia-id-card": ("colombia-id-card", {}, {}),
    "cambodian-idcard": (
        "cambodian-idcard",
        {
            "return_portrait_location": True,
            "return_idcard_type": True,
            "detect_blur": True,
            "detect_glare": True,
            "detect_reproduce": True,
            "detect_border_integrity": True,
            "detect_blocking_within_border": True,
            "detect_tampering": True,
        },
        {},
    ),
    "myanmar-id-card": (
        "myanmar-id-card",
        {
            "side": "front",
            "return_confidence": True,
            "return_translation": True,
            "return_idcard_type": True,
            "return_portrait_location": True,
        },
        {},
    ),
    "myanmar-driver-license": ("myanmar-driver-license", {"convert_unicode": True}, {}),
    "chile-id-card": ("chile-id-card", {}, {}),
    "vietnam-id-card": (
        "vietnam-id-card",
        {
            "side": "front",
            "return_idcard_type": True,
            "return_portrait_location": True,
            "return_text_location": True,
        },
        {},
    ),
    "peru-id-card": ("peru-id-card", {"return_portrait_location": True}, {}),
    "thailand-license-plate": ("thailand-license-plate", {}, {}),
}


def build_samples() -> dict[str, dict]:
    """Return {file name: body} for every sample response."""
    out: dict[str, dict] = {}
    for i, (stem, (api, params, kw)) in enumerate(SYNTHETIC.items()):
        out[f"{stem}.json"] = synthesize(
            api, seed=1000 + i, params=params, image_size=(1654, 2339), **kw
        )
    sdr = out["smart-document-recognizer.json"]
    out["smart-document-recognizer-one-kind.json"] = smart_document_one_kind_per_element(sdr)
    out["smart-document-recognizer-example.json"] = json.loads(
        SDR_EXAMPLE.replace("__FORMULA__", SDR_EXAMPLE_FORMULA)
    )
    out["passport-chn-example.json"] = json.loads(PASSPORT_CHN_EXAMPLE)
    out["passport-mrz-example.json"] = json.loads(PASSPORT_MRZ_EXAMPLE)
    out["error-general-table-nested.json"] = json.loads(GENERAL_TABLE_NESTED_ERROR)
    return out


def dumps(body: dict) -> str:
    """The on-disk form: pretty JSON, UTF-8 text, trailing newline."""
    text = json.dumps(body, ensure_ascii=False, indent=2)
    # Keep vertices and index lists on one line: [[x, y], ...] stays readable and small.
    text = _NUMBERS.sub(
        lambda mm: "[" + ", ".join(mm.group(1).split()).replace(",,", ",") + "]", text
    )
    text = _POLYGON.sub(
        lambda mm: "[" + ", ".join(re.findall(r"\[[^\[\]]*\]", mm.group(0))) + "]", text
    )
    return text + "\n"


def write_samples(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write every sample into ``out_dir`` and return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, body in build_samples().items():
        path = out_dir / name
        path.write_text(dumps(body), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in write_samples(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
