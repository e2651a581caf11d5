"""Reading uploaded tables (xlsx, csv, parquet) safely, row by row, with their row numbers.

Officials send spreadsheets; some of what arrives is broken or hostile. Before any parser
sees a file it is checked, cheaply and in bounded memory:

- its size (``Limits.max_file_bytes``);
- an xlsx (a zip): the central directory's entry count, every member's declared
  uncompressed size, their total, and the compression ratio (zip bombs); then every member
  is inflated in 1 MB chunks — never more than its declared size, with its CRC checked — and
  refused if it declares a DOCTYPE or ENTITY (XML entity bombs), is not UTF-8, declares a
  sheet ``<dimension>`` past the limits, or references cells whose grid would be larger than
  the limits (the reader allocates the whole rectangle from the first to the last cell);
- a parquet file: rows, columns and uncompressed size from its footer.

Every refusal is a ``SpreadsheetError`` naming the file, in Chinese and English. What is
read is a ``Table``: the header row found by matching Chinese or English headers (as the
downloadable templates have them, in one or two header rows), which field each column
holds, and an iterator of ``(row number as in the file, cells)``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MB = 1024 * 1024
Source = str | os.PathLike[str] | bytes | IO[bytes]


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 50 * MB
    max_member_bytes: int = 512 * MB  # one zip member, uncompressed
    max_total_bytes: int = 768 * MB  # all members, uncompressed
    max_ratio: int = 100  # uncompressed ÷ compressed, for members above ratio_floor_bytes
    ratio_floor_bytes: int = 4 * MB
    max_members: int = 2000
    max_rows: int = 1_048_576
    max_columns: int = 512
    max_cells: int = 32_000_000


DEFAULT_LIMITS = Limits()


class SpreadsheetError(Exception):
    """A file refused or unreadable; the message names the file in both languages."""

    def __init__(self, filename: str, zh: str, en: str) -> None:
        self.filename = filename
        self.zh = zh
        self.en = en
        super().__init__(f"{filename}：{zh} / {filename}: {en}")


def _size(n: int) -> str:
    if n >= 1024 * MB:
        return f"{n / (1024 * MB):.1f} GB"
    return f"{n / MB:.1f} MB"


# --- opening -----------------------------------------------------------------------------


@dataclass
class _Opened:
    fp: IO[bytes]
    size: int
    path: str | None
    owned: bool


def _open(source: Source) -> _Opened:
    if isinstance(source, bytes):
        return _Opened(io.BytesIO(source), len(source), None, True)
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        return _Opened(open(path, "rb"), os.path.getsize(path), path, True)
    fp = source
    fp.seek(0, os.SEEK_END)
    size = fp.tell()
    fp.seek(0)
    name = getattr(fp, "name", None)
    file_path = name if isinstance(name, str) and os.path.isfile(name) else None
    return _Opened(fp, size, file_path, False)


def sniff(head: bytes) -> str:
    """``xlsx``, ``parquet``, ``xls`` or ``csv``, from the first bytes (not the name)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    return "csv"


