"""The encoding of a text file the kommun wrote: UTF-8, UTF-16 or (for CSV) Windows-1252.

Excel and other Windows tools save CSV as "CSV UTF-8", as "CSV" (Windows-1252) or as
"Unicode text" (UTF-16, with or without a byte order mark). Text read in the wrong
encoding is garbled without a word (``500 € per 中文`` → ``500 ¬  per -N‡e``), so each is
recognised and read as what it is, and what was not UTF-8 is said
(:attr:`Decoded.note`). A file in no encoding we can tell is refused with a message that
says how to save it as UTF-8.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

SAVE_AS_UTF8 = (
    "spara den som UTF-8 (i Excel: Spara som → CSV UTF-8 (kommaavgränsad); "
    "i Anteckningar: Spara som → Kodning: UTF-8)"
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SAMPLE = 4096
"""How many bytes the UTF-16 guess looks at."""


class EncodingError(ValueError):
    """The bytes are in no encoding the file may have; the message is Swedish."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """The codec used: utf-8, utf-16-le, utf-16-be, utf-32-le/-be or cp1252."""
    note: str | None = None
    """What ``check`` says about it (None for UTF-8)."""


def _utf16_without_bom(raw: bytes) -> str | None:
    """utf-16-le or utf-16-be when the bytes look like UTF-16 without a byte order mark:
    text of mostly Latin letters has a NUL in every other byte, at odd offsets in
    little-endian and even offsets in big-endian; UTF-8 and Windows-1252 text has none."""
    sample = raw[:_SAMPLE]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    if zeros_odd >= 0.3 * half and zeros_even <= 0.05 * half:
        return "utf-16-le"
    if zeros_even >= 0.3 * half and zeros_odd <= 0.05 * half:
        return "utf-16-be"
    return None


def decode(raw: bytes, *, cp1252_fallback: bool) -> Decoded:
    """The text of ``raw``: by its byte order mark, else UTF-16 when it looks like it,
    else UTF-8, else (``cp1252_fallback``) Windows-1252. Raises :class:`EncodingError`."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise EncodingError(
                    f"filen börjar som {name} men går inte att läsa som det; {SAVE_AS_UTF8}."
                ) from None
            note = None if codec == "utf-8" else f"filen är sparad som {name} och lästes som det"
            return Decoded(text, codec, note)
    guess = _utf16_without_bom(raw)
    if guess is not None:
        try:
            text = raw.decode(guess)
        except UnicodeDecodeError:
            raise EncodingError(
                f"filen ser ut att vara UTF-16 men går inte att läsa som det; {SAVE_AS_UTF8}."
            ) from None
        order = "little endian" if guess.endswith("le") else "big endian"
        return Decoded(
            text, guess, f"filen är sparad som UTF-16 ({order}, utan BOM) och lästes som det"
        )
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if not cp1252_fallback:
            raise EncodingError(
                f"filen är inte UTF-8 (byte {exc.start + 1} går inte att läsa); {SAVE_AS_UTF8}."
            ) from None
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"filen är varken UTF-8, UTF-16 eller Windows-1252 (byte {exc.start + 1} går inte "
            f"att läsa); {SAVE_AS_UTF8}."
        ) from None
    return Decoded(
        text,
        "cp1252",
        "filen är inte UTF-8 och lästes som Windows-1252 (Excels ”CSV”); kontrollera å, ä, ö "
        f"och andra tecken i rapporten, eller {SAVE_AS_UTF8}",
    )
