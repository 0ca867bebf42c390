"""Persons (人员) and the posts they hold (任职)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.pinyin import initials
from dangjian.records.querysets import ScopedManager
from dangjian.records.sealed import SealedProperty
from dangjian.records.tenure import Tenure


class Person(models.Model):
    code = models.CharField(_("人员编号"), max_length=64, unique=True)
    name = models.CharField(_("姓名"), max_length=100)
    # 身份证号 and 手机号 are sealed at rest (records.sealed): SM4 ciphertext and an SM3 keyed digest;
    # ``person.id_card`` opens the one, and lookups compare the other (id_card_digest=digest(...)).
    # The digests carry no index: kept up at every import they cost a province's import more than
    # the whole encryption (0.55 s of CPU), and the one lookup by number (an administrator's search)
    # reads the table once.
    id_card_sealed = models.CharField(_("身份证号（密文）"), max_length=64, blank=True, default="", editable=False)
    id_card_digest = models.CharField(_("身份证号（摘要）"), max_length=32, blank=True, default="", editable=False)
    mobile_sealed = models.CharField(_("手机号（密文）"), max_length=64, blank=True, default="", editable=False)
    mobile_digest = models.CharField(_("手机号（摘要）"), max_length=32, blank=True, default="", editable=False)
    id_card = SealedProperty()
    mobile = SealedProperty()
    name_initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        # Searched by pinyin initials (“张三” → “zs”), kept with the name on every save.
        # bulk_create / bulk_update bypass this: their callers use fill_initials().
        self.name_initials = initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    SEALED_COLUMNS = ("id_card_sealed", "id_card_digest", "mobile_sealed", "mobile_digest")

    @property
    def id_card_masked(self):
        return mask_id_card(self.id_card)

    @property
    def mobile_masked(self):
        return mask_mobile(self.mobile)


def mask_id_card(value):
    """152***********3886: the region and the last four, never the birth date."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_mobile(value):
    """138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def fill_initials(queryset, batch_size=2000):
    """Set ``name_initials`` on every person of ``queryset`` whose initials are stale.

    For writers that bypass ``Person.save()`` (bulk_create, bulk_update, update()):
    the importer calls it on the persons it wrote. Returns the number of rows changed.
    """
    stale = []
    for person in queryset.only("pk", "name", "name_initials").iterator(chunk_size=batch_size):
        wanted = initials(person.name)
        if person.name_initials != wanted:
            person.name_initials = wanted
            stale.append(person)
    Person.objects.bulk_update(stale, ["name_initials"], batch_size=batch_size)
    return len(stale)


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
