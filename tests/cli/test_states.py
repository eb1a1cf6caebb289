"""`states` as a user runs it, on the real lists alone and on a scenario."""

import csv
import io
import json
import xml.etree.ElementTree as ET

from sanctionwatch.cli.main import main


def _raw_addresses(shared_data, un_country, ofac_country):
    """Ids of DPRK-programme records with an address in a country, read straight from the list files."""
    ids = set()
    root = ET.parse(shared_data / "sanctions" / "un_consolidated_2026-02-27.xml").getroot()
    for rec in root.iter():
        if rec.tag in ("INDIVIDUAL", "ENTITY") and (rec.findtext("UN_LIST_TYPE") or "").strip() == "DPRK":
            if any((a.findtext("COUNTRY") or "").strip() == un_country for a in rec.iter(rec.tag + "_ADDRESS")):
                ids.add("un-" + rec.findtext("REFERENCE_NUMBER").strip())
    sdn = shared_data / "sanctions" / "ofac_sdn_2024-05-03.csv"
    dprk = {r[0].strip() for r in csv.reader(open(sdn, encoding="latin-1")) if len(r) > 3 and "DPRK" in r[3]}
    for r in csv.reader(open(shared_data / "sanctions" / "ofac_add.csv", encoding="latin-1")):
        if len(r) > 4 and r[0].strip() in dprk and r[4].strip() == ofac_country:
            ids.add("ofac-" + r[0].strip())
    return ids


def test_real_lists_alone_give_true_figures(real_lists_db, shared_data, capsys):
    capsys.readouterr()
    assert main(["-q", "--db", real_lists_db, "states", "--format", "jsonl"]) == 0
    cards = {c["code"]: c for c in map(json.loads, capsys.readouterr().out.splitlines())}
    for code, un_name, ofac_name in (("cn", "China", "China"), ("ru", "Russian Federation", "Russia")):
        raw = _raw_addresses(shared_data, un_name, ofac_name)
        assert raw and raw <= set(cards[code]["listed_there_ids"])
    # The designated tankers the UN owners' entries name are all DPRK-flagged on OFAC's list.
    assert cards["kp"]["designated_tankers_flag"] == 10
    assert "designated_tankers_flag_ids" not in cards.get("pa", {})
    # Votes: China and Russia vetoed the 2022 draft; Russia the 2024 one, China abstained.
    assert "against 1 (draft 2022-05-26), abstain 1 (draft 2024-03-28)" in cards["cn"]["votes"]
    assert "against 2 (draft 2022-05-26, draft 2024-03-28)" in cards["ru"]["votes"]
    assert cards["cn"]["sts_with_dprk_linked"] == 0  # no AIS, no AIS evidence


def test_states_one_state_with_sources(real_lists_db, capsys):
    capsys.readouterr()
    assert main(["-q", "--db", real_lists_db, "states", "--state", "RU"]) == 0
    out = capsys.readouterr().out
    assert "Russian Federation (ru)" in out and "https://press.un.org/en/2024/sc15648.doc.htm" in out
    assert "Workers, midterm report (2019; midterm report due 2019-03-22)" in out


def test_states_unknown_code_is_not_found(tmp_path, capsys):
    assert main(["-q", "--db", str(tmp_path / "e.duckdb"), "states", "--state", "zz"]) == 2
    assert "no state 'zz'" in capsys.readouterr().err


def test_states_on_a_scenario_counts_ais_evidence(scenario_db, capsys):
    _, db = scenario_db
    capsys.readouterr()
    assert main(["-q", "--db", db, "states", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert int(next(r for r in rows if r["code"] == "kp")["dprk_port_calls"]) > 0
    assert sum(int(r["sts_with_dprk_linked"]) for r in rows if r["code"] != "kp") > 0
