"""The normalizing tokenizer: obfuscation folded out before spaCy's English tokenizer, and token
classes as NORMs (``{AMOUNT}``, ``{AGE}`` ...), set once per lexeme."""

from __future__ import annotations

import re
from typing import Callable, Iterable

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from screener._data import gendered_norms, identity_words, load_yaml
from screener.indicators import load_catalogue
from screener.normalize import Normalizer
from screener.obfuscation import PHONE_DIGITS, deleet_word, number_word_value, respell_word
from screener.pipeline.keys import NORMALIZED_KEY

__all__ = ["NormalizingTokenizer", "create_normalizing_tokenizer", "token_class", "THOUSANDS"]

_NOT_CONTRACTIONS = frozenset({"id", "wed"})
#: Currency words and codes a ``{CURRENCY}`` token may be: the one-word aliases of the pay
#: reference (``data/pay_reference.yaml``: "kd", "sar", "riyals", "php", "₱", "vnd", "kip", "yuan",
#: "rmb", "rs", "ksh", "₦", "baht", "yen", "dinars" ...) and its capitalised codes that are no
#: English word ("KD", "SR", "QR", "JD"), and "P" (peso) and "Sh" (shilling) as ads write them
#: before a sum ("P40,000", "Sh 200,000"), less aliases that are common words or slang in ads.
_NOT_CURRENCY = frozenset("rp dong tk dh rand rands lev som soms lei leu real sol".split())
_CAPITAL_CURRENCIES = frozenset("rm kd sr qr jd lak ks cad".split())


def _currency_words() -> frozenset[str]:
    reference = load_yaml("pay_reference.yaml")["currencies"]
    words = {"$", "€", "£", "¥", "₹", "pound", "pounds", "p", "sh"}
    for row in reference.values():
        for alias in map(str, row.get("aliases", [])):
            if " " not in alias and alias == alias.lower():
                words.add(alias)
    return frozenset((words | _CAPITAL_CURRENCIES) - _NOT_CURRENCY)


_CURRENCIES = _currency_words()
_DIGITS = re.compile(r"^\+?\d[\d,.\s]*$")
_AGE_SUFFIX = re.compile(r"^(\d{2})(?:yo|y\.o|y/o|yrs|yr|y)$")
THOUSANDS = re.compile(r"^\d+(?:[.,]\d+)?k$")


def _glued_currency_prefix() -> str:
    """A prefix rule that splits a currency written against its sum ("P40,000", "KD150",
    "Sh200,000", "VND20 million") into the currency and the number, so that both the
    ``{CURRENCY}`` and the ``{AMOUNT}`` placeholders see them; only before a number that ends the
    word ("P2P", "A4" and "Rs2k" stay whole unless all of it is a sum). Dollars with a prefix
    ("NT$5,000", "S$1,578", "HK$800") are split the same way."""
    codes = sorted((w for w in _CURRENCIES if w.isalpha() or (w.endswith("$") and w[:-1].isalpha())), key=len, reverse=True)
    # A lookahead first (a digit right after at most a code's length of non-digits: no code holds
    # one) fails most words before the alternation of every code is tried (3.3 -> 1.5 us a word).
    guard = r"(?=\D{1,%d}+\d)" % len(codes[0])
    return guard + r"(?i:" + "|".join(map(re.escape, codes)) + r")(?=\d[\d,.]*(?:k|m|mn)?(?:[^\w]|$))"


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
    if THOUSANDS.match(lower):
        return "{AMOUNT}"
    if not _DIGITS.match(lower):
        return None
    digits = re.sub(r"\D", "", lower)
    if not digits:
        return None
    if len(digits) >= PHONE_DIGITS and not re.search(r"\d[.,]\d{3}(?:\D|$)", lower):
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
    NORM ("girls", "boys" -> "g:boys/girls").

    spaCy computes a lexeme's attributes once, when the string is first seen, so this folding
    costs nothing per token afterwards.
    """
    default = vocab.lex_attr_getters[NORM]
    default = getattr(default, "screener_default", default)

    texting = _table("texting")
    neutral = gendered_norms()

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
            prefix_search=spacy.util.compile_prefix_regex([*nlp.Defaults.prefixes, _glued_currency_prefix()]).search,
            suffix_search=spacy.util.compile_suffix_regex(nlp.Defaults.suffixes).search,
            infix_finditer=spacy.util.compile_infix_regex(nlp.Defaults.infixes).finditer,
            token_match=nlp.Defaults.token_match,
            url_match=nlp.Defaults.url_match,
        )
        return NormalizingTokenizer(base, normalizer)

    return make
