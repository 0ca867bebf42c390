"""人员名录 as an office workbook: the numbers masked, or in full for an administrator who asks (audited)."""

import openpyxl

from dangjian.records.sealed import sealer
from dangjian.workbook.write import safe_cell

from .models import mask_id_card, mask_mobile

HEADER = ("人员编号", "姓名", "身份证号", "手机号")
CHUNK = 2000


def _text(ws, value):
    return safe_cell(ws, value)  # text as text: never a formula, whatever it begins with


def people_to_xlsx(queryset, path, revealable=frozenset()):
    """Write the persons of ``queryset``; those whose pk is in ``revealable`` with their full numbers.

    The numbers are opened a chunk at a time (one SM4 call per chunk and field). Returns the row count."""
    s = sealer()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("人员")
    ws.append([_text(ws, h) for h in HEADER])
    rows = queryset.order_by("name_initials", "name", "code").values_list(
        "pk", "code", "name", "id_card_sealed", "id_card_digest", "mobile_sealed", "mobile_digest")
    count = 0
    chunk = []

    def flush():
        cards = s.open_many("id_card", [(r[3], r[4]) for r in chunk])
        mobiles = s.open_many("mobile", [(r[5], r[6]) for r in chunk])
        for r, card, mobile in zip(chunk, cards, mobiles):
            if r[0] not in revealable:
                card, mobile = mask_id_card(card), mask_mobile(mobile)
            ws.append([_text(ws, r[1]), _text(ws, r[2]), _text(ws, card), _text(ws, mobile)])
        chunk.clear()

    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        count += 1
        if len(chunk) >= CHUNK:
            flush()
    flush()
    wb.save(path)
    return count
