"""The flags' limits as settings (domain.plausibility.settings_from), and what a response's
provenance may store (services.responses.provenance)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from feedback_app.domain.plausibility import SettingError, Settings, settings_from, settings_values
from feedback_app.services.responses.provenance import MAX_SECONDS, Provenance


def test_shares_are_read_as_fractions_percentages_or_decimals() -> None:
    for raw in ("0.6", "60%", "60 %", "3/5", 0.6, "0,6"):
        assert settings_from({"assisted_share": raw}).assisted_share == Fraction(3, 5), raw
    assert settings_from({"open_link_share": "0"}).open_link_share == 0
    assert settings_from({"open_link_share": "100 %"}).open_link_share == 1


def test_counts_are_whole_numbers() -> None:
    assert settings_from({"burst_answers": "5", "burst_minutes": 1}).burst_answers == 5
    assert settings_from({"all_satisfied_min_answers": 0}).all_satisfied_min_answers == 0


@pytest.mark.parametrize(("values", "problem"), [
    ({"assisted_share": "101 %"}, "out_of_range"),
    ({"assisted_share": "-0.1"}, "out_of_range"),
    ({"assisted_share": "half"}, "not_a_number"),
    ({"assisted_share": True}, "not_a_number"),
    ({"burst_answers": "2.5"}, "not_a_number"),
    ({"burst_answers": -1}, "out_of_range"),
    ({"burst_minutes": 0}, "out_of_range"),  # a window of no minutes counts nothing
    ({"bursts": 3}, "unknown"),
])
def test_a_wrong_value_names_its_setting(values: dict[str, object], problem: str) -> None:
    with pytest.raises(SettingError) as wrong:
        settings_from(values)
    assert (wrong.value.name, wrong.value.problem) == (next(iter(values)), problem)


def test_changes_apply_over_a_base_and_read_back() -> None:
    base = settings_from({"burst_answers": 5})
    both = settings_from({"burst_minutes": 3}, base)
    assert (both.burst_answers, both.burst_minutes) == (5, 3)
    assert settings_from(settings_values(both)) == both  # the stored spelling reads back the same
    assert settings_values(Settings())["assisted_share"] == "1/2"


def test_provenance_is_bounded_to_its_columns() -> None:
    stored = Provenance(collector="c" * 100, device_key="d" * 64, address_key="a" * 64,
                        seconds=10 ** 9).columns()
    assert (len(stored["collector"]), len(stored["device_key"]), len(stored["address_key"])) == (64, 32, 32)
    assert stored["seconds"] == MAX_SECONDS
    assert Provenance(seconds=-5).columns()["seconds"] == 0
    assert Provenance().columns() == {"collector": None, "device_key": None, "address_key": None,
                                      "seconds": None}
