from hangul import compose, decompose, romanise, syllable_count, to_hangul, word_to_hangul


def test_compose_round_trip():
    assert compose("ㄱ", "ㅣ", "ㅁ") == "김"
    assert decompose("김") == ("ㄱ", "ㅣ", "ㅁ")
    assert all(compose(*decompose(chr(c))) == chr(c) for c in range(0xAC00, 0xD7A4, 97))


def test_romanised_words():
    assert word_to_hangul("NAMCHONGANG") == "남천강"  # consonant-initial split preferred
    assert word_to_hangul("TAESONG") == "대성"  # DPRK system: t = ㄷ
    assert word_to_hangul("THAEK") == "택"
    assert word_to_hangul("JINYONG") == "진영"  # not 지녕
    assert word_to_hangul("AMROGGANG") == "암록강"  # not 암로깡
    assert word_to_hangul("SAMILPO") == "삼일포"
    assert word_to_hangul("SAENGP'IL") == "생필"  # MR: p' is aspirated
    assert to_hangul(["Kyo'ng-t'aek", "CHO'NG"]) == "경택정"  # MR: unmarked ch is ㅈ, o' is ㅓ
    assert word_to_hangul("GREEN") is None
    assert syllable_count("Jongun") == 2 and syllable_count("STRAND") is None


def test_names_and_companies():
    assert to_hangul(["KIM", "JONG", "UN"]) == "김정은"
    assert (
        to_hangul(["KOREA", "MINING", "DEVELOPMENT", "TRADING", "CORPORATION"], company=True) == "조선광업개발무역회사"
    )
    assert to_hangul(["MINING"]) == "미닝"  # without the vocabulary a word is only transliterated


def test_romanise():
    assert romanise("김민준") == "Kim Min-jun"
    assert romanise("홍정훈", surname_first=False) == "Jeong-hun Hong"
    assert romanise("이서연") == "Lee Seo-yeon"
