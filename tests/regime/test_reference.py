"""The shipped regime facts: loaded, consistent, and matching ../shared/data/regime where present."""

import csv
import io
from datetime import date

import pytest
import yaml

from sanctionwatch.exc import InputError
from sanctionwatch.regime.caps import ledger_year
from sanctionwatch.regime.reference import load_regime, parse_deliveries, read_deliveries_csv

SUPPLIERS = {"China": "cn", "Russia": "ru", "China+Russia": "cn+ru", "All reporting states": "all"}


def test_every_fact_has_a_source():
    r = load_regime()
    assert all(d.source.startswith("http") for d in r.decisions)
    assert all(f.source.startswith("http") and f.basis for f in r.factors)
    assert all(d.source.startswith("http") for d in r.deliveries)
    assert all(e.source.startswith("http") for e in r.estimates)


def test_votes_per_member():
    r = load_regime()
    by_id = {d.id: d for d in r.decisions}
    res = by_id["S/RES/2397 (2017)"]
    assert len(res.members) == 15 and all(res.vote_of(m) == "for" for m in res.members)
    draft = next(d for d in r.decisions if d.date == date(2022, 5, 26))
    assert draft.vote_of("cn") == draft.vote_of("ru") == "against" and draft.vote_of("us") == "for"
    assert sum(draft.vote_of(m) == "for" for m in draft.members) == 13
    panel = next(d for d in r.decisions if d.date == date(2024, 3, 28))
    assert panel.vote_of("ru") == "against" and panel.vote_of("cn") == "abstain" and panel.vote_of("jp") == "for"
    assert panel.vote_of("de") is None  # not on the Council


def test_the_2018_cap_and_reported_share():
    r = load_regime()
    assert r.refined_cap(2018).cap_bbl == 500_000
    y = ledger_year(r, 2018)
    # China and Russia's combined 2018 figure, 48,430 t: 382,597 bbl at 7.9 bbl/t = 76.5 % of the cap.
    assert y.reported_tons_only == 48_430
    assert y.reported_bbl["committee-2019"] == pytest.approx(48_430 * 7.9)
    assert y.share["committee-2019"] == pytest.approx(0.765, abs=0.001)
    assert [e.id for e in y.published][:2] == ["us-2018-07", "us-2019-03"]


def test_petroleum_rows_match_the_shared_file(shared_data):
    shared = list(csv.DictReader(open(shared_data / "regime" / "petroleum_reports.csv", encoding="utf-8")))
    ours = {(d.period_start.isoformat(), d.period_end.isoformat(), d.supplier): d for d in load_regime().deliveries}
    assert len(ours) == len(shared)
    for row in shared:
        d = ours[row["period_start"], row["period_end"], SUPPLIERS[row["member_state"]]]
        assert d.tons == (float(row["tons"]) if row["tons"] else None)
        assert d.barrels == (float(row["barrels"]) if row["barrels"] else None)
        assert (d.granularity, d.basis, d.source) == (row["granularity"], row["basis"], row["source"])


def test_facts_match_the_shared_yaml(shared_data):
    doc = yaml.safe_load(open(shared_data / "regime" / "dprk.yaml", encoding="utf-8"))
    r = load_regime()
    shared_factors = sorted(f["barrels_per_tonne"] for f in doc["conversion_factors"] if "barrels_per_tonne" in f)
    assert sorted(f.barrels_per_ton for f in r.factors) == shared_factors
    adopted = {d.id: d for d in r.decisions if d.adopted}
    for res in doc["resolutions"]:
        if "vote" in res:
            ours = adopted[res["id"]]
            assert ours.date == res["adopted"]
            assert (ours.vote.in_favour, ours.vote.against, ours.vote.abstain) == tuple(res["vote"].values())
    drafts = [d for d in r.decisions if not d.adopted]
    assert [d.date for d in drafts] == [d["date"] for d in doc["failed_drafts"]]
    names = {"China": "cn", "Russian Federation": "ru"}
    assert [list(d.vote.against_by) for d in drafts] == [
        [names[n] for n in d["vetoed_by"]] for d in doc["failed_drafts"]
    ]
    us2018 = next(e for e in r.estimates if e.id == "us-2018-07")
    shared2018 = doc["cap_breach_estimates"][0]
    assert us2018.deliveries == shared2018["tanker_port_calls"]
    assert [(lf, bbl) for lf, bbl, _ in us2018.scenarios] == [
        (s["laden_fraction"], s["barrels"]) for s in shared2018["scenarios"]
    ]
    rules = doc["notification_rules"]
    assert r.rules.refined_report_every_days == rules["refined_petroleum_supplier_report"]["frequency_days"]
    assert r.rules.crude_report_every_days == rules["crude_oil_supplier_report"]["frequency_days"]
    assert list(r.rules.notice_thresholds_percent) == rules["cap_threshold_notices"]["thresholds_percent_of_cap"]
    assert r.rules.workers_final_report_due == rules["overseas_workers_reports"]["final_report_due"]
    ru = [w for w in r.workers if w.state == "ru"]
    assert ru[0].figures["workers_at_start"] == doc["overseas_workers"]["member_state_reports"][0]["workers_start"]


def test_a_user_csv_is_read_and_checked(tmp_path):
    good = tmp_path / "mine.csv"
    good.write_text(
        '# my own notes\nperiod_start,period_end,supplier,tons,barrels\n2030-01-01,2030-01-31,CN,"1,000",\n'
    )
    (d,) = read_deliveries_csv(good)
    assert (d.supplier, d.tons, d.barrels, d.granularity, d.basis) == ("cn", 1000.0, None, "month", "user")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("start,end\n", "missing column(s) period_start, period_end, supplier"),
        ("period_start,period_end,supplier\n", "tons or barrels"),
        (
            "period_start,period_end,supplier,tons\n2030-13-01,2030-12-31,cn,1\n",
            "line 2: period_start/period_end must be ISO dates",
        ),
        ("period_start,period_end,supplier,tons\n2030-01-01,2031-01-31,cn,1\n", "same calendar year"),
        ("period_start,period_end,supplier,tons\n2030-01-01,2030-01-31,China,1\n", "ISO alpha-2 code"),
        ("period_start,period_end,supplier,tons\n2030-01-01,2030-01-31,cn,lots\n", "'lots' is not a number"),
        ("period_start,period_end,supplier,tons\n2030-01-01,2030-01-31,cn,-5\n", "must not be negative"),
        ("period_start,period_end,supplier,tons,barrels\n2030-01-01,2030-01-31,cn,,\n", "give tons or barrels"),
    ],
)
def test_user_csv_errors_say_what_to_fix(text, message):
    with pytest.raises(InputError) as err:
        parse_deliveries(io.StringIO(text), "mine.csv")
    assert message in str(err.value)


def test_a_missing_user_csv_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_deliveries_csv(tmp_path / "absent.csv")
