"""Value pools and the seeded generator shared by every synthetic response."""

from __future__ import annotations

import math
import random
from typing import Any

# --- text pools ----------------------------------------------------------------------------

EN_LINES = (
    "INVOICE",
    "Invoice No. INV-{n5}",
    "Date: {date}",
    "Bill to: Acme Trading Ltd.",
    "12 Harbour Road, Wan Chai",
    "Description",
    "Qty",
    "Unit price",
    "Amount",
    "Office chairs, black",
    "Standing desk 140 x 70 cm",
    "USB-C docking station",
    "Subtotal {money}",
    "VAT 7% {money}",
    "Total due {money}",
    "Payment terms: 30 days",
    "Thank you for your business!",
    "Account 0042-{n5}-88",
    "Order reference PO-{n4}",
    "Delivery to warehouse B, gate 3",
    "Customer service +852 2345 {n4}",
    "www.example-shop.com",
    "Cashier: Lee",
    "Table 12  Guests 4",
    "Latte 2 x 38.00",
    "Club sandwich 1 x 96.00",
    "Service charge 10%",
    "Visa **** {n4}",
    "Change 0.00",
    "Meeting notes - quarterly review",
    "Revenue grew 12.4% year on year",
    "Next steps: confirm budget by {date}",
    "Signed by the project manager",
)
THAI = (
    "นาย สมชาย ใจดี",
    "กรุงเทพมหานคร",
    "พุทธ",
    "เขตบางรัก",
    "มหาสารคาม",
    "ขอนแก่น",
    "เชียงใหม่",
    "นาง สมศรี รักไทย",
)
THAI_PROVINCES = ("กรุงเทพมหานคร", "มหาสารคาม", "ขอนแก่น", "เชียงใหม่", "ภูเก็ต", "ชลบุรี")
THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
EN_MONTHS = (
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "Jun.",
    "Jul.",
    "Aug.",
    "Sep.",
    "Oct.",
    "Nov.",
    "Dec.",
)
ES_MONTHS = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC")
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
MY_DIGITS = "၀၁၂၃၄၅၆၇၈၉"
KHMER_NAMES = ("សុខ ចាន់ថា", "យឹម សុភា", "ហេង សុវណ្ណ", "ចាន់ ដារ៉ា")
KHMER_PLACES = ("ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពត")
MY_NAMES = ("မောင်မောင်", "မသန္တာဖြူ", "ဦးသိန်းပို", "ဒေါ်ခင်ခင်")
MY_WORDS = ("ဗမာ/ဗုဒ္ဓ", "ရန်ကုန်မြို့", "ကျောင်းဆရာ", "အမှတ် ၁၂ လမ်း ၃၄")
VI_NAMES = ("NGUYỄN VĂN AN", "TRẦN THỊ BÌNH", "LÊ HOÀNG NAM", "PHẠM THỊ HẢI YẾN")
VI_PLACES = (
    "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
    "Thôn Ngòi Châu, Yên Bái",
    "Xã Giới Phiên, Thành phố Yên Bái",
    "Phường Hàng Bạc, Hoàn Kiếm, Hà Nội",
)
ES_SURNAMES = ("FERNANDEZ", "GATICA", "GONZALEZ", "MUÑOZ", "ROJAS", "DÍAZ", "LANDEO", "QUISPE")
ES_GIVEN = ("MARCELA CAROLINA", "JOSÉ ANTONIO", "YONATHAN DAVID", "MARÍA JESÚS", "LUIS ÁNGEL")
EN_NAMES = ("JOHN SMITH", "ANNA MÜLLER", "DAVID CHEN", "MARIA SILVA", "AHMED KHAN")
FONTS = ("SimSun", "Microsoft YaHei", "Arial", "Times New Roman", "KaiTi", "SimHei", "Calibri")
TABLE_HEADER = ("Item", "Description", "Qty", "Unit price", "Amount", "Tax")
ITEMS = (
    "Paper A4",
    "Toner cartridge",
    "Stapler",
    "Desk lamp",
    "Notebook",
    "Monitor 27in",
    "Keyboard",
    "HDMI cable",
    "Printer service",
    "Label tape",
)
LAYOUT_TYPES = (
    "text",
    "title",
    "sub_title",
    "header",
    "footer",
    "page_number",
    "image",
    "image_caption",
    "table_caption",
    "reference",
    "footnote",
)
SDR_DOC_KINDS = (
    "peru_id_card",
    "cambodian_id_card",
    "hongkong_id_card",
    "macao_id_card",
    "myanmar_driver_license",
    "myanmar_id_card",
    "passport",
    "thailand_id_card",
    "id_card",
)
FORMULAS = (
    r"E = m c ^ { 2 }",
    r"\int _ { 0 } ^ { 1 } x ^ { 2 } \mathrm { d } x = \frac { 1 } { 3 }",
    r"a ^ { 2 } + b ^ { 2 } = c ^ { 2 }",
    r"\sum _ { i = 1 } ^ { n } i = \frac { n ( n + 1 ) } { 2 }",
)
B64_JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwg"


