"""Where the OCR service is deployed: region code -> endpoint host (calling.md §1)."""

from __future__ import annotations

from ..errors import InputError

# Region code -> OCR endpoint host (calling.md §1).
REGION_ENDPOINTS: dict[str, str] = {
    "ap-southeast-1": "ocr.ap-southeast-1.myhuaweicloud.com",
    "ap-southeast-2": "ocr.ap-southeast-2.myhuaweicloud.com",
    "ap-southeast-3": "ocr.ap-southeast-3.myhuaweicloud.com",
    "la-south-2": "ocr.la-south-2.myhuaweicloud.com",
    "la-north-2": "ocr.la-north-2.myhuaweicloud.com",
}


def endpoint_for(region: str) -> str:
    """Return ``https://<host>`` of the OCR service in ``region``.

    >>> endpoint_for("ap-southeast-1")
    'https://ocr.ap-southeast-1.myhuaweicloud.com'
    """
    try:
        return "https://" + REGION_ENDPOINTS[region]
    except KeyError:
        known = ", ".join(sorted(REGION_ENDPOINTS))
        raise InputError(
            f"unknown region {region!r}; OCR is deployed in {known}. "
            "Pass one of these, or endpoint= for a custom endpoint."
        ) from None
