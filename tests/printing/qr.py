"""Reading QR codes back as a phone camera would, with zxing-cpp: from the
SVG a page embeds (drawn as pixels here), or from a PNG screenshot (decoded
here with the standard library: Chromium writes 8-bit, non-interlaced RGB or
RGBA PNGs, and that is all this reads)."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import zxingcpp

SVG_QR = re.compile(r'<svg[^>]*class="qr"[^>]*>.*?</svg>', re.S)


def qr_svgs(html: str) -> list[str]:
    return SVG_QR.findall(html)


def decode(gray: bytes, width: int, height: int) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in a grayscale image."""
    image = memoryview(bytes(gray)).cast("B", (height, width))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


# -- SVG ----------------------------------------------------------------------

def svg_pixels(svg: str, scale: int = 6) -> tuple[bytes, int, int]:
    """Draw segno's SVG (a viewBox in modules, one path of horizontal runs
    ``M x y``, ``m dx dy``, ``h n`` at half-module heights) as pixels."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r' d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    dark = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                dark[int(y)][column] = True
            x += float(a)
    rows = (bytes(0 if d else 255 for d in row for _ in range(scale)) for row in dark)
    gray = b"".join(row * scale for row in rows)
    return gray, size * scale, size * scale


def decode_svg(svg: str) -> list[str]:
    return decode(*svg_pixels(svg))


# -- PNG ----------------------------------------------------------------------

def png_gray(data: bytes) -> tuple[bytes, int, int]:
    """A PNG's green channel, which is enough to tell black from white."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append((kind, data[at + 8:at + 8 + length]))
        at += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride, previous, gray = width * bpp, bytearray(width * bpp), bytearray()
    for row in range(height):
        start = row * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), previous, bpp)
        gray += line[1::bpp]
        previous = line
    return bytes(gray), width, height


def _unfilter(kind: int, line: bytearray, up: bytearray, bpp: int) -> bytearray:
    if kind == 1:
        for i in range(bpp, len(line)):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(len(line)):
            line[i] = (line[i] + up[i]) & 0xFF
    elif kind == 3:
        for i in range(len(line)):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + up[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b, c = up[i], up[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return line


def decode_png(path: Path) -> list[str]:
    return decode(*png_gray(path.read_bytes()))
