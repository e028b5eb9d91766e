"""Brand gazetteer: learn brand names from the data, find them in titles.

Brands come from the offers' ``brand`` column and from words that start many titles
followed by many different words (``bosch kgn36…``, ``bosch smv40…``, ``bosch serie…``
make ``bosch`` a brand; ``digital camera …`` does not make ``digital`` one). A user
synonyms file maps names across scripts to one canonical name (``LISTAR`` = ``리스타`` =
``라이스타``). Titles are matched with one Aho-Corasick automaton (pyahocorasick) on
token boundaries of ``title_clean``; the earliest, then longest, match wins.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku.analyse._resources import fold, is_cjk, read_tsv
from samesku.analyse.text import clean_titles

__all__ = ["BrandGazetteer", "brand_script", "brands_related", "load_synonyms", "normalise_brand"]

_FORMAT_VERSION = 1
_PUNCT_RE = re.compile(r"[^\w\s&+'.-]|_")
_SPACE_RE = re.compile(r"\s+")
# Legal-form words: "Apple Inc." and "Apple" are one brand.
_LEGAL_RE = re.compile(
    r"(?:^|\s)(?:inc|ltd|llc|corp|corporation|co|company|gmbh|ag|kg|sa|s\.a|srl|bv|plc|pt|tbk|"
    r"주식회사|\(주\)|㈜|株式会社|有限公司|股份有限公司)\.?(?=\s|$)"
)


@cache
def _stopwords() -> frozenset[str]:
    words = (_SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", fold(row[0]))).strip() for row in read_tsv("brand_stopwords.tsv"))
    return frozenset(words)


def normalise_brand(name: str | None) -> str | None:
    """Canonical spelling of a brand value before synonyms: folded, punctuation and legal
    forms removed (``"Apple Inc."`` → ``"apple"``, ``"[LISTAR]"`` → ``"listar"``).

    Args:
        name: A brand as written.

    Returns:
        The normalised name, or ``None`` when nothing (or only a placeholder such as
        ``"unknown"`` / ``"기타"``) is left.
    """
    if not name:
        return None
    text = _PUNCT_RE.sub(" ", fold(name))
    text = _LEGAL_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip(" .-'")
    if not text or text in _stopwords():
        return None
    return text


_HANGUL_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_KANA_RE = re.compile("[\u3040-\u30ff]")
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def brand_script(name: str) -> str:
    """The script a brand is written in: ``hangul``, ``kana`` (with or without Han),
    ``han`` or ``latin`` (anything else)."""
    if _HANGUL_RE.search(name):
        return "hangul"
    if _KANA_RE.search(name):
        return "kana"
    return "han" if _HAN_RE.search(name) else "latin"


def brands_related(a: str, b: str) -> float:
    """How two different normalised brand names relate: 1.0 when they are spellings of one
    brand, NaN when they cannot be compared, 0.0 when they conflict.

    One brand is spelled ``lg`` and ``lg electronics`` (a leading word), ``fuji`` and
    ``fujifilm`` (a prefix of 3+ letters; 2+ CJK characters, ``웅진`` / ``웅진식품``),
    ``one plus`` and ``oneplus`` (spacing), ``nb`` and ``new balance`` (initials). Names in
    different scripts (``samsung`` / ``三星``) are not compared: without a synonyms file
    nothing says whether they are one brand, so they are neither agreement nor conflict.
    """
    if a == b:
        return 1.0
    script = brand_script(a)
    if script != brand_script(b):
        return float("nan")
    short, long = sorted((a, b), key=len)
    if short.replace(" ", "") == long.replace(" ", ""):
        return 1.0
    min_prefix = 3 if script == "latin" else 2
    if long.startswith(short) and (len(short) >= min_prefix or long[len(short)] == " "):
        return 1.0
    words = long.split()
    if len(words) >= 2 and " " not in short and short == "".join(w[0] for w in words):
        return 1.0
    return 0.0


def load_synonyms(path: str | Path) -> dict[str, str]:
    """Read a user synonyms file mapping brand spellings to one canonical name.

    Formats:

    * TSV / text: one brand per line, canonical name first, then its other spellings,
      separated by tabs or by ``=`` (``LISTAR = 리스타 = 라이스타``); ``#`` comments.
    * TOML (``.toml``): a table of ``canonical = ["alias", ...]`` (or a single string),
      at top level or under ``[brands]`` / ``[synonyms]``.

    Args:
        path: The file.

    Returns:
        ``{normalised spelling: normalised canonical}``, canonical names included.
    """
    path = Path(path)
    groups: list[list[str]] = []
    if path.suffix.lower() == ".toml":
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        table = data.get("brands", data.get("synonyms", data))
        for canonical, aliases in table.items():
            if isinstance(aliases, str):
                aliases = [aliases]
            if isinstance(aliases, list):
                groups.append([str(canonical), *map(str, aliases)])
    else:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                groups.append([p for p in re.split(r"\t|=", line) if p.strip()])
    synonyms: dict[str, str] = {}
    for group in groups:
        names = [n for n in (normalise_brand(g) for g in group) if n]
        if names:
            for name in names:
                synonyms[name] = names[0]
    return synonyms


class BrandGazetteer:
    """Known brand spellings and their canonical names, matchable in titles.

    Build one with :meth:`learn`, save it with :meth:`to_dict` and restore it with
    :meth:`from_dict`. Instances pickle (the automaton is rebuilt on demand), so they can
    be shipped to Spark workers.
    """

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        """Create a gazetteer.

        Args:
            names: ``{spelling: canonical}``; both are normalised with
                :func:`normalise_brand`.
        """
        self._names: dict[str, str] = {}
        self._automaton: ahocorasick.Automaton | None = None
        for surface, canonical in (names or {}).items():
            self.add(surface, canonical)

    # --- building ---------------------------------------------------------------------
    def add(self, surface: str, canonical: str | None = None) -> None:
        """Add a spelling (mapped to ``canonical``, or to itself)."""
        norm = normalise_brand(surface)
        if norm is None:
            return
        self._names[norm] = normalise_brand(canonical) or norm if canonical else norm
        self._automaton = None

    @classmethod
    def learn(
        cls,
        offers: pa.Table,
        synonyms: Mapping[str, str] | None = None,
        *,
        min_titles: int = 5,
        min_distinct_next: int = 3,
    ) -> BrandGazetteer:
        """Learn brands from offers.

        Args:
            offers: Table with ``title`` and optionally ``brand``.
            synonyms: ``{spelling: canonical}`` (e.g. from :func:`load_synonyms`).
            min_titles: A leading title word must start at least this many titles …
            min_distinct_next: … followed by at least this many different words.

        Returns:
            The gazetteer.
        """
        values: list[str | None] = []
        if S.BRAND in offers.column_names:
            values = pc.unique(offers.column(S.BRAND).cast(pa.string())).to_pylist()
        leads: set[str] = set()
        aliases: dict[str, str] = {}
        if S.TITLE in offers.column_names and offers.num_rows:
            words = leading_words(offers.column(S.TITLE))
            stats = leading_word_stats(words)
            leads = brands_from_lead_stats(stats, min_titles, min_distinct_next)
            aliases = series_aliases(word_pair_counts(words), stats, leads | {v for v in map(normalise_brand, values) if v})
        return cls.from_statistics(values, leads, synonyms, aliases)

    @classmethod
    def from_statistics(
        cls, brand_values: list[str | None], lead_brands: set[str], synonyms: Mapping[str, str] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> BrandGazetteer:
        """A gazetteer from the distinct ``brand`` values, the brands found among leading
        title words (:func:`brands_from_lead_stats`) and the series names that follow a
        brand (:func:`series_aliases`): what :meth:`learn` computes, in a form any engine
        can aggregate. User synonyms win over learned aliases."""
        synonyms = {normalise_brand(k) or k: normalise_brand(v) or v for k, v in (synonyms or {}).items()}
        gazetteer = cls()
        for alias, canonical in synonyms.items():
            gazetteer._names[alias] = canonical
        found: set[str] = set(lead_brands)
        for value in brand_values:
            norm = normalise_brand(value)
            if norm:
                found.add(norm)
        learned = dict(aliases or {})
        for name in sorted(found):
            gazetteer._names.setdefault(name, synonyms.get(name, learned.get(name, name)))
        return gazetteer

    # --- lookups ----------------------------------------------------------------------
    def canonical(self, brand: str | None) -> str | None:
        """Canonical name of a brand value (synonyms applied; unknown brands kept)."""
        norm = normalise_brand(brand)
        if norm is None:
            return None
        return self._names.get(norm, norm)

    def match(self, title_clean: str | None) -> str | None:
        """Canonical brand of the earliest (then longest) known brand in a clean title."""
        if not title_clean or not self._names:
            return None
        best: tuple[int, int, str] | None = None
        for last, (length, canonical) in self._get_automaton().iter(title_clean):
            start = last - length + 1
            if not _on_boundary(title_clean, start, last + 1):
                continue
            key = (start, -length, canonical)
            if best is None or key < best:
                best = key
        return None if best is None else best[2]

    def _get_automaton(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for surface, canonical in self._names.items():
                automaton.add_word(surface, (len(surface), canonical))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    # --- persistence ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (``{"version": 1, "names": {spelling: canonical}}``)."""
        return {"version": _FORMAT_VERSION, "names": dict(sorted(self._names.items()))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BrandGazetteer:
        """Rebuild a gazetteer saved with :meth:`to_dict`."""
        gazetteer = cls()
        gazetteer._names = {str(k): str(v) for k, v in dict(data.get("names", {})).items()}
        return gazetteer

    @property
    def names(self) -> dict[str, str]:
        """``{spelling: canonical}`` (a copy)."""
        return dict(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise_brand(name) in self._names

    def __getstate__(self) -> dict[str, Any]:
        return {"names": self._names}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._names = dict(state["names"])
        self._automaton = None

    def __repr__(self) -> str:
        return f"BrandGazetteer({len(self._names)} names)"


def _on_boundary(text: str, start: int, end: int) -> bool:
    # The brand must start a word; it must end one too unless it ends in CJK script,
    # which shops glue to the product name ("花王アタック").
    if start > 0 and text[start - 1].isalnum():
        return False
    if end < len(text) and text[end].isalnum() and not is_cjk(text[end - 1]):
        return False
    return True


def leading_words(titles: pa.ChunkedArray | pa.Array) -> pa.Table:
    """(first, second) word of each clean title (a batch's part of the lead-word statistics)."""
    _, clean = clean_titles(titles)
    words = pc.extract_regex(clean, r"^(?P<first>[^ ]+)(?: (?P<second>[^ ]+))?")
    table = pa.table({"first": pc.struct_field(words, "first"), "second": pc.struct_field(words, "second")})
    return table.filter(pc.is_valid(table["first"]))


def leading_word_stats(words: pa.Table) -> pa.Table:
    """Per first word: titles it starts (with a second word) and distinct second words."""
    stats = words.group_by("first").aggregate([("second", "count"), ("second", "count_distinct")])
    return stats.rename_columns({"second_count": "titles", "second_count_distinct": "distinct_next"})


def brands_from_lead_stats(stats: pa.Table, min_titles: int = 5, min_distinct_next: int = 3) -> set[str]:
    """Leading words that start at least ``min_titles`` titles followed by at least
    ``min_distinct_next`` different words (``stats`` from :func:`leading_word_stats`, or the
    same aggregation done by a distributed engine)."""
    stats = stats.filter(
        pc.and_(
            pc.greater_equal(stats["titles"], min_titles),
            pc.greater_equal(stats["distinct_next"], min_distinct_next),
        )
    )
    stop = _stopwords()
    brands = set()
    for word in stats["first"].to_pylist():
        if not word or len(word) < 2 or word in stop:
            continue
        if any(c.isdigit() for c in word) or not any(c.isalpha() for c in word):
            continue  # "1400rpm", "14": specs and numbers lead titles without brands
        norm = normalise_brand(word)
        if norm:
            brands.add(norm)
    return brands


def word_pair_counts(words: pa.Table) -> pa.Table:
    """Titles per (first, second) leading word pair (a batch's part; sums across batches)."""
    t = words.filter(pc.is_valid(words["second"]))
    return t.group_by(["first", "second"]).aggregate([([], "count_all")]).rename_columns({"count_all": "titles"})


def series_aliases(pairs: pa.Table, lead_stats: pa.Table, brands: set[str], min_titles: int = 3,
                   share: float = 1.0) -> dict[str, str]:
    """Learned brand words that are really a brand's series: ``iphone`` after ``apple``.

    Leading words make brands (``iphone 8 plus …`` starts enough titles), but when a word
    follows a known brand in at least ``min_titles`` titles and at least as often
    (``share``) as it leads titles, it is that brand's series name and maps to it
    (``apple iphone …``): otherwise ``iphone`` and ``apple`` would be two brands in
    conflict. A brand that merely appears after another one in some titles (``hp amd
    opteron`` server kits) leads its own titles more often and stays a brand.

    Args:
        pairs: (first, second, titles) from :func:`word_pair_counts`, summed over batches;
            pairs seen fewer than ``min_titles`` times may be left out.
        lead_stats: (first, titles, …) from :func:`leading_word_stats`.
        brands: the normalised brands found so far.
    """
    if pairs.num_rows == 0 or not brands:
        return {}
    led: dict[str, int] = {}
    for f, c in zip(lead_stats.column("first").to_pylist(), lead_stats.column("titles").to_pylist(), strict=True):
        nf = normalise_brand(f)
        if nf in brands:
            led[nf] = led.get(nf, 0) + int(c)
    best: dict[str, tuple[int, str]] = {}
    for f, w, c in zip(pairs.column("first").to_pylist(), pairs.column("second").to_pylist(),
                       pairs.column("titles").to_pylist(), strict=True):
        if int(c) < min_titles:
            continue   # (a distributed engine may not even collect these)
        nf, nw = normalise_brand(f), normalise_brand(w)
        if nf in brands and nw in brands and nf != nw and nf is not None and nw is not None:
            prev = best.get(nw)
            if prev is None or (int(c), nf) > prev:
                best[nw] = (int(c), nf)
    out = {}
    for w, (c, f) in sorted(best.items()):
        if c >= share * led.get(w, 0) and f not in best:
            out[w] = f
    return out


def _leading_brands(titles: pa.ChunkedArray | pa.Array, min_titles: int, min_distinct_next: int) -> set[str]:
    """Words that start at least ``min_titles`` titles followed by ``min_distinct_next``
    different words (vectorised with an Arrow group-by)."""
    return brands_from_lead_stats(leading_word_stats(leading_words(titles)), min_titles, min_distinct_next)
