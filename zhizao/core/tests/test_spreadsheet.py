"""Reading uploaded tables: hostile files refused fast and small, honest ones read with the
row numbers the official sees."""

from __future__ import annotations

import csv
import io
import resource
import struct
import time
import tracemalloc
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from zhizao.core.spreadsheet import MB, Limits, SpreadsheetError, read_table

FIELDS = {
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "name": ("企业名称", "Name"),
    "year": ("年份", "Year"),
    "tax": ("实缴税金(万元)", "Tax paid (10k yuan)"),
}
GiB = 1024 * MB


def xlsx_bytes(rows, *, title_lines=()):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("数据")
    r = 0
    for line in title_lines:
        sheet.write_string(r, 0, line)
        r += 1
    for values in rows:
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
        r += 1
    book.close()
    return out.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = content if info.filename == name else src.read(info.filename)
            dst.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def raw_zip(members):
    """A zip from (name, raw deflate data, crc32, uncompressed size): lets a test declare
    sizes and ship gigabytes of zeros compressed in a few hundred milliseconds."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded)
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def deflated(content: bytes):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(content) + c.flush(), zlib.crc32(content), len(content)


def zeros_deflated(size: int):
    """``size`` zero bytes as raw deflate, built from one compressed megabyte repeated
    (full-flush blocks are independent)."""
    chunk = bytes(MB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(chunk, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return block * (size // MB) + final, crc, size


WORKBOOK = b'<?xml version="1.0" encoding="UTF-8"?><workbook/>'


def refused(path: Path) -> SpreadsheetError:
    """Read ``path``; it must be refused within 1 s and 100 MB (Python allocations and
    the process's resident high-water mark)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SpreadsheetError) as caught:
            read_table(path, filename=path.name, fields=FIELDS)
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    assert elapsed < 1.0
    assert peak < 100 * MB
    assert rss_growth < 100 * MB
    return caught.value


@pytest.fixture
def write(tmp_path):
    def make(name: str, data: bytes) -> Path:
        path: Path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


# --- hostile files ----------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_ratio(write):
    path = write(
        "bomb.xlsx",
        raw_zip(
            [
                ("xl/workbook.xml", *deflated(WORKBOOK)),
                ("xl/worksheets/sheet1.xml", *zeros_deflated(256 * MB)),
            ]
        ),
    )
    assert path.stat().st_size < 2 * MB
    error = refused(path)
    assert error.filename == "bomb.xlsx"
    assert error.zh.startswith("部件 xl/worksheets/sheet1.xml 压缩比 ")
    assert "超过上限 100:1（疑似压缩炸弹）" in error.zh
    assert str(error).startswith("bomb.xlsx：部件 xl/worksheets/sheet1.xml")
    assert "bomb.xlsx: part xl/worksheets/sheet1.xml is compressed" in str(error)


def test_a_1_gb_uncompressed_sheet_is_refused_by_its_declared_size(write):
    path = write(
        "big.xlsx",
        raw_zip(
            [
                ("xl/workbook.xml", *deflated(WORKBOOK)),
                ("xl/worksheets/sheet1.xml", *zeros_deflated(GiB)),
            ]
        ),
    )
    error = refused(path)
    assert error.zh == (
        "部件 xl/worksheets/sheet1.xml 解压后 1.0 GB，超过单个部件上限 512.0 MB（疑似压缩炸弹）"
    )
    assert error.en == (
        "part xl/worksheets/sheet1.xml unpacks to 1.0 GB, over the 512.0 MB limit for one "
        "part (a zip bomb?)"
    )


def test_many_parts_adding_up_past_the_total_are_refused(write):
    members = [("xl/workbook.xml", *deflated(WORKBOOK))]
    # Each part is small and compresses only 1:1 (random-looking bytes), but together
    # they declare more than the total limit.
    body = bytes(range(256)) * 4096  # 1 MB
    for i in range(3):
        members.append((f"xl/media/image{i}.bin", *deflated(body)))
    path = write("parts.xlsx", raw_zip(members))
    with pytest.raises(SpreadsheetError) as caught:
        read_table(
            path, filename="parts.xlsx", fields=FIELDS, limits=Limits(max_total_bytes=2 * MB)
        )
    assert caught.value.zh == "解压后共 3.0 MB，超过上限 2.0 MB（疑似压缩炸弹）"


def test_a_part_that_lies_about_its_size_is_refused(write):
    data, crc, _ = zeros_deflated(8 * MB)
    path = write(
        "liar.xlsx",
        raw_zip(
            [
                ("xl/workbook.xml", *deflated(WORKBOOK)),
                ("xl/worksheets/sheet1.xml", data, crc, 1000),
            ]
        ),
    )
    error = refused(path)
    assert error.zh == "部件 xl/worksheets/sheet1.xml 已损坏或声明的大小不实"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_an_xml_entity_bomb_is_refused_before_any_parser_sees_it(write):
    data = replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    error = refused(write("laughs.xlsx", data))
    assert error.zh == (
        "部件 xl/worksheets/sheet1.xml 含 XML 实体或 DOCTYPE 声明（疑似 XML 实体炸弹），已拒绝"
    )
    assert str(error).startswith("laughs.xlsx：")


def test_a_doctype_in_any_part_is_refused(write):
    bomb = b'<?xml version="1.0"?><!doctype x [<!entity a "b">]><sst/>'
    data = replace_member(xlsx_bytes([["a"]]), "xl/sharedStrings.xml", bomb)
    error = refused(write("shared.xlsx", data))
    assert error.zh.startswith("部件 xl/sharedStrings.xml 含 XML 实体或 DOCTYPE 声明")


def test_a_sheet_in_utf16_is_refused(write):
    sheet = '<?xml version="1.0" encoding="UTF-16"?><worksheet/>'.encode("utf-16")
    data = replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", sheet)
    assert refused(write("utf16.xlsx", data)).zh == (
        "部件 xl/worksheets/sheet1.xml 不是 UTF-8 编码的 XML"
    )


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>{rows}</sheetData></worksheet>"
)


