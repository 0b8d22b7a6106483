"""Bodies of the documented card and plate APIs (ID documents, passports, country ID cards,
Thai plates), following the reference's response trees and flags."""

from __future__ import annotations

from typing import Any

from ._pools import (
    B64_JPEG,
    EN_MONTHS,
    EN_NAMES,
    ES_GIVEN,
    ES_MONTHS,
    ES_SURNAMES,
    KHMER_NAMES,
    KHMER_PLACES,
    MY_NAMES,
    MY_WORDS,
    SDR_DOC_KINDS,
    THAI,
    THAI_MONTHS,
    THAI_PROVINCES,
    VI_NAMES,
    VI_PLACES,
    Gen,
    burmese,
    khmer,
)


def _confs(g: Gen, res: dict, keys: list[str] | None = None) -> dict[str, float]:
    keys = keys if keys is not None else [k for k, v in res.items() if isinstance(v, str | list)]
    return {k: g.conf(0.6) for k in keys}


def _id_document(g: Gen, p: dict, n: int) -> dict:
    first, last = g.r.choice(EN_NAMES).split()
    res: dict[str, Any] = {
        "country_region": g.r.choice(("ALB", "PHL", "VNM", "THA", "CHL", "MYS")),
        "id_type": g.r.choice(("PP", "DL", "ID")),
        "side": "front",
        "first_name": first,
        "last_name": last,
        "sex": g.r.choice("MF"),
        "nationality": "ALBANIAN",
        "birth_date": g.date(),
        "issue_date": g.date(),
        "expiry_date": g.date(),
        "document_number": "BA" + g.digits(7),
        "address": "Rruga e Kavajes 12, Tirana",
        "issuing_authority": "Ministry of Interior",
    }
    if p.get("return_portrait_image"):
        res["portrait_image"] = B64_JPEG
    res["confidence"] = _confs(g, res, [k for k in res if k not in ("portrait_image",)])
    return res


def _auto_id(g: Gen, p: dict, n: int) -> dict:
    res: dict[str, Any] = {
        "type": g.r.choice(SDR_DOC_KINDS),
        "location": g.poly(g.w * 0.2, g.h * 0.15, g.w * 0.6, g.h * 0.55, g.r.uniform(-4, 4)),
        "confidence": g.conf(),
    }
    if p.get("alarm"):
        names = (
            "blur",
            "glare",
            "blocking_within_border",
            "insufficient_lighting",
            "copy",
            "border_integrity",
            "reproduce",
        )
        scores = {f"{k}_score": g.r.choice((0, 0, 0, g.r.randint(1, 99))) for k in names}
        res["alarm_result"] = {f"detect_{k}_result": scores[f"{k}_score"] > 50 for k in names}
        res["alarm_confidence"] = scores
    return res


def _passport(g: Gen, p: dict, n: int) -> dict:
    code = p.get("country_code") or g.r.choice(("CHN", "GENERAL"))
    number = "E" + g.r.choice("ABDGKP") + g.digits(7)
    if code == "CHN":
        res: dict[str, Any] = {
            "passport_type": "P",
            "country_code": "CHN",
            "passport_number": number,
            "nationality": "CHINESE",
            "surname": "ZHANG",
            "given_name": "SAN",
            "sex": g.r.choice("MF"),
            "date_of_birth": g.date(),
            "date_of_expiry": g.date(),
            "date_of_issue": g.date(),
            "place_of_birth": "HUNAN",
            "place_of_issue": "GUANGDONG",
            "issuing_authority": "MPS Exit & Entry Administration",
        }
        keys = list(res)
        res["extra_info"] = {
            "local_language": {
                "name": "张三",
                "sex": "女" if res["sex"] == "F" else "男",
                "place_of_birth": "湖南",
                "place_of_issue": "广东",
                "issuing_authority": "公安部出入境管理局",
                "nationality": "中国",
            }
        }
        res["confidence"] = _confs(g, res, keys)
        return res
    surname, given = g.r.choice(("HUZHAO", "SMITH", "MULLER")), g.r.choice(("ZHAOMIN", "ANNA"))
    birth, expiry, sex = g.date(), g.date(), g.r.choice("MF")
    country = g.r.choice(("ETF", "GBR", "DEU", "FRA"))
    res = {
        "country_code": country,
        "surname": surname,
        "given_name": given,
        "passport_number": number,
        "date_of_birth": birth,
        "sex": sex,
        "date_of_expiry": expiry,
    }
    keys = list(res)
    line1 = f"P<{country}{surname}<<{given}".ljust(44, "<")
    line2 = (
        f"{number}{g.digits(1)}{country}{birth[2:].replace('-', '')}{g.digits(1)}{sex}"
        f"{expiry[2:].replace('-', '')}{g.digits(1)}"
    ).ljust(42, "<") + g.digits(2)
    res.update({"machine_code": line1, "machine_code2": line2, "extra_info": {}})
    res["confidence"] = _confs(g, res, keys)
    return res


