"""Writing the 组织 sheet into the materialized-path tree: new organizations, changes and moves, in batches."""

from collections import Counter, defaultdict

from django.utils import timezone

from dangjian.workbook.bulk import insert_rows
from dangjian.workbook.engine import BATCH

from .models import Organization
from .pinyin import initials


def write_tree(run, sheet, orgs, db_orgs):
    """Count (and, unless a dry run, write) the 组织 rows ``orgs`` against the database's ``db_orgs``."""
    steplen = Organization.steplen
    existing = {c: list(v) for c, v in db_orgs.items()}
    by_path = {v[1]: c for c, v in existing.items()}
    current = {c: (n, k, d) for c, n, k, d in
               Organization.objects.values_list("code", "name", "kind", "domain").iterator(chunk_size=5000)}

    def db_parent(code):
        path = existing[code][1]
        return by_path.get(path[:-steplen]) if len(path) > steplen else None

    # Updates of existing organizations.
    moves, updates = [], []
    for code, org in orgs.items():
        if code not in existing:
            continue
        changed = current[code] != (org["name"], org["kind"], org["domain"])
        if db_parent(code) != org["parent"]:
            moves.append(code)
            changed = True
        if changed:
            updates.append(code)
        run.report.count(sheet, "updated" if changed else "unchanged")
    new_codes = [c for c in orgs if c not in existing]
    run.report.count(sheet, "new", len(new_codes))
    if run.dry_run:
        return

    # New organizations: parents first, each appended after its parent's last child.
    last_step = defaultdict(int)
    for path in by_path:
        parent = path[:-steplen]
        last_step[parent] = max(last_step[parent], Organization._str2int(path[-steplen:]))
    paths = {c: v[1] for c, v in existing.items()}
    ordered, placed = [], set()

    def place(code):
        stack = [code]
        while stack:
            c = stack[-1]
            parent = orgs[c]["parent"]
            if parent is not None and parent not in paths and parent not in placed:
                stack.append(parent)
                continue
            stack.pop()
            if c in placed:
                continue
            parent_path = paths[parent] if parent is not None else ""
            last_step[parent_path] += 1
            depth = len(parent_path) // steplen + 1
            paths[c] = Organization._get_path(parent_path, depth, last_step[parent_path])
            placed.add(c)
            ordered.append(c)

    for code in new_codes:
        if code not in placed:
            place(code)
    fields = ["code", "name", "kind", "domain", "path", "depth", "numchild", "name_initials"]
    for start in range(0, len(ordered), BATCH):
        rows = []
        for code in ordered[start:start + BATCH]:
            org = orgs[code]
            rows.append((code, org["name"], org["kind"], org["domain"], paths[code],
                         len(paths[code]) // steplen, 0, initials(org["name"])))
        run.touch("orgs.organization", insert_rows(Organization, fields, rows, returning=True))
    run.touch("orgs.organization", (existing[code][0] for code in updates))

    # Changed names, kinds, domains; then moves under the new parents.
    changed, now = [], timezone.now()
    for code in updates:
        org = orgs[code]
        changed.append(Organization(id=existing[code][0], name=org["name"], kind=org["kind"],
                                    domain=org["domain"], name_initials=initials(org["name"]), updated_at=now))
    Organization.objects.bulk_update(changed, ["name", "kind", "domain", "name_initials", "updated_at"],
                                     batch_size=BATCH)
    # Parents before children in the final tree: each move's target then already has its final
    # ancestry, which cannot include the node moved (no cycles), so no move goes into its own subtree.
    depth = {}

    def final_depth(code):
        chain = []
        while code is not None and code not in depth:
            chain.append(code)
            code = orgs[code]["parent"] if code in orgs else db_parent(code)
        d = depth.get(code, 0)
        for c in reversed(chain):
            d += 1
            depth[c] = d
        return depth[chain[0]] if chain else d

    moves.sort(key=final_depth)
    for code in moves:
        node = Organization.objects.get(code=code)
        parent = orgs[code]["parent"]
        if parent is None:
            Organization.objects.move(node, Organization.objects.get_last_root_node(), "last-sibling")
        else:
            Organization.objects.move(node, Organization.objects.get(code=parent), "last-child")
    if new_codes or moves:
        recount_children()


def recount_children():
    steplen = Organization.steplen
    rows = list(Organization.objects.values_list("id", "path", "numchild").iterator(chunk_size=10000))
    counts = Counter(path[:-steplen] for _, path, _ in rows if len(path) > steplen)
    stale = [Organization(id=i, numchild=counts.get(p, 0)) for i, p, n in rows if counts.get(p, 0) != n]
    Organization.objects.bulk_update(stale, ["numchild"], batch_size=BATCH)
