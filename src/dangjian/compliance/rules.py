"""The rules of the contact-point system (CONTRACT §3), as set-based SQL.

Each rule is one query over the whole scope, whatever its size: it returns the
violating (person, organization) pairs and never loops over people or branches in
Python. The SQL is the common subset of SQLite and PostgreSQL.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection

from dangjian.orgs.models import COMMITTEE_KINDS, Organization
from dangjian.orgs.queries import subtree_sql

COMMITTEES = "(" + ", ".join(f"'{k.value}'" for k in COMMITTEE_KINDS) + ")"
# The deepest level a path can hold (255 // 4 = 63): every ancestor of every branch is
# reachable, however deep the tree (CONTRACT §3 sets no depth limit).
MAX_DEPTH = Organization._meta.get_field("path").max_length // Organization.steplen


def _active(alias, start="start_date", end="end_date"):
    return f"({alias}.{start} IS NULL OR {alias}.{start} <= %(d)s) AND ({alias}.{end} IS NULL OR {alias}.{end} >= %(d)s)"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    seed: str  # the page's sentence the rule enforces
    severity: str
    sql: str
    message: str  # format() with person_name, person, org_name, org, visit_days


@dataclass
class Violation:
    rule: str
    person: str | None
    org: str | None
    message: str
    person_name: str = ""
    org_name: str = ""
    # The rows behind the codes, for the ladder's bulk writes (CONTRACT §5): not part of the check's output.
    person_id: int | None = field(default=None, compare=False, repr=False)
    org_id: int | None = field(default=None, compare=False, repr=False)
    org_path: str | None = field(default=None, compare=False, repr=False)

    @property
    def key(self):
        """The violation's stable key, ``rule|person|org`` (empty for a null): what a case points at.

        Not in :meth:`as_json`: the check's JSON is fixed by CONTRACT §3. A ``|`` (or ``%``)
        inside a code is percent-escaped, so that two different triples never share a key.
        """
        return "|".join((v or "").replace("%", "%25").replace("|", "%7C") for v in (self.rule, self.person, self.org))

    def as_json(self):
        return {"rule": self.rule, "person": self.person, "org": self.org, "message": self.message}


# Common table expressions the rules share, computed once per check: the responsible
# leaders in scope, the branches lagging on D, and the ancestors of those branches
# (a lagging branch's ancestors are the prefixes of its path, one step per level, so
# joining on them finds the committees whose subtree holds it from the path index).
# {scope_c}/{scope_o} are the subtree filters on aliases "c"/"o".
CTES = f"""
WITH leaders AS MATERIALIZED (
    SELECT DISTINCT p.person_id
    FROM people_post p JOIN orgs_organization c ON c.id = p.organization_id
    WHERE c.kind IN {COMMITTEES} AND {_active("p")} AND {{scope_c}} AND {{person_p}}
),
lagging AS MATERIALIZED (
    SELECT o.id, o.path, o.depth
    FROM orgs_organization o JOIN orgs_tierrating r ON r.organization_id = o.id
    WHERE o.kind = 'branch' AND {{scope_o}} AND r.tier = 'lagging'
      AND (r.rated_on IS NULL OR r.rated_on <= %(d)s)
      AND NOT EXISTS (
          SELECT 1 FROM orgs_tierrating r2
          WHERE r2.organization_id = r.organization_id AND r2.rated_on IS NOT NULL
            AND r2.rated_on <= %(d)s AND (r.rated_on IS NULL OR r2.rated_on > r.rated_on))
),
depths(n) AS (VALUES {", ".join(f"({i})" for i in range(1, MAX_DEPTH + 1))}),
lagging_ancestors AS MATERIALIZED (
    SELECT DISTINCT substr(lb.path, 1, {{steplen}} * d.n) AS apath
    FROM lagging lb JOIN depths d ON d.n < lb.depth
)
"""

RULES = [
    Rule(
        id="branch-link-missing",
        title="未联系基层党支部",
        seed="根据分管工作实际至少联系1个基层党支部",
        severity="error",
        sql=f"""
SELECT ld.person_id AS person_id, CAST(NULL AS BIGINT) AS org_id FROM leaders ld
WHERE NOT EXISTS (
    SELECT 1 FROM contacts_contactlink l JOIN orgs_organization b ON b.id = l.organization_id
    WHERE l.person_id = ld.person_id AND b.kind = 'branch' AND {_active("l")})
""",
        message="{person_name}（{person}）未联系任何基层党支部",
    ),
    Rule(
        id="contact-point-missing",
        title="未建立党建工作联系点",
        seed="每人建立1个党建工作联系点……确保全面从严治党主体责任落实“一个都不能少”",
        severity="error",
        sql=f"""
SELECT ld.person_id AS person_id, CAST(NULL AS BIGINT) AS org_id FROM leaders ld
WHERE NOT EXISTS (
    SELECT 1 FROM contacts_contactlink l
    WHERE l.person_id = ld.person_id AND l.kind = 'contact_point' AND {_active("l")})