def _thai_date(g: Gen, lo: int, hi: int) -> tuple[str, str]:
    d, m, y = g.r.randint(1, 28), g.r.randint(0, 11), g.r.randint(lo, hi)
    return f"{d} {THAI_MONTHS[m]} {y + 543}", f"{d} {EN_MONTHS[m]} {y}"


def _card_extras(g: Gen, p: dict, res: dict, types: tuple[str, ...] = ("normal", "copy")):
    if p.get("return_portrait_image"):
        res["portrait_image"] = B64_JPEG
    if p.get("return_portrait_location"):
        res["portrait_location"] = g.poly(
            g.w * 0.05, g.h * 0.3, g.w * 0.22, g.h * 0.45, g.r.uniform(-2, 2)
        )
    if p.get("return_idcard_type"):
        res["idcard_type"] = g.r.choice(types)


def _text_location(g: Gen, res: dict, keys: list[str]) -> dict[str, list[list[int]]]:
    out = {}
    for i, k in enumerate(keys):
        out[k] = g.poly(
            g.w * 0.35,
            g.h * (0.08 + 0.8 * i / max(len(keys), 1)),
            g.w * 0.5,
            g.h * 0.05,
            g.r.uniform(-1.5, 1.5),
        )
    return out


def _thailand_id(g: Gen, p: dict, n: int) -> dict:
    side = p.get("side") or g.r.choice(("front", "back"))
    if side == "back":
        res: dict[str, Any] = {
            "side": "back",
            "card_number": f"{g.digits(4)}-{g.digits(3)}-{g.digits(2)}",
            "laser_number": f"ME{g.digits(1)}-{g.digits(7)}-{g.digits(2)}",
        }
    else:
        bth, ben = _thai_date(g, 1945, 2005)
        ith, ien = _thai_date(g, 2015, 2024)
        eth, een = _thai_date(g, 2025, 2033)
        res = {
            "type": g.r.choice(("normal", "pink")),
            "side": "front",
            "id_number": f"{g.digits(1)} {g.digits(4)} {g.digits(5)} {g.digits(2)} {g.digits(1)}",
            "name_th": g.r.choice(THAI[:1] + THAI[-1:]),
            "name_en": "Mr. Somchai Jaidee",
            "first_name_en": "Somchai",
            "last_name_en": "Jaidee",
            "date_of_birth_th": bth,
            "date_of_birth_en": ben,
            "religion_th": "พุทธ",
            "address_th": "99 หมู่ 4 ต.บางรัก อ.เมือง จ." + g.r.choice(THAI_PROVINCES),
            "date_of_issue_th": ith,
            "date_of_issue_en": ien,
            "date_of_expiry_th": eth,
            "date_of_expiry_en": een,
            "serial_number": f"{g.digits(4)}-{g.digits(2)}-{g.digits(8)}",
            "ref_number": g.digits(12),
        }
    text_keys = [k for k in res if k not in ("type", "side")]
    res["confidence"] = _confs(g, res, text_keys)
    _card_extras(g, p, res)
    if p.get("return_text_location"):
        res["text_location"] = _text_location(g, res, text_keys)
    return res


