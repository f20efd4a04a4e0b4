"""A misspelled key is reported as itself, with the field it resembles (issue 10: `cuont` was reported
only as a missing `count`)."""

import pytest

from bmdsim.scenario.errors import InputError
from bmdsim.scenario.schema import parse_scenario
from tests.robustness.conftest import BASE


@pytest.mark.parametrize("typo, field, line", [("cuont: 1", "raids[0].cuont", 10),
                                               ("mising: nodong", "raids[0].mising", 10)])
def test_misspelled_required_key_suggests_the_field(typo, field, line):
    original = "count: 1" if typo.startswith("cuont") else "missile: nodong"
    expected = "count" if typo.startswith("cuont") else "missile"
    with pytest.raises(InputError) as exc:
        parse_scenario(BASE.replace(original, typo), "s.yaml")
    assert str(exc.value) == f"s.yaml:{line}: {field}: unknown field (did you mean {expected!r}?)"


def test_unknown_key_without_a_close_field_is_plain():
    with pytest.raises(InputError, match=r"raids\[0\]\.colour: unknown field$"):
        parse_scenario(BASE.replace("count: 1}", "count: 1, colour: red}"), "s.yaml")