def test_a_sheet_declaring_a_huge_dimension_is_refused(write):
    sheet = SHEET.format(
        dimension='<dimension ref="A1:XFD1048576"/>',
        rows='<row r="1"><c r="A1"><v>1</v></c></row>',
    ).encode()
    data = replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", sheet)
    error = refused(write("dimension.xlsx", data))
    assert error.zh == (
        "工作表 xl/worksheets/sheet1.xml 的范围为 1,048,576 行 × 16,384 列，超过上限"
        "（1,048,576 行、512 列、共 32,000,000 个单元格）"
    )


def test_two_far_apart_cells_are_refused_as_a_huge_grid(write):
    # No dimension: the reader would allocate every cell between A1 and XFD1048576.
    sheet = SHEET.format(
        dimension="",
        rows='<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c t="n" r="XFD1048576"><v>2</v></c></row>',
    ).encode()
    data = replace_member(xlsx_bytes([["a"]]), "xl/worksheets/sheet1.xml", sheet)
    assert "1,048,576 行 × 16,384 列" in refused(write("sparse.xlsx", data)).zh


def test_files_over_the_size_limit_are_refused_unread(write):
    path = write("big.csv", b"a,b\n" * 1000)
    with pytest.raises(SpreadsheetError) as caught:
        read_table(path, filename="big.csv", fields=FIELDS, limits=Limits(max_file_bytes=1000))
    assert caught.value.zh == "文件 0.0 MB，超过上限 0.0 MB"