""",
        message="{person_name}（{person}）未建立党建工作联系点",
    ),
    Rule(
        id="lagging-branch-uncovered",
        title="后进党支部无人联系",
        seed="应建尽建、应联尽联……整顿后进支部",
        severity="error",
        sql=f"""
SELECT CAST(NULL AS BIGINT) AS person_id, lb.id AS org_id FROM lagging lb
WHERE NOT EXISTS (
    SELECT 1 FROM contacts_contactlink l
    WHERE l.organization_id = lb.id AND {_active("l")}
      AND EXISTS (
          SELECT 1 FROM people_post p JOIN orgs_organization c ON c.id = p.organization_id
          WHERE p.person_id = l.person_id AND c.kind IN {COMMITTEES} AND {_active("p")}))
""",
        message="后进党支部{org_name}（{org}）没有责任主体联系",
    ),
    Rule(
        id="secretary-lagging-missing",
        title="书记未联系后进党支部",
        seed="将主动联系确定“后进党支部”作为对各级党委(党组)书记的“硬要求”",
        severity="error",
        # A lagging branch's ancestors are the prefixes of its path, one step per level:
        # joining on them finds the committees whose subtree holds it from the index.
        sql=f"""
SELECT DISTINCT p.person_id AS person_id, c.id AS org_id
FROM people_post p
JOIN orgs_organization c ON c.id = p.organization_id
JOIN lagging_ancestors a ON a.apath = c.path
WHERE p.role = 'secretary' AND c.kind IN {COMMITTEES} AND {_active("p")} AND {{scope_c}} AND {{person_p}}
  AND NOT EXISTS (
      SELECT 1 FROM contacts_contactlink l JOIN lagging lb ON lb.id = l.organization_id
      WHERE l.person_id = p.person_id AND {_active("l")}
        AND substr(lb.path, 1, length(c.path)) = c.path)
""",
        message="{person_name}（{person}）任书记的{org_name}（{org}）辖有后进党支部，但未联系其中任何一个",
    ),
    Rule(
        id="visit-overdue",
        title="未按期深入联系点",
        seed="定期深入联系点检查指导党支部建设工作",
        severity="warning",
        sql=f"""
SELECT DISTINCT l.person_id AS person_id, l.organization_id AS org_id
FROM leaders ld CROSS JOIN contacts_contactlink l
WHERE l.person_id = ld.person_id AND {_active("l")} AND (l.start_date IS NULL OR l.start_date <= %(window_before)s)
  AND NOT EXISTS (
      SELECT 1 FROM contacts_activity a
      WHERE a.person_id = l.person_id AND a.organization_id = l.organization_id
        AND a.date >= %(window_start)s AND a.date <= %(d)s)