# --- xlsx guards -------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_DOCTYPE = re.compile(rb"<!\s*(?i:doctype|entity)")
# Cell references are read with patterns that start with the literal ``r="`` (fast to
# search); a reference written any other way, or with a character entity in it, is refused.
_ODD_REF = re.compile(rb"""r(?:\s+=|=\s|=')|r="[^"<>]{0,16}&""")
_ROW_TAG = re.compile(rb'<row r="(\d{1,9})"')
_WIDE_REF = re.compile(rb'r="[A-Za-z]{2}')
_REF_ROWS = re.compile(rb'r="[A-Za-z]{1,4}(\d{1,9})"')
_REF_COLS = re.compile(rb'r="([A-Za-z]{1,4})\d')
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref\s*=\s*["']([^"']{1,40})["']""")
_A1 = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,9})$")
_OVERLAP = 96


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _check_grid(filename: str, member: str, rows: int, cols: int, limits: Limits) -> None:
    if rows > limits.max_rows or cols > limits.max_columns or rows * cols > limits.max_cells:
        raise _grid_error(filename, member, rows, cols, limits)


def _grid_error(
    filename: str, member: str, rows: int, cols: int, limits: Limits
) -> SpreadsheetError:
    return SpreadsheetError(
        filename,
        f"工作表 {member} 的范围为 {rows:,} 行 × {cols:,} 列，超过上限（{limits.max_rows:,} "
        f"行、{limits.max_columns} 列、共 {limits.max_cells:,} 个单元格）",
        f"sheet {member} spans {rows:,} rows × {cols:,} columns, over the limit "
        f"({limits.max_rows:,} rows, {limits.max_columns} columns, {limits.max_cells:,} "
        "cells in all)",
    )


def _check_eocd(fp: IO[bytes], size: int, filename: str, limits: Limits) -> None:
    """Entry count from the end-of-central-directory record, before zipfile builds a
    ZipInfo for each entry."""
    tail_len = min(size, 65_557)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise SpreadsheetError(
            filename, "不是有效的 xlsx 文件（zip 结构损坏）", "not a valid xlsx file (broken zip)"
        )
    entries, cd_size = struct.unpack("<H4xI", tail[at + 10 : at + 20])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        raise SpreadsheetError(
            filename, "xlsx 使用 ZIP64 结构，文件过大", "the xlsx uses ZIP64: far too large"
        )
    if entries > limits.max_members:
        raise SpreadsheetError(
            filename,
            f"xlsx 含 {entries:,} 个部件，超过上限 {limits.max_members:,}",
            f"the xlsx holds {entries:,} parts, over the limit of {limits.max_members:,}",
        )


def check_xlsx(fp: IO[bytes], size: int, filename: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse zip bombs, XML entity bombs and oversized sheets before any XML parser runs."""
    _check_eocd(fp, size, filename, limits)
    fp.seek(0)
    try:
        archive = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(
            filename, "不是有效的 xlsx 文件", f"not a valid xlsx file ({exc})"
        ) from None
    with archive:
        infos = archive.infolist()
        total = 0
        for info in infos:
            if info.file_size > limits.max_member_bytes:
                raise SpreadsheetError(
                    filename,
                    f"部件 {info.filename} 解压后 {_size(info.file_size)}，超过单个部件上限 "
                    f"{_size(limits.max_member_bytes)}（疑似压缩炸弹）",
                    f"part {info.filename} unpacks to {_size(info.file_size)}, over the "
                    f"{_size(limits.max_member_bytes)} limit for one part (a zip bomb?)",
                )
            total += info.file_size
            if (
                info.file_size > limits.ratio_floor_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)
            ):
                ratio = info.file_size / max(info.compress_size, 1)
                raise SpreadsheetError(
                    filename,
                    f"部件 {info.filename} 压缩比 {ratio:,.0f}:1，超过上限 {limits.max_ratio}:1"
                    "（疑似压缩炸弹）",
                    f"part {info.filename} is compressed {ratio:,.0f}:1, over the "
                    f"{limits.max_ratio}:1 limit (a zip bomb?)",
                )
        if total > limits.max_total_bytes:
            raise SpreadsheetError(
                filename,
                f"解压后共 {_size(total)}，超过上限 {_size(limits.max_total_bytes)}"
                "（疑似压缩炸弹）",
                f"unpacks to {_size(total)} in all, over the {_size(limits.max_total_bytes)} "
                "limit (a zip bomb?)",
            )
        if not any(i.filename == "xl/workbook.xml" for i in infos):
            raise SpreadsheetError(
                filename,
                "不是 xlsx 工作簿（缺少 xl/workbook.xml）；.xls、.et、.ods 请另存为 .xlsx",
                "not an xlsx workbook (no xl/workbook.xml); save .xls, .et or .ods as .xlsx",
            )
        for info in infos:
            if not info.is_dir():
                _scan_member(archive, info, filename, limits)


_BOUNDS: dict[int, tuple[int, re.Pattern[bytes]]] = {}


def _row_bound(highest: int) -> tuple[int, re.Pattern[bytes]]:
    """(bound, pattern): every cell reference whose row the pattern does not match has a
    row ≤ bound. The bound keeps ``highest``'s first two digits, so that checking it is a
    search that normally finds nothing, not a parse of every reference."""
    found = _BOUNDS.get(highest)
    if found is not None:
        return found
    digits = str(highest)
    n = len(digits)
    above = [rf"\d{{{n + 1},9}}"]
    if n == 1:
        bound = highest
        if highest < 9:
            above.append(f"[{highest + 1}-9]")
    else:
        first, second = int(digits[0]), int(digits[1])
        bound = int(digits[:2] + "9" * (n - 2))
        if second < 9:
            above.append(rf"{first}[{second + 1}-9]\d{{{n - 2}}}")
        if first < 9:
            above.append(rf"[{first + 1}-9]\d{{{n - 1}}}")
    pattern = re.compile(b'r="[A-Za-z]{1,4}(?:' + "|".join(above).encode() + b')"')
    if len(_BOUNDS) < 4096:
        _BOUNDS[highest] = (bound, pattern)
    return bound, pattern


