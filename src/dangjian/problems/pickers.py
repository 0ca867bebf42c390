"""Volunteer teams picked by name (ui.pickers), with their organization as the line of context."""

from dangjian.ui.pickers import Source


class TeamSource(Source):
    model_label = "problems.VolunteerTeam"
    key = "pk"
    url_name = "ui:picker_teams"

    def queryset(self, user, action="view", **filters):
        qs = super().queryset(user, action)
        if action != "view":
            return qs
        # Teams named in an import belong to no organization: anyone who logs problems may pick them.
        return qs | self.model.objects.filter(organization__isnull=True)

    def search(self, qs, term):
        return qs.filter(name__contains=term)

    def order(self, qs, user):
        return qs.select_related("organization").order_by("name", "pk")

    def contexts(self, user, rows):
        return {t.pk: t.organization.name if t.organization_id else "" for t in rows}

