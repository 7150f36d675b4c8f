"""Screenshots of scam messages drawn with Pillow, for the OCR tests (scripts/ensure_ocr.sh
installs the fonts)."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

SMISHING = (
    "SingPost: Your parcel is held. Pay S$2.50 at https://sg-post-redelivery.com/pay "
    "or call +65 8123 4567"
)


def sms_screenshot(
    text: str, *, font: Path = LATIN_FONT, width: int = 720, fmt: str = "PNG", wrap: int = 34
) -> bytes:
    """A phone-sized picture of an SMS bubble holding ``text`` (links kept on one line)."""
    face = ImageFont.truetype(str(font), 30)
    lines = [
        line
        for paragraph in text.split("\n")
        for line in textwrap.wrap(paragraph, wrap, break_on_hyphens=False, break_long_words=False)
    ]
    image = Image.new("RGB", (width, 160 + 48 * len(lines)), "#f2f2f7")
    draw = ImageDraw.Draw(image)
    draw.text((30, 20), "Messages   +65 8000 1234", fill="#555555", font=face)
    draw.rounded_rectangle((20, 80, width - 20, 110 + 48 * len(lines)), 24, fill="#e5e5ea")
    for number, line in enumerate(lines):
        draw.text((40, 95 + 48 * number), line, fill="black", font=face)
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()