def _colombia_id(g: Gen, p: dict, n: int) -> dict:
    res = {
        "side": "front",
        "number": f"1.0{g.digits(2)}.{g.digits(3)}.{g.digits(3)}",
        "name": g.r.choice(("VALENTINA", "JUAN CAMILO", "ANDRÉS FELIPE")),
        "last_name": g.r.choice(("SÁNCHEZ ROJAS", "GÓMEZ PEÑA", "MARTÍNEZ")),
        "birth_date": f"{g.r.randint(1, 28):02d}-{g.r.choice(ES_MONTHS)}-19{g.digits(2)}",
        "birth_place": "BOGOTÁ D.C. (CUNDINAMARCA)",
        "gender": g.r.choice("MF"),
        "blood_type": g.r.choice(("O+", "A+", "B-", "AB+")),
        "issue_date": f"{g.r.randint(1, 28):02d}-{g.r.choice(ES_MONTHS)}-20{g.digits(2)}",
        "issue_authority": "BOGOTÁ D.C.",
        "height": f"1.{g.r.randint(50, 95)}",
        "citizen_code1": "A-" + g.digits(7),
        "citizen_code2": g.digits(10),
        "citizen_code3": g.digits(8),
    }
    return {**res, "confidence": _confs(g, res, [k for k in res if k != "side"])}


def _cambodian_id(g: Gen, p: dict, n: int) -> dict:
    d = f"{g.r.randint(1, 28):02d}.{g.r.randint(1, 12):02d}.{g.r.randint(1950, 2005)}"
    name_en = g.r.choice(("YOENG THIDA", "SOK CHANTHA", "HENG SOVANN"))
    res: dict[str, Any] = {
        "id_number": g.digits(9),
        "name_kh": g.r.choice(KHMER_NAMES),
        "name_en": name_en,
        "birth_date": khmer(d),
        "sex": g.r.choice(("ស្រី", "ប្រុស")),
        "height": khmer(str(g.r.randint(150, 185))) + " ស.ម",
        "birth_place": g.r.choice(KHMER_PLACES),
        "address": "ភូមិ" + khmer(str(g.r.randint(1, 9))) + " " + g.r.choice(KHMER_PLACES),
        "issue_date": khmer(f"15.12.{g.r.randint(2010, 2020)}"),
        "expiry_date": khmer(f"14.12.{g.r.randint(2025, 2030)}"),
        "description": "ប្រជ្រុយ ចុងចិញ្ចើមស្តាំ",
        "machine_code1": f"IDKHM{g.digits(10)}".ljust(30, "<"),
        "machine_code2": f"{g.digits(7)}F{g.digits(7)}KHM".ljust(29, "<") + g.digits(1),
        "machine_code3": name_en.replace(" ", "<<").ljust(30, "<"),
    }
    keys = list(res)
    _card_extras(g, p, res)
    if p.get("return_adjusted_image"):
        res["adjusted_image"] = B64_JPEG
    checks = {
        "return_idcard_type": "idcard_type",
        "detect_border_integrity": "border_integrity",
        "detect_blocking_within_border": "blocking_within_border",
        "detect_blur": "blur",
        "detect_glare": "glare",
        "detect_tampering": "tampering",
        "detect_reproduce": "reproduce",
    }
    scores = {}
    for flag, name in checks.items():
        if p.get(flag):
            score = g.r.choice((0, 2, 5, g.r.randint(0, 99)))
            scores[f"{name}_score"] = score
            if flag != "return_idcard_type":
                res[f"detect_{name}_result"] = score > 50
    if scores:
        res["score_info"] = scores
    res["confidence"] = _confs(g, res, keys + (["idcard_type"] if "idcard_type" in res else []))
    return res


