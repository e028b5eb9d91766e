"""Purchase conditions: how many items an offer sells and how big one item is.

Reads ``title_clean`` (see :mod:`samesku.analyse.text`, which already spaced pack
expressions: ``210mlx30캔`` → ``210ml x 30캔``) and returns ``count``, ``amount`` +
``unit`` (base units ``ml``, ``g``, ``mm``, ``GB``) and ``variant`` tokens.

One precompiled regular expression finds every quantity-like token (number + unit,
``x`` operators, ``isi 24``, ``1+1``); the rest is a short walk over those tokens. Unit
words come from ``data/units.tsv`` and context words from ``data/context.tsv``.

Rules (the corpus conventions in ``tests/analyse/CORPUS.md``):

* count = product of distinct count terms: number + count word, bare numbers joined by
  ``x`` to a measure or count (``12 x 330ml``, ``4 x 44 pcs``), ``isi 24`` /
  ``pack of 6``, count phrases (``twin pack``) and bundles ``1+1``; 1 when none.
* amount = the measure joined to a count by ``x``; else the first volume or mass; else
  the largest storage (RAM is smaller than storage); else the first length.
* Not amounts: screen sizes, cache sizes, network generations, dimensions (``186x60cm``),
  data rates (``140MB/s``) and "up to" capacities.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from samesku.analyse._resources import is_cjk, is_hangul, load_context_words, load_units

__all__ = ["PurchaseConditions", "parse_conditions"]

_BASE_UNIT = {"volume": "ml", "mass": "g", "length": "mm", "storage": "GB"}
_MEASURE_KINDS = frozenset(_BASE_UNIT)
_MAX_COUNT = 1_000_000_000  # keeps int64 safe when a title multiplies silly numbers
_MAX_MULTIPLIER = 500  # "8020 x 4g" is a model number, not 8020 packs


@dataclass(frozen=True, slots=True)
class PurchaseConditions:
    """Count, measure and variant tokens of one offer."""

    count: int = 1
    amount: float | None = None
    unit: str | None = None
    variant: list[str] = field(default_factory=list)
    #: every measure of the amount's kind the title states, in ``unit`` ("8kg wash 5kg dry"
    #: -> 8000, 5000; "6gb ram 64gb" -> 64, 6): a shop that names only one of them names the same product
    amounts: tuple[float, ...] = ()


_PLAIN_KINDS = frozenset({"bare", "x"})


def _alt(surfaces: list[str]) -> str:
    ordered = sorted(set(surfaces), key=lambda s: (-len(s), s))
    return "|".join(re.escape(s).replace(r"\ ", r"\s?") for s in ordered)


class _Grammar(NamedTuple):
    qty: re.Pattern[str]
    words: re.Pattern[str]
    word_hints: tuple[str, ...]
    units: dict[str, tuple[str, float]]  # surface (spaces removed) -> (kind, factor)
    singular: frozenset[str]
    labels: frozenset[str]
    phone: re.Pattern[str]
    screen: re.Pattern[str]
    cpu: re.Pattern[str]
    storage: re.Pattern[str]


def _context_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    latin = [w for w in words if w.isascii()]
    other = [w for w in words if not w.isascii()]
    parts = []
    if latin:
        parts.append(rf"(?<![a-z0-9])(?:{_alt(latin)})(?![a-z0-9])")
    if other:
        parts.append(f"(?:{_alt(other)})")
    return re.compile("|".join(parts) or r"(?!)")


@cache
def _grammar() -> _Grammar:
    units = load_units()
    number_units = [u for u in units if u.kind not in ("kw", "countword")]
    latin = [u.surface for u in number_units if not u.attached and not any(map(is_cjk, u.surface))]
    attached = [u.surface for u in number_units if u.attached]
    hangul = [u.surface for u in number_units if any(map(is_hangul, u.surface))]
    cjk = [
        u.surface
        for u in number_units
        if any(map(is_cjk, u.surface)) and not any(map(is_hangul, u.surface)) and not u.attached
    ]
    kws = [u.surface for u in units if u.kind == "kw"]
    countwords = [u.surface for u in units if u.kind == "countword"]
    # Text after a Korean/CJK unit that shows the number meant something else
    # ("3개월" = 3 months, "1매장", "本体", "個人"). A unit separated from its number by a
    # space must end the word ("プロテイン100 ココア" is not 100 pieces).
    hangul_block = r"(?!월|년|일|국|시간|분|층|세(?!트)|살|종|위|원|인(?!분)|차|회|도|단|겹|형|권|명|곳|대|번|주|평|장|품|매)"
    cjk_block = r"(?![年月日体人格目以間分時歳代階持品])"
    # One lookbehind guards every digit-led alternative: a quantity never continues a
    # word or a number ("rx9", "ue55nu7400"). Checking it once is what keeps this fast.
    qty = re.compile(
        rf"""
        (?<![0-9a-z.,])(?:
        (?P<splitm>(?P<sma>[0-2])\s(?P<smb>\d{{1,2}})\s?m(?![a-z0-9]))
        |(?P<plus>(?P<pa>\d{{1,3}})\s?\+\s?(?P<pb>\d{{1,3}})(?![0-9a-z.,+%]))
        |(?P<ratio>(?P<ra>\d{{1,2}})/(?P<rb>\d{{2,4}})(?![0-9a-z.,/]))
        |(?P<num>\d+(?:[.,]\d+)*)
         (?:\s?-?(?P<ul>{_alt(latin)})(?![a-z0-9])
           |(?P<ua>{_alt(attached)})(?![a-z0-9])
           |(?P<uh>{_alt(hangul)}){hangul_block}
           |(?P<uc>{_alt(cjk)}){cjk_block}
           |\s(?P<uh2>{_alt(hangul)})(?![가-힣])
           |\s(?P<uc2>{_alt(cjk)})(?![\u3040-\u30ff\u3400-\u9fff])
           |(?![a-z0-9]|[.,]\d|[-~]\d)
         ))
        """,
        re.VERBOSE,
    )
    words = re.compile(rf"(?<![a-z])(?:(?P<kw>{_alt(kws)})|(?P<cw>{_alt(countwords)}))(?![a-z])")
    # Cheap substring test before running ``words`` (most titles contain none of them).
    word_hints = tuple(sorted({w.split(" ")[0].split("-")[0][:4] for w in kws + countwords}))
    table = {u.surface.replace(" ", ""): (u.kind, u.factor) for u in number_units}
    ctx = load_context_words()
    return _Grammar(
        qty,
        words,
        word_hints,
        table,
        frozenset(u.surface for u in number_units if u.singular),
        frozenset(ctx.get("label", ())),
        _context_regex(ctx.get("phone", ())),
        _context_regex(ctx.get("screen", ())),
        _context_regex(ctx.get("cpu", ())),
        _context_regex(ctx.get("storage", ())),
    )


_X_RE = re.compile(r"(?<![0-9a-z])x(?![0-9a-z])")
# Clothing/shoe sizes. Bare "xs"/"xl"/"m" are too often model names (iPhone XS, Pixel 3
# XL), so they count only after a size word; xxl, 3xl, ... count anywhere.
_SIZE_RE = re.compile(
    r"(?<![a-z0-9])(?:(?P<kw>size|sz|사이즈|サイズ|尺码|尺寸|ukuran|grösse|groesse|taille)"
    r"\s?[:.]?\s?(?P<val>\d{1,3}(?:\.5)?|[2-5]?x{0,3}[sml])(?![a-z0-9])"
    r"|(?P<region>eu|us|uk)\s?(?P<shoe>\d{1,2}(?:\.5)?)(?![0-9a-z.])"
    r"|(?P<letter>xxs|xxl|xxxl|[2-5]xl)(?![a-z0-9])"
    r"|(?P<jp>[2-5]?x{0,3}[sml])\s?サイズ)"
)
_AFTER_SKIP_RE = re.compile(r"\s?(?:/s\b|/sec|ps\b|smart\s?cache|cache|l[123](?![0-9a-z]))")
_BEFORE_SKIP = ("up to ", "upto ", "bis zu ", "expandable to ", "erweiterbar bis ", "hingga ")
_SPEC_AFTER_RE = re.compile(r"\s?(?:pixel|px|dpi|ppi|ghz|mhz|hz|bit|cd|mp\b|p\b|i\b)")


def _parse_number(text: str, factor: float) -> float | None:
    """Parse ``1,5`` / ``1,000`` / ``0.33`` / ``1.000`` (German thousands for small units)."""
    if "," in text:
        head, _, tail = text.partition(",")
        if "," not in tail and "." not in text and len(tail) != 3:
            text = head + "." + tail  # decimal comma: 1,5 l
        else:
            text = text.replace(",", "")  # thousands: 1,000ml / 8,800
    if text.count(".") > 1:
        text = text.replace(".", "")
    elif "." in text and factor <= 1 and len(text.rsplit(".", 1)[1]) == 3 and not text.startswith("0"):
        text = text.replace(".", "")  # "1.000 g" is a thousand grams, not one
    try:
        return float(text)
    except ValueError:
        return None


def _blocked_by_code(text: str, start: int) -> bool:
    """True when the number continues a code or range: ``sj-316mg``, ``3-5``, ``a/64gb``."""
    if start == 0:
        return False
    prev = text[start - 1]
    if prev not in "-~/":
        return False
    j = start - 1
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    left = text[j : start - 1]
    if not left:
        return False
    if prev == "/":
        return not left.isdigit()  # "8/256gb" is RAM/storage, "dtx/64gb" a code
    return True


def _plausible(item: _Item, kind: str) -> bool:
    """Reject measures that are model numbers written like quantities: five-digit grams or
    metres ("52001g", "24100m"), and MB values of 1000+ that are not powers of two
    ("mwh 2622 mb" microwave)."""
    written = item.written
    if item.unit in ("g", "m", "l", "ml", "mm", "cm") and written >= 10000:
        return False
    if kind == "storage" and item.unit == "mb" and written >= 1000:
        return written.is_integer() and (int(written) & (int(written) - 1)) == 0
    return True


def _after_label(text: str, start: int, labels: frozenset[str]) -> bool:
    """True when the word before the number makes it an identifier (``socket 1151``)."""
    if start < 2 or text[start - 1] != " ":
        return False
    j = text.rfind(" ", 0, start - 1)
    return text[j + 1 : start - 1] in labels


def _adjacent(text: str, end: int, start: int) -> bool:
    """Tokens are joined by an ``x`` when only spaces or a short label sit between them
    (``幅26 x 奥行37``)."""
    gap = text[end:start].strip()
    return not gap or (len(gap) <= 3 and " " not in gap and not any(c.isdigit() for c in gap))


def _fmt(value: float) -> str:
    return f"{value:g}"


def _storage_label(gb: float) -> str:
    if gb >= 1000 and gb % 1000 == 0:
        return f"{_fmt(gb / 1000)}tb"
    if gb < 1:
        return f"{_fmt(round(gb * 1000, 6))}mb"
    return f"{_fmt(gb)}gb"


class _Item(NamedTuple):
    start: int
    end: int
    kind: str  # bare | count | xcount | volume | mass | length | storage | inch | size | x | kw
    value: float
    unit: str
    written: float = 0.0  # the number as written, before unit conversion


def parse_conditions(title_clean: str) -> PurchaseConditions:
    """Extract count, amount/unit and variant tokens from a cleaned title.

    Args:
        title_clean: Output of :func:`samesku.analyse.clean_title` (lower case).

    Returns:
        ``PurchaseConditions(count, amount, unit, variant)``; ``count`` is 1 and
        ``amount``/``unit`` are ``None`` when the title states none.

    Example:
        >>> c = parse_conditions("칠성사이다 210ml x 30캔")
        >>> c.count, c.amount, c.unit
        (30, 210.0, 'ml')
    """
    if not title_clean:
        return PurchaseConditions()
    text = title_clean
    grammar = _grammar()
    items: list[_Item] = []
    extra_counts: dict[tuple[str, float], int] = {}
    ratios: list[tuple[int, int]] = []
    for m in grammar.qty.finditer(text):
        start, end = m.span()
        if m["num"] is not None:
            if _blocked_by_code(text, start) or _after_label(text, start, grammar.labels):
                continue
            surface = m["ul"] or m["ua"] or m["uh"] or m["uc"] or m["uh2"] or m["uc2"]
            if surface is None:
                value = _parse_number(m["num"], 1.0)
                if value is not None:
                    items.append(_Item(start, end, "bare", value, ""))
                continue
            key = surface.replace(" ", "")
            kind, factor = grammar.units.get(key, ("bare", 1.0))
            value = _parse_number(m["num"], factor)
            if value is None:
                continue
            written = value
            if kind in _MEASURE_KINDS:
                value *= factor
            elif kind == "count" and key in grammar.singular and value >= 100 and " " in m[0]:
                continue  # "socket 1151 box", "1002 bottle top"
            items.append(_Item(start, end, kind, value, key, written))
        elif m["plus"] is not None:
            if _blocked_by_code(text, start):
                continue  # "bci-381+380" is a cartridge code, not a bundle
            a, b = int(m["pa"]), int(m["pb"])
            # "1+1", "2+1", "28 + 2"; "1+2" is a product name (Nescafé 1+2), "a++" a class.
            if 0 < b <= a and (start == 0 or text[start - 1] != "+"):
                extra_counts[("plus", float(a * 1000 + b))] = a + b
        elif m["ratio"] is not None:
            if start == 0 or text[start - 1] != "/":
                ratios.append((int(m["ra"]), int(m["rb"])))
        elif m["splitm"] is not None:
            # PriceRunner dropped decimal points: "1 82m" is a 1.82 m tall fridge.
            value = float(f"{m['sma']}.{m['smb']}") * 1000.0
            items.append(_Item(start, end, "length", value, "m", value / 1000.0))
    extra_items = False
    if "x" in text:
        for m in _X_RE.finditer(text):
            items.append(_Item(m.start(), m.end(), "x", 0.0, ""))
            extra_items = True
    if any(hint in text for hint in grammar.word_hints):
        for m in grammar.words.finditer(text):
            if m["kw"] is not None:
                items.append(_Item(m.start(), m.end(), "kw", 0.0, ""))
                extra_items = True
            else:
                factor = _countword_value(m["cw"])
                extra_counts[("cw", factor)] = int(factor)
    if extra_items:
        items.sort()
    if not extra_counts and not ratios and all(it.kind in _PLAIN_KINDS for it in items):
        # Only model numbers and the like: nothing to resolve (most electronics titles).
        sizes = _sizes(text)
        return PurchaseConditions(variant=sizes)
    return _resolve(text, grammar, items, extra_counts, ratios)


@cache
def _countword_value(surface: str) -> float:
    for unit in load_units():
        if unit.kind == "countword" and re.fullmatch(_alt([unit.surface]), surface):
            return unit.factor
    return 1.0


class _Context:
    """Lazily evaluated context flags of one title (phone, screen, cpu, storage)."""

    __slots__ = ("_grammar", "_text", "_seen")

    def __init__(self, grammar: _Grammar, text: str) -> None:
        self._grammar, self._text = grammar, text
        self._seen: dict[str, bool] = {}

    def __call__(self, kind: str) -> bool:
        if kind not in self._seen:
            regex = getattr(self._grammar, kind)
            self._seen[kind] = regex.search(self._text) is not None
        return self._seen[kind]


def _resolve(
    text: str,
    grammar: _Grammar,
    items: list[_Item],
    extra_counts: dict[tuple[str, float], int],
    ratios: list[tuple[int, int]],
) -> PurchaseConditions:
    has = _Context(grammar, text)
    items = _reinterpret(text, items, has)
    counts: dict[tuple[str, float], int] = dict(extra_counts)
    in_pack, dims, variant = _read_chains(text, items, counts)
    for i, it in enumerate(items):
        if it.kind == "count" and it.value.is_integer() and it.value >= 1:
            counts[(it.unit, it.value)] = int(it.value)
        elif it.kind == "kw" and i + 1 < len(items):  # "isi 24", "pack of 6"
            nxt = items[i + 1]
            if nxt.kind == "bare" and not text[it.end : nxt.start].strip() and nxt.value.is_integer():
                counts[("kw", nxt.value)] = int(nxt.value)
    count = 1
    for n in counts.values():
        count = min(count * n, _MAX_COUNT)

    measures = [(i, it) for i, it in enumerate(items) if it.kind in _MEASURE_KINDS and i not in dims]
    storage = [it for _, it in measures if it.kind == "storage"]
    if not storage and has("phone"):
        for ram, rom in ratios:  # "6/128" in phone titles: RAM/storage in GB
            if rom >= 16 and (rom & (rom - 1)) == 0 and ram < rom:
                storage.append(_Item(0, 0, "storage", float(rom), "gb", float(rom)))
                break
    chosen = _choose_amount(measures, in_pack, storage)

    variant.extend(_storage_label(it.value) for it in storage)
    for it in items:
        if it.kind == "inch":
            variant.append(f"{_fmt(it.value)}in")
        elif it.kind == "size":
            variant.append(f"size:{_fmt(it.value)}")
    variant.extend(_sizes(text))
    amount = None if chosen is None else _round(chosen.value)
    unit = None if chosen is None else _BASE_UNIT[chosen.kind]
    stated: tuple[float, ...] = ()
    if chosen is not None:
        same_kind = storage if chosen.kind == "storage" else [it for _, it in measures if it.kind == chosen.kind]
        values = [_round(it.value) for it in same_kind]
        # "8 6kg", "279 87litres": a bare number right before a measure is its pair
        # (wash / dry, fridge / freezer) whose separator the shop dropped
        for prev, it in zip(items, items[1:], strict=False):
            if (it.kind == chosen.kind and it.kind in ("volume", "mass") and prev.kind == "bare" and it.written
                    and text[prev.end:it.start] == " "):
                values.append(_round(prev.value * it.value / it.written))
        stated = tuple(dict.fromkeys([_round(chosen.value), *values]))
    return PurchaseConditions(count, amount, unit, list(dict.fromkeys(variant)), stated)


def _reinterpret(text: str, items: list[_Item], has: _Context) -> list[_Item]:
    """Read ambiguous measures in context and drop the ones that are not amounts."""
    has_storage = any(it.kind == "storage" for it in items)
    kept: list[_Item] = []
    for it in items:
        kind, value = it.kind, it.value
        if kind == "mass" and it.unit == "g" and (has_storage or has("phone") or has("storage")):
            if value in (2, 3, 4, 5) and has("phone"):
                continue  # 4g / 5g network
            if value >= 8 and value.is_integer() and (int(value) & (int(value) - 1)) == 0:
                kind = "storage"  # "128g" in a phone title is 128 GB
        if kind in _MEASURE_KINDS:
            if not _plausible(it, kind) or (it.unit in ("g", "m", "l") and has("cpu")):
                continue  # model numbers: "2400g" Ryzen, "3230m" Core i5, "52001g" phone
            if kind == "mass" and value > 500 and has("phone"):
                continue  # "alcatel 1016g": phones weigh less than this
            if _AFTER_SKIP_RE.match(text, it.end):
                continue  # cache sizes, data rates
            if text[max(0, it.start - 16) : it.start].endswith(_BEFORE_SKIP):
                continue
            if kind == "storage" and it.unit == "mb" and has("cpu"):
                continue
            if kind == "length" and it.unit != "mm" and (has("screen") or has("phone")):
                continue  # 139.7 cm TV diagonals, 15.5 cm phone screens
        kept.append(it._replace(kind=kind) if kind != it.kind else it)
    return kept


def _read_chains(
    text: str, items: list[_Item], counts: dict[tuple[str, float], int]
) -> tuple[set[int], set[int], list[str]]:
    """Group tokens joined by ``x`` and read each group as a pack or a dimension.

    Adds pack multipliers to ``counts``; returns the indices of measures inside packs,
    the indices of dimension members and the dimension variant tokens.
    """
    values = [i for i, it in enumerate(items) if it.kind not in ("x", "kw")]
    chain_of = {i: i for i in values}
    for k, it in enumerate(items):
        if it.kind != "x":
            continue
        left = next((i for i in reversed(values) if i < k), None)
        right = next((i for i in values if i > k), None)
        if left is None or right is None:
            continue
        if _adjacent(text, items[left].end, it.start) and _adjacent(text, it.end, items[right].start):
            chain_of[right] = chain_of[left]
    chains: dict[int, list[int]] = {}
    for i in values:
        chains.setdefault(chain_of[i], []).append(i)

    in_pack: set[int] = set()
    dims: set[int] = set()
    variant: list[str] = []
    for members in chains.values():
        if len(members) < 2:
            continue
        kinds = [items[i].kind for i in members]
        if "length" in kinds or "inch" in kinds or (len(members) >= 3 and set(kinds) <= {"bare"}):
            dims.update(members)
            span = text[items[members[0]].start : items[members[-1]].end]
            variant.append(re.sub(r"\s*x\s*", "x", span))
            continue
        # Only goods sold by volume/mass or by the piece form packs. Bare "N x M" is a
        # resolution, a dimension or a spec ("1920 x 1080", "87 x 54", "2 x 8 w") and
        # "3 x 32 gb" is a model name ("Alcatel 3X"), so neither multiplies the count.
        goods = any(k in ("volume", "mass") for k in kinds)
        if not goods and "count" not in kinds:
            continue
        for i in members:
            it = items[i]
            if it.kind == "bare" and it.value.is_integer() and 1 <= it.value <= _MAX_MULTIPLIER:
                counts[("x", it.value)] = int(it.value)
            elif it.kind == "xcount" and goods and it.value >= 1:
                counts[("x", it.value)] = int(it.value)  # "12g x 250t", "7g x 100p"
            elif it.kind in ("volume", "mass"):
                in_pack.add(i)
    return in_pack, dims, variant


def _choose_amount(
    measures: list[tuple[int, _Item]], in_pack: set[int], storage: list[_Item]
) -> _Item | None:
    """Pack measure, else first volume/mass, else largest storage, else first length."""
    for i, it in measures:
        if i in in_pack:
            return it
    first = next((it for _, it in measures if it.kind in ("volume", "mass")), None)
    if first is not None:
        return first
    if storage:
        return max(storage, key=lambda it: it.value)
    return next((it for _, it in measures if it.kind == "length"), None)


def _sizes(text: str) -> list[str]:
    out = []
    for m in _SIZE_RE.finditer(text):
        if m["letter"]:
            out.append(f"size:{m['letter']}")
        elif m["jp"]:
            out.append(f"size:{m['jp']}")
        elif m["region"]:
            out.append(f"{m['region']}:{m['shoe']}")
        else:
            out.append(f"size:{m['val']}")
    return out


def _round(value: float) -> float:
    # 0.33 l * 1000 is 330.00000000000006; keep six decimals (mg precision for grams).
    rounded = round(value, 6)
    return 0.0 if math.isclose(rounded, 0.0) else rounded
