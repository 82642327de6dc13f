"""The period report as a Word file (python-docx), laid out as Nghị định
30/2020/NĐ-CP lays out an administrative document: A4 with its margins
(top and bottom 20 mm, left 30 mm, right 15 mm), Times New Roman 14 pt, the
issuing body beside the national motto, each with its short rule beneath,
the number and symbol, the place and date, the title and its summary, the
body, then the recipients beside the signature; pages numbered at the top
from the second. What it says is ``app.reports.document``'s; the gaps left
for the leaders' texts are highlighted, to be seen and filled in."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

from app.reports.document import Gap, Paragraph, ReportDocument, Table

FONT = "Times New Roman"
BODY_PT, HEADING_PT, TABLE_PT = 14, 13, 12
TEXT_WIDTH_CM = 16.5  # A4's 21 cm less the 3 cm and 1.5 cm side margins
LEFT_CM, RIGHT_CM = 6.3, 10.2  # the heading's two columns
# What follows a paragraph's borders among its properties (ECMA-376 CT_PPr).
AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                 "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                 "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                 "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                 "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                 "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def render(document: ReportDocument) -> bytes:
    word = Document()
    _page(word)
    _heading(word, document)
    for section in document.sections:
        _text(word, f"{section.numeral}. {section.title}", bold=True, keep=True, before=6)
        for block in section.blocks:
            _block(word, block)
    _text(word, document.closing, indent=True)
    _ending(word, document)
    out = BytesIO()
    word.save(out)
    return out.getvalue()


def _page(word: WordDocument) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    # Word takes the Vietnamese letters' font from the east-Asian slot too.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE")


def _heading(word: WordDocument, document: ReportDocument) -> None:
    table = word.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = _widths(table, LEFT_CM, RIGHT_CM)
    first, second = document.issuer
    _in(left, first, size=HEADING_PT, bold=True, first=True)
    _in(left, second, size=HEADING_PT, bold=True)
    _rule(left, 2.2, LEFT_CM)
    _in(left, document.number_line, size=HEADING_PT)
    _in(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=HEADING_PT - 0.5, bold=True,
        first=True)
    _in(right, "Độc lập - Tự do - Hạnh phúc", size=BODY_PT, bold=True)
    _rule(right, 6.0, RIGHT_CM)
    _in(right, document.place_date, size=BODY_PT, italic=True)
    _text(word, document.title, bold=True, center=True, before=18, after=0, keep=True)
    _text(word, document.summary, bold=True, center=True, after=0, keep=True)
    _rule(word, 5.0, TEXT_WIDTH_CM)


def _block(word: WordDocument, block: Paragraph | Table | Gap) -> None:
    if isinstance(block, Table):
        _table(word, block)
    elif isinstance(block, Gap):
        paragraph = _text(word, block.text, italic=True, indent=True)
        paragraph.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
    else:
        _text(word, block.text, bold=block.lead, indent=True, keep=block.lead)


def _table(word: WordDocument, block: Table) -> None:
    _text(word, block.caption, bold=True, italic=True, center=True, keep=True, before=3,
          size=TABLE_PT + 1)
    table = word.add_table(rows=1 + len(block.body), cols=len(block.headers))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    last = len(block.body) if block.total else -1
    for n_row, (row, values) in enumerate(zip(table.rows, (block.headers, *block.body),
                                              strict=True)):
        header, total = n_row == 0, n_row == last
        _keep_row(row, header)
        for n, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            paragraph = _in(cell, value, size=TABLE_PT, bold=header or total, first=True)
            paragraph.paragraph_format.space_after = Pt(0)
            if header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif n > 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _text(word, "", after=0, size=6)


def _ending(word: WordDocument, document: ReportDocument) -> None:
    table = word.add_table(rows=1, cols=2)
    left, right = _widths(table, 7.5, 9.0)
    note = _in(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True)
    note.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for line in document.recipients:
        _in(left, line, size=11).alignment = WD_ALIGN_PARAGRAPH.LEFT
    for n, line in enumerate(document.signature):
        _in(right, line, size=BODY_PT, bold=True, first=n == 0)
    for _ in range(3):
        _in(right, "", size=BODY_PT)
    signer = _in(right, document.signer, size=BODY_PT, bold=True)
    signer.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
    _keep_row(table.rows[0], False)


# -- pieces -------------------------------------------------------------------------

def _text(word: WordDocument, text: str, *, bold: bool = False, italic: bool = False,
          center: bool = False, indent: bool = False, keep: bool = False, before: float = 0,
          after: float | None = None, size: float | None = None) -> WordParagraph:
    paragraph = word.add_paragraph()
    run = _run(paragraph, text, bold, italic)
    if size:
        run.font.size = Pt(size)
    form = paragraph.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.JUSTIFY
    form.first_line_indent = Cm(1) if indent else None
    form.keep_with_next = keep
    form.space_before = Pt(before)
    if after is not None:
        form.space_after = Pt(after)
    return paragraph


def _in(cell: _Cell, text: str, *, size: float, bold: bool = False, italic: bool = False,
        first: bool = False) -> WordParagraph:
    """A centred line in a cell (its first paragraph, or a new one)."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    _run(paragraph, text, bold, italic).font.size = Pt(size)
    return paragraph


def _run(paragraph: WordParagraph, text: str, bold: bool, italic: bool) -> Run:
    """A run of text, bold or italic only where asked: a property written
    as "not bold" would be XML for nothing, and slow to write."""
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    return run


def _rule(where: WordDocument | _Cell, length_cm: float, width_cm: float) -> None:
    """The short solid line under the issuing body, the motto and the
    summary: an empty paragraph's top border, centred by its indents."""
    paragraph = where.add_paragraph()
    form = paragraph.paragraph_format
    form.left_indent = form.right_indent = Cm(max(0.0, (width_cm - length_cm) / 2))
    form.space_before, form.space_after, form.line_spacing = Pt(1), Pt(4), Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "000000")):
        top.set(qn(name), value)
    borders.append(top)
    # Word reads a paragraph's properties in the schema's order only.
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *AFTER_BORDERS)


def _widths(table, *widths_cm: float) -> list[_Cell]:  # type: ignore[no-untyped-def]
    """Set the columns' widths where Word reads them (each cell) and where
    other programs do (the table's grid); the first row's cells."""
    cells = table.rows[0].cells
    for column, cell, width in zip(table.columns, cells, widths_cm, strict=True):
        column.width = cell.width = Cm(width)
    return cells


def _keep_row(row, header: bool) -> None:  # type: ignore[no-untyped-def]
    """A row never split over two pages; the header row repeated on each."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _field(paragraph: WordParagraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
