"""Real-looking documents laid out as Decree 30/2020 Phụ lục I shows, made with WeasyPrint in
Noto Serif: each leaves the number and the date blank for the clerk and has a name block (the
position line, room for the signature and seal, the signer's full name)."""

from __future__ import annotations

from dataclasses import dataclass

SIGNER = "Nguyễn Văn Giám"

CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: 'Noto Serif'; font-size: 13pt; line-height: 1.3; }
p { text-align: justify; margin: 0 0 6pt 0; text-indent: 10mm; }
table.header, table.foot { width: 100%; border-collapse: collapse; }
table.header td, table.foot td { vertical-align: top; text-align: center; padding: 0; }
table.header { font-size: 12pt; }
.title { text-align: center; font-weight: bold; margin: 12pt 0; }
.recipients { text-align: left; font-size: 11pt; }
.block { text-align: center; font-weight: bold; }
.room { height: 42mm; }
table.grid { width: 100%; border-collapse: collapse; font-size: 11pt; }
table.grid td, table.grid th { border: 1px solid black; padding: 2pt 4pt; }
"""

BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; căn cứ Nghị định "
    "số 30/2020/NĐ-CP của Chính phủ về công tác văn thư; xét đề nghị của Chánh Văn phòng Sở "
    "về việc ban hành quy chế quản lý văn bản điện tử và chữ ký số trong cơ quan."
)


@dataclass(frozen=True)
class Layout:
    name: str
    html: str
    position: str  # the position line right above the signer's name
    signer_page: int  # where the name block is (0-based)
    symbol: str  # the symbol printed after the number's blank ("" when the blank is open)


def _doc(body: str, *, page: str = "") -> str:
    return f"<html lang='vi'><head><style>{CSS}{page}</style></head><body>{body}</body></html>"


def _paragraphs(n: int) -> str:
    return "".join(f"<p>Điều {i + 1}. {BODY}</p>" for i in range(n))


def _name_block(position_lines: str, *, recipients: bool = True) -> str:
    left = (
        "<div class='recipients'><b><i>Nơi nhận:</i></b><br>- Như Điều 3;<br>"
        "- UBND tỉnh (để b/c);<br>- Lưu: VT, VP.</div>"
        if recipients
        else ""
    )
    return (
        "<table class='foot' style='page-break-inside: avoid'><tr>"
        f"<td style='width: 50%'>{left}</td>"
        f"<td class='block'>{position_lines}<div class='room'></div>{SIGNER}</td>"
        "</tr></table>"
    )


def one_column() -> Layout:
    """A one-column header: the agency, the number and the date each on its own line."""
    header = (
        "<div style='text-align: left'>UBND TỈNH CÀ MAU<br><b>SỞ TƯ PHÁP</b><br>"
        "Số: ................/TB-STP</div>"
        "<div style='text-align: right'><i>Cà Mau, ngày ...... tháng ...... năm 2026</i></div>"
        "<div class='title'>THÔNG BÁO<br>Về lịch tiếp công dân tháng 12</div>"
    )
    return Layout(
        "one-column",
        _doc(header + _paragraphs(3) + _name_block("GIÁM ĐỐC")),
        "GIÁM ĐỐC",
        0,
        "/TB-STP",
    )


def _two_column_header(number: str, date: str) -> str:
    return (
        "<table class='header'><tr>"
        "<td style='width: 40%'>UBND TỈNH CÀ MAU<br><b>SỞ TƯ PHÁP</b><br>"
        f"<span style='font-size: 13pt'>{number}</span></td>"
        "<td><b>CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>"
        f"<i>{date}</i></td></tr></table>"
    )


def two_column() -> Layout:
    """The Decree 30 header: agency left, the national title right, Số left, place-date right,
    on the same line; blanks left with spaces; the deputy signs for the director."""
    header = _two_column_header(
        "Số: &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/QĐ-STP",
        "Cà Mau, ngày &nbsp;&nbsp;&nbsp;&nbsp; tháng &nbsp;&nbsp;&nbsp;&nbsp; năm 2026",
    )
    title = "<div class='title'>QUYẾT ĐỊNH<br>Ban hành Quy chế văn thư, lưu trữ</div>"
    return Layout(
        "two-column",
        _doc(header + title + _paragraphs(3) + _name_block("KT. GIÁM ĐỐC<br>PHÓ GIÁM ĐỐC")),
        "PHÓ GIÁM ĐỐC",
        0,
        "/QĐ-STP",
    )


def bottom_of_page_one() -> Layout:
    """The name block at the very bottom of page 1; dotted blanks, the year left open too."""
    header = _two_column_header(
        "Số: ........../BC-STP", "Cà Mau, ngày ...... tháng ...... năm 20......"
    )
    title = "<div class='title'>BÁO CÁO<br>Kết quả công tác văn thư năm 2026</div>"
    return Layout(
        "bottom-of-page-1",
        _doc(header + title + _paragraphs(6) + _name_block("GIÁM ĐỐC")),
        "GIÁM ĐỐC",
        0,
        "/BC-STP",
    )


def on_page_two() -> Layout:
    """A longer text: the name block on page 2."""
    header = _two_column_header(
        "Số: ........../KH-STP", "Cà Mau, ngày ...... tháng ...... năm 2026"
    )
    title = "<div class='title'>KẾ HOẠCH<br>Chuyển đổi số năm 2027</div>"
    return Layout(
        "page-2",
        _doc(header + title + _paragraphs(12) + _name_block("GIÁM ĐỐC")),
        "GIÁM ĐỐC",
        1,
        "/KH-STP",
    )


def landscape_annex() -> Layout:
    """A landscape annex: a wide table, then the name block under it."""
    header = _two_column_header(
        "Số: ........../DS-STP", "Cà Mau, ngày ...... tháng ...... năm 2026"
    )
    rows = "".join(
        f"<tr><td>{i}</td><td>Trần Thị Hồng {i}</td><td>Phòng Hành chính tư pháp</td>"
        f"<td>Chuyên viên</td><td>Hoàn thành tốt nhiệm vụ</td></tr>"
        for i in range(1, 6)
    )
    table = (
        "<div class='title'>PHỤ LỤC<br>Danh sách công chức được khen thưởng</div>"
        "<table class='grid'><tr><th>TT</th><th>Họ và tên</th><th>Đơn vị</th>"
        f"<th>Chức vụ</th><th>Thành tích</th></tr>{rows}</table><br>"
    )
    return Layout(
        "landscape-annex",
        _doc(
            header + table + _name_block("GIÁM ĐỐC", recipients=False),
            page="@page { size: A4 landscape; margin: 15mm 20mm 15mm 20mm; }",
        ),
        "GIÁM ĐỐC",
        0,
        "/DS-STP",
    )


ALL = [one_column, two_column, bottom_of_page_one, on_page_two, landscape_annex]


def pdf(layout: Layout) -> bytes:
    from weasyprint import HTML

    return HTML(string=layout.html).write_pdf()
