"""The project's spaCy pipeline: ``spacy.blank("en")`` plus registered parts.

- ``screener.normalizing_tokenizer.v1`` folds obfuscation out of the text before spaCy's English
  tokenizer runs, keeps the `NormalizedText` on ``doc._.normalized`` and gives number, money,
  phone and handle tokens a class NORM (``{AMOUNT}``, ``{AGE}`` ...) once per lexeme.
- ``screener_indicators`` matches the catalogue's phrases with a PhraseMatcher on NORM and turns
  contact-hiding obfuscation into hits; hits go to ``doc.spans["screener_hits"]``, labelled with
  the indicator id.
- ``screener_negation`` sets ``span._.negated`` on hits in a negated or warning scope.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, registry

from screener._data import load_yaml
from screener.indicators import Catalogue, load_catalogue
from screener.normalize import NormalizedText, Normalizer

__all__ = ["HITS_KEY", "build_nlp", "token_class"]

HITS_KEY = "screener_hits"

if not Doc.has_extension("normalized"):
    Doc.set_extension("normalized", default=None)
if not Span.has_extension("negated"):
    Span.set_extension("negated", default=False)

_CURRENCIES = frozenset(
    "$ € £ ¥ ₹ usd eur euro euros gbp dollar dollars pound pounds aed dirham dirhams ringgit "
    "rm sgd cad aud us$".split()
)
_DIGITS = re.compile(r"^\+?\d[\d,.\s]*$")
_AGE_SUFFIX = re.compile(r"^(\d{2})(?:yo|y\.o|y/o|yrs|yr|y)$")
_THOUSANDS = re.compile(r"^\d+(?:[.,]\d+)?k$")


def token_class(text: str) -> str | None:
    """The class placeholder for a token's text (``{AMOUNT}``, ``{AGE}`` ...), or None.

    These classes are the NORM of number-like tokens, so that a pattern such as
    ``earn {AMOUNT} {CURRENCY} a week`` matches any amount in any currency.
    """
    lower = text.lower()
    if lower in _CURRENCIES:
        return "{CURRENCY}"
    if len(lower) > 1 and lower[0] == "@" and lower[1:].replace("_", "").replace(".", "").isalnum():
        return "{HANDLE}"
    if "@" in lower and "." in lower.rsplit("@", 1)[-1]:
        return "{EMAIL}"
    if lower.startswith(("http://", "https://", "www.")):
        return "{URL}"
    if not lower or not (lower[0].isdigit() or lower[0] == "+"):
        return None
    age = _AGE_SUFFIX.match(lower)
    if age:
        return "{AGE}" if 12 <= int(age.group(1)) <= 39 else "{NUM}"
    if _THOUSANDS.match(lower):
        return "{AMOUNT}"
    if not _DIGITS.match(lower):
        return None
    digits = re.sub(r"\D", "", lower)
    if not digits:
        return None
    if len(digits) >= 7 and not re.search(r"\d[.,]\d{3}(?:\D|$)", lower):
        return "{PHONE}"
    if lower.isdigit() and 12 <= int(lower) <= 39:
        return "{AGE}"
    whole = re.split(r"[.,](?=\d{1,2}$)", lower)[0]
    value = int(re.sub(r"\D", "", whole) or 0)
    return "{AMOUNT}" if value >= 100 else "{NUM}"


def _install_token_classes(vocab) -> None:
    """Make the NORM of class tokens their placeholder, computed once per lexeme."""
    default = vocab.lex_attr_getters[NORM]
    if getattr(default, "screener_token_classes", False):
        return

    def norm(text: str) -> str:
        return token_class(text) or default(text)

    norm.screener_token_classes = True  # type: ignore[attr-defined]
    vocab.lex_attr_getters[NORM] = norm
    for lexeme in vocab:
        cls = token_class(lexeme.orth_)
        if cls:
            lexeme.norm_ = cls


class NormalizingTokenizer:
    """spaCy's tokenizer run on normalized text; the map back lives on ``doc._.normalized``."""

    def __init__(self, tokenizer: Callable[[str], Doc], normalizer: Normalizer) -> None:
        self.tokenizer = tokenizer
        self.normalizer = normalizer

    def __call__(self, text: str) -> Doc:
        normalized = self.normalizer(text)
        doc = self.tokenizer(normalized.text)
        doc._.normalized = normalized
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs) -> bytes:
        return self.tokenizer.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs) -> "NormalizingTokenizer":
        self.tokenizer.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path, **kwargs) -> None:
        self.tokenizer.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs) -> "NormalizingTokenizer":
        self.tokenizer.from_disk(path, **kwargs)
        return self