def _myanmar_id(g: Gen, p: dict, n: int) -> dict:
    side = p.get("side") or g.r.choice(("front", "back"))  # not a request flag: a hint
    nrc = burmese(f"{g.r.randint(1, 14)}/") + "မခန(နိုင်)" + burmese(g.digits(6))
    res: dict[str, Any] = {"side": side, "class": g.r.choice(("new_version", "old_version"))}
    if side == "front":
        res.update(
            {
                "nrc_id": nrc,
                "issue_date": burmese(g.date("dmy-")),
                "name": g.r.choice(MY_NAMES),
                "father_name": g.r.choice(MY_NAMES),
                "birth": burmese(g.date("dmy-")),
                "bloodlines_religion": MY_WORDS[0],
                "height": burmese(f"{g.r.randint(4, 6)}'{g.r.randint(0, 11)}\""),
                "blood_group": g.r.choice(("A", "B", "O", "AB")),
            }
        )
        keys = [
            "nrc_id",
            "issue_date",
            "name",
            "birth",
            "bloodlines_religion",
            "height",
            "blood_group",
        ]
    else:
        res.update(
            {
                "card_id": g.digits(7),
                "nrc_id_back": nrc,
                "profession": MY_WORDS[2],
                "address": MY_WORDS[3] + " " + MY_WORDS[1],
            }
        )
        keys = ["card_id", "nrc_id_back", "profession", "address"]
    if p.get("return_confidence"):
        res["confidence"] = _confs(g, res, keys)
    _card_extras(g, p, res)
    if p.get("return_translation") and side == "front":
        res["translation_info"] = {
            "name_translation": g.r.choice(("Ma Sandar Phyu", "Maung Maung", "U Thein Po")),
            "father_name_translation": "U Thein Po",
            "nrc_id_translation": f"9/MaKhaNa(N){g.digits(6)}",
            "birth_translation": f"{g.r.randint(1, 28)}.{g.r.randint(1, 12)}.19{g.digits(2)}",
        }
    return res


def _myanmar_dl(g: Gen, p: dict, n: int) -> dict:
    num, nrc = f"B/{g.digits(5)}/{g.digits(2)}", f"12/DaGaNa(N){g.digits(6)}"
    birth = f"{g.r.randint(1, 28)}-{g.r.randint(1, 12)}-{g.r.randint(1950, 2004)}"
    exp = f"{g.r.randint(1, 28)}-{g.r.randint(1, 12)}-{g.r.randint(2020, 2030)}"
    blood = g.r.choice(("A", "B", "O", "AB"))
    res = {
        "card_number": burmese(num),
        "card_number_en": num,
        "name": g.r.choice(MY_NAMES),
        "name_en": g.r.choice(("MAUNG MAUNG", "AUNG KYAW")),
        "nrc_id": burmese(nrc),
        "nrc_id_en": nrc,
        "birth": burmese(birth),
        "birth_en": birth,
        "blood_group": blood,
        "blood_group_en": blood,
        "expiried_date": burmese(exp),
        "expiried_date_en": exp,
    }
    return {**res, "confidence": _confs(g, res)}


def _chile_id(g: Gen, p: dict, n: int) -> dict:
    def d() -> str:
        return f"{g.r.randint(1, 28)} {g.r.choice(ES_MONTHS)} {g.r.randint(1950, 2030)}"

    res = {
        "surname": g.r.sample(ES_SURNAMES, 2),
        "given_name": g.r.choice(ES_GIVEN),
        "nationality": "CHILENA",
        "sex": g.r.choice("MF"),
        "birth": d(),
        "document_number": g.digits(9),
        "issue_date": d(),
        "expiry_date": d(),
        "number": f"{g.r.randint(5, 25)}.{g.digits(3)}.{g.digits(3)}-{g.r.choice('0123456789K')}",
    }
    return {**res, "confidence": _confs(g, res)}


