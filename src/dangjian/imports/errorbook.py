"""A copy of a rejected workbook with its errors marked, for the person who has to fix it.

``write_error_workbook(source, errors, out)`` writes the submitted workbook (an
``.xlsx`` file or a CSV folder, read through :class:`~dangjian.imports.reader.Source`)
as one ``.xlsx``:

* a first sheet ``错误清单`` lists every error (工作表, 行, 列, 说明) with a link to
  the cell (定位);
* every cell named by an error (sheet, row, column header) has a red fill and a
  comment holding its message(s);
* an error whose column is not in the sheet's header row (a missing required
  column, say) gets that column added at the end of the header, marked, so that the
  header shows what is missing and the rows' errors have a cell to sit in. An error
  with no column marks the first cell of its row.

The copy keeps the values as submitted (text stays text, real dates stay dates), the
row numbers, and the formats of the template (text for codes, yyyy-mm-dd for dates),
so that it can be corrected and imported again.

The sheets are streamed into the ``.xlsx`` package by a small writer of its own
(SpreadsheetML written directly), not openpyxl: openpyxl spends some 40 µs on each
cell, which made a 200,000-row sheet take half a minute; this takes a few seconds,
and memory stays bounded by the number of errors.
"""

import datetime
import io
import itertools
import re
import zipfile
from collections import defaultdict

from openpyxl.utils import get_column_letter

from .reader import Source
from .spec import SHEETS, SHEETS_BY_NAME
from .template import (COMMENT_AUTHOR, DATE_FORMAT, HEADER_FILL, REQUIRED_FONT, TEXT_FORMAT, column_format,
                       column_width)

ERRORS_SHEET = "错误清单"
ERRORS_HEADER = ("工作表", "行", "列", "说明", "定位")
ERROR_FILL_RGB = "FFFFC7CE"  # Excel's "light red fill"
ERROR_FONT_RGB = "FF9C0006"
HEADER_FILL_RGB = HEADER_FILL.fgColor.rgb  # as in the template
REQUIRED_FONT_RGB = REQUIRED_FONT.color.rgb
LINK_FONT_RGB = "FF0563C1"
MISSING_COLUMN = "此列在原文件中不存在，已在此补上列名"
LINK_TOOLTIP = "转到出错的单元格"

_SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}
_BAD_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# What XML 1.0 cannot hold (tab, newline and carriage return aside).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_TEXT = 32767  # Excel's limit for one cell
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_FIRST_SERIAL_DAY = datetime.date(1900, 3, 1)
_FLUSH = 1 << 20


def _order(error):
    return (_SHEET_ORDER.get(error.sheet, len(_SHEET_ORDER)), error.sheet, error.row, error.column, error.message)


# ----- which cell each error marks ------------------------------------------------------

def _titles(names):
    """A valid, unique Excel sheet title for each source sheet name (CSV names may be anything)."""
    used, titles = {ERRORS_SHEET}, {}
    for name in names:
        base = _BAD_TITLE.sub("_", _ILLEGAL.sub("", name)).strip("'")[:31] or "Sheet"
        title, n = base, 1
        while title.casefold() in {u.casefold() for u in used}:
            n += 1
            suffix = f"({n})"
            title = base[:31 - len(suffix)] + suffix
        used.add(title)
        titles[name] = title
    return titles


class _Layout:
    """One sheet of the copy: its header row, its columns by name, the columns added for errors."""

    def __init__(self, header_row, header, errors):
        self.header_row = header_row
        self.header = header
        self.index = {}
        for i, name in enumerate(header, start=1):
            if name:
                self.index[name] = i  # like the importer: a repeated name means its last column
        self.added = []
        for error in errors:
            if error.column and error.column not in self.index:
                self.added.append(error.column)
                self.index[error.column] = len(header) + len(self.added)

    def place(self, error):
        """(row, column index) of the cell an error marks; rows before the header go on the header."""
        column = self.index.get(error.column, 1) if error.column else 1
        return max(error.row, self.header_row), column


# ----- a small streaming .xlsx writer ------------------------------------------------------

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument."

