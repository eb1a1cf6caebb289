"""Every rule of issue #4, on real names from the UN and OFAC lists in ../shared/data."""

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.screening.screen import BATCH_OUTPUT_COLUMNS, Query, Screener, screen_batch

from .factory import e


def top(screener, name, **kw):
    results = screener.match(Query("q", name, **kw), limit=5)
    return results[0] if results else None


def matched_ids(screener, name, **kw):
    return {r.entity.id for r in screener.match(Query("q", name, **kw), limit=10) if r.match}


# --- names survive -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "KIM YONG CHOL",  # as listed (UN KPi.024)
        "Kim Young Cheol",  # Revised Romanisation / common practice
        "Gim Yeong-cheol",
        "Kim Yong-chul",
        "Yong Chol Kim",  # token order
        "Kim Yongchol",  # joined given name
        "김영철",  # Hangul
        "Ким Ён Чхоль",  # Cyrillic (Kontsevich)
    ],
)
def test_kim_yong_chol_in_every_spelling(real_screener, query):
    assert "un-KPi.024" in matched_ids(real_screener, query)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("Kim Jong-un", "ofac-20157"),
        ("Kim Jongun", "ofac-20157"),
        ("김정은", "ofac-20157"),
        ("Ri Yong-mu", "un-KPi.053"),
        ("Lee Yong Mu", "un-KPi.053"),  # Ri / Lee
        ("Park Bong Nam", "un-KPi.073"),  # Pak / Park, Pong / Bong
        ("Choi Chun Sik", "un-KPi.013"),  # Choe / Choi
        ("Mun Chong Chol", "un-KPi.012"),  # MUN CHO'NG-CH'O'L
        ("Hyon Kwang Il", "un-KPi.015"),
        ("Hyeon Gwang-il", "un-KPi.015"),  # Kwang / Gwang, Hyon / Hyeon
        ("金铁三", "un-KPi.035"),  # Chinese alias of KIM CHOL SAM
        ("Jin Tiesan", "un-KPi.035"),
    ],
)
def test_people(real_screener, query, entity):
    assert entity in matched_ids(real_screener, query, schema="Person")


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("Korea Yujong Shipping Company Limited", "un-KPe.066"),
        ("KOREA YU JONG SHIPPING CORP.", "un-KPe.066"),
        ("Yujong Shipping", "un-KPe.066"),  # place word left out
        ("Namchongang Trade Co", "un-KPe.004"),
        ("Nam Chon Gang Trading Corporation", "un-KPe.004"),
        ("Chong Chon Gang Shipping Co., Ltd.", "un-KPe.022"),
        ("Korea Ansan Shipping Co", "un-KPe.062"),
        ("Ryonbong General Corp", "un-KPe.002"),
        ("Daedong Credit Bank", "un-KPe.023"),
        ("Namchongnag Trading", "un-KPe.004"),  # typos
        ("Korea Mining Developmnet Trading Corporaiton", "un-KPe.001"),
        ("Hapjangang Shipping", "un-KPe.058"),
    ],
)
def test_companies(real_screener, query, entity):
    assert entity in matched_ids(real_screener, query, schema="Organization")


@pytest.mark.parametrize("query", ["YU JONG 2", "YUJONG NO.2", "Yu Jong No 2", "YU-JONG 2", "유정 2호"])
def test_hull_number_formats(real_screener, query):
    assert "ofac-23736" in matched_ids(real_screener, query, schema="Vessel")


def test_other_hull_number_is_not_a_match(real_screener):
    assert "ofac-23736" not in matched_ids(real_screener, "YU JONG 3", schema="Vessel")


# --- look-alikes stay quiet ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "schema"),
    [
        ("Kim Min-jun", "Person"),  # ordinary South Korean names
        ("Lee Seo-yeon", "Person"),
        ("Park Ji-hoon", "Person"),
        ("Kim Yong Hwan", "Person"),  # shares two of three syllables with KIM YONG CHOL
        ("KOREA SHIPPING CORPORATION", "Organization"),  # generic words only
        ("KOREA TRADING CORPORATION", "Organization"),
        ("Korea Line Corporation", "Organization"),  # South Korean shipping companies
        ("Pan Ocean Co Ltd", "Organization"),
        ("Sinokor Merchant Marine", "Organization"),
        ("Qingdao Ocean Shipping Co", "Organization"),  # Chinese
        ("OCEAN STAR", "Vessel"),  # shares one common word with listed vessels
        ("GOLDEN STAR 3", "Vessel"),
    ],
)
def test_look_alikes_do_not_match(real_screener, query, schema):
    assert matched_ids(real_screener, query, schema=schema) == set()


