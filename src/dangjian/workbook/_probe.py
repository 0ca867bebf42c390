"""The capped trial read of a workbook (see guard.py); run as ``python -I _probe.py PATH LIMITS_JSON``.

It caps its own address space and CPU time before it opens the file, so that a workbook
built to exhaust memory kills this process and nothing else. It prints, as JSON, every
sheet's real size and the text cells it refuses (over-long, or holding NUL); exit status 3
means it ran out of memory. No Django here: only the reader, imported by path.
"""

import json
import resource
import sys
from pathlib import Path

MAX_FINDINGS = 200


def main(path, limits):
    memory = limits["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["seconds"], limits["seconds"] + 1))
    sys.path.insert(0, str(Path(__file__).parent))
    from python_calamine import CalamineWorkbook
    from reader import numbered_rows

    try:
        book = CalamineWorkbook.from_path(path)
        names = list(book.sheet_names)
    except MemoryError:
        raise
    except Exception:
        return {"unreadable": True}
    sizes, cells = {}, []
    longest = limits["cell_chars"]
    for name in names:
        try:
            ws = book.get_sheet_by_name(name)
        except MemoryError:
            raise
        except Exception:
            return {"unreadable": True}
        sizes[name] = (ws.height, ws.width)
        if ws.height > limits["rows"] or ws.width > limits["columns"] or ws.height * ws.width > limits["cells"]:
            break  # refused on its size: its cells need not be read
        header = None
        for number, row in numbered_rows(ws):
            if header is None:
                header = [str(c).strip() if c not in ("", None) else "" for c in row]
            for i, value in enumerate(row):
                if value.__class__ is str and (len(value) > longest or "\x00" in value):
                    column = header[i] if i < len(header) and header[i] and number > 1 else _letters(i)
                    kind = "nul" if "\x00" in value else "long"
                    cells.append((name, number, column.replace("\x00", ""), kind, len(value)))
                    if len(cells) >= MAX_FINDINGS:
                        return {"sizes": sizes, "cells": cells}
    return {"sizes": sizes, "cells": cells}


def _letters(i):
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


if __name__ == "__main__":
    try:
        answer = main(sys.argv[1], json.loads(sys.argv[2]))
    except MemoryError:
        sys.exit(3)
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
