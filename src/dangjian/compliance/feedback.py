"""Immediate rule feedback for one person, from the same engine as every check."""

from dangjian.orgs.models import Organization
from dangjian.orgs.queries import tier_distribution

from .rules import run_check


def link_feedback(person, as_of):
    """What the rules say about ``person`` on ``as_of``, in sentences for the page."""
    notes = []
    for v in run_check(as_of=as_of, person=person).violations:
        if v.rule == "secretary-lagging-missing":
            org = Organization.objects.get(code=v.org)
            lagging = tier_distribution(org.path, as_of).get("lagging", 0)
            notes.append(f"{person.name}任书记的{org.name}辖有 {lagging} 个后进党支部，尚未联系其中任何一个"
                         f"（“将主动联系确定后进党支部作为对书记的硬要求”）")
        else:
            notes.append(v.message)
    return notes