# --- identifiers, dates, countries, schema ---------------------------------------------


def test_imo_dominates_and_is_written_any_way(real_screener):
    for imo in ("IMO 8604917", "8604917", "imo8604917"):
        best = top(real_screener, "UNKNOWN TANKER", schema="Vessel", imo=imo)
        assert best.entity.id == "ofac-23736" and best.match
        assert "IMO 8604917 on both" in best.explanation


def test_mismatching_evidence_lowers_the_score(real_screener):
    plain = top(real_screener, "Kim Yong Chol", schema="Person").score
    dob = top(real_screener, "Kim Yong Chol", schema="Person", birth_date="1990").score
    assert dob < plain
    country = [
        r
        for r in real_screener.match(Query("q", "Kim Yong Chol", schema="Person", nationality="South Korea"))
        if r.entity.id == "un-KPi.024"
    ]
    assert country[0].score < plain and "country_mismatch" in country[0].features
    imo = [
        r
        for r in real_screener.match(Query("q", "YU JONG 2", schema="Vessel", imo="9066978"))
        if r.entity.id == "ofac-23736"
    ]
    assert imo[0].score < 1.0 and not imo[0].match
    wrong_schema = [
        r for r in real_screener.match(Query("q", "YU JONG 2", schema="Person")) if r.entity.id == "ofac-23736"
    ]
    assert wrong_schema[0].score < 0.7


def test_result_records_algorithm_and_explanation(real_screener):
    best = top(real_screener, "Gim Yeong-cheol")
    assert best.algorithm == "dprk-v4"
    assert "name_match_v3" in best.features
    assert "romanisation" in best.explanation and "'Gim Yeong-cheol' ~ " in best.explanation


def test_unknown_schema_is_an_input_error():
    with pytest.raises(InputError, match="schema"):
        Screener([e("Person", "1", "A B")]).match(Query("q", "A B", schema="Ship"))


# --- batch ---------------------------------------------------------------------------------


def test_screen_batch_rows():
    screener = Screener([e("Vessel", "23736", "YU JONG 2", imoNumber="8604917"), e("Person", "p", "KIM YONG CHOL")])
    rows = list(
        screen_batch(
            screener,
            [{"id": "a", "name": "YUJONG NO.2", "schema": "Vessel"}, {"id": "b", "name": "Zzyzx Qwerty"}],
            limit=3,
        )
    )
    assert rows[0]["query_id"] == "a" and rows[0]["rank"] == "1" and rows[0]["match"] == "true"
    assert rows[0]["source_id"] == "23736" and rows[0]["algorithm"] == "dprk-v4"
    assert set(rows[0]) == set(BATCH_OUTPUT_COLUMNS)
    assert rows[-1] == {c: ("b" if c == "query_id" else "") for c in BATCH_OUTPUT_COLUMNS}


def test_screen_batch_rejects_rows_without_name():
    screener = Screener([e("Person", "p", "KIM YONG CHOL")])
    with pytest.raises(InputError, match="line 2"):
        list(screen_batch(screener, [{"id": "a", "name": ""}]))


def test_sample_list_screens():
    from sanctionwatch.lists.sample import load_sample

    screener = Screener(load_sample().entities)
    assert top(screener, "YUJONG NO.2", schema="Vessel").entity.source_id == "23736"


def test_hanja_and_russian_spellings_find_the_romanised_entry():
    people = [e("Person", "1", "KIM JONG UN"), e("Person", "2", "KIM JONG IL"), e("Person", "3", "CHOE RYONG HAE")]
    screener = Screener(people)
    for text, expected in (
        ("金正恩", "test-1"),
        ("Ким Чен Ын", "test-1"),
        ("Ким Чон Ын", "test-1"),
        ("崔龍海", "test-3"),
    ):
        best = screener.match(Query(id="q", name=text, schema="Person"), limit=1)
        assert best and best[0].match and best[0].entity.id == expected, (text, best)
    # Kim Jong Un in Russian is not Kim Jong Il
    results = screener.match(Query(id="q", name="Ким Чен Ын", schema="Person"), limit=3)
    assert [r.entity.id for r in results if r.match] == ["test-1"]
