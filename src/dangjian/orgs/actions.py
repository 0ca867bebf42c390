from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields, register_names

from .models import Domain, Organization, OrgKind, Tier

register_actions({
    "organization added": pgettext_lazy("audit action", "新增组织"),
    "organization changed": pgettext_lazy("audit action", "修改组织"),
    "organization moved": pgettext_lazy("audit action", "调整上级组织"),
    "branch tier rated": pgettext_lazy("audit action", "支部定级"),
})
register_fields(
    {"parent": _("上级组织"), "domain": _("所属领域"),
     "tier": _("等次"), "rated_on": _("定级日期")},
    values={"kind": dict(OrgKind.choices), "domain": dict(Domain.choices), "tier": dict(Tier.choices)},
)


def _org_names(codes):
    return dict(Organization.objects.filter(code__in=codes).values_list("code", "name"))


register_names({"organization": _org_names, "parent": _org_names, "org": _org_names, "unit": _org_names})
