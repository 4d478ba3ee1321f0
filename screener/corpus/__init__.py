"""Labelled synthetic corpora: generation, checking and a lexical baseline."""

from screener.corpus.baseline import baseline_auc
from screener.corpus.check import CorpusReport, check_corpus
from screener.corpus.generate import generate
from screener.corpus.write import COLUMNS, GENERATOR_VERSION, write_corpus

__all__ = ["COLUMNS", "GENERATOR_VERSION", "CorpusReport", "baseline_auc", "check_corpus", "generate", "write_corpus"]
