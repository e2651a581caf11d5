"""Reading human-edited YAML definition files safely, remembering where each value sits.

Every value read from a file keeps its line so that an error can name the file, the path
inside it (``targets[12].comparator``) and the line. Anchors and aliases are refused (they
are how "billion laughs" bombs are built and a plan file never needs them), as are
duplicated keys, which YAML would otherwise resolve silently by keeping the last one.

Pure Python: no Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

MAX_BYTES = 5 * 1024 * 1024

Loc = tuple[str | int, ...]


def format_loc(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(根 / root)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, said in Chinese and in English, and where."""

    file: str
    loc: Loc
    line: int | None
    zh: str
    en: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {format_loc(self.loc)}: {self.zh} / {self.en}"


class DefinitionFileError(Exception):
    """A definition file was refused; nothing has been written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        head = f"文件被拒绝，未写入任何数据 / file refused, nothing written ({len(self.problems)})"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


@dataclass
class LocatedDocument:
    """Parsed YAML data plus the line of every mapping key and sequence item."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        key = tuple(loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def problem(self, loc: Sequence[str | int], zh: str, en: str) -> Problem:
        return Problem(self.file, tuple(loc), self.line_of(loc), zh, en)


def read_yaml(path: Path, *, display_name: str | None = None) -> LocatedDocument:
    """Parse ``path``; raise :class:`DefinitionFileError` with a located problem on failure."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DefinitionFileError(
            [Problem(name, (), None, f"无法读取文件：{exc.strerror}", f"cannot read file: {exc}")]
        ) from None
    if size > MAX_BYTES:
        raise DefinitionFileError(
            [
                Problem(
                    name,
                    (),
                    None,
                    f"文件过大（{size} 字节，上限 {MAX_BYTES}）",
                    f"file too large ({size} bytes, limit {MAX_BYTES})",
                )
            ]
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DefinitionFileError(
            [
                Problem(
                    name,
                    (),
                    None,
                    f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                    f"file is not UTF-8 (byte {exc.start})",
                )
            ]
        ) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> LocatedDocument:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DefinitionFileError([Problem(name, (), None, "文件为空", "file is empty")])
        doc = LocatedDocument(name, None)
        problems: list[Problem] = []
        _check_node(node, (), doc.lines, problems, name, set())
        if problems:
            raise DefinitionFileError(problems)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise DefinitionFileError(
            [
                Problem(
                    name,
                    (),
                    line,
                    f"YAML 语法错误：{exc.problem}",
                    f"YAML syntax error: {exc.problem}",
                )
            ]
        ) from None
    finally:
        loader.dispose()
    return doc


def _check_node(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    problems: list[Problem],
    name: str,
    seen: set[int],
) -> None:
    line = node.start_mark.line + 1
    if id(node) in seen:
        problems.append(
            Problem(
                name,
                loc,
                line,
                "不允许使用锚点/别名（& 与 *）",
                "anchors and aliases are not allowed",
            )
        )
        return
    seen.add(id(node))
    lines[loc] = line
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":
                problems.append(
                    Problem(
                        name, loc, line, "不允许使用合并键 <<", "merge keys (<<) are not allowed"
                    )
                )
                continue
            if key in keys:
                problems.append(
                    Problem(
                        name,
                        (*loc, key),
                        key_node.start_mark.line + 1,
                        f"键 {key!r} 重复",
                        f"duplicated key {key!r}",
                    )
                )
            keys.add(key)
            _check_node(value_node, (*loc, key), lines, problems, name, seen)
            lines[(*loc, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_node(item, (*loc, index), lines, problems, name, seen)


# Chinese for pydantic's error types; the English is pydantic's own message.
ZH_ERRORS: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "literal_error": "取值无效",
    "enum": "取值无效",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "list_type": "应为列表",
    "dict_type": "应为映射",
    "model_type": "应为映射",
    "string_too_short": "不能为空",
    "string_too_long": "文本过长",
    "string_pattern_mismatch": "格式无效",
    "too_short": "条目太少",
    "too_long": "条目太多",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "date_from_datetime_parsing": "日期格式无效",
    "date_parsing": "日期格式无效",
    "date_type": "应为日期",
    "bool_type": "应为 true/false",
    "bool_parsing": "应为 true/false",
}


def structure[M: BaseModel](model: type[M], doc: LocatedDocument) -> M:
    """``doc`` validated as ``model``; every problem located (file, line, path) in Chinese
    and English, raised together as :class:`DefinitionFileError`."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(p if isinstance(p, int) else str(p) for p in err["loc"])
            # ``schema_`` is the field behind the ``schema`` key; a wrong key of a mapping
            # with fixed keys is reported at that key.
            loc = tuple("schema" if p == "schema_" else p for p in loc if p != "[key]")
            problems.append(
                doc.problem(loc, ZH_ERRORS.get(err["type"], "内容无效"), str(err["msg"]))
            )
        raise DefinitionFileError(problems) from None
