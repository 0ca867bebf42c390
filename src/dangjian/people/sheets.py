"""The sheets of persons and their posts (CONTRACT §2): 人员 and 任职."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dangjian.accounts.scope import subtrees_q
from dangjian.orgs.pinyin import initials
from dangjian.orgs.sheets import by_label, code_column, org_ids
from dangjian.records.sealed import sealer
from dangjian.records.tenure import ends_before_start
from dangjian.workbook import Column, Reference, Sheet, register

from .models import Person, Post, PostRole
from .queries import ties
from .validators import id_card_error, mobile_error

_PERSON_REF = "须为本文件“人员”表或系统中已有的人员编号"


def person_column():
    return Column("人员编号", True, max_length=64, ref="person", note=_PERSON_REF)


def file_people(run):
    """code -> row of the 人员 sheet's rows."""
    return run.shared.setdefault("person_codes", {})


def db_people(run):
    return run.cached("db_people", lambda: set(Person.objects.values_list("code", flat=True).iterator(chunk_size=5000)))


def person_ids(run):
    """code -> id, once the 人员 sheet is written (stand-in ids in a dry run)."""
    return run.cached("person_ids", lambda: run.code_ids(Person, file_people(run)))


class _RunSealer:
    """The data key's sealer for one import, remembering the 身份证号 digests the first pass computed
    (for the repeated-number warning) so that the second pass, which compares them, does not again."""

    def __init__(self):
        self.sealer = sealer()
        self.id_cards = {}

    def digest(self, field, value):
        if field != "id_card":
            return self.sealer.digest(field, value)
        found = self.id_cards.get(value)
        if found is None:
            found = self.id_cards[value] = self.sealer.digest(field, value)
        return found

    def digester(self, field):
        if field != "id_card":
            return self.sealer.digester(field)
        memo, digest = self.id_cards, self.sealer.digester(field)

        def remembered(value):
            found = memo.get(value)
            if found is None:
                found = memo[value] = digest(value)
            return found
        return remembered

    def encrypt_many(self, field, values, digests):
        return self.sealer.encrypt_many(field, values, digests)


def run_sealer(run):
    return run.cached("sealer", _RunSealer)


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


class PersonSheet(Sheet):
    name = "人员"
    order = 30
    key = ("人员编号",)
    provides = Reference("person", label="人员编号", noun="人员")
    models = (Person,)
    help = "人员名册。身份证号为 18 位并符合 GB 11643 校验位；手机号为 1 开头的 11 位数字。"
    columns = (
        Column("人员编号", True, max_length=64, note="每人唯一，不能重复"),
        Column("姓名", True, max_length=100),
        Column("身份证号", False, "idcard", check=id_card_error, normalize=str.upper),
        Column("手机号", False, "mobile", check=mobile_error),
    )
    # The pinyin initials (人员 are found by them, “zs” for 张三) are written with the name, in the same batch.
    model, key_fields, value_fields = Person, ("code",), ("name", "id_card", "mobile", "name_initials")
    sealed = ("id_card", "mobile")  # held encrypted: compared by their keyed digest (records.sealed)

    def known(self, run, code):
        return code in file_people(run) or code in db_people(run)

    def check_row(self, run, number, v, errors):
        sheet, codes = self.name, file_people(run)
        id_cards = run.local.setdefault("id_cards", {})  # the same number twice is most likely a typing slip
        run.report_cells(sheet, number, errors)
        code = v["人员编号"]
        if code is None:
            return
        card = v["身份证号"]
        if card:
            card = run_sealer(run).digest("id_card", card)  # compared by digest, as the database holds it
            if card in id_cards:
                run.warn(sheet, number, "身份证号", f"与第 {id_cards[card]} 行的身份证号相同，请核对")
            else:
                id_cards[card] = number
        if code in codes:
            run.error(sheet, number, "人员编号", f"人员编号“{code}”与第 {codes[code]} 行重复")
            return
        codes[code] = number
        if run.within is not None and code in db_people(run):
            run.local.setdefault("people_in_db", {})[code] = (number, self.record(run, v)[1][:3])

    def check_scope(self, run):
        """A person who holds any post or link outside the importer's scope belongs (also) to someone
        else: they may be listed (to give them a post here), not changed."""
        rows = run.local.get("people_in_db", {})
        s = run_sealer(run)
        for chunk in _chunks(list(rows), 500):
            for code, *values in (Person.objects.filter(code__in=chunk).filter(belongs_elsewhere(run.within))
                                  .values_list("code", "name", "id_card_digest", "mobile_digest")):
                number, (name, card, mobile) = rows[code]
                if tuple(values) != (name, s.digest("id_card", card), s.digest("mobile", mobile)):
                    run.out_of_scope(self.name, number, "人员编号", f"人员“{code}”")

    def record(self, run, v):
        return (v["人员编号"],), (v["姓名"], v["身份证号"] or "", v["手机号"] or "", initials(v["姓名"] or ""))

    def apply(self, run):
        run.sync(self.name, self.model, self.key_fields, self.value_fields, lambda v: self.record(run, v),
                 sealed=self.sealed, sealer=run_sealer(run))


