"""我的待办: what is a person's own to do, gathered from the apps that know it.

The system never asks anyone to report what it already knows: a person's to-do list is
read off the records. Each app says what of its records falls to a user, in its
``todos.py``, with :func:`register`: contacts the links whose next visit falls due soon,
compliance the findings awaiting the user's reply, the ledger the problems waiting at the
user's branches, accountability the cases and the talks. A new part adds its source the
same way; the page (``web:todo``) and the count in the navigation read every source.

A source is ``fn(user, person, today) -> iterable of Todo`` (``person``: the user's own
person, or None) and must be set-based: a few queries whatever the user's reach.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from django.utils.module_loading import autodiscover_modules

SOON_DAYS = 14  # a visit falling due within this many days is on the list


@dataclass(frozen=True)
class Todo:
    title: str
    url: str = ""
    due: date | None = None  # the day it must be done by, when there is one
    detail: str = ""
    key: object = None  # the record behind it, for a section's own actions (a notice marked read)

    def days_left(self, today):
        return None if self.due is None else (self.due - today).days


@dataclass(frozen=True)
class Source:
    name: str
    label: str  # the section's heading
    items: Callable
    order: int = 100
    hint: str = ""  # what to do, under the heading
    sort: bool = True  # by due day; False: as the source gives them (notices, newest first)
    action: tuple = ()  # (url name, label): one POST button for the whole section ("全部标为已读")


@dataclass
class Section:
    source: Source
    items: list = field(default_factory=list)

    @property
    def label(self):
        return self.source.label

    @property
    def hint(self):
        return self.source.hint


_SOURCES = {}
_discovered = False


def register(source):
    """Add a to-do source (registering one of the same name again replaces it)."""
    _SOURCES[source.name] = source
    return source


def sources():
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("todos")
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.name))


def gather(user, person, today):
    """The non-empty sections of ``user``'s to-do list, each sorted by due day (undated last)."""
    sections = []
    for source in sources():
        items = list(source.items(user, person, today))
        if source.sort:
            items.sort(key=lambda t: (t.due is None, t.due or today, t.title))
        if items:
            sections.append(Section(source, items))
    return sections


def count(user, person, today):
    return sum(len(s.items) for s in gather(user, person, today))
