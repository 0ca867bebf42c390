"""A notice is read by its own person only: not by the department, not by a supervisor."""

from dangjian.accounts.policy import READERS, Access, declare

from .models import Notice

declare(Notice, reach="organization__path", owner="person", actions={
    "view": Access(frozenset(), own=READERS, own_anywhere=True),
    "change": Access(frozenset(), own=READERS, own_anywhere=True),  # marking it read
})
