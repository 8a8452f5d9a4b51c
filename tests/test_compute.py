from __future__ import annotations

from datetime import date

from pac_excel import compute


def test_variance_and_attainment_need_both_values():
    assert compute.variance(40, 46) == 6
    assert compute.attainment(40, 46) == 46 / 40
    assert compute.variance(None, 46) is None and compute.attainment(40, None) is None
    assert compute.attainment(0, 5) is None  # undefined, never an error or a 0


def test_budget_variance_and_roi():
    assert compute.budget_variance(8000, 9200) == 1200
    assert compute.roi(41000, 9200) == (41000 - 9200) / 9200
    assert compute.roi(41000, 0) is None
    assert compute.roi(None, 100) is None


def test_late_only_when_open_and_past():
    today = date(2026, 11, 16)
    assert compute.is_late(date(2026, 6, 30), closed=False, as_of=today) is True
    assert compute.is_late(date(2026, 6, 30), closed=True, as_of=today) is False
    assert compute.is_late(date(2026, 11, 16), closed=False, as_of=today) is False  # due today: not yet late
    assert compute.is_late(None, closed=False, as_of=today) is None


def test_kpi_attainment_is_direction_aware_and_blank_when_flat():
    assert compute.kpi_attainment(150, 180, 171) == (171 - 150) / (180 - 150)
    assert compute.kpi_attainment(900, 700, 760) == (760 - 900) / (700 - 900)  # lower is better: 70 %
    assert compute.kpi_attainment(10, 10, 12) is None
    assert compute.latest_value([1, None, 3, None]) == 3 and compute.latest_value([None, None]) is None


def test_split_target_follows_weights():
    parts = compute.split_target(1200, [1, 2, 1])
    assert parts == [300, 600, 300]
    assert compute.split_target(None, [1, 1]) == [None, None]
    assert compute.split_target(100, [0, 0]) == [None, None]