@registry.tokenizers("screener.normalizing_tokenizer.v1")
def create_normalizing_tokenizer(catalogue: str = "") -> Callable[[Language], NormalizingTokenizer]:
    """Registered tokenizer factory; `catalogue` is a catalogue folder, "" for the shipped one."""

    def make(nlp: Language) -> NormalizingTokenizer:
        _install_token_classes(nlp.vocab)
        base = spacy.tokenizer.Tokenizer(
            nlp.vocab,
            rules=nlp.Defaults.tokenizer_exceptions,
            prefix_search=spacy.util.compile_prefix_regex(nlp.Defaults.prefixes).search,
            suffix_search=spacy.util.compile_suffix_regex(nlp.Defaults.suffixes).search,
            infix_finditer=spacy.util.compile_infix_regex(nlp.Defaults.infixes).finditer,
            token_match=nlp.Defaults.token_match,
            url_match=nlp.Defaults.url_match,
        )
        words = load_catalogue(catalogue or None).pattern_words()
        return NormalizingTokenizer(base, _normalizer(frozenset(words)))

    return make


@lru_cache(maxsize=4)
def _normalizer(words: frozenset[str]) -> Normalizer:
    return Normalizer(lexicon=words)


class IndicatorMatcher:
    """Finds catalogue indicators in a Doc (a SpanRuler-style component).

    Phrases are matched on NORM, so a ``{AMOUNT}`` placeholder matches any amount; a number
    written in a pattern must match itself, which is checked on the few candidate matches.
    Normalizer events (a phone number spelled out in words) produce the indicators whose
    ``signals`` name them. Hits of one indicator never overlap; hits of different indicators may.
    """

    def __init__(self, nlp: Language, name: str, catalogue: str = "") -> None:
        self.name = name
        self.catalogue: Catalogue = load_catalogue(catalogue or None)
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        # match key -> (indicator id, ((token offset, literal), ...)) for phrases with literals
        self.literals: dict[str, tuple[str, tuple[tuple[int, str], ...]]] = {}
        for indicator in self.catalogue:
            plain = []
            for number, phrase in enumerate(indicator.phrases()):
                doc, literals = _phrase_doc(nlp, phrase)
                if literals:
                    key = f"{indicator.id}#{number}"
                    self.literals[key] = (indicator.id, literals)
                    self.matcher.add(key, [doc])
                else:
                    plain.append(doc)
            if plain:
                self.matcher.add(indicator.id, plain)
        self.by_signal: dict[str, list[str]] = {}
        for indicator in self.catalogue:
            for signal in indicator.signals:
                self.by_signal.setdefault(signal, []).append(indicator.id)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for key, start, end in self.matcher(doc, as_spans=False):
            label = self.matcher.vocab.strings[key]
            if label in self.literals:
                label, literals = self.literals[label]
                if any(_literal(doc[start + offset].text) != value for offset, value in literals):
                    continue
            spans.append(Span(doc, start, end, label=label))
        normalized: NormalizedText | None = doc._.normalized
        if normalized is not None and self.by_signal:
            for start, end, signal in normalized.events:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    spans.extend(Span(doc, span.start, span.end, label=i) for i in self.by_signal.get(signal, ()))
        by_label: dict[str, list[Span]] = {}
        for span in spans:
            by_label.setdefault(span.label_, []).append(span)
        hits = [s for group in by_label.values() for s in filter_spans(group)]
        hits.sort(key=lambda s: (s.start, s.end, s.label_))
        doc.spans[HITS_KEY] = hits
        return doc


_PLACEHOLDER_TOKEN = re.compile(r"(\{[A-Z]+\})")


def _phrase_doc(nlp: Language, phrase: str) -> tuple[Doc, tuple[tuple[int, str], ...]]:
    """A pattern phrase as a Doc whose NORMs match ad text, and its literal class tokens.

    Text between placeholders is tokenized and normalized like an ad; a placeholder becomes one
    token whose NORM is the class. A literal token that has a class NORM ("16" is ``{AGE}``) is
    returned with its offset so that matches can be checked against it.
    """
    words: list[str] = []
    spaces: list[bool] = []
    norms: list[str] = []
    literals: list[tuple[int, str]] = []
    for part in _PLACEHOLDER_TOKEN.split(phrase):
        if not part.strip():
            if words and part:
                spaces[-1] = True
            continue
        if _PLACEHOLDER_TOKEN.fullmatch(part):
            words.append(part)
            spaces.append(False)
            norms.append(part)
            continue
        for token in nlp.tokenizer(part):
            if token.is_space:
                continue
            if token_class(token.text):
                literals.append((len(words), _literal(token.text)))
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
            norms.append(token.norm_)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    for token, norm in zip(doc, norms):
        token.norm_ = norm
    return doc, tuple(literals)


