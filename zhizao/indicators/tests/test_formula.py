import pytest

from zhizao.indicators.formula import (
    FormulaError,
    evaluate_formula,
    formula_variables,
)


@pytest.mark.parametrize(
    ("formula", "values", "expected"),
    [
        ("tax / land", {"tax": 370.0, "land": 10.0}, 37.0),
        ("(a + b) * 100 / c", {"a": 1.0, "b": 2.0, "c": 6.0}, 50.0),
        ("-a + 2", {"a": 0.5}, 1.5),
        ("a / b", {"a": 1.0, "b": 0.0}, None),
        ("a / b", {"a": 1.0}, None),
    ],
)
def test_formula_values(formula: str, values: dict[str, float], expected: float | None) -> None:
    assert evaluate_formula(formula, values) == expected


def test_formula_variables_are_the_codes_it_names() -> None:
    assert formula_variables("va_total / (land_mu + 0)") == {"va_total", "land_mu"}


@pytest.mark.parametrize(
    "formula",
    ["__import__('os')", "a.b", "a ** 2", "a if b else c", "[a]", "a +", "'x'", "a // b"],
)
def test_anything_but_arithmetic_over_codes_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError):
        formula_variables(formula)