def _posts_or_links(q):
    """Persons with a post (or another registered tie: a contact link) matching ``q``."""
    found = Q(pk__in=[])
    for model in ties():
        found |= Exists(model.objects.filter(q, person=OuterRef("pk")))
    return found


def belongs_elsewhere(within):
    """Persons another department keeps: those serving or linked outside ``within`` today, and those
    whose record is all outside (posts and links ended elsewhere, nothing here now).

    A person who moved here (a current post inside) is this department's to keep; one whose
    posts elsewhere all ended is still the other department's, not free for anyone to rename.
    """
    inside = subtrees_q(within, "organization__path")
    current = Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    outside_now = _posts_or_links(~inside & current)
    outside_ever = _posts_or_links(~inside)
    inside_now = _posts_or_links(inside & current)
    return outside_now | (outside_ever & ~inside_now)


def unknown_here(within):
    """Persons with posts or links elsewhere and none at all inside ``within``: another department's."""
    inside = subtrees_q(within, "organization__path")
    return _posts_or_links(~inside) & ~_posts_or_links(inside)


class DatedSheet(Sheet):
    """A sheet of dated records of a person at an organization (任职, 联系点): keyed with the start date."""

    start = end = ""  # the start and end columns
    end_message = ""

    def check_row(self, run, number, v, errors):
        sheet = self.name
        seen = run.local.setdefault("rows", {})
        bad = run.report_cells(sheet, number, errors)
        bad |= not run.check_ref(sheet, number, "人员编号", v["人员编号"])
        bad |= not run.check_ref(sheet, number, "组织编码", v["组织编码"])
        if ends_before_start(v[self.start], v[self.end]):
            run.error(sheet, number, self.end, self.end_message)
            bad = True
        if bad:
            return
        if run.within is not None and v["人员编号"] in db_people(run):
            run.local.setdefault("people_named", {}).setdefault(v["人员编号"], number)
        key = tuple(v[c] for c in self.key)
        if key in seen:
            run.error(sheet, number, self.key[-1], f"与第 {seen[key]} 行重复（{'、'.join(self.key)} 相同）")
        else:
            seen[key] = number

    def check_scope(self, run):
        """A post or link may not give a banner another department's person: that would make them, and
        their records, the banner's to see and keep. Their own department (or the one above) does it."""
        named = run.local.get("people_named", {})
        for chunk in _chunks(list(named), 500):
            for code in Person.objects.filter(code__in=chunk).filter(unknown_here(run.within)).values_list(
                    "code", flat=True):
                run.out_of_scope(self.name, named[code], "人员编号", f"人员“{code}”")
        super().check_scope(run)

    def record(self, run, v):
        kind = self.key[2]
        return ((person_ids(run)[v["人员编号"]], org_ids(run)[v["组织编码"]], v[kind], v[self.start]),
                (v[self.end],))


class PostSheet(DatedSheet):
    name = "任职"
    order = 40
    after = ("组织", "人员")
    key = ("人员编号", "组织编码", "职务", "任职日期")
    models = (Post,)
    help = "班子成员任职：在党委、党组、党工委任职的人员是责任主体。"
    columns = (
        person_column(),
        code_column(),
        Column("职务", True, "choice", by_label(PostRole)),
        Column("任职日期", False, "date", note="为空表示一直以来"),
        Column("免职日期", False, "date", note="为空表示仍在任；不能早于任职日期"),
    )
    start, end, end_message = "任职日期", "免职日期", Post.END_BEFORE_START
    model, key_fields, value_fields = Post, ("person_id", "organization_id", "role", "start_date"), ("end_date",)


register(PersonSheet())
register(PostSheet())
