from __future__ import annotations

import pytest

from gitops_release.gates.gocompat import quantity


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.5", "1500m"),
        ("0.05", "50m"),
        ("1", "1"),
        ("104857600", "104857600"),
        ("2000", "2k"),
        ("1500", "1500"),
        ("1024Mi", "1Gi"),
        ("1.5Gi", "1536Mi"),
        ("0.5Ki", "512"),
        ("1000m", "1"),
        ("1e3", "1e3"),
        ("0.1n", "1n"),
        ("6G", "6G"),
    ],
)
def test_canonical_form(text: str, canonical: str) -> None:
    assert quantity.parse_quantity(text).canonical() == canonical


def test_comparison_and_instances() -> None:
    assert (
        quantity.compare(quantity.parse_quantity("100Mi"), quantity.parse_quantity("104857600"))
        == 0
    )
    assert quantity.compare(quantity.parse_quantity("6G"), quantity.parse_quantity("6Gi")) < 0
    assert quantity.quantity_from_instance(0.5).value == quantity.parse_quantity("500m").value
    with pytest.raises(quantity.QuantityError, match="not a string"):
        quantity.quantity_from_instance(True)
    with pytest.raises(quantity.QuantityError):
        quantity.parse_quantity("12 apples")
