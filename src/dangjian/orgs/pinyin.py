"""Pinyin initials for searching organizations by name (“锡尼镇” → “xnz”)."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=20000)
def _initial(ch):
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0].lower() if letters else ""


def initials(name):
    return "".join(_initial(ch) for ch in name)
