"""The petroleum ledger on hand-checkable figures: three deliveries, two factors, two scenarios."""

import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from sanctionwatch.model.ais import STATIC
from sanctionwatch.model.events import EVENTS
from sanctionwatch.regime.caps import (
    EstimatedDelivery,
    LedgerConfig,
    cumulative_by_day,
    estimate_deliveries,
    headline,
    ledger_records,
    ledger_year,
    select_reported,
)
from sanctionwatch.regime.reference import (
    Cap,
    ConversionFactor,
    NotificationRules,
    Regime,
    ReportedDelivery,
)

RULES = NotificationRules(
    30, 90, (75.0, 90.0, 95.0), "test", date(2019, 12, 22), date(2019, 3, 22), date(2020, 3, 22), "t"
)
F8 = ConversionFactor("eight", 8.0, "test", "t")
F75 = ConversionFactor("seven-half", 7.5, "test", "t")


def regime(*rows: ReportedDelivery, cap_bbl: float = 1000.0) -> Regime:
    return Regime(
        states={"cn": "China", "ru": "Russia"},
        decisions=(),
        caps=(Cap("refined", date(2018, 1, 1), None, cap_bbl, "S/RES/2397", "t"),),
        rules=RULES,
        factors=(F8, F75),
        estimates=(),
        deliveries=tuple(rows),
    )


def row(start, end, supplier, tons=None, barrels=None, granularity="year", basis="reported_to_committee"):
    return ReportedDelivery(
        date.fromisoformat(start), date.fromisoformat(end), supplier, tons, barrels, granularity, basis, "src"
    )


def delivery(day: str, capacity_t: float, eid: str) -> EstimatedDelivery:
    return EstimatedDelivery(
        f"d-{eid}",
        "port_call",
        date.fromisoformat(day),
        445000001,
        None,
        "Nampo",
        capacity_t,
        "tanker size",
        None,
        (eid,),
    )


CONFIG = LedgerConfig(factor="eight", load_factors=(0.5, 1.0))
THREE = [delivery("2030-03-01", 50, "a"), delivery("2030-06-01", 100, "b"), delivery("2030-09-01", 150, "c")]


def test_three_deliveries_under_each_factor_and_scenario():
    # Reported: 50 t for the year = 400 bbl at 8 bbl/t, 375 bbl at 7.5, spread evenly over 365 days.
    y = ledger_year(regime(row("2030-01-01", "2030-12-31", "cn", tons=50)), 2030, THREE, config=CONFIG)
    assert y.reported_bbl == {"eight": 400.0, "seven-half": 375.0}
    assert y.share == {"eight": 0.4, "seven-half": 0.375}
    got = {(s.factor, s.scenario): s for s in y.scenarios}
    # 300 t of capacity in all: cargo 150 t at 50 %, 300 t at 100 %.
    assert got["eight", "100%"].tons == 300 and got["eight", "100%"].barrels == 2400
    assert got["eight", "50%"].barrels == 1200
    assert got["seven-half", "100%"].barrels == 2250
    assert got["seven-half", "50%"].barrels == 1125
    assert got["eight", "100%"].total_bbl == pytest.approx(2800)
    assert got["seven-half", "50%"].share == pytest.approx((375 + 1125) / 1000)
    # 100 % at 8: by 1 March 65.8 (reported) + 400 < 1000; by 1 June 166.6 + 1200 >= 1000.
    assert got["eight", "100%"].crosses_cap_on == date(2030, 6, 1)
    # 50 % at 8: by 1 June 166.6 + 600 < 1000; by 1 September 267.4 + 1200 >= 1000.
    assert got["eight", "50%"].crosses_cap_on == date(2030, 9, 1)
    assert got["seven-half", "50%"].crosses_cap_on == date(2030, 9, 1)
    # Every estimated barrel points at its events; no measured draught change, no measured cargo.
    assert got["eight", "50%"].event_ids == ("a", "b", "c")
    assert got["eight", "measured"].deliveries == 0 and got["eight", "measured"].barrels == 0


