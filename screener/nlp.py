"""The project's spaCy pipeline: ``spacy.blank("en")`` plus registered parts.

- ``screener.normalizing_tokenizer.v1`` folds obfuscation out of the text before spaCy's English
  tokenizer runs, keeps the `NormalizedText` on ``doc._.normalized`` and gives number, money,
  phone and handle tokens a class NORM (``{AMOUNT}``, ``{AGE}`` ...) once per lexeme.
- ``screener_indicators`` matches the catalogue's phrases with a PhraseMatcher on NORM and turns
  contact-hiding obfuscation into hits; hits go to ``doc.spans["screener_hits"]``, labelled with
  the indicator id.
- ``screener_negation`` puts the hits in a negated or warning scope into
  ``doc.spans["screener_negated"]``; ``span._.negated`` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import registry

from screener._data import data_path, identity_words, load_yaml
from screener.errors import CatalogueError
from screener.indicators import Catalogue, load_catalogue
from screener.normalize import NormalizedText, Normalizer, deleet_word, number_word_value, respell_word
from screener.patterns import PLACEHOLDERS, Pattern, Slot, Word
from screener.pay import HIGH_PAY_SIGNAL, high_pay

__all__ = ["HITS_KEY", "NEGATED_KEY", "NORMALIZED_KEY", "build_nlp", "token_class"]

HITS_KEY = "screener_hits"

NORMALIZED_KEY = "screener.normalized"  # doc.user_data key of the NormalizedText
if not Doc.has_extension("normalized"):
    Doc.set_extension("normalized", getter=lambda doc: doc.user_data.get(NORMALIZED_KEY))
NEGATED_KEY = "screener_negated"
SENTENCE_ENDS = (".", "\n", "\n\n")  # NORMs no near rule reaches across ("?" and "!" often lead into a pitch)
NEAR_GAPS_KEY = "screener.near_gaps"  # doc.user_data: near-rule hit span -> token gaps between its sides
if not Span.has_extension("negated"):
    Span.set_extension(
        "negated",
        getter=lambda span: any(
            (s.start, s.end, s.label) == (span.start, span.end, span.label) for s in span.doc.spans.get(NEGATED_KEY, ())
        ),
    )

# spaCy reads these as contractions ("id" = "I'd", "wed" = "we'd"); in ads they are ID and wed.
_NOT_CONTRACTIONS = frozenset({"id", "wed"})
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
    ``earn {AMOUNT} {CURRENCY} a week`` matches any amount in any currency. Number words count
    as their value ("eighteen" is ``{AGE}``); single digits and digit words are ``{DIGIT}``, so
    a phone number spelled out or spaced apart is a run of ``{DIGIT}`` tokens.
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
    if not lower:
        return None
    if not (lower[0].isdigit() or lower[0] == "+"):
        value = number_word_value(lower)
        return None if value is None else _number_class(value, is_digit_word=value < 10)
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
    if lower.isdigit():
        return _number_class(int(lower), is_digit_word=len(lower) == 1)
    whole = re.split(r"[.,](?=\d{1,2}$)", lower)[0]
    return _number_class(int(re.sub(r"\D", "", whole) or 0), is_digit_word=False)


def _number_class(value: int, is_digit_word: bool) -> str:
    if is_digit_word:
        return "{DIGIT}"
    if 12 <= value <= 39:
        return "{AGE}"
    return "{AMOUNT}" if value >= 100 else "{NUM}"


def _table(name: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in load_yaml("normalization.yaml")[name].items()}


def _install_token_norms(vocab, lexicon: frozenset[str], targets: frozenset[str] = frozenset(), known: frozenset[str] = frozenset()) -> None:
    """Make each lexeme's NORM its class, the word its leetspeak stands for ("w0rk" -> "work"),
    or the word a texting spelling stands for ("ur" -> "your"), or the pattern word (of `targets`) an
    unknown word is a typo of ("pasport" -> "passport"); gendered words then fold to one neutral
    NORM ("girls", "boys" -> "g:youngs").

    spaCy computes a lexeme's attributes once, when the string is first seen, so this folding
    costs nothing per token afterwards.
    """
    default = vocab.lex_attr_getters[NORM]
    default = getattr(default, "screener_default", default)

    texting = _table("texting")
    neutral = _table("gender_neutral")

    def norm(text: str) -> str:
        word = (
            token_class(text)
            or deleet_word(text, lexicon)
            or texting.get(text.lower())
            or respell_word(text, targets, known)
            or default(text)
        )
        return neutral.get(word, word)

    norm.screener_default = default  # type: ignore[attr-defined]
    vocab.lex_attr_getters[NORM] = norm
    for lexeme in vocab:
        folded = norm(lexeme.orth_)
        if folded != lexeme.norm_:
            lexeme.norm_ = folded


def _lowercase(text: str) -> str:
    """`text` in lower case, character for character (so that offsets stay valid).

    Matching is case-blind, and spaCy's tokenizer knows contractions ("don't", "let's") only in
    lower or title case, so ALL-CAPS ads are tokenized in lower case.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class NormalizingTokenizer:
    """spaCy's tokenizer run on normalized text; the map back lives on ``doc._.normalized``."""

    def __init__(self, tokenizer: Callable[[str], Doc], normalizer: Normalizer) -> None:
        self.tokenizer = tokenizer
        self.normalizer = normalizer

    def __call__(self, text: str) -> Doc:
        normalized = self.normalizer(text)
        doc = self.tokenizer(_lowercase(normalized.text))
        doc.user_data[NORMALIZED_KEY] = normalized
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
        loaded = load_catalogue(catalogue or None)
        words = frozenset(loaded.pattern_words())
        normalizer = Normalizer(lexicon=words, words=False)
        known = normalizer.lexicon | loaded.example_words() | identity_words()
        _install_token_norms(nlp.vocab, normalizer.lexicon, words, known)
        base = spacy.tokenizer.Tokenizer(
            nlp.vocab,
            rules={k: v for k, v in nlp.Defaults.tokenizer_exceptions.items() if k.lower() not in _NOT_CONTRACTIONS},
            prefix_search=spacy.util.compile_prefix_regex(nlp.Defaults.prefixes).search,
            suffix_search=spacy.util.compile_suffix_regex(nlp.Defaults.suffixes).search,
            infix_finditer=spacy.util.compile_infix_regex(nlp.Defaults.infixes).finditer,
            token_match=nlp.Defaults.token_match,
            url_match=nlp.Defaults.url_match,
        )
        return NormalizingTokenizer(base, normalizer)

    return make


