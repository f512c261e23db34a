"""A one-page PDF receipt written by hand, in Vietnamese with its diacritics.

The text is set in DejaVu Sans (Debian's `fonts-dejavu-core`, which `make` installs), embedded
as a subset: ASCII, Latin-1, Latin Extended-A and the Vietnamese letters (U+1EA0-U+1EF9, ơ, ư),
about 15 KB compressed, built once per process (~0.25 s) and reused by every receipt. The font is a Type 0 font with
Identity-H encoding and a ToUnicode map, so viewers show "Kho bạc" and text extraction and
search give it back. Without the font file (another OS, no package) the receipt still renders,
in the standard Helvetica with Vietnamese folded to ASCII ("Kho bac"); the JSON receipt always
keeps the full text.
"""

from __future__ import annotations

import functools
import io
import logging
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

log = logging.getLogger("simulator.payment")

FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Debian/Ubuntu fonts-dejavu-core
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),  # Fedora
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),  # Arch
)
SUBSET_TAG = "SBXVNA"  # a subset font's name starts with six capitals and "+" (PDF 32000 9.6.4)
_REPERTOIRE = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    *range(0x100, 0x180),
    0x1A0,
    0x1A1,
    0x1AF,
    0x1B0,
    *range(0x1EA0, 0x1EFA),
    0x2013,
    0x2014,
    0x2018,
    0x2019,
    0x201C,
    0x201D,
    0x2026,
    0x20AB,
]


def fold_ascii(text: str) -> str:
    """Vietnamese text without diacritics (đ → d), safe for a WinAnsi font."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "replace").decode()


@dataclass(frozen=True, eq=False)  # hashed by identity: one per process, cached
class _Font:
    """The embedded subset and what a page needs to set text in it."""

    name: str
    program: bytes  # the subset TrueType file, zlib-compressed
    length1: int  # its uncompressed length
    glyphs: dict[int, int]  # code point -> glyph id
    widths: dict[int, int]  # glyph id -> advance, 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int


@functools.lru_cache(maxsize=1)
def embedded_font() -> _Font | None:
    """The subset of the first DejaVu Sans found (built once per process), or None."""
    path = next((p for p in FONT_CANDIDATES if p.is_file()), None)
    if path is None:
        log.warning("DejaVuSans.ttf not found (apt-get install fonts-dejavu-core): PDF receipts fold Vietnamese to ASCII")
        return None
    try:
        font = TTFont(str(path))
        options = subset.Options()
        options.layout_features = []  # no shaping tables: one glyph per code point is all a receipt sets
        options.hinting = False
        options.notdef_outline = True
        options.drop_tables += ["FFTM"]  # FontForge timestamps: nothing a reader needs
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_REPERTOIRE)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        program = buffer.getvalue()
        font = TTFont(io.BytesIO(program))
    except Exception:  # an unreadable font must not break receipts: fall back to Helvetica
        log.exception("could not subset %s: PDF receipts fold Vietnamese to ASCII", path)
        return None
    scale = 1000 / font["head"].unitsPerEm
    glyphs = {cp: font.getGlyphID(name) for cp, name in font.getBestCmap().items()}
    widths = {font.getGlyphID(name): round(font["hmtx"][name][0] * scale) for name in font.getGlyphOrder()}
    head, hhea = font["head"], font["hhea"]
    return _Font(
        name=f"{SUBSET_TAG}+DejaVuSans",
        program=zlib.compress(program, 9),
        length1=len(program),
        glyphs=glyphs,
        widths=widths,
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(getattr(font["OS/2"], "sCapHeight", 0) * scale) or 729,
    )


def render(title: str, lines: list[str]) -> bytes:
    """A PDF (A4 portrait) with a title and one text line per entry."""
    font = embedded_font()
    show = (lambda text: _hex_glyphs(font, text)) if font else _literal
    ops = ["BT", "/F1 16 Tf", "50 790 Td", f"{show(title)} Tj", "/F1 11 Tf", "0 -30 Td", "16 TL"]
    for line in lines:
        ops.append(f"{show(line)} '")
    ops.append("ET")
    content = zlib.compress("\n".join(ops).encode("ascii"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        _font_dict(font),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title " + _text_string(title) + b" /Producer (National portal sandbox) >>",
    ]
    if font is not None:
        objects += _font_objects(font)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _literal(text: str) -> str:
    return "(" + fold_ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _hex_glyphs(font: _Font, text: str) -> str:
    """Text as a hex string of 2-byte glyph ids; a character the subset lacks is folded to ASCII."""
    ids = []
    for char in unicodedata.normalize("NFC", text):
        glyph = font.glyphs.get(ord(char))
        if glyph is not None:
            ids.append(glyph)
        else:
            ids.extend(font.glyphs.get(ord(c), 0) for c in fold_ascii(char))
    return "<" + "".join(f"{g:04X}" for g in ids) + ">"


def _text_string(text: str) -> bytes:
    """A PDF text string in UTF-16BE (document metadata keeps its diacritics)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _font_dict(font: _Font | None) -> bytes:
    if font is None:
        return b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    return (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [7 0 R] "
        b"/ToUnicode 8 0 R >>" % font.name.encode("ascii")
    )


@functools.lru_cache(maxsize=1)
def _font_objects(font: _Font) -> tuple[bytes, ...]:
    """Objects 7-10: the CIDFont with its widths, the ToUnicode map, the descriptor and the program."""
    name = font.name.encode("ascii")
    widths = " ".join(f"{gid} [{width}]" for gid, width in sorted(font.widths.items())).encode("ascii")
    descendant = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 9 0 R /CIDToGIDMap /Identity /DW 1000 /W [%s] >>" % (name, widths)
    )
    cmap = _to_unicode(font).encode("ascii")
    to_unicode = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    x0, y0, x1, y1 = font.bbox
    descriptor = (
        b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 "
        b"/Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 10 0 R >>"
        % (name, x0, y0, x1, y1, font.ascent, font.descent, font.cap_height)
    )
    program = (
        b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n" % (len(font.program), font.length1) + font.program + b"\nendstream"
    )
    return descendant, to_unicode, descriptor, program


def _to_unicode(font: _Font) -> str:
    """The CMap a reader uses to turn glyph ids back into text (copy, search, screen readers)."""
    # Two code points on one glyph (e.g. a space and a no-break space): the lower one is the text.
    pairs = sorted({gid: cp for cp, gid in sorted(font.glyphs.items(), reverse=True)}.items())
    blocks = []
    for start in range(0, len(pairs), 100):  # at most 100 entries per bfchar block
        chunk = pairs[start : start + 100]
        body = "\n".join(f"<{gid:04X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for gid, cp in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{body}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )
