import importlib.util
import sys

from screening_sets import Case

from sanctionwatch.screening.screen import Query

from .conftest import BENCH

# bench/screening.py under another name: "screening" is also the tests' own package
_spec = importlib.util.spec_from_file_location("bench_screening", BENCH / "screening.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_screening"] = bench
_spec.loader.exec_module(bench)
Hit, Tally = bench.Hit, bench.Tally


def _case(set_name: str, acceptable: set[str]) -> Case:
    return Case(Query("q", "x"), set_name, "k", next(iter(acceptable), None), frozenset(acceptable))


def test_a_hit_needs_the_expected_record_ranked_first():
    t = Tally()
    assert not t.add(_case("mutation", {"a"}), [Hit("b", 0.9, "B", True), Hit("a", 0.8, "A", True)])
    assert t.add(_case("mutation", {"a"}), [Hit("a", 0.9, "A", True), Hit("c", 0.5, "C", False)])
    assert not t.add(_case("mutation", {"a"}), [Hit("a", 0.6, "A", False)])  # below the threshold
    assert (t.queries, t.positives, t.hits, t.matches, t.correct, t.alarms) == (3, 3, 1, 3, 2, 1)


def test_labelled_set_keeps_its_rule_and_negatives_count_alarms():
    t = Tally()
    assert t.add(_case("labelled", {"a"}), [Hit("b", 0.9, "B", True), Hit("a", 0.8, "A", True)])
    assert not t.add(_case("must_not_match", set()), [Hit("b", 0.9, "B", True)])
    assert t.add(_case("must_not_match", set()), [Hit("b", 0.5, "B", False)])
    assert (t.positives, t.hits, t.alarms, t.queries) == (1, 1, 2, 3)
    assert t.cells().split() == ["1.000", "0.333", "66.67%"]


def test_missing_list_files_exit_2(tmp_path, capsys):
    assert bench.main(["--data", str(tmp_path), "--no-peer"]) == 2
    assert "sanctions list files missing" in capsys.readouterr().err