def test_a_cap_not_crossed_has_no_date():
    y = ledger_year(regime(cap_bbl=10_000), 2030, THREE, config=CONFIG)
    assert all(s.crosses_cap_on is None for s in y.scenarios)
    assert "cap not crossed" in headline(y, "eight")


def test_notice_dates_follow_the_threshold_and_the_report_cycle():
    # 100 t = 800 bbl at 8 (80 % of 1000): 75 % is reached when 800 * days / 365 >= 750, on day 343.
    y = ledger_year(regime(row("2030-01-01", "2030-12-31", "cn", tons=100)), 2030, config=CONFIG)
    assert y.reached["eight"] == {75.0: date(2030, 12, 9), 90.0: None, 95.0: None}
    assert y.notices["eight"][75.0] == date(2031, 1, 8)  # + the 30-day supplier report cycle
    # At 7.5 the year is exactly 750 bbl: 75 % on the last day.
    assert y.reached["seven-half"][75.0] == date(2030, 12, 31)


def test_months_inside_a_year_time_the_deliveries():
    rows = (
        row("2030-01-01", "2030-01-31", "cn", tons=60, granularity="month"),
        row("2030-02-01", "2030-02-28", "cn", tons=40, granularity="month"),
        row("2030-01-01", "2030-12-31", "cn", tons=100),
    )
    y = ledger_year(regime(*rows), 2030, config=CONFIG)
    assert [r.kind for r in y.readings] == ["year"]  # the published aggregate, not the sum of months
    assert y.reported_bbl["eight"] == 800
    # 480 bbl by 31 January, then 320 over February's 28 days: 750 is passed on 24 February.
    assert y.reached["eight"][75.0] == date(2030, 2, 24)


def test_per_state_figures_beat_a_combined_row_covering_as_far():
    rows = [
        row("2030-01-01", "2030-12-31", "cn", tons=10),
        row("2030-01-01", "2030-12-31", "ru", barrels=300),
        row("2030-01-01", "2030-12-31", "cn+ru", tons=50),
    ]
    readings, _ = select_reported(rows, 2030)
    assert [r.supplier for r in readings] == ["cn", "ru"]
    # A combined row covering further wins over a state whose figure stops in April.
    rows[0] = row("2030-01-01", "2030-04-30", "cn", tons=10, granularity="period")
    readings, _ = select_reported(rows, 2030)
    assert [r.supplier for r in readings] == ["cn+ru"]


def test_us_estimates_are_not_reported_deliveries():
    rows = [row("2030-03-01", "2030-03-31", "ru", barrels=165000, granularity="month", basis="estimate_us_government")]
    assert select_reported(rows, 2030)[0] == []


def test_cumulative_spreads_a_row_over_its_days():
    curve = cumulative_by_day([(date(2030, 1, 1), date(2030, 1, 10), 100.0)], 2030)
    assert curve[0] == pytest.approx(10) and curve[9] == pytest.approx(100) and curve[-1] == pytest.approx(100)


def test_records_name_the_factor_and_scenario():
    y = ledger_year(regime(row("2030-01-01", "2030-12-31", "cn", tons=50)), 2030, THREE, config=CONFIG)
    recs = ledger_records([y], regime())
    reported = [r for r in recs if r["section"] == "reported"]
    assert {(r["factor"], r["barrels"]) for r in reported} == {("eight", 400.0), ("seven-half", 375.0)}
    est = [r for r in recs if r["section"] == "estimate" and r["factor"] == "eight" and r["scenario"] == "100%"]
    assert est[0]["event_ids"] == "a b c"


# --- estimating deliveries from events ----------------------------------------------------------

T0 = datetime(2030, 3, 1, tzinfo=UTC)


