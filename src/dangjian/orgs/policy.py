"""Who may read and keep the organization tree: everyone in scope reads it; the department keeps it."""

from dangjian.accounts.policy import ADMIN, READERS, Access, declare

from .models import Organization, TierRating

declare(Organization, reach="path", actions={
    "view": Access(READERS),
    "add": Access(ADMIN),  # an organization is added under a parent in scope (checked after the save)
    "change": Access(ADMIN),  # rename, move, re-rate
})
declare(TierRating, reach="organization__path", actions={"view": Access(READERS), "add": Access(ADMIN),
                                                         "change": Access(ADMIN)})
