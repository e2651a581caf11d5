"""Derived indicators: a formula over other indicators' codes.

A derived indicator (e.g. 亩均税收 = ``tax / land_mu``) is defined in the plan file by an
arithmetic expression over indicator codes: numbers, codes, + − × ÷ and brackets. The
expression is parsed, never executed: anything else (calls, attributes, names that are
not codes) is refused. Pure Python: no Django here.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping

_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div)


class FormulaError(ValueError):
    pass


def parse_formula(text: str) -> ast.Expression:
    if len(text) > 500:
        raise FormulaError("公式过长 / formula too long")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise FormulaError(f"公式语法错误 / formula syntax error: {text!r}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Load | ast.Name | ast.BinOp | ast.UnaryOp):
            if isinstance(node, ast.BinOp) and not isinstance(node.op, _BINARY):
                raise FormulaError(f"公式只允许 + - * / / only + - * / are allowed: {text!r}")
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise FormulaError(f"公式只允许正负号 / only unary + and - are allowed: {text!r}")
            continue
        if isinstance(node, ast.operator | ast.unaryop):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            continue
        raise FormulaError(
            f"公式含不允许的成分 {type(node).__name__} / formula element not allowed: {text!r}"
        )
    return tree


def formula_variables(text: str) -> set[str]:
    return {n.id for n in ast.walk(parse_formula(text)) if isinstance(n, ast.Name)}


def evaluate_formula(text: str, values: Mapping[str, float]) -> float | None:
    """The formula's value, or None when an operand is missing or a division is by zero."""

    def walk(node: ast.AST) -> float | None:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            return values.get(node.id)
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            if inner is None:
                return None
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if right == 0:
                return None
            return left / right
        raise FormulaError(f"unexpected {type(node).__name__}")

    result = walk(parse_formula(text))
    return result if result is None or math.isfinite(result) else None
