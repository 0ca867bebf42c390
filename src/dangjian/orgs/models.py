"""The party organization tree (党组织) and branch tier history (支部定级)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangjian.accounts.querysets import ScopedManager, ScopedQuerySetMixin

from .pinyin import initials


class OrgKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委"
    LEADING_GROUP = "leading_group", "党组"
    WORKING_COMMITTEE = "working_committee", "党工委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


# Leading bodies whose team members are responsible leaders (责任主体), CONTRACT §3.
COMMITTEE_KINDS = (OrgKind.PARTY_COMMITTEE, OrgKind.LEADING_GROUP, OrgKind.WORKING_COMMITTEE)


class Domain(models.TextChoices):
    VILLAGE = "village", "嘎查村"
    COMMUNITY = "community", "社区"
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    COLLECTIVE_ENTERPRISE = "collective_enterprise", "集体企业"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公有制企业"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"
    RETIRED_CADRES = "retired_cadres", "离退休干部"


class Tier(models.TextChoices):
    ADVANCED = "advanced", "先进"
    MIDDLE = "middle", "中间"
    LAGGING = "lagging", "后进"


class OrganizationQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    pass


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, action="view"):
        return self.get_queryset().visible_to(user, action)


class Organization(MP_Node):
    """A node of the party organization tree.

    The tree is a treebeard materialized path: a subtree is a path-prefix range,
    which both SQLite and PostgreSQL answer from the unique index on ``path``
    (see :mod:`dangjian.orgs.queries`).
    """

    steplen = 4

    code = models.CharField(_("组织编码"), max_length=64, unique=True)
    name = models.CharField(_("组织名称"), max_length=200)
    kind = models.CharField(_("组织类型"), max_length=32, choices=OrgKind.choices)
    domain = models.CharField(_("所属领域"), max_length=32, choices=Domain.choices, blank=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["kind", "path"], name="org_kind_path")]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        # “锡尼镇” → “xnz”, kept with the name (the importer's bulk writes compute it themselves).
        self.name_initials = initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    @property
    def is_committee(self):
        return self.kind in COMMITTEE_KINDS

    @property
    def is_branch(self):
        return self.kind == OrgKind.BRANCH


class TierRating(models.Model):
    """「扩大先进支部增量、提升中间支部水平、整顿后进支部」: a branch's tier from a date on.

    Entries add to the history and never erase it. A blank date means "since always"
    and counts as the earliest entry.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="tier_ratings", verbose_name=_("党支部")
    )
    tier = models.CharField(_("支部等次"), max_length=16, choices=Tier.choices)
    rated_on = models.DateField(_("定级日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("支部定级")
        verbose_name_plural = _("支部定级")
        ordering = ["organization", models.F("rated_on").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rated_on"], name="tier_unique_dated"),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(rated_on__isnull=True), name="tier_unique_undated"
            ),
        ]

    def __str__(self):
        return f"{self.organization.code} {self.get_tier_display()} {self.rated_on or '—'}"
