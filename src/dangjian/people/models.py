"""Persons (人员) and the posts they hold (任职)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager
from dangjian.records.tenure import Tenure


class Person(models.Model):
    code = models.CharField(_("人员编号"), max_length=64, unique=True)
    name = models.CharField(_("姓名"), max_length=100)
    id_card = models.CharField(_("身份证号"), max_length=18, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class PostRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    MEMBER = "member", "委员"


class Post(Tenure):
    """A post held in an organization's leadership team, with start and end dates.

    A post in a committee (党委/党组/党工委) makes its holder a responsible leader
    (责任主体) while it is active.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts", verbose_name=_("人员"))
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="posts", verbose_name=_("组织")
    )
    role = models.CharField(_("职务"), max_length=16, choices=PostRole.choices)
    # The tenure's dates under the post's own names.
    start_date = models.DateField(_("任职日期"), null=True, blank=True)
    end_date = models.DateField(_("免职日期"), null=True, blank=True)
    END_BEFORE_START = "免职日期早于任职日期"


    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        indexes = [
            models.Index(fields=["organization", "role"], name="post_org_role"),
            models.Index(fields=["person", "organization"], name="post_person_org"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "organization", "role", "start_date"], name="post_unique_dated"),
            models.UniqueConstraint(
                fields=["person", "organization", "role"], condition=Q(start_date__isnull=True), name="post_unique_undated"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} {self.organization.name} {self.get_role_display()}"