def khmer(s: str) -> str:
    return s.translate(str.maketrans("0123456789", KHMER_DIGITS))


def burmese(s: str) -> str:
    return s.translate(str.maketrans("0123456789", MY_DIGITS))


class Gen:
    """Random source plus geometry helpers for one synthesized body."""

    def __init__(self, seed: int | None, image_size: tuple[int, int] | None) -> None:
        self.r = random.Random(seed)
        if image_size is None:
            image_size = (self.r.randint(1000, 2400), self.r.randint(800, 3000))
        w, h = image_size
        self.w, self.h = max(int(w), 1), max(int(h), 1)

    # values
    def conf(self, lo: float = 0.82) -> float:
        return round(self.r.uniform(lo, 0.9999), 4)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def date(self, fmt: str = "iso") -> str:
        y, m, d = self.r.randint(1950, 2030), self.r.randint(1, 12), self.r.randint(1, 28)
        if fmt == "dmy-":
            return f"{d:02d}-{m:02d}-{y}"
        if fmt == "dmy/":
            return f"{d:02d}/{m:02d}/{y}"
        return f"{y}-{m:02d}-{d:02d}"

    def money(self) -> str:
        return f"{self.r.randint(1, 9999)}.{self.r.randint(0, 99):02d}"

    def line(self) -> str:
        text = self.r.choice(EN_LINES)
        return text.format(
            n4=self.digits(4), n5=self.digits(5), date=self.date(), money=self.money()
        )

    # geometry
    def poly(self, x: float, y: float, w: float, h: float, angle: float = 0.0) -> list[list[int]]:
        """4 integer vertices clockwise from top-left, rotated by ``angle`` degrees about TL."""
        a = math.radians(angle)
        ca, sa = math.cos(a), math.sin(a)
        pts = []
        for dx, dy in ((0, 0), (w, 0), (w, h), (0, h)):
            px, py = x + dx * ca - dy * sa, y + dx * sa + dy * ca
            pts.append(
                [min(max(int(round(px)), 0), self.w - 1), min(max(int(round(py)), 0), self.h - 1)]
            )
        return pts

    def box(self) -> list[list[int]]:
        w = self.r.randint(max(self.w // 8, 8), max(self.w // 3, 9))
        h = self.r.randint(max(self.h // 40, 6), max(self.h // 15, 7))
        x = self.r.randint(0, max(self.w - w - 1, 0))
        y = self.r.randint(0, max(self.h - h - 1, 0))
        return self.poly(x, y, w, h)

    def lines(self, n: int, *, tilt: bool = True) -> list[tuple[str, list[list[int]]]]:
        """``n`` text lines laid out top-to-bottom in one or two columns."""
        cols = 2 if n > 30 else 1
        rows = math.ceil(n / cols)
        margin = self.w * 0.05
        col_w = (self.w - 2 * margin) / cols
        pitch = (self.h * 0.9) / max(rows, 1)
        out = []
        for i in range(n):
            c, row = divmod(i, rows)
            text = self.line()
            lh = min(max(pitch * 0.6, 4.0), max(self.h * 0.035, 6.0))
            lw = min(col_w * 0.95, max(len(text) * lh * 0.5, 10.0))
            angle = self.r.choice((0.0, 0.0, 0.0, 0.0, 1.5, -1.2, 4.0)) if tilt else 0.0
            x, y = margin + c * col_w, self.h * 0.05 + row * pitch
            out.append((text, self.poly(x, y, lw, lh, angle)))
        return out

    def chars(self, text: str, poly: list[list[int]]) -> list[dict[str, Any]]:
        """Split a block polygon along its baseline into one polygon per visible character."""
        n = len(text) or 1
        (x1, y1), (x2, y2), (x3, y3), (x4, y4) = poly
        out = []
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            t0, t1 = i / n, (i + 1) / n

            def top(t: float) -> list[int]:
                return [round(x1 + (x2 - x1) * t), round(y1 + (y2 - y1) * t)]

            def bot(t: float) -> list[int]:
                return [round(x4 + (x3 - x4) * t), round(y4 + (y3 - y4) * t)]

            out.append(
                {
                    "char": ch,
                    "char_location": [top(t0), top(t1), bot(t1), bot(t0)],
                    "char_confidence": self.conf(0.7),
                }
            )
        return out