def _static(*rows):
    return pa.Table.from_pylist(
        [
            {
                "mmsi": m,
                "ts": T0,
                "imo": imo,
                "name": "X",
                "call_sign": None,
                "ship_type": st,
                "length_m": L,
                "width_m": B,
                "draught_m": T,
                "destination": None,
            }
            for m, imo, st, L, B, T in rows
        ],
        schema=STATIC,
    )


def _event(eid, kind, mmsi, other=None, day=1, **details):
    start = T0.replace(day=day)
    return {
        "event_id": eid,
        "type": kind,
        "mmsi": mmsi,
        "other_mmsi": other,
        "start": start,
        "end": start,
        "duration_h": 3.0,
        "lat": 38.0,
        "lon": 124.0,
        "details": json.dumps(details),
    }


def test_sts_with_a_dprk_ship_then_its_port_call_is_one_delivery():
    # Foreign tanker 100 x 20 m, 8 m draught: 100*20*8*0.8*1.025*0.8 = 10,496 t; DPRK tanker 80 x 12 x 5 = 3,148.8 t.
    static = _static(
        (412000001, 9000001, 80, 100, 20, 8), (445000002, None, 80, 80, 12, 5), (412000003, None, 70, 90, 15, 6)
    )
    events = pa.Table.from_pylist(
        [
            _event(
                "sts",
                "encounter",
                445000002,
                412000001,
                day=1,
                draught_before_m={"412000001": 8.0, "445000002": 3.0},
                draught_after_m={"412000001": 7.0, "445000002": 4.0},
            ),
            _event("call", "port_visit", 445000002, day=3, port="Nampo", dprk_port=True),
            _event("again", "port_visit", 445000002, day=5, port="Nampo", dprk_port=True),  # no reload: same cargo
            _event("cargo-ship", "port_visit", 412000003, day=2, port="Nampo", dprk_port=True),  # not a tanker
            _event("foreign", "port_visit", 412000001, day=6, port="Dalian", dprk_port=False),
        ],
        schema=EVENTS,
    )
    (d,) = estimate_deliveries(events, static)
    assert d.kind == "sts+port_call" and d.tanker_mmsi == 412000001 and d.receiver_mmsi == 445000002
    assert d.event_ids == ("sts", "call", "again")
    # The smaller hull bounds the transfer.
    assert d.capacity_t == pytest.approx(80 * 12 * 5 * 0.8 * 1.025 * 0.8)
    assert d.capacity_basis == "size of the smaller hull"
    # The supplier's draught fell 1 m: 100 * 20 * 1 * 0.85 * 1.025 = 1,742.5 t moved.
    assert d.measured_t == pytest.approx(1742.5)
    assert d.delivery_id.startswith("delivery-")


def test_a_designated_imo_links_a_foreign_flagged_ship_and_unknown_sizes_use_the_default():
    static = _static((412000001, None, 80, None, None, None), (351000002, 9000002, 70, 100, 20, 8))
    events = pa.Table.from_pylist([_event("sts", "encounter", 412000001, 351000002)], schema=EVENTS)
    assert estimate_deliveries(events, static) == []  # neither side DPRK-linked
    (d,) = estimate_deliveries(events, static, designated_imos={9000002}, config=LedgerConfig(default_capacity_t=1234))
    assert d.capacity_t == 1234 and d.capacity_basis.startswith("default")


def test_a_second_dprk_call_after_reloading_abroad_is_a_second_delivery():
    static = _static((445000002, None, 80, 80, 12, 5))
    events = pa.Table.from_pylist(
        [
            _event("c1", "port_visit", 445000002, day=1, port="Nampo", dprk_port=True),
            _event("load", "port_visit", 445000002, day=3, port="Nakhodka", dprk_port=False),
            _event("c2", "port_visit", 445000002, day=6, port="Rajin", dprk_port=True),
        ],
        schema=EVENTS,
    )
    assert [d.event_ids for d in estimate_deliveries(events, static)] == [("c1",), ("c2",)]