def _vietnam_id(g: Gen, p: dict, n: int) -> dict:
    side = p.get("side") or g.r.choice(("front", "back"))
    res: dict[str, Any] = {
        "side": side,
        "number": "0" + g.digits(11),
        "full_name": g.r.choice(VI_NAMES),
        "birth_date": g.date("dmy-"),
        "sex": g.r.choice(("Nam", "Nữ")),
        "nationality": "Việt Nam",
        "origin_place": g.r.choice(VI_PLACES),
        "residence_place": g.r.choice(VI_PLACES),
        "expiry_date": g.date("dmy/"),
    }
    if side == "back":
        num = res["number"]
        res.update(
            {
                "personal_identification": "Nốt ruồi cách 2cm dưới mép phải",
                "issue_date": g.date("dmy/"),
                "machine_code1": f"IDVNM{num[3:]}{g.digits(1)}{num}".ljust(30, "<"),
                "machine_code2": f"{g.digits(7)}F{g.digits(7)}VNM".ljust(29, "<") + g.digits(1),
                "machine_code3": "NGUYEN<<VAN<AN".ljust(30, "<"),
            }
        )
    keys = [k for k in res if k != "side"]
    res["confidence"] = _confs(g, res, keys)
    _card_extras(g, p, res, ("normal", "copy", "screen"))
    if p.get("return_text_location"):
        res["text_location"] = _text_location(g, res, keys)
    return res


def _peru_id(g: Gen, p: dict, n: int) -> dict:
    s1, s2 = g.r.sample(ES_SURNAMES, 2)
    given = g.r.choice(ES_GIVEN)
    cui = g.digits(8)
    res: dict[str, Any] = {
        "cui_number": f"{cui}-{g.digits(1)}",
        "first_surname": s1,
        "second_surname": s2,
        "given_name": given,
        "sex": g.r.choice("MF"),
        "marital_status": g.r.choice("SCVD"),
        "birth_date": g.date("dmy-").replace("-", " "),
        "nationality": "PERUANA",
        "issue_date": g.date("dmy-").replace("-", " "),
        "expiry_date": g.date("dmy-").replace("-", " "),
        "birth_place": int(g.digits(6).lstrip("0") or "1"),
        "voting_group": g.digits(6),
        "organ_donation": g.r.choice(("SI", "NO")),
        "registration_date": g.date("dmy-").replace("-", " "),
        "portrait_image": B64_JPEG if p.get("return_portrait_image") else None,
        "portrait_location": (
            g.poly(g.w * 0.04, g.h * 0.2, g.w * 0.25, g.h * 0.55)
            if p.get("return_portrait_location")
            else None
        ),
        "address": "AV. LOS ÁLAMOS 245",
        "department": "LIMA",
        "province": "LIMA",
        "district": "MIRAFLORES",
        "remarks": "",
        "machine_code1": f"I<PER{cui}<{g.digits(1)}".ljust(30, "<"),
        "machine_code2": f"{g.digits(7)}M{g.digits(7)}PER".ljust(29, "<") + g.digits(1),
        "machine_code3": f"{s1}<<{given.replace(' ', '<')}".ljust(30, "<"),
        "duplicate": g.r.random() < 0.1,
    }
    res["confidence"] = _confs(g, res, list(res))
    return res


def _thai_plate(g: Gen, p: dict, n: int) -> list:
    plates = []
    for i in range(g.r.randint(1, 3)):
        plates.append(
            {
                "plate_number": f"{g.r.choice(('กง', 'ขท', '1กข', 'ฌช'))} {g.r.randint(1, 9999)}",
                "province": g.r.choice(THAI_PROVINCES),
                "confidence": g.conf(),
                "plate_location": g.poly(
                    g.w * (0.1 + 0.3 * i), g.h * 0.6, g.w * 0.22, g.h * 0.1, g.r.uniform(-3, 3)
                ),
            }
        )
    return plates


CARD_BODIES = {
    "id-document": (_id_document, 0),
    "auto-id-doc-classification": (_auto_id, 0),
    "passport": (_passport, 0),
    "thailand-id-card": (_thailand_id, 0),
    "colombia-id-card": (_colombia_id, 0),
    "cambodian-idcard": (_cambodian_id, 0),
    "myanmar-id-card": (_myanmar_id, 0),
    "myanmar-driver-license": (_myanmar_dl, 0),
    "chile-id-card": (_chile_id, 0),
    "vietnam-id-card": (_vietnam_id, 0),
    "peru-id-card": (_peru_id, 0),
    "thailand-license-plate": (_thai_plate, 0),
}
