"""In-app notices: an event that concerns a person, said to that person (no e-mail, no SMS).

A notice is addressed to a person, not to an account: whoever logs in as that person
reads it, and a person given an account later finds what was said to them. The part
that makes the event writes the notice in the same transaction (``services.notify``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class Notice(models.Model):
    # No database constraint on either key (db_constraint=False): a sweep past a deadline day writes
    # thousands of notices in one transaction, and PostgreSQL checks each key at commit by locking
    # the person's and the organization's row (FOR KEY SHARE: a WAL record, often a whole page),
    # measured at a tenth of such a sweep. Notices are written only by ``services.notify``, in the
    # transaction that made the event, with the ids of rows that event just read (not locked: a
    # person deleted by another session at that very moment would leave a notice naming nobody, which
    # nobody then reads); deleting a person or an organization deletes their notices (Django's
    # CASCADE, not the database's).
    # No index of its own on person: (person, read_at) leads with it.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="notices", db_index=False,
                               db_constraint=False, verbose_name=_("人员"))
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     db_constraint=False, related_name="+", verbose_name=_("组织"))
    kind = models.CharField(_("类别"), max_length=64)  # the event's name, as the audit names it ("finding recorded" …)
    # What is said, as a translatable message and its values: shown in the reader's language.
    text = models.CharField(_("内容"), max_length=500)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    # A path, or a URL's name and its argument ("accountability:case_detail 42"), reversed when shown:
    # a sweep writing thousands of notices need not load the URLconf.
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["person", "read_at"], name="notice_person_unread")]

    def __str__(self):
        return self.message

    @property
    def href(self):
        if not self.url or self.url.startswith("/"):
            return self.url
        from django.urls import NoReverseMatch, reverse

        name, _sep, arg = self.url.partition(" ")
        try:
            return reverse(name, args=[arg] if arg else [])
        except NoReverseMatch:
            return ""

    @property
    def message(self):
        from django.utils.translation import gettext

        try:
            return gettext(self.text) % self.params if self.params else gettext(self.text)
        except (KeyError, TypeError, ValueError):
            return self.text