# Cell styles: indexes into cellXfs of _STYLES below.
S_DEFAULT, S_DATE, S_DATETIME, S_TEXT = 0, 1, 2, 3
S_HEADER, S_HEADER_REQUIRED, S_HEADER_ERROR = 4, 5, 6
S_ERROR, S_ERROR_DATE, S_ERROR_DATETIME, S_ERROR_TEXT = 7, 8, 9, 10
S_LINK, S_WRAP = 11, 12

_SOLID = '<fill><patternFill patternType="solid"><fgColor rgb="{}"/><bgColor indexed="64"/></patternFill></fill>'
_FONT = '<font>{}<sz val="11"/>{}<name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_NS_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT} hh:mm:ss"/></numFmts>'
    '<fonts count="6">'
    + _FONT.format("", "")  # 0 plain
    + _FONT.format("<b/>", "")  # 1 bold
    + _FONT.format("<b/>", f'<color rgb="{REQUIRED_FONT_RGB}"/>')  # 2 required header
    + _FONT.format("", f'<color rgb="{ERROR_FONT_RGB}"/>')  # 3 error
    + _FONT.format("<b/>", f'<color rgb="{ERROR_FONT_RGB}"/>')  # 4 error header
    + _FONT.format('<u/>', f'<color rgb="{LINK_FONT_RGB}"/>')  # 5 link
    + '</fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    + _SOLID.format(HEADER_FILL_RGB)  # 2 header
    + _SOLID.format(ERROR_FILL_RGB)  # 3 error
    + '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="13">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # 0 default
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # 1 date
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # 2 datetime
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # 3 text
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'  # 4 header
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'  # 5 required header
    '<xf numFmtId="0" fontId="4" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'  # 6 header with an error
    '<xf numFmtId="0" fontId="3" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'  # 7 error
    '<xf numFmtId="164" fontId="3" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="165" fontId="3" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="3" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="5" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # 11 link
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # 12 wrapped text
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
_STYLE_OF_FORMAT = {DATE_FORMAT: S_DATE, TEXT_FORMAT: S_TEXT, None: S_DEFAULT}
_ERROR_STYLE = {S_DEFAULT: S_ERROR, S_DATE: S_ERROR_DATE, S_DATETIME: S_ERROR_DATETIME, S_TEXT: S_ERROR_TEXT}


def _text(value):
    """Text for an XML element: what XML cannot hold dropped, cut to Excel's cell limit."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if len(value) > _MAX_TEXT:
        value = value[:_MAX_TEXT]
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(value):
    return (_text(str(value)).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


_LETTERS = {}


def _letter(column):
    letter = _LETTERS.get(column)
    if letter is None:
        letter = _LETTERS[column] = get_column_letter(column)
    return letter


def _cell(ref, value, style):
    """One <c> element; value is text, a date, a datetime or a number."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if isinstance(value, datetime.date):
        if value < _FIRST_SERIAL_DAY:  # Excel cannot show these as dates (nor 1900-01-01 … 02-28 rightly)
            return _cell(ref, value.isoformat(), style)
        if isinstance(value, datetime.datetime):
            delta = value.replace(tzinfo=None) - datetime.datetime.combine(_EXCEL_EPOCH, datetime.time())
            return f'<c r="{ref}"{s}><v>{delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400!r}</v></c>'
        return f'<c r="{ref}"{s}><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if value is None:
        return f'<c r="{ref}"{s}/>'
    return _cell(ref, str(value), style)


def _location(title, ref):
    return "'" + title.replace("'", "''") + "'!" + ref


class _Sheet:
    """What the writer needs to know about a sheet besides its rows."""

    def __init__(self, title, widths=(), column_styles=None, freeze_row=None, selected=False):
        self.title = title
        self.widths = widths  # [(column, width)]
        self.column_styles = column_styles or {}  # {column: style}
        self.freeze_row = freeze_row  # rows up to this one stay in view
        self.selected = selected
        self.comments = []  # [(ref, row, column, text)], filled while the rows are written
        self.hyperlinks = []  # [(ref, location, tooltip)]
        self.autofilter = None  # "A1:E9"


