"""Bytes -> text for Arabic news archives, without mojibake.

Cascade (first rule that succeeds wins; the order is the design):

1. a byte-order mark (UTF-8, UTF-16 LE/BE): explicit, so it beats any guess;
2. binary check: NUL bytes or many control bytes mean this is not text at all -> ``BinaryContentError``
   (checked before UTF-8 because a run of NULs is valid UTF-8);
3. strict UTF-8: random non-UTF-8 bytes almost never validate, so a success is near-certain; a file
   cut inside its last multi-byte character (a truncated download) still counts as UTF-8, minus that
   partial character;
4. windows-1256 (cp1256), the legacy Arabic code page of most pre-2010 Arabic sites and archives, when
   the bytes decode and the letters are mostly Arabic (cp1256 maps nearly every byte, so "decodes" alone
   proves nothing; the Arabic-letter share is what separates it from Latin-1 text);
5. an encoding the document declares (HTML ``charset``), when it decodes strictly;
6. charset-normalizer as the last resort.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Share of control bytes (other than tab/newline/CR/FF/ESC) above which bytes are taken for binary.
# Text in any 8-bit code page has ~0; uniformly random bytes have ~10%.
MAX_CONTROL_RATIO = 0.05
# cp1256 is accepted when at least this share of the letters are Arabic (Arabic prose with some Latin
# names scores 0.9+; Latin-1 European text read as cp1256 scores near 0).
MIN_ARABIC_LETTER_RATIO = 0.5
SAMPLE_BYTES = 65_536

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 12, 13, 27}))


class DecodeError(ValueError):
    """The bytes could not be decoded to text by any rule of the cascade."""


class BinaryContentError(DecodeError):
    """The bytes are not text (NUL bytes, or too many control bytes)."""


@dataclass(slots=True, frozen=True)
class Decoded:
    text: str
    encoding: str


MAX_STRAY_NULS = 4  # NUL bytes tolerated in a text sample (padding at the end of a record)


def is_binary(data: bytes) -> bool:
    """True when a sample of ``data`` holds more than a stray NUL byte or too many control bytes.

    Scraped pages and archive records often end in a padding NUL (296 of the corpus articles do), so a
    few NULs are text damage, not a binary file; UTF-16 without a BOM or an image has NULs throughout.
    """
    sample = data[:SAMPLE_BYTES]
    nuls = sample.count(b"\x00")
    if nuls > MAX_STRAY_NULS:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bool(sample) and controls / len(sample) > MAX_CONTROL_RATIO


def arabic_letter_ratio(text: str) -> float:
    """Share of alphabetic characters that are in the Arabic blocks (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f")
    return arabic / len(letters)


def _from_bom(data: bytes) -> Decoded | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), name)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"{name} byte-order mark but invalid {codec}: {exc}") from exc
    return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8(data: bytes) -> Decoded | None:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data" or exc.end != len(data):
            return None
        return Decoded(data[: exc.start].decode("utf-8"), "utf-8")


def _cp1256(data: bytes) -> Decoded | None:
    text = _try(data, "cp1256")
    if text is not None and arabic_letter_ratio(text[:SAMPLE_BYTES]) >= MIN_ARABIC_LETTER_RATIO:
        return Decoded(text, "cp1256")
    return None


def _declared(data: bytes, declared: str | None) -> Decoded | None:
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return None
    text = _try(data, name)
    return Decoded(text, name) if text is not None else None


def _normalizer(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slowish to import

    best = from_bytes(data).best()
    if best is None:
        return None
    return Decoded(str(best), best.encoding)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data`` following the module's cascade; raise ``DecodeError`` when nothing fits."""
    found = _from_bom(data)
    if found is not None:
        return found
    if is_binary(data):
        raise BinaryContentError("binary content (NUL or control bytes)")
    found = _utf8(data)
    if found is not None:
        return found
    for rule in (_cp1256, lambda d: _declared(d, declared), _normalizer):
        found = rule(data)
        if found is not None:
            return found
    raise DecodeError("no encoding decodes these bytes")
