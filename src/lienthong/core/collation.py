"""Vietnamese alphabetical order as a plain sort key, so that a list sorts the same on SQLite
and on PostgreSQL whatever collation the database was created with.

The key holds only the lowercase ASCII letters a-z, which every collation (C, en_US, vi_VN,
ICU) orders the same, byte for byte. It has a primary part, the letters in the Vietnamese
alphabet's order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, digits first,
f j w z where the Latin alphabet has them) with a word break sorting before any letter, and
then a secondary part, the tone of each letter (none, huyền, hỏi, ngã, sắc, nặng) to separate
words that differ only by their tones. So "Cấp…" sorts before "Cho…" and "Chứng…" and every
"Đ…" after every "D…" — unlike code points, which put "Đ" after "Z" and "Ấ" after "Y"."""

from __future__ import annotations

import unicodedata

# Digits, then the Vietnamese alphabet with the letters Vietnamese does not use where Latin has
# them (foreign names and codes still sort sensibly).
_ORDER = [*"0123456789", *"aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"]
# Two letters per symbol, drawn from c-z: "a" ends the primary part, "b" breaks words, so a
# shorter word or name sorts before a longer one that starts with it.
_DIGITS = "cdefghijklmnopqrstuvwxyz"
_CODE = {ch: _DIGITS[i // len(_DIGITS)] + _DIGITS[i % len(_DIGITS)] for i, ch in enumerate(_ORDER)}
_END_PRIMARY = "a"
_WORD_BREAK = "b"

# Vowel modifiers kept with the letter (ă, â, ê, ô, ơ, ư) and the five tone marks in the order of
# Vietnamese dictionaries: huyền, hỏi, ngã, sắc, nặng.
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": "b", "\u0309": "c", "\u0303": "d", "\u0301": "e", "\u0323": "f"}
_NO_TONE = "a"


def vietnamese_sort_key(text: str) -> str:
    """The sort key of `text` (see the module's docstring); empty text gives an empty key."""
    primary: list[str] = []
    tones: list[str] = []
    pending_break = False
    letter: str | None = None
    tone = _NO_TONE

    def flush() -> None:
        nonlocal letter, tone, pending_break
        if letter is None:
            return
        code = _CODE.get(unicodedata.normalize("NFC", letter))
        if code is None:  # a letter outside the table (Greek, CJK...): by its base form
            base = unicodedata.normalize("NFKD", letter)[:1]
            code = _CODE.get(base, "zz")
        if pending_break and primary:
            primary.append(_WORD_BREAK)
        pending_break = False
        primary.append(code)
        tones.append(tone)
        letter, tone = None, _NO_TONE

    for ch in unicodedata.normalize("NFD", text.casefold()):
        if ch in _MODIFIERS and letter is not None:
            letter += ch
        elif ch in _TONES and letter is not None:
            tone = _TONES[ch]
        elif unicodedata.category(ch) == "Mn":  # any other mark: ignored
            continue
        elif ch.isalnum():
            flush()
            letter = ch
        else:
            flush()
            pending_break = True
    flush()
    if not primary:
        return ""
    return "".join(primary) + _END_PRIMARY + "".join(tones)
