"""QR codes drawn as inline SVG (the check-in screen shows its link as one)."""

import io

import segno


def svg(text: str, *, title: str) -> str:
    """`text` as a QR code in an SVG element (medium error correction, a quiet zone of two modules). It has a
    viewBox and no fixed size, so the page's stylesheet sizes it (a projector's screen, a phone's)."""
    output = io.BytesIO()
    segno.make(text, error="m").save(output, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=title,
                                     omitsize=True)
    return output.getvalue().decode()
