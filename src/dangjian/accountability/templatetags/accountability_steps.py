"""``{% case_paperwork case request.user as pw %}``: what case_actions.html shows (two queries a case)."""

from django import template
from django.db.models import Prefetch

from ..models import CaseAttachment, RecordKind
from ..workflow import appeal_until, offered

register = template.Library()


@register.simple_tag
def case_paperwork(case, user):
    records = list(case.records.select_related("author", "author__profile__person").prefetch_related(
        Prefetch("attachments", queryset=CaseAttachment.objects.order_by("id"))).order_by("created_at", "id"))
    case._record_kinds = {(r.kind, r.step) for r in records}  # the table's checks read these, not the database again
    criticism = next((r for r in reversed(records) if r.kind == RecordKind.CRITICISM), None)
    return {"steps": offered(user, case), "records": records,
            "appeal_until": appeal_until(criticism) if criticism else None}
