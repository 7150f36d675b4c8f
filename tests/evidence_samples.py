"""Generated evidence files for the evidence-safety tests: a phone photo with GPS, programs,
and archives that hide them."""

from __future__ import annotations

import io
import zipfile

# Where the photo says it was taken (1°17'30"N 103°51'0"E): what must not reach an agency.
GPS_LATITUDE = (1.0, 17.0, 30.0)
GPS_LONGITUDE = (103.0, 51.0, 0.0)


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    """A JPEG like a phone camera's: EXIF with the camera's make and a GPS position."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "E", 4: GPS_LONGITUDE}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def gps_of(data: bytes) -> dict[int, object]:
    """The GPS block of an image's EXIF ({} when there is none)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(0x8825))


def elf_program() -> bytes:
    """The start of a 64-bit Linux program (enough for any content check)."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def pe_program() -> bytes:
    """A Windows program's headers: MZ, e_lfanew at 0x3C pointing at "PE\\0\\0"."""
    data = bytearray(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 242)
    data[0x3C:0x40] = (0x80).to_bytes(4, "little")
    data[0x80:0x84] = b"PE\x00\x00"
    return bytes(data) + b"\x00" * 512


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