def test_old_xls_files_are_refused_with_advice(write):
    path = write("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(SpreadsheetError) as caught:
        read_table(path, filename="old.xls", fields=FIELDS)
    assert caught.value.zh == "不支持旧版 .xls 格式，请在 Excel/WPS 中另存为 .xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused(write):
    path = write("doc.xlsx", raw_zip([("word/document.xml", *deflated(b"<w/>"))]))
    with pytest.raises(SpreadsheetError) as caught:
        read_table(path, filename="doc.xlsx", fields=FIELDS)
    assert caught.value.en.startswith("not an xlsx workbook")


def test_a_file_without_known_headers_is_refused():
    with pytest.raises(SpreadsheetError) as caught:
        read_table(xlsx_bytes([["x", "y"], [1, 2]]), filename="misc.xlsx", fields=FIELDS)
    assert caught.value.zh == "未找到表头：请使用下载的模板（中文或英文表头）"


# --- honest files -----------------------------------------------------------------------


def test_xlsx_rows_keep_their_numbers_after_two_header_rows_and_blank_rows():
    data = xlsx_bytes(
        [
            ["统一社会信用代码", "企业名称", "年份", "实缴税金(万元)"],
            ["Unified social credit code", "Name", "Year", "Tax paid (10k yuan)"],
            ["91330100799655058B", "甲", 2024, 12.5],
            [None, None, None, None],
            ["914403001922038216", "乙", 2023, None],
        ],
        title_lines=["2024 年亩均数据", "来源：统计局"],
    )
    table = read_table(data, filename="ok.xlsx", fields=FIELDS)
    assert table.header_row == 3
    assert table.columns == {"uscc": 0, "name": 1, "year": 2, "tax": 3}
    assert list(table.rows) == [
        (5, ["91330100799655058B", "甲", 2024.0, 12.5]),
        (7, ["914403001922038216", "乙", 2023.0, ""]),
    ]


def test_english_headers_in_another_order_and_unknown_columns():
    data = xlsx_bytes([["Year", "备注", "USCC", "Name"], [2024, "x", "91330100799655058B", "甲"]])
    table = read_table(
        data, filename="en.xlsx", fields={**FIELDS, "uscc": (*FIELDS["uscc"], "USCC")}
    )
    assert table.columns == {"year": 0, "uscc": 2, "name": 3}
    assert table.headers == {"year": "Year", "uscc": "USCC", "name": "Name"}
    assert table.unknown == ["备注"]


def test_a_header_cell_may_carry_both_languages():
    data = xlsx_bytes([["统一社会信用代码\nUnified social credit code", "名称 / Name"], ["x", "y"]])
    table = read_table(data, filename="two.xlsx", fields={**FIELDS, "name": ("名称", "Name")})
    assert table.columns == {"uscc": 0, "name": 1}


def test_a_column_named_twice_is_reported():
    data = xlsx_bytes([["年份", "Year", "企业名称"], [2024, 2024, "甲"]])
    table = read_table(data, filename="dup.xlsx", fields=FIELDS)
    assert table.duplicated == [("year", "Year")]


def test_csv_in_gb18030_is_read(write):
    text = "统一社会信用代码,企业名称,年份\n91330100799655058B,嘉兴某某纺织有限公司,2024\n"
    path = write("gbk.csv", text.encode("gb18030"))
    table = read_table(path, filename="gbk.csv", fields=FIELDS)
    assert table.format == "csv"
    assert list(table.rows) == [(2, ["91330100799655058B", "嘉兴某某纺织有限公司", "2024"])]


def test_csv_in_utf8_with_bom_and_a_quoted_multiline_cell(write):
    text = (
        "统一社会信用代码,企业名称\r\n"
        '91330100799655058B,"第一行\r\n第二行"\r\n'
        "914403001922038216,乙\r\n"
    )
    path = write("bom.csv", "\ufeff".encode() + text.encode())
    rows = list(read_table(path, filename="bom.csv", fields=FIELDS).rows)
    assert rows == [
        (2, ["91330100799655058B", "第一行\r\n第二行"]),
        (4, ["914403001922038216", "乙"]),
    ]


def test_tab_separated_text_is_read(write):
    path = write("t.csv", "年份\t企业名称\n2024\t甲\n".encode())
    assert list(read_table(path, filename="t.csv", fields=FIELDS).rows) == [(2, ["2024", "甲"])]


def test_parquet_is_read_with_types_and_row_numbers(write):
    import polars as pl

    frame = pl.DataFrame(
        {
            "统一社会信用代码": ["91330100799655058B", "914403001922038216"],
            "年份": [2024, 2023],
            "实缴税金(万元)": [12.5, None],
            "成立": [date(2015, 3, 1), None],
        }
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    path = write("m.parquet", buffer.getvalue())
    table = read_table(path, filename="m.parquet", fields=FIELDS)
    assert table.format == "parquet"
    assert table.columns == {"uscc": 0, "year": 1, "tax": 2}
    assert list(table.rows) == [
        (2, ["91330100799655058B", 2024, 12.5, date(2015, 3, 1)]),
        (3, ["914403001922038216", 2023, None, None]),
    ]


def test_a_parquet_file_with_too_many_rows_is_refused_from_its_footer(write):
    import polars as pl

    buffer = io.BytesIO()
    pl.DataFrame({"年份": list(range(50))}).write_parquet(buffer)
    path = write("rows.parquet", buffer.getvalue())
    with pytest.raises(SpreadsheetError) as caught:
        read_table(path, filename="rows.parquet", fields=FIELDS, limits=Limits(max_rows=10))
    assert caught.value.zh == "50 行 × 1 列，超过上限"


def test_an_uploaded_file_object_is_read():
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["年份", "企业名称"], ["2024", "甲"]])
    upload = io.BytesIO(buffer.getvalue().encode())
    assert list(read_table(upload, filename="up.csv", fields=FIELDS).rows) == [(2, ["2024", "甲"])]
