"""Pinyin initials for searching organizations and persons by name (“锡尼镇” → “xnz”, “张三” → “zs”).

pypinyin and its dictionaries are loaded on the first name, not when the app starts: every
``dangjian`` command starts the app, and most (a check, a report) never need a pinyin.
"""

from functools import lru_cache


@lru_cache(maxsize=20000)
def _initial(ch):
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0].lower() if letters else ""


def initials(name):
    return "".join(_initial(ch) for ch in name)
