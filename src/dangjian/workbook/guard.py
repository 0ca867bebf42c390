"""Hostile workbooks contained: what a file must pass before it is parsed, and parsing it first where it cannot hurt.

A 4.7 KB ``.xlsx`` with cells at A1 and XFD1048576 makes the reader allocate a dense range
of 17 billion cells (512 GB) and the process dies of it (Rust aborts: nothing to catch); a
1 MB one holding one cell of a gigabyte of text drives it to 3 GB. So, before the reader
sees a file:

1. *cheap checks* (:func:`precheck`), read from the zip's central directory and a bounded
   prefix of each part, never the whole file: the size of the file, the total uncompressed
   size of its parts, no DTD (``<!DOCTYPE``, ``<!ENTITY``: entity expansion) in any XML part,
   and the dimensions each sheet declares (``<dimension ref=…>``) against the row, column and
   cell limits. A CSV file is scanned for NUL bytes (at memchr speed), so that only a file
   that has one pays for finding its cells.
2. *a capped trial read* (:func:`trial_read`): a sheet's declared dimension may lie or be
   absent, so the workbook is read once by a child process (``_probe.py``, no Django) whose
   address space and CPU time are capped (``resource.setrlimit``) and which a timeout kills.
   It checks the real size of every sheet and every text cell (length, NUL). Whatever the
   file does, only the child dies; the parent reads the file itself only once the child has
   done so within the limits, and turns a child's death into a refusal in Chinese.

Every refusal names the file, and where it can the sheet, row and column.
"""

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from xml.etree import ElementTree

from .reader import WorkbookError

PROBE = Path(__file__).with_name("_probe.py")
ZIPPED = (".xlsx", ".xlsm", ".ods")
PREFIX = 64 * 1024  # of a sheet's XML: the <dimension> comes before <sheetData>
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MB = 1024 * 1024
MAX_PARTS = 10_000  # a zip's central directory is listed in memory: bounded before it is read
NUL_MESSAGE = "含有空字符（NUL，\\x00），请删除后重新导入"


class Refused(WorkbookError):
    """The file is refused before (or instead of) being read; the message is the user's, in Chinese."""


@dataclass(frozen=True)
class Limits:
    upload_bytes: int = 50 * MB  # an uploaded workbook (DANGJIAN_UPLOAD_MAX_MB)
    uncompressed_bytes: int = 500 * MB  # the parts of one .xlsx, unpacked
    rows: int = 1_000_000  # per sheet
    columns: int = 1_000
    cells: int = 20_000_000  # rows × columns of one sheet, as the reader holds it
    cell_chars: int = 32_767  # Excel's own limit for one cell
    memory_mb: int = 2_048  # of the trial read
    seconds: int = 120  # of the trial read

    @classmethod
    def from_settings(cls):
        """The defaults, overridden by ``settings.DANGJIAN_WORKBOOK_LIMITS`` (a dict) where Django is set up."""
        try:
            from django.conf import settings

            overrides = dict(getattr(settings, "DANGJIAN_WORKBOOK_LIMITS", {}) or {})
        except Exception:  # no settings: the defaults
            overrides = {}
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in overrides.items() if k in known})


def column_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _mb(n):
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} 字节"


def precheck(path, display_name, limits, size_limit=False):
    """Refuse (:class:`Refused`) what can be judged without parsing; returns the CSV sheets holding a NUL byte.

    ``size_limit``: whether the file's size counts (an upload); a command-line import of a
    large file is the operator's choice.
    """
    path = Path(path)
    name = display_name or path.name
    if path.is_dir():
        return _csv_nul_sheets(path)
    if size_limit and path.stat().st_size > limits.upload_bytes:
        raise Refused(f"文件 {name} 有 {_mb(path.stat().st_size)}，超过上传上限 {_mb(limits.upload_bytes)}，未导入")
    if path.suffix.lower() in ZIPPED:
        _check_zip(path, name, limits)
    return set()


def _csv_nul_sheets(folder):
    found = set()
    for csv_path in sorted(folder.glob("*.csv")):
        with open(csv_path, "rb") as fh:
            while chunk := fh.read(4 * MB):
                if b"\x00" in chunk:
                    found.add(csv_path.stem)
                    break
    return found


