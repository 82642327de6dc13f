"""QR codes as the counter prints them: a procedure's online address on the
catalogue's wall board, a dossier's code on its receipt."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_code(address: str) -> segno.QRCode:
    """Always a full QR code, never a Micro QR (which phone cameras do not
    read), at error level M: sturdier on a printed wall than the default L."""
    return segno.make_qr(address, error="m")


def qr_inline(address: str, title: str) -> Markup:
    """The QR code as an ``<svg>`` element to place in a page; its size is
    set by CSS (``omitsize``), its markup has no style attribute."""
    svg = qr_code(address).svg_inline(omitsize=True, svgclass="qr", lineclass="qr-dark",
                                      title=title)
    return Markup(svg)  # segno escapes the title and writes fixed markup otherwise