class IndicatorMatcher:
    """Finds catalogue indicators in a Doc (a SpanRuler-style component).

    Phrases are matched on NORM, so a ``{AMOUNT}`` placeholder matches any amount; a number
    written in a pattern must match itself, which is checked on the few candidate matches.
    Normalizer events (a phone number spelled out in words) and pay high for its currency's country
    (`screener.pay.high_pay`) produce the indicators whose ``signals`` name them. Hits of one indicator never overlap; hits of different indicators may.
    """

    def __init__(self, nlp: Language, name: str, catalogue: str = "") -> None:
        self.name = name
        self.catalogue: Catalogue = load_catalogue(catalogue or None)
        # Each pattern compiles to a few sequences of token slots (a slot holds the NORMs its
        # alternatives allow), not to the cartesian product of its alternatives; a PhraseMatcher
        # finds each sequence's rarest slot (its anchor) and the rest is checked around it.
        self.sequences: list[tuple[str, tuple[_SlotNorms, ...], str]] = []  # (label, slots, pattern source)
        # anchor NORM -> offset of the next rarest slot from the anchor (0: none) -> its NORM
        # -> [(sequence, anchor)]
        self.by_anchor: dict[int, dict[int, dict[int, list[tuple[int, int]]]]] = {}
        # near-rule side label ("id~rule~side") -> (indicator id, rule number, side, window, rule source)
        self.near: dict[str, tuple[str, int, int, int, str]] = {}
        # the commoner side of a near rule: first-slot NORM -> its sequences, checked near the other side
        self.followers: dict[str, dict[int, list[tuple[_SlotNorms, ...]]]] = {}
        compiler = _PatternCompiler(nlp)
        for indicator in self.catalogue:
            for pattern in indicator.patterns:
                self._add(indicator.id, compiler(pattern), compiler, pattern.source)
            for number, rule in enumerate(indicator.near):
                sides = [compiler(rule.first), compiler(rule.second)]
                # The rarer side is searched everywhere; the other only next to its matches.
                lead = min((0, 1), key=lambda side: max(compiler.rarest(q) for q in sides[side]))
                for side, sequences in enumerate(sides):
                    label = f"{indicator.id}~{number}~{side}"
                    self.near[label] = (indicator.id, number, side, rule.within, rule.source)
                    if side == lead:
                        self._add(label, sequences, compiler, rule.source)
                    else:
                        self.followers[label] = _first_slot_index(sequences)
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.matcher.add("anchor", [[norm] for norm in self.by_anchor])
        # The two sides of a near rule must be in one sentence.
        self.sentence_ends = frozenset(nlp.vocab.strings.add(mark) for mark in SENTENCE_ENDS)
        self._literal_cache: dict[int, str] = {}
        self.by_signal: dict[str, list[str]] = {}
        for indicator in self.catalogue:
            for signal in indicator.signals:
                self.by_signal.setdefault(signal, []).append(indicator.id)

    def _add(self, label: str, sequences, compiler: "_PatternCompiler", source: str) -> None:
        """Register compiled sequences of `label`, each under its anchor's NORMs."""
        for slots in sequences:
            anchor = compiler.anchor(slots)
            others = [i for i in range(len(slots)) if i != anchor]
            second = min(others, key=lambda i: (compiler.commonness(slots[i]), abs(i - anchor))) - anchor if others else 0
            number = len(self.sequences)
            self.sequences.append((label, slots, source))
            for norm in slots[anchor]:
                by_second = self.by_anchor.setdefault(norm, {}).setdefault(second, {})
                for second_norm in slots[anchor + second] if second else (0,):
                    by_second.setdefault(second_norm, []).append((number, anchor))

    def _literal_of(self, orth: int, strings) -> str:
        value = self._literal_cache.get(orth)
        if value is None:
            if len(self._literal_cache) > 100_000:
                self._literal_cache.clear()
            value = self._literal_cache[orth] = _literal(strings[orth])
        return value

    def _pair_near(self, ids: list[int], found: dict[str, list[tuple[int, int, str]]], gaps: dict[tuple[int, int], list[tuple[int, int]]]) -> None:
        """Replace near-rule side matches in `found` by hits where both sides are close enough,
        in one sentence.

        The tokens between the two sides go to `gaps`: a negation there negates the hit.
        """
        sides: dict[tuple[str, int], list[list[tuple[int, int]]]] = {}
        for label in [label for label in found if label in self.near]:
            indicator, number, side, _, _ = self.near[label]
            sides.setdefault((indicator, number), [[], []])[side].extend(found.pop(label))
        for (indicator, number), (firsts, seconds) in sides.items():
            _, _, _, window, source = self.near[f"{indicator}~{number}~0"]
            for a_start, a_end, _ in firsts:
                for b_start, b_end, _ in seconds:
                    low, high = min(a_end, b_end), max(a_start, b_start)
                    if 0 <= high - low <= window and not any(ids[k] in self.sentence_ends for k in range(low, high)):
                        span = (min(a_start, b_start), max(a_end, b_end))
                        found.setdefault(indicator, []).append((*span, source))
                        gaps.setdefault(span, []).append((low, high))

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[tuple[int, int, str]]] = {}
        matches = self.matcher(doc)
        ids: list[int] = []
        if matches:
            ids = doc.to_array(NORM).tolist()
            length = len(ids)
            for _, position, _ in matches:
                for second, by_norm in self.by_anchor[ids[position]].items():
                    if not second:
                        candidates = by_norm[0]
                    elif 0 <= position + second < length:
                        candidates = by_norm.get(ids[position + second], ())
                    else:
                        continue
                    if candidates:
                        self._verify(doc, ids, position, candidates, found)
            if self.followers:
                self._follow(doc, ids, found)
        return self._finish(doc, ids, found)

    def _follow(self, doc: Doc, ids: list[int], found: dict[str, list[tuple[int, int, str]]]) -> None:
        """Look for the commoner side of each near rule only within reach of its other side's matches."""
        for label in [label for label in found if label in self.near]:
            indicator, number, side, window, _ = self.near[label]
            other = f"{indicator}~{number}~{1 - side}"
            index = self.followers.get(other)
            if index is None:
                continue
            reach = window + max(len(q) for sequences in index.values() for q in sequences)
            positions = set()
            for start, end, _ in found[label]:
                positions.update(range(max(0, start - reach), min(len(ids), end + window + 1)))
            for position in sorted(positions):
                for slots in index.get(ids[position], ()):
                    self._verify_at(doc, ids, position, other, slots, "", found)

    def _verify_at(self, doc: Doc, ids: list[int], start: int, label: str, slots, source: str, found) -> None:
        end = start + len(slots)
        if end > len(ids):
            return
        for offset, slot in enumerate(slots):
            allowed = slot.get(ids[start + offset], 0)
            if allowed == 0:
                return
            if allowed is not None and self._literal_of(doc[start + offset].orth, doc.vocab.strings) not in allowed:
                return
        found.setdefault(label, []).append((start, end, source))

    def _verify(self, doc: Doc, ids: list[int], position: int, candidates, found: dict[str, list[tuple[int, int, str]]]) -> None:
        """Record the candidate sequences that match around the anchor at `position`."""
        for number, anchor in candidates:
            label, slots, source = self.sequences[number]
            if position - anchor >= 0:
                self._verify_at(doc, ids, position - anchor, label, slots, source, found)

    def _finish(self, doc: Doc, ids: list[int], found: dict[str, list[tuple[int, int, str]]]) -> Doc:
        """Pair near rules, add obfuscation hits, store non-overlapping hits per indicator."""
        if self.near:
            gaps: dict[tuple[int, int], list[tuple[int, int]]] = {}
            self._pair_near(ids, found, gaps)
            if gaps:
                doc.user_data[NEAR_GAPS_KEY] = gaps
        normalized: NormalizedText | None = doc.user_data.get(NORMALIZED_KEY)
        if normalized is not None and self.by_signal:
            events = list(normalized.events)
            if HIGH_PAY_SIGNAL in self.by_signal:
                events.extend((m.start, m.end, HIGH_PAY_SIGNAL) for m in high_pay(normalized.text))
            for start, end, signal in events:
                span = doc.char_span(start, end, alignment_mode="expand")
                for label in self.by_signal.get(signal, ()) if span is not None else ():
                    found.setdefault(label, []).append((span.start, span.end, f"signal:{signal}"))
        if found:
            ranges = sorted((start, end, label, source) for label, group in found.items() for start, end, source in _merged(group))
            doc.spans[HITS_KEY] = [Span(doc, start, end, label=label, span_id=source) for start, end, label, source in ranges]
        return doc


