"""Text in screenshots: read locally by Tesseract OCR, bounded in size and time.

Victims send screenshots of the scam's SMS, chat or web page; the phone numbers, links,
amounts and accounts in them are the indicators analysts link reports by. ``read_image_text``
runs the distribution's Tesseract (``scripts/ensure_ocr.sh``) with its English, Simplified
Chinese and Malay data on this machine: nothing is sent anywhere. It is blocking (a
subprocess): callers on an event loop run it in a thread (``asyncio.to_thread``).

Whatever goes wrong (not an image, a damaged file, Tesseract missing, too slow) gives None and
one log line that names the error, never the content: the evidence is kept all the same.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from functools import lru_cache

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from scamreport.sensitive import mask_secrets

logger = logging.getLogger(__name__)

# Tesseract's data names, in the order given to it; those not installed are left out.
OCR_LANGUAGES: tuple[str, ...] = ("eng", "chi_sim", "msa")
# The image types read (the evidence store sniffs them from the content, not the name).
OCR_IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
OCR_MIME_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
# A phone screenshot is about 1-3 megapixels; beyond this an image is refused, not decoded.
MAX_PIXELS = 40_000_000
# The longest side Tesseract is given: larger images are scaled down (time grows with area),
# smaller ones (Telegram sends photos at most 1280 px wide) are scaled up twice, which reads
# small print better.
MAX_SIDE = 3000
UPSCALE_BELOW = 1400
# Seconds before Tesseract is stopped (it reads a phone screenshot in about a second here).
OCR_TIMEOUT_SECONDS = 20.0
# Tesseracts running at once in this process (each uses a core or two).
MAX_CONCURRENT_OCR = 2
_OCR_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_OCR)

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# Tesseract puts a space between Chinese characters when several languages are loaded.
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACED_SCHEME = re.compile(r"\b(https?|hxxps?): //", re.IGNORECASE)


class ScreenshotNotRead(Exception):
    """Why an image gave no text (for logs: the error's name, never the image's content)."""


@lru_cache(maxsize=1)
def installed_languages() -> tuple[str, ...]:
    """The languages of OCR_LANGUAGES that Tesseract has data for (empty: not installed)."""
    try:
        available = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        return ()
    return tuple(language for language in OCR_LANGUAGES if language in available)


def prepare_image(data: bytes) -> Image.Image:
    """``data`` decoded as a grey, upright image of a size Tesseract reads well; raises
    ScreenshotNotRead for anything that is not a JPEG, PNG or WebP image Pillow can decode."""
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ScreenshotNotRead(f"not an image ({type(error).__name__})") from None
    with image:
        if image.format not in OCR_IMAGE_FORMATS:
            raise ScreenshotNotRead(f"not a screenshot format ({image.format})")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ScreenshotNotRead(f"too large ({width}x{height})")
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            grey = upright.convert("L")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise ScreenshotNotRead(f"damaged image ({type(error).__name__})") from None
    longest = max(grey.size)
    if longest > MAX_SIDE:
        grey.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    elif 0 < longest < UPSCALE_BELOW:
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
    return grey


def read_image_text(data: bytes, *, timeout: float = OCR_TIMEOUT_SECONDS) -> str | None:
    """The text Tesseract reads in the image ``data``, with any one-time code, PIN, password or
    card number masked (scamreport.sensitive); None when the image could not be read.

    ``timeout`` bounds the whole reading in seconds."""
    try:
        text = _ocr(data, timeout=timeout)
    except ScreenshotNotRead as error:
        logger.info("screenshot not read: %s", error)
        return None
    return mask_secrets(text).masked_text if text else None


def _ocr(data: bytes, *, timeout: float) -> str:
    languages = installed_languages()
    if not languages:
        raise ScreenshotNotRead("Tesseract or its language data is not installed")
    deadline = time.monotonic() + timeout
    # A burst of screenshots (an album, many reporters) must not start a Tesseract per thread.
    if not _OCR_SLOTS.acquire(timeout=timeout):
        raise ScreenshotNotRead("every OCR slot stayed busy for the time limit")
    try:
        image = prepare_image(data)
        text = _tesseract(image, "+".join(languages), deadline)
        if "chi_sim" in languages and _HAS_CJK.search(text):
            # With every language loaded Tesseract reads some all-Chinese lines as Latin
            # garbage; Chinese alone reads them (but garbles links): its Chinese lines are added.
            chinese = _tesseract(image, "chi_sim", deadline)
            text += "\n" + "\n".join(line for line in chinese.splitlines() if _HAS_CJK.search(line))
    finally:
        _OCR_SLOTS.release()
    return tidy(text)


def _tesseract(image: Image.Image, languages: str, deadline: float) -> str:
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        raise ScreenshotNotRead("Tesseract took longer than its time limit")
    try:
        return str(pytesseract.image_to_string(image, lang=languages, timeout=timeout))
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError) as error:
        raise ScreenshotNotRead(f"Tesseract failed ({type(error).__name__})") from None
    except RuntimeError as error:  # pytesseract stops a slow Tesseract with a bare RuntimeError
        if "timeout" not in str(error).lower():
            raise
        raise ScreenshotNotRead("Tesseract took longer than its time limit") from None


def tidy(text: str) -> str:
    """OCR text without the spaces Tesseract puts between Chinese characters or after a
    link's scheme ("https: //")."""
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _SPACED_SCHEME.sub(r"\1://", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