def _literal(text: str) -> str:
    """The value a class token is compared by: its digits for numbers ("16yo" -> "16")."""
    digits = re.sub(r"\D", "", text)
    if digits and text[:1].isdigit():
        return digits.lstrip("0") or "0"
    return text.lower()


@Language.factory("screener_indicators", default_config={"catalogue": ""})
def make_indicator_matcher(nlp: Language, name: str, catalogue: str) -> IndicatorMatcher:
    """Registered factory of `IndicatorMatcher`."""
    return IndicatorMatcher(nlp, name, catalogue)


class NegationScope:
    """Marks hits in a negated or warning scope: ``span._.negated = True``.

    Cues live in ``screener/data/negation.yaml``: a negation shortly before the hit in the
    same clause ("no fees"), one shortly after ("fees: none"), a warning earlier in the sentence
    ("beware of agencies that keep passports"), or the person as the holder ("you keep your
    passport").
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        cues = load_yaml("negation.yaml")

        def phrases(items: Iterable[str]) -> frozenset[tuple[str, ...]]:
            return frozenset(tuple(t.norm_ for t in nlp.tokenizer(item)) for item in items)

        self.clause_breaks = frozenset(cues["clause_breaks"])
        self.sentence_breaks = frozenset(cues["sentence_breaks"])
        self.before = phrases(cues["before"])
        self.before_window = int(cues["before_window"])
        self.after = phrases(cues["after"])
        self.after_window = int(cues["after_window"])
        self.after_bridges = frozenset(cues["after_bridges"])
        self.warning = phrases(cues["warning"])
        self.holder_subjects = frozenset(cues["self_holder"]["subjects"])
        self.holder_window = int(cues["self_holder"]["window"])
        self.holder_verbs = frozenset(cues["self_holder"]["verbs"])

    def __call__(self, doc: Doc) -> Doc:
        hits = doc.spans[HITS_KEY] if HITS_KEY in doc.spans else ()
        if not hits:
            return doc
        norms = [t.norm_ if not t.is_space else "\n" for t in doc]
        for span in hits:
            if self._negated(norms, span.start, span.end):
                span._.negated = True
        return doc

    def _negated(self, norms: list[str], start: int, end: int) -> bool:
        before = self._scope_before(norms, start, self.clause_breaks, self.before_window)
        if _contains(before, self.before):
            return True
        sentence = self._scope_before(norms, start, self.sentence_breaks, 40)
        if _contains(sentence, self.warning):
            return True
        holder = before[-self.holder_window :]
        if norms[start] in self.holder_verbs and any(t in self.holder_subjects for t in holder):
            return True
        after: list[str] = []
        for norm in norms[end : end + self.after_window + 3]:
            if norm in self.clause_breaks and norm not in self.after_bridges:
                break
            after.append(norm)
        return _contains(after[: self.after_window + 2], self.after)

    @staticmethod
    def _scope_before(norms: list[str], start: int, breaks: frozenset[str], window: int) -> list[str]:
        scope: list[str] = []
        for norm in reversed(norms[max(0, start - window) : start]):
            if norm in breaks:
                break
            scope.append(norm)
        scope.reverse()
        return scope


def _contains(tokens: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    for size in {len(p) for p in phrases}:
        for index in range(len(tokens) - size + 1):
            if tuple(tokens[index : index + size]) in phrases:
                return True
    return False


@Language.factory("screener_negation")
def make_negation_scope(nlp: Language, name: str) -> NegationScope:
    """Registered factory of `NegationScope`."""
    return NegationScope(nlp, name)


def build_nlp(catalogue: str = "") -> Language:
    """The screener pipeline: normalizing tokenizer, indicator matcher, negation scope.

    Parameters
    ----------
    catalogue : str, optional
        A catalogue folder; the shipped catalogue when empty.
    """
    config = {"nlp": {"tokenizer": {"@tokenizers": "screener.normalizing_tokenizer.v1", "catalogue": catalogue}}}
    nlp = spacy.blank("en", config=config)
    nlp.add_pipe("screener_indicators", config={"catalogue": catalogue})
    nlp.add_pipe("screener_negation")
    return nlp