def _merged(ranges: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping token ranges of one indicator joined into one, with the first range's source."""
    ranges.sort()
    merged = [ranges[0]]
    for start, end, source in ranges[1:]:
        last_start, last_end, last_source = merged[-1]
        if start < last_end:
            merged[-1] = (last_start, max(last_end, end), last_source)
        else:
            merged.append((start, end, source))
    return merged


@dataclass(frozen=True, slots=True)
class _Values:
    """The values a class token may have in a slot: literals (a number written in a pattern means
    itself) and inclusive ranges (``{AGE:16-17}``)."""

    literals: frozenset[str] = frozenset()
    ranges: tuple[tuple[float, float], ...] = ()

    def __contains__(self, literal: str) -> bool:
        if literal in self.literals:
            return True
        if not self.ranges:
            return False
        try:
            value = float(literal)
        except ValueError:
            return False
        return any(low <= value <= high for low, high in self.ranges)

    def __or__(self, other: "_Values") -> "_Values":
        return _Values(self.literals | other.literals, self.ranges + other.ranges)


_SlotNorms = dict[int, "_Values | None"]  # NORM hash -> the values a class token must have, or None: any token


class _PatternCompiler:
    """Compiles a parsed pattern into sequences of token slots that ad text is matched on.

    The single-token alternatives of a choice merge into one slot; longer or empty alternatives
    branch into further sequences. spaCy's tokenizer splits on whitespace first,
    so each word is tokenized once and cached.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.words: dict[str, list[_SlotNorms]] = {}
        strings = nlp.vocab.strings
        ranked = [line for line in data_path("common_words.txt").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        # commonness: frequent ad words by rank, stop words and token classes as very common
        self.common: dict[int, int] = {strings.add(word): len(ranked) - rank for rank, word in enumerate(ranked)}
        for word in (*nlp.Defaults.stop_words, *".,;:!?-/()&+'\""):
            self.common[strings.add(word)] = max(self.common.get(strings.add(word), 0), len(ranked))
        for classes in PLACEHOLDERS.values():
            for c in classes:
                self.common[strings.add("{" + c + "}")] = 2 * len(ranked)

    def __call__(self, pattern: Pattern) -> list[tuple[_SlotNorms, ...]]:
        return [tuple(branch) for branch in self._sequence(pattern.parts) if branch]

    def _sequence(self, parts) -> list[list[_SlotNorms]]:
        branches: list[list[_SlotNorms]] = [[]]
        for part in parts:
            branches = [branch + tail for branch in branches for tail in self._part(part)]
        return branches

    def _part(self, part) -> list[list[_SlotNorms]]:
        if isinstance(part, Word):
            return [self._word(part.text)]
        if isinstance(part, Slot):
            strings = self.nlp.vocab.strings
            values = _Values(ranges=((part.low, part.high),)) if part.bounded else None
            return [[{strings.add("{" + c + "}"): values for c in part.classes}]]
        options = [sequence for option in part.options for sequence in self._sequence(option)]
        singles = [option[0] for option in options if len(option) == 1]
        if len(singles) < 2:
            return options
        merged: _SlotNorms = {}
        for slot in singles:
            for norm, values in slot.items():
                if norm in merged and merged[norm] is None or values is None:
                    merged[norm] = None
                else:
                    merged[norm] = merged.get(norm, _Values()) | values
        return [[merged], *(option for option in options if len(option) != 1)]

    def _word(self, word: str) -> list[_SlotNorms]:
        slots = self.words.get(word)
        if slots is None:
            slots = []
            for token in self.nlp.tokenizer(word):
                values = _Values(frozenset({_literal(token.text)})) if token.norm_.startswith("{") else None
                slots.append({token.norm: values})
            self.words[word] = slots
        return slots

    def anchor(self, slots) -> int:
        """The index of the rarest slot of a sequence."""
        return min(range(len(slots)), key=lambda i: self.commonness(slots[i]))

    def rarest(self, slots) -> int:
        """The commonness of the rarest slot of a sequence."""
        return self.commonness(slots[self.anchor(slots)])

    def commonness(self, slot: _SlotNorms) -> int:
        """How common a slot's NORMs are in ordinary ads (lower is rarer): the anchor choice."""
        return sum(self.common.get(norm, 0) + 1 for norm in slot)


def _first_slot_index(sequences) -> dict[int, list]:
    """Sequences by each NORM their first slot allows."""
    index: dict[int, list] = {}
    for slots in sequences:
        for norm in slots[0]:
            index.setdefault(norm, []).append(slots)
    return index


def _literal(text: str) -> str:
    """The value a class token is compared by: its number for numbers ("16yo", "sixteen" -> "16";
    "7.5" -> "7.5", never "75"; "5k" -> "5000")."""
    if text[:1].isdigit():
        whole, fraction = text, ""
        decimal = re.search(r"[.,](\d{1,2})\D*$", text)
        if decimal:
            whole, fraction = text[: decimal.start()], decimal.group(1)
        whole = re.sub(r"\D", "", whole).lstrip("0") or "0"
        if _THOUSANDS.match(text.lower()):
            value = float(f"{whole}.{fraction or 0}") * 1000
            return str(int(value)) if value.is_integer() else str(value)
        return f"{whole}.{fraction}" if fraction else whole
    value = number_word_value(text)
    return str(value) if value is not None else text.lower()


@Language.factory("screener_indicators", default_config={"catalogue": ""})
def make_indicator_matcher(nlp: Language, name: str, catalogue: str) -> IndicatorMatcher:
    """Registered factory of `IndicatorMatcher`."""
    return IndicatorMatcher(nlp, name, catalogue)


class NegationScope:
    """Marks hits in a negated or warning scope (``doc.spans["screener_negated"]``).

    Cues live in ``screener/data/negation.yaml``: a negation shortly before the hit in the
    same clause ("no fees"), one shortly after ("fees: none"), a warning earlier in the sentence
    ("beware of agencies that keep passports"), or the person as the holder ("you keep your
    passport"). Tokens are compared by NORM hash, only for Docs with hits.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        cues = load_yaml("negation.yaml")
        strings = nlp.vocab.strings

        def words(items: Iterable[str]) -> frozenset[int]:
            return frozenset(strings.add(item) for item in items)

        def phrases(items: Iterable[str]) -> dict[int, tuple[tuple[int, ...], ...]]:
            by_first: dict[int, set[tuple[int, ...]]] = {}
            for item in items:
                tokens = nlp.tokenizer(item)
                if any(t.norm_.startswith("{") for t in tokens):
                    raise CatalogueError(f"negation.yaml: cue {item!r} contains a number or handle; cues are words")
                by_first.setdefault(tokens[0].norm, set()).add(tuple(t.norm for t in tokens))
            return {first: tuple(group) for first, group in by_first.items()}

        self.clause_breaks = words(cues["clause_breaks"])
        self.sentence_breaks = words(cues["sentence_breaks"])
        self.scope_closers = self.clause_breaks | words(cues["scope_closers"])
        self.before = phrases(cues["before"])
        self.before_window = int(cues["before_window"])
        self.after = phrases(cues["after"])
        self.after_window = int(cues["after_window"])
        self.after_breaks = (self.clause_breaks | words(cues["after_stops"])) - words(cues["after_bridges"])
        self.warning = phrases(cues["warning"])
        self.not_negation: dict[int, list[tuple[tuple[int, ...], int]]] = {}
        for group in phrases(cues["not_negation"]).values():
            for phrase in group:
                for offset, token in enumerate(phrase):
                    self.not_negation.setdefault(token, []).append((phrase, offset))
        self.warning_window = int(cues["warning_window"])
        self.holder_subjects = words(cues["self_holder"]["subjects"])
        self.holder_window = int(cues["self_holder"]["window"])
        self.holder_verbs = words(cues["self_holder"]["verbs"])
        self.conditionals = words(cues["conditionals"])
        self.question = strings.add("?")

    def __call__(self, doc: Doc) -> Doc:
        hits = doc.spans.get(HITS_KEY)
        if not hits:
            return doc
        ids = doc.to_array(NORM).tolist()
        gaps = doc.user_data.get(NEAR_GAPS_KEY, {})
        negated = [
            span
            for span in hits
            if self._negated(ids, span.start, span.end)
            or any(self._find(ids, low, high, self.before) for low, high in gaps.get((span.start, span.end), ()))
        ]
        if negated:
            doc.spans[NEGATED_KEY] = negated
        return doc

    def _negated(self, ids: list[int], start: int, end: int) -> bool:
        # Each test first asks, at C speed, whether any cue word is near at all.
        low = max(0, start - self.before_window)
        if not self.before.keys().isdisjoint(ids[low:start]) or not self.holder_subjects.isdisjoint(ids[low:start]):
            low = _scope_start(ids, low, start, self.scope_closers)
            sentence = ids[_scope_start(ids, max(0, start - self.warning_window), start, self.sentence_breaks) : start]
            if self._find(ids, low, start, self.before) and self.conditionals.isdisjoint(sentence):
                return True
            holder = ids[max(low, start - self.holder_window) : start]
            if ids[start] in self.holder_verbs and not self.holder_subjects.isdisjoint(holder):
                return True
        low = max(0, start - self.warning_window)
        if not self.warning.keys().isdisjoint(ids[low:start]):
            if self._find(ids, _scope_start(ids, low, start, self.sentence_breaks), start, self.warning):
                return True
        high = min(len(ids), end + self.after_window)
        if end < len(ids) and ids[end] == self.question:
            high = min(high, end + 2)  # "Massage girls? No." but not the next sentence
        if not self.after.keys().isdisjoint(ids[end:high]):
            return self._find(ids, end, _scope_end(ids, end, high, self.after_breaks), self.after)
        return False

    def _find(self, ids: list[int], low: int, high: int, phrases: dict[int, tuple[tuple[int, ...], ...]]) -> bool:
        """Whether a cue of `phrases` lies within ``ids[low:high]``, not inside a non-negation."""
        for index in range(low, high):
            for phrase in phrases.get(ids[index], ()):
                if index + len(phrase) <= high and tuple(ids[index : index + len(phrase)]) == phrase:
                    if not self._not_negation_at(ids, index):
                        return True
        return False

    def _not_negation_at(self, ids: list[int], index: int) -> bool:
        for phrase, offset in self.not_negation.get(ids[index], ()):
            first = index - offset
            if first >= 0 and tuple(ids[first : first + len(phrase)]) == phrase:
                return True
        return False


def _scope_start(ids: list[int], low: int, start: int, breaks: frozenset[int]) -> int:
    """The first index of the scope that ends at `start`: after the last break at or after `low`."""
    for index in range(start - 1, low - 1, -1):
        if ids[index] in breaks:
            return index + 1
    return low


def _scope_end(ids: list[int], end: int, high: int, breaks: frozenset[int]) -> int:
    """The end of the scope that starts at `end`: the first break before `high`."""
    for index in range(end, high):
        if ids[index] in breaks:
            return index
    return high


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
