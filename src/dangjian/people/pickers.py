"""Persons picked by name or pinyin initials (ui.pickers), with their current posts as the line of context."""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.ui.pickers import Source


class PersonSource(Source):
    model_label = "people.Person"
    url_name = "ui:picker_people"

    def order(self, qs, user):
        from .models import Post

        today = timezone.localdate()
        # The current posts at organizations the user may see: nothing outside the scope shows.
        current = (Post.objects.visible_to(user)
                   .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
                   .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
                   .select_related("organization").order_by("-start_date"))
        return qs.order_by("name", "code").prefetch_related(Prefetch("posts", queryset=current,
                                                                     to_attr="current_posts"))

    def contexts(self, user, rows):
        out = {}
        for p in rows:
            posts = getattr(p, "current_posts", [])
            out[p.pk] = "；".join(f"{post.organization.name} {gettext(post.get_role_display())}"
                                 for post in posts[:2])
        return out

    def label(self, obj):
        return obj.name