""",
        message="{person_name}（{person}）已超过{visit_days}天未到{org_name}（{org}）开展活动",
    ),
]
RULES.sort(key=lambda r: r.id)
RULES_BY_ID = {r.id: r for r in RULES}


@dataclass
class CheckResult:
    as_of: date
    scope: str | None
    visit_days: int
    summary: dict
    violations: list[Violation] = field(default_factory=list)

    def as_json(self):
        return {
            "as_of": self.as_of.isoformat(),
            "scope": self.scope,
            "visit_days": self.visit_days,
            "summary": self.summary,
            "violations": [v.as_json() for v in self.violations],
        }


# The range of inputs a check accepts: wider than any real question, narrow enough that the
# visit window's first day is a valid date on both databases.
EARLIEST_AS_OF = date(1900, 1, 1)
MAX_VISIT_DAYS = 36500


def input_problems(as_of=None, visit_days=None):
    """Chinese messages for a check date or visit period outside what a check accepts."""
    problems = []
    if as_of is not None and as_of < EARLIEST_AS_OF:
        problems.append(f"检查日期不能早于 {EARLIEST_AS_OF.isoformat()}")
    if visit_days is not None and not 1 <= visit_days <= MAX_VISIT_DAYS:
        problems.append(f"活动周期天数应在 1 到 {MAX_VISIT_DAYS} 之间")
    return problems


def _params(as_of, visit_days):
    return {
        "d": as_of.isoformat(),
        "window_start": (as_of - timedelta(days=visit_days - 1)).isoformat(),
        "window_before": (as_of - timedelta(days=visit_days)).isoformat(),
    }


def _render(sql, scope_paths, person_id=None):
    from dangjian.orgs.models import Organization

    scope_c, params_c = subtrees_sql("c", scope_paths)
    scope_o, params_o = subtrees_sql("o", scope_paths)
    # subtree_sql gives positional params; inline them as named ones.
    named = {}
    for i, value in enumerate(params_c):
        scope_c = scope_c.replace("%s", f"%(scope_c{i})s", 1)
        named[f"scope_c{i}"] = value
    for i, value in enumerate(params_o):
        scope_o = scope_o.replace("%s", f"%(scope_o{i})s", 1)
        named[f"scope_o{i}"] = value
    if person_id is not None:
        named["person_id"] = person_id
    person_p = "p.person_id = %(person_id)s" if person_id is not None else "1=1"
    return sql.replace("{scope_c}", scope_c).replace("{scope_o}", scope_o).replace(
        "{steplen}", str(Organization.steplen)
    ).replace("{person_p}", person_p), named


def subtrees_sql(alias, paths):
    """(SQL, params) restricting ``alias.path`` to the subtrees of ``paths``; ("1=1", []) for None (all)."""
    if paths is None:
        return "1=1", []
    if not paths:
        return "1=0", []
    parts, params = [], []
    for path in paths:
        sql, p = subtree_sql(alias, path)
        parts.append(sql)
        params += p
    return "(" + " OR ".join(parts) + ")", params


def _scope_roots(scope):
    """The organizations a check covers: None (the whole tree), one organization, or several."""
    if scope is None:
        return None
    roots = list(scope) if isinstance(scope, (list, tuple)) else [scope]
    roots.sort(key=lambda o: o.path)
    kept = []
    for org in roots:  # a root nested in another adds nothing
        if not any(org.path.startswith(k.path) for k in kept):
            kept.append(org)
    return kept


def run_check(as_of=None, scope=None, visit_days=None, rules=None, person=None):
    """Apply the rules for day ``as_of`` over the subtree of organization ``scope`` (None: the whole tree).

    ``scope`` may also be a list of organizations: a user whose roles start from several
    roots is checked over all of them at once.

    With ``person``, only that person's violations are sought (the feedback on a
    person's page); the summary then counts that person alone.
    """
    as_of = as_of or date.today()
    visit_days = settings.DANGJIAN_VISIT_DAYS if visit_days is None else visit_days
    roots = _scope_roots(scope)
    scope_paths = None if roots is None else [o.path for o in roots]
    params = _params(as_of, visit_days)
    rules = rules or RULES
    person_id = person.pk if person is not None else None
    if person_id is not None:
        rules = [r for r in rules if r.id != "lagging-branch-uncovered"]

    # One statement: the shared CTEs are computed once, every rule reads them, and the
    # summary counts come back as rows of their own. (In visit-overdue, CROSS JOIN makes
    # SQLite start from the few leaders in scope instead of every link in the tree.)
    parts = [f"SELECT '{rule.id}' AS rule, v.person_id, v.org_id FROM ({rule.sql}) v" for rule in rules]
    parts += [
        "SELECT '#leaders' AS rule, COUNT(*) AS person_id, CAST(NULL AS BIGINT) AS org_id FROM leaders",
        "SELECT '#branches', COUNT(*), CAST(NULL AS BIGINT) FROM orgs_organization o "
        "WHERE o.kind = 'branch' AND {scope_o}",
        "SELECT '#lagging', COUNT(*), CAST(NULL AS BIGINT) FROM lagging",
    ]
    union = "\nUNION ALL\n".join(parts)
    sql, named = _render(
        CTES + f"""
SELECT r.rule, r.person_id, r.org_id, pe.code, pe.name, og.code, og.name, og.path
FROM ({union}) r
LEFT JOIN people_person pe ON pe.id = r.person_id
LEFT JOIN orgs_organization og ON og.id = r.org_id""",
        scope_paths, person_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **named})
        rows = cursor.fetchall()
    counts = {row[0]: row[1] for row in rows if row[0].startswith("#")}
    leaders, branches, lagging = counts["#leaders"], counts["#branches"], counts["#lagging"]

    violations = []
    for key, person_id, org_id, pcode, pname, ocode, oname, opath in rows:
        if key.startswith("#"):
            continue
        rule = RULES_BY_ID[key]
        pname, oname = pname or "", oname or ""
        violations.append(Violation(
            rule=rule.id, person=pcode, org=ocode, person_name=pname, org_name=oname,
            person_id=person_id, org_id=org_id, org_path=opath,
            message=rule.message.format(person=pcode, person_name=pname, org=ocode, org_name=oname,
                                        visit_days=visit_days),
        ))
    violations.sort(key=lambda v: (v.rule, v.person or "", v.org or ""))

    uncovered = sum(1 for v in violations if v.rule == "lagging-branch-uncovered")
    named_people = {v.person for v in violations if v.person is not None}
    summary = {
        "responsible_leaders": leaders,
        "compliant_leaders": leaders - len(named_people),
        "branches": branches,
        "lagging_branches": lagging,
        "covered_lagging_branches": lagging - uncovered,
    }
    return CheckResult(as_of=as_of, scope=None if roots is None else ",".join(o.code for o in roots),
                       visit_days=visit_days,
                       summary=summary, violations=violations)