def _entries(path):
    """The number of parts the zip's end record declares (read before zipfile lists them all); None if absent."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 66_000))  # the end record and its comment (at most 65,535 bytes)
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 12 > len(tail):
        return None
    return int.from_bytes(tail[at + 10:at + 12], "little")


def _check_zip(path, name, limits):
    entries = _entries(path)
    if entries is not None and entries > MAX_PARTS:  # a real workbook has tens of parts, not a million
        raise Refused(f"工作簿 {name} 含有 {entries} 个内部文件，超过上限 {MAX_PARTS}，未导入")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused(f"无法读取工作簿 {name}：文件已损坏或不是 Excel 工作簿"
                      "（请用 Excel 或 WPS 打开后另存为 .xlsx 再上传）") from exc
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > limits.uncompressed_bytes:
            raise Refused(f"工作簿 {name} 解压后有 {_mb(total)}，超过上限 {_mb(limits.uncompressed_bytes)}"
                          "（可能含有超长的单元格或大量空白行列），未导入")
        try:
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as fh:
                        head = fh.read(4096)
                    if _DTD.search(head):
                        raise Refused(f"工作簿 {name} 含有 XML 文档类型或实体声明（{member.filename}），"
                                      "正常的 Excel 文件没有这些，未导入；请用 Excel 或 WPS 另存为 .xlsx 再上传")
            titles = _sheet_titles(archive)
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    _check_dimension(archive, member, name, titles.get(member.filename, member.filename), limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise Refused(f"无法读取工作簿 {name}：文件已损坏（{type(exc).__name__}）") from exc


def _sheet_titles(archive):
    """Part name -> sheet title, from xl/workbook.xml and its relationships (no DTD in either: checked above)."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    titles = {}
    for sheet in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get(_REL), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        titles[target] = sheet.get("name", "")
    return titles


def _check_dimension(archive, member, name, title, limits):
    with archive.open(member) as fh:
        head = fh.read(PREFIX)
    match = _DIMENSION.search(head)
    if not match:
        return  # absent (or lying): the trial read measures the sheet
    c1, r1, c2, r2 = (g.decode() if g else None for g in match.groups())
    rows = int(r2 or r1 or 1)
    columns = column_number(c2 or c1 or "A")
    if rows > limits.rows or columns > limits.columns or rows * columns > limits.cells:
        ref = match.group(0).split(b'"')[1].decode()
        raise Refused(f"工作簿 {name} 的工作表“{title}”声明的区域 {ref} 有 {rows} 行、{columns} 列，"
                      f"超过上限（{limits.rows} 行、{limits.columns} 列、共 {limits.cells} 个单元格），未导入；"
                      "请删除多余的行和列后另存再上传")


@dataclass
class Finding:
    """A cell the trial read refuses: over-long, or holding a NUL character."""
    sheet: str
    row: int
    column: str  # the header's name for the column, else its letter
    message: str


def trial_read(path, display_name, limits):
    """Read the workbook once in a capped child process; returns the cells it refuses (:class:`Finding`).

    Raises :class:`Refused` when the child runs out of memory or time, or finds a sheet too large.
    """
    name = display_name or Path(path).name
    command = [sys.executable, "-I", str(PROBE), str(path), json.dumps(asdict(limits))]
    try:
        done = subprocess.run(command, capture_output=True, timeout=limits.seconds + 5, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Refused(f"读取工作簿 {name} 超过 {limits.seconds} 秒仍未完成，已中止，未导入"
                      "（文件可能含有大量空白行列或被故意构造）") from None
    try:
        answer = json.loads(done.stdout.decode("utf-8")) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if answer is None:
        if done.returncode == 3 or (done.returncode < 0 and done.returncode != -24):  # MemoryError, abort, kill
            raise Refused(f"读取工作簿 {name} 需要的内存超过上限 {limits.memory_mb} MB，已中止，未导入"
                          "（文件可能声明了极大的区域，如 A1 到 XFD1048576，或含有超长的单元格）")
        if done.returncode == -24:  # SIGXCPU: the CPU limit
            raise Refused(f"读取工作簿 {name} 超过 {limits.seconds} 秒仍未完成，已中止，未导入")
        raise Refused(f"无法读取工作簿 {name}：文件已损坏或不是 Excel 工作簿（请用 Excel 或 WPS 打开后另存为 .xlsx 再上传）")
    if answer.get("unreadable"):
        raise Refused(f"无法读取工作簿 {name}：文件已损坏或不是 Excel 工作簿（请用 Excel 或 WPS 打开后另存为 .xlsx 再上传）")
    for sheet, (rows, columns) in answer["sizes"].items():
        if rows > limits.rows or columns > limits.columns or rows * columns > limits.cells:
            raise Refused(f"工作簿 {name} 的工作表“{sheet}”有 {rows} 行、{columns} 列，超过上限"
                          f"（{limits.rows} 行、{limits.columns} 列、共 {limits.cells} 个单元格），未导入；"
                          "请删除多余的行和列后另存再上传")
    findings = []
    for sheet, row, column, kind, length in answer["cells"]:
        if kind == "nul":
            message = NUL_MESSAGE
        else:
            message = f"单元格有 {length} 个字符，超过上限 {limits.cell_chars}"
        findings.append(Finding(sheet, row, column, message))
    return findings


def inspect(path, display_name="", limits=None, size_limit=False):
    """Both steps before a workbook is parsed: returns (the CSV sheets holding NUL, the cells refused).

    Raises :class:`Refused` (a :class:`WorkbookError`) for a file that must not be read at all.
    """
    limits = limits or Limits.from_settings()
    suspect = precheck(path, display_name, limits, size_limit=size_limit)
    path = Path(path)
    findings = []
    if not path.is_dir() and path.suffix.lower() in (*ZIPPED, ".xls"):
        findings = trial_read(path, display_name, limits)
    return suspect, findings