def _scan_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str, limits: Limits
) -> None:
    """Inflate one member in chunks (zipfile stops at the declared size and checks the
    CRC, so a member that lies about its size fails) and look at its raw bytes."""
    name = info.filename
    highest_row = max_col = 0
    first = True
    carry = b""
    try:
        with archive.open(info) as member:
            while True:
                chunk = member.read(MB)
                if not chunk:
                    break
                if first:
                    first = False
                    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or chunk[:4] in (
                        b"<\x00?\x00",
                        b"\x00<\x00?",
                    ):
                        raise SpreadsheetError(
                            filename,
                            f"部件 {name} 不是 UTF-8 编码的 XML",
                            f"part {name} is not UTF-8 XML",
                        )
                    dim = _DIMENSION.search(chunk, 0, 65_536)
                    if dim is not None:
                        rows, cols = _dimension_size(dim.group(1).decode("ascii", "replace"))
                        _check_grid(filename, name, rows, cols, limits)
                window = carry + chunk
                if _DOCTYPE.search(window) is not None:
                    raise SpreadsheetError(
                        filename,
                        f"部件 {name} 含 XML 实体或 DOCTYPE 声明（疑似 XML 实体炸弹），已拒绝",
                        f"part {name} declares a DOCTYPE or XML entities (an entity bomb?); "
                        "refused",
                    )
                for odd in _ODD_REF.finditer(window):
                    if window[odd.start() - 1 : odd.start()] in (b" ", b"\t", b"\r", b"\n"):
                        raise SpreadsheetError(
                            filename,
                            f"部件 {name} 的单元格引用写法异常（含字符实体或非标准引号）",
                            f"part {name} writes a cell reference oddly (an entity or quotes)",
                        )
                if _REF_COLS.search(window) is not None:
                    tags = _ROW_TAG.findall(window)
                    if tags:
                        highest_row = max(highest_row, max(map(int, tags)))
                    bound, above = _row_bound(highest_row)
                    if above.search(window) is not None:
                        highest_row = max(highest_row, max(map(int, _REF_ROWS.findall(window))))
                        bound, _ = _row_bound(highest_row)
                    if _WIDE_REF.search(window) is not None:
                        letters = set(_REF_COLS.findall(window))
                        widest = max(_column_index(c.decode("ascii")) for c in letters)
                        max_col = max(max_col, widest)
                    else:
                        max_col = max(max_col, 26)
                    if highest_row > limits.max_rows or bound * max_col > limits.max_cells:
                        # Refused on the bound; the message gives the rows actually seen.
                        highest_row = max(highest_row, *map(int, _REF_ROWS.findall(window)))
                        raise _grid_error(filename, name, highest_row, max_col, limits)
                carry = window[-_OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise SpreadsheetError(
            filename,
            f"部件 {name} 已损坏或声明的大小不实",
            f"part {name} is damaged or lies about its size ({exc})",
        ) from None


def _dimension_size(ref: str) -> tuple[int, int]:
    parts = ref.split(":")
    corners = [_A1.match(p.strip()) for p in parts[:2]]
    if not all(corners):
        return 0, 0
    first = corners[0]
    last = corners[-1]
    assert first is not None
    assert last is not None
    rows = int(last.group(2)) - int(first.group(2)) + 1
    cols = _column_index(last.group(1)) - _column_index(first.group(1)) + 1
    return max(rows, 0), max(cols, 0)


# --- header matching ---------------------------------------------------------------------

_HALF = str.maketrans("（）：，　＊", "():, *")


def normalise_header(text: object) -> str:
    s = str(text if text is not None else "").translate(_HALF)
    s = "".join(s.split()).lower().strip("*")
    for suffix in ("(必填)", "(选填)", "(required)", "(optional)"):
        s = s.removesuffix(suffix)
    return s


def _header_keys(cell: object, index: Mapping[str, str]) -> list[str]:
    """Field keys a header cell names: the whole text, or either line of a two-language
    header (``统一社会信用代码\\nUSCC``, ``名称 / Name``)."""
    text = "" if cell is None else str(cell)
    whole = index.get(normalise_header(text))
    if whole is not None:
        return [whole]
    found = []
    for part in re.split(r"[\n/|]", text):
        key = index.get(normalise_header(part))
        if key is not None and key not in found:
            found.append(key)
    return found[:1]


@dataclass(slots=True)
class Table:
    filename: str
    format: str
    sheet: str | None
    header_row: int
    columns: dict[str, int]  # field key → position in the row
    headers: dict[str, str]  # field key → header as written in the file
    unknown: list[str]  # headers that match no field
    duplicated: list[tuple[str, str]]  # (field key, header) named twice
    rows: Iterator[tuple[int, list[Any]]] = field(repr=False)
    estimated_rows: int = 0


def _find_header(
    head: Sequence[tuple[int, list[Any]]], index: Mapping[str, str]
) -> tuple[int, int] | None:
    """(position in ``head``, matched count) of the row naming most fields."""
    best: tuple[int, int] | None = None
    for pos, (_, cells) in enumerate(head):
        matched = {k for c in cells for k in _header_keys(c, index)}
        if len(matched) >= min(2, len(set(index.values()))) and (
            best is None or len(matched) > best[1]
        ):
            best = (pos, len(matched))
    return best


def _is_header_like(cells: Sequence[Any], index: Mapping[str, str]) -> bool:
    texts = [c for c in cells if c not in (None, "")]
    return bool(texts) and all(_header_keys(c, index) for c in texts)


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _build_table(
    filename: str,
    fmt: str,
    sheet: str | None,
    rows: Iterator[tuple[int, list[Any]]],
    fields: Mapping[str, Sequence[str]],
    estimated: int,
    search_rows: int = 10,
) -> Table | None:
    index: dict[str, str] = {}
    for key, labels in fields.items():
        for label in labels:
            index.setdefault(normalise_header(label), key)
    head: list[tuple[int, list[Any]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= search_rows:
            break
    found = _find_header(head, index)
    if found is None:
        return None
    pos, _ = found
    header_number, header_cells = head[pos]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    duplicated: list[tuple[str, str]] = []
    for col, cell in enumerate(header_cells):
        keys = _header_keys(cell, index)
        text = "" if cell is None else " ".join(str(cell).split())
        if not keys:
            if text:
                unknown.append(text)
            continue
        if keys[0] in columns:
            duplicated.append((keys[0], text))
            continue
        columns[keys[0]] = col
        headers[keys[0]] = text

    def data() -> Iterator[tuple[int, list[Any]]]:
        second_header = True
        for item in [*head[pos + 1 :]]:
            if second_header and _is_header_like(item[1], index):
                continue
            second_header = False
            if not _is_blank(item[1]):
                yield item
        for item in rows:
            if second_header and _is_header_like(item[1], index):
                continue
            second_header = False
            if not _is_blank(item[1]):
                yield item

    return Table(
        filename,
        fmt,
        sheet,
        header_number,
        columns,
        headers,
        unknown,
        duplicated,
        data(),
        max(estimated - header_number, 0),
    )


# --- readers -----------------------------------------------------------------------------


def _xlsx_tables(
    opened: _Opened, filename: str, fields: Mapping[str, Sequence[str]]
) -> Table | None:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    try:
        opened.fp.seek(0)
        book = (
            CalamineWorkbook.from_path(opened.path)
            if opened.path
            else CalamineWorkbook.from_filelike(opened.fp)
        )
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            start = sheet.start
            first_row = start[0] + 1 if start else 1

            def numbered(s: Any = sheet, r0: int = first_row) -> Iterator[tuple[int, list[Any]]]:
                for i, cells in enumerate(s.iter_rows()):
                    yield r0 + i, cells

            table = _build_table(
                filename, "xlsx", meta.name, numbered(), fields, first_row + sheet.height - 1
            )
            if table is not None:
                return table
    except CalamineError as exc:
        raise SpreadsheetError(
            filename, "xlsx 文件无法读取", f"the xlsx file cannot be read ({exc})"
        ) from None
    return None


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, else GB18030 (GBK/GB2312 are subsets),
    as Chinese Excel saves CSV."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise SpreadsheetError(
            filename,
            "无法识别文本编码（支持 UTF-8、GB18030/GBK）",
            "unknown text encoding (UTF-8 and GB18030/GBK are read)",
        ) from None


def _csv_table(
    opened: _Opened, filename: str, fields: Mapping[str, Sequence[str]], limits: Limits
) -> Table | None:
    opened.fp.seek(0)
    text, _ = decode_text(opened.fp.read(), filename)
    if "\x00" in text:
        raise SpreadsheetError(
            filename,
            "不是文本文件（也不是 xlsx 或 parquet）",
            "not a text file (nor xlsx, nor parquet)",
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    estimated = text.count("\n") + 1
    if estimated > limits.max_rows:
        raise SpreadsheetError(
            filename,
            f"超过 {limits.max_rows:,} 行",
            f"more than {limits.max_rows:,} rows",
        )

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        try:
            for cells in reader:
                yield line, list(cells)
                line = reader.line_num + 1
        except csv.Error as exc:
            raise SpreadsheetError(
                filename, f"第 {line} 行：CSV 格式错误", f"row {line}: malformed CSV ({exc})"
            ) from None

    return _build_table(filename, "csv", None, numbered(), fields, estimated)


def _parquet_table(
    source: IO[bytes] | str, filename: str, fields: Mapping[str, Sequence[str]], limits: Limits
) -> Table | None:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    if not isinstance(source, str):
        source.seek(0)
    try:
        pf = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as exc:
        raise SpreadsheetError(
            filename, "parquet 文件无法读取", f"the parquet file cannot be read ({exc})"
        ) from None
    meta = pf.metadata
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if meta.num_rows > limits.max_rows or meta.num_columns > limits.max_columns:
        raise SpreadsheetError(
            filename,
            f"{meta.num_rows:,} 行 × {meta.num_columns} 列，超过上限",
            f"{meta.num_rows:,} rows × {meta.num_columns} columns, over the limit",
        )
    if unpacked > limits.max_total_bytes:
        raise SpreadsheetError(
            filename,
            f"解压后 {_size(unpacked)}，超过上限 {_size(limits.max_total_bytes)}",
            f"unpacks to {_size(unpacked)}, over the {_size(limits.max_total_bytes)} limit",
        )
    names = list(pf.schema_arrow.names)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        # Column names are row 1, as when the table was a spreadsheet; records follow.
        yield 1, list(names)
        number = 2
        try:
            for batch in pf.iter_batches(batch_size=20_000):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for cells in zip(*columns, strict=True):
                    yield number, list(cells)
                    number += 1
        except (pa.ArrowException, OSError) as exc:
            raise SpreadsheetError(
                filename, "parquet 文件无法读取", f"the parquet file cannot be read ({exc})"
            ) from None

    return _build_table(filename, "parquet", None, numbered(), fields, meta.num_rows + 1)


def read_table(
    source: Source,
    *,
    filename: str,
    fields: Mapping[str, Sequence[str]],
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Check ``source`` and open its first sheet whose header row names the ``fields``
    (field key → accepted headers, Chinese and English). Rows are read lazily."""
    filename = Path(filename).name or "upload"
    opened = _open(source)
    fmt = ""
    try:
        if opened.size > limits.max_file_bytes:
            raise SpreadsheetError(
                filename,
                f"文件 {_size(opened.size)}，超过上限 {_size(limits.max_file_bytes)}",
                f"the file is {_size(opened.size)}, over the {_size(limits.max_file_bytes)} limit",
            )
        if opened.size == 0:
            raise SpreadsheetError(filename, "文件为空", "the file is empty")
        opened.fp.seek(0)
        fmt = sniff(opened.fp.read(8))
        if fmt == "xls":
            raise SpreadsheetError(
                filename,
                "不支持旧版 .xls 格式，请在 Excel/WPS 中另存为 .xlsx",
                "old .xls files are not read: save it as .xlsx in Excel or WPS",
            )
        if fmt == "xlsx":
            check_xlsx(opened.fp, opened.size, filename, limits)
            table = _xlsx_tables(opened, filename, fields)
        elif fmt == "parquet":
            parquet: IO[bytes] | str = opened.fp
            if opened.owned and opened.path:
                opened.fp.close()  # pyarrow opens the path itself and keeps it while reading
                parquet = opened.path
            table = _parquet_table(parquet, filename, fields, limits)
        else:
            table = _csv_table(opened, filename, fields, limits)
    finally:
        # xlsx and csv are read into memory before the rows are handed out.
        if opened.owned and fmt != "parquet":
            opened.fp.close()
    if table is None:
        raise SpreadsheetError(
            filename,
            "未找到表头：请使用下载的模板（中文或英文表头）",
            "no header row found: use the downloadable template (Chinese or English headers)",
        )
    return table