class _XlsxWriter:
    """Writes a workbook sheet by sheet into a zip, each sheet's rows streamed."""

    def __init__(self, out):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5)
        self.sheets = []
        self.comment_parts = []  # sheet numbers that have comments
        self.vml_blocks = 1  # VML shape id blocks of 1024 used so far (block 0 is reserved)

    def reserve(self):
        """Keep the next place in the workbook for a sheet written later; returns its number."""
        self.sheets.append(None)
        return len(self.sheets)

    def add_sheet(self, sheet, rows, number=None):
        """rows: iterable of (row number, [(column, value, style), …]), row numbers increasing."""
        if number is None:
            number = self.reserve()
        self.sheets[number - 1] = sheet
        # The first row is taken before the sheet's head is written: a generator may settle the
        # widths, column styles and frozen rows while it reads its header.
        rows = iter(rows)
        first = next(rows, None)
        rows = itertools.chain([first], rows) if first is not None else ()
        parts = [_XML_HEAD, f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">']
        selected = ' tabSelected="1"' if sheet.selected else ""
        parts.append(f'<sheetViews><sheetView workbookViewId="0"{selected}>')
        if sheet.freeze_row:
            top = f"A{sheet.freeze_row + 1}"
            parts.append(f'<pane ySplit="{sheet.freeze_row}" topLeftCell="{top}" activePane="bottomLeft" '
                         'state="frozen"/>'
                         f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>')
        parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths:
            parts.append("<cols>")
            for column, width in sheet.widths:
                style = sheet.column_styles.get(column)
                style = f' style="{style}"' if style else ""
                parts.append(f'<col min="{column}" max="{column}" width="{width}" customWidth="1"{style}/>')
            parts.append("</cols>")
        parts.append("<sheetData>")
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w") as fh:
            size = 0
            for r, cells in rows:
                row = [f'<row r="{r}">']
                for column, value, style in cells:
                    row.append(_cell(f"{_letter(column)}{r}", value, style))
                row.append("</row>")
                text = "".join(row)
                parts.append(text)
                size += len(text)
                if size > _FLUSH:
                    fh.write("".join(parts).encode("utf-8"))
                    parts, size = [], 0
            parts.append("</sheetData>")
            if sheet.autofilter:
                parts.append(f'<autoFilter ref="{sheet.autofilter}"/>')
            if sheet.hyperlinks:
                parts.append("<hyperlinks>")
                for ref, location, tooltip in sheet.hyperlinks:
                    parts.append(f'<hyperlink ref="{ref}" location="{_attr(location)}" tooltip="{_attr(tooltip)}"/>')
                parts.append("</hyperlinks>")
            parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
            if sheet.comments:
                parts.append('<legacyDrawing r:id="rId2"/>')
            parts.append("</worksheet>")
            fh.write("".join(parts).encode("utf-8"))
        if sheet.comments:
            self._comments(number, sheet.comments)

    def _comments(self, number, comments):
        self.comment_parts.append(number)
        with self.zip.open(f"xl/comments{number}.xml", "w") as fh:
            fh.write(f'{_XML_HEAD}<comments xmlns="{_NS_MAIN}"><authors><author>{_text(COMMENT_AUTHOR)}</author>'
                     f'</authors><commentList>'.encode("utf-8"))
            for ref, _, _, text in comments:
                fh.write(f'<comment ref="{ref}" authorId="0"><text><t xml:space="preserve">{_text(text)}</t>'
                         f'</text></comment>'.encode("utf-8"))
            fh.write(b"</commentList></comments>")
        # The legacy VML drawing Excel wants for the comment boxes; shape ids come in blocks of 1024.
        blocks = list(range(self.vml_blocks, self.vml_blocks + (len(comments) + 1) // 1024 + 1))
        self.vml_blocks = blocks[-1] + 1
        with self.zip.open(f"xl/drawings/vmlDrawing{number}.vml", "w") as fh:
            fh.write(('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                      'xmlns:x="urn:schemas-microsoft-com:office:excel">'
                      f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{",".join(map(str, blocks))}"/>'
                      '</o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                      'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                      '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>').encode("utf-8"))
            for i, (_, row, column, text) in enumerate(comments):
                lines = sum(1 + len(line) // 20 for line in text.split("\n"))
                height = min(400, 24 + 16 * lines)
                fh.write((f'<v:shape id="_x0000_s{blocks[0] * 1024 + 1 + i}" type="#_x0000_t202" '
                          'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240px;'
                          f'height:{height}px;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
                          '<v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
                          '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
                          '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">'
                          '<x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
                          f'<x:Row>{row - 1}</x:Row><x:Column>{column - 1}</x:Column></x:ClientData></v:shape>'
                          ).encode("utf-8"))
            fh.write(b"</xml>")
        self.zip.writestr(
            f"xl/worksheets/_rels/sheet{number}.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/comments" Target="../comments{number}.xml"/>'
            f'<Relationship Id="rId2" Type="{_NS_REL}/vmlDrawing" Target="../drawings/vmlDrawing{number}.vml"/>'
            '</Relationships>')

    def close(self):
        n = len(self.sheets)
        z = self.zip
        types = [f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 f'<Default Extension="vml" ContentType="{_CT}vmlDrawing"/>'
                 f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}spreadsheetml.sheet.main+xml"/>'
                 f'<Override PartName="/xl/styles.xml" ContentType="{_CT}spreadsheetml.styles+xml"/>'
                 '<Override PartName="/docProps/core.xml" '
                 'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                 f'<Override PartName="/docProps/app.xml" ContentType="{_CT}extended-properties+xml"/>']
        for i in range(1, n + 1):
            types.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                         f'ContentType="{_CT}spreadsheetml.worksheet+xml"/>')
        for i in self.comment_parts:
            types.append(f'<Override PartName="/xl/comments{i}.xml" ContentType="{_CT}spreadsheetml.comments+xml"/>')
        types.append("</Types>")
        z.writestr("[Content_Types].xml", "".join(types))
        z.writestr("_rels/.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>'))
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        z.writestr("docProps/core.xml", (
            f'{_XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_text(ERRORS_SHEET)}</dc:title><dc:creator>{_text(COMMENT_AUTHOR)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'))
        z.writestr("docProps/app.xml", (
            f'{_XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>Microsoft Excel</Application></Properties>'))
        sheets, names, rels = [], [], []
        for i, sheet in enumerate(self.sheets, start=1):
            sheets.append(f'<sheet name="{_attr(sheet.title)}" sheetId="{i}" r:id="rId{i}"/>')
            rels.append(f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
            if sheet.autofilter:
                start, end = sheet.autofilter.split(":")
                absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", f"{start}:{end}")
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i - 1}" hidden="1">'
                             f'{_text(_location(sheet.title, absolute))}</definedName>')
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>')
        z.writestr("xl/workbook.xml", (
            f'{_XML_HEAD}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><bookViews><workbookView activeTab="0"/>'
            f'</bookViews><sheets>{"".join(sheets)}</sheets>'
            + (f'<definedNames>{"".join(names)}</definedNames>' if names else "")
            + '<calcPr calcId="191029"/></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">{"".join(rels)}</Relationships>')
        z.writestr("xl/styles.xml", _STYLES)
        z.close()


# ----- the two kinds of sheet -------------------------------------------------------------

def _errors_rows(errors, titles, layouts, sheet):
    yield 1, [(i, name, S_HEADER) for i, name in enumerate(ERRORS_HEADER, start=1)]
    for r, error in enumerate(errors, start=2):
        cells = [(1, error.sheet, S_DEFAULT), (2, error.row, S_DEFAULT)]
        if error.column:
            cells.append((3, error.column, S_DEFAULT))
        cells.append((4, error.message, S_WRAP))
        layout = layouts.get(error.sheet)
        if layout is not None:
            row, column = layout.place(error)
            ref = f"{_letter(column)}{row}"
            cells.append((5, f"{titles[error.sheet]}!{ref}", S_LINK))
            sheet.hyperlinks.append((f"E{r}", _location(titles[error.sheet], ref), LINK_TOOLTIP))
        yield r, cells


def _copy_rows(source, name, errors, sheet, layouts):
    """The rows of one source sheet, marked.

    The sheet's layout goes to ``layouts``, and its widths and frozen rows to ``sheet``, as soon
    as the header is read (before the first row is yielded); the comments go to
    ``sheet.comments`` on the way.
    """
    spec = SHEETS_BY_NAME.get(name)
    columns = {c.name: c for c in spec.columns} if spec else {}
    rows = source.rows(name)
    first = next(rows, None)
    if first is None:
        first = (1, [])
    header_row, header = first[0], [str(c).strip() if c not in ("", None) else "" for c in first[1]]
    layout = layouts[name] = _Layout(header_row, header, errors)
    marks = defaultdict(list)  # (row, column) -> messages
    for error in errors:
        place = layout.place(error)
        if error.message not in marks[place]:
            marks[place].append(error.message)
    widths = defaultdict(int)  # row -> last column a mark needs
    for r, c in marks:
        widths[r] = max(widths[r], c)
    styles = sheet.column_styles
    for i, title in enumerate(header + layout.added, start=1):
        column = columns.get(title)
        if column is not None:
            sheet.widths.append((i, column_width(column)))
            style = _STYLE_OF_FORMAT.get(column_format(column), S_DEFAULT)
            if style:
                styles[i] = style
        else:
            sheet.widths.append((i, max(10, 2 * len(title) + 4)))
    sheet.freeze_row = header_row

    last = 0
    for number, values in itertools.chain([first], rows):
        last = number
        is_header = number == header_row
        if is_header:
            values = list(values) + layout.added
        cells = []
        for i in range(1, max(len(values), widths.get(number, 0)) + 1):
            value = values[i - 1] if i <= len(values) else ""
            messages = marks.get((number, i))
            if is_header:
                if i > len(header):
                    messages = list(messages or ()) + [MISSING_COLUMN]
                if messages:
                    style = S_HEADER_ERROR
                elif spec is None:
                    style = S_DEFAULT
                else:
                    column = columns.get(str(value).strip())
                    style = S_HEADER_REQUIRED if column is not None and column.required else S_HEADER
            else:
                if isinstance(value, datetime.datetime):
                    style = S_DATETIME
                elif isinstance(value, datetime.date):
                    style = S_DATE
                else:
                    style = styles.get(i, S_DEFAULT)
                    if style == S_DATE:
                        style = S_DEFAULT  # a date as text stays text
                if messages:
                    style = _ERROR_STYLE[style]
            if messages:
                sheet.comments.append((f"{_letter(i)}{number}", number, i, "\n".join(messages)))
            elif value == "" or value is None:
                continue
            cells.append((i, None if value == "" else value, style))
        yield number, cells
    # The importer only names rows it read; should an error name a later row, keep it visible anyway.
    late = defaultdict(list)
    for (r, c), messages in marks.items():
        if r > last:
            late[r].append((c, messages))
    for r in sorted(late):
        cells = []
        for c, messages in sorted(late[r]):
            sheet.comments.append((f"{_letter(c)}{r}", r, c, "\n".join(messages)))
            cells.append((c, None, S_ERROR))
        yield r, cells


def write_error_workbook(source, errors, out):
    """Write the marked copy of ``source`` (a Source or a path) to ``out`` (a path or a binary file)."""
    if not isinstance(source, Source):
        source = Source(source)
    errors = sorted(errors, key=_order)
    by_sheet = defaultdict(list)
    for error in errors:
        by_sheet[error.sheet].append(error)
    names = list(source.sheet_names)
    if source.kind == "csv":  # files come in name order: show them in the contract's order
        names.sort(key=lambda name: _SHEET_ORDER.get(name, len(_SHEET_ORDER)))
    titles = _titles(names)
    layouts = {}

    writer = _XlsxWriter(out)
    try:
        # 错误清单 comes first but is written last: its links need every sheet's layout,
        # which each sheet learns from its header while it is copied (so each is read once).
        first = writer.reserve()
        for name in names:
            sheet = _Sheet(titles[name], widths=[])
            writer.add_sheet(sheet, _copy_rows(source, name, by_sheet.get(name, ()), sheet, layouts))
        listing = _Sheet(ERRORS_SHEET, widths=[(1, 12), (2, 8), (3, 16), (4, 70), (5, 18)], freeze_row=1,
                         selected=True)
        if errors:
            listing.autofilter = f"A1:E{len(errors) + 1}"
        writer.add_sheet(listing, _errors_rows(errors, titles, layouts, listing), first)
    except BaseException:
        writer.zip.close()
        raise
    writer.close()


def error_workbook_bytes(source, errors):
    """The marked copy as ``.xlsx`` bytes (for a web download)."""
    buffer = io.BytesIO()
    write_error_workbook(source, errors, buffer)
    return buffer.getvalue()
