"""Synthetic offer stream: noisy multilingual renderings of the products in ``catalog.py``.

Every offer is a shop's listing of one true product (the ``truth`` column). Titles get
promo/shop tags, brand names in two scripts, pack notations, model-code spellings,
reordered, dropped and misspelt words; fields go missing; prices vary by shop; image
hashes are the product's base hash with a few flipped bits. Offers are produced in fixed
chunks whose random draws depend only on (seed, chunk number), so output is identical
for any ``batch_size``; memory is bounded by one chunk plus the product table.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from stdnum import ean

from samesku import schema as S
from samesku.errors import SameskuError
from samesku.synth import templates as t
from samesku.synth.catalog import Catalog, Product, build_catalog
from samesku.synth.western import WEST_FAMILIES
from samesku.synth.western_render import is_bare_shop, render_west_title, west_fragment

TRUTH = "truth"
SYNTH_SCHEMA = pa.schema([
    pa.field(S.OFFER_ID, pa.string()), pa.field(S.TITLE, pa.string()), pa.field(S.BRAND, pa.string()),
    pa.field(S.CATEGORY, pa.string()), pa.field(S.PRICE, pa.float64()), pa.field(S.CURRENCY, pa.string()),
    pa.field(S.GTIN, pa.string()), pa.field(S.SELLER, pa.string()), pa.field(S.IMAGE_PHASH, pa.string()),
    pa.field(TRUTH, pa.string()),
])
CHUNK = 16_384                       # random draws are keyed by chunk, never by batch
NO_IMAGE_HASH = "0000000000000000"   # the "no image" placeholder many shops upload
PLACEHOLDER_GTIN = "880000000000" + ean.calc_check_digit("880000000000")  # shops' dummy code

# Per-offer rates (fractions of offers). Unbranded products (rings, produce, parts) add
# about 10 points of null brand on top of P_BRAND_NULL, so about 30% of rows have none.
P_IMAGE, P_NO_IMAGE, P_BRAND_NULL, P_BRAND_PLACEHOLDER = .60, .02, .20, .02
P_GTIN_CARRIED, P_PLACEHOLDER_GTIN, P_PRICE_NULL, P_CATEGORY_NULL = .70, .004, .04, .10
P_CODE_DROP, P_TYPO, P_GLUE, P_VAGUE = .08, .04, .08, .005
_N_UNIFORMS = 64
_FASHION = frozenset(("sneaker", "apparel", "ring"))
# Shop counts per language follow the languages offers are listed in (Western families included).
_SELLER_LANG_W = (("ko", .26), ("ja", .18), ("zh", .12), ("en", .23), ("id", .02), ("de", .10), ("sv", .09))
_ORDERS: tuple[tuple[str, ...], ...] = (
    ("B", "N", "D", "C", "S", "X"), ("B", "N", "C", "S", "D", "X"), ("B", "N", "D", "C", "S", "X"),
    ("B", "D", "N", "S", "C", "X"), ("N", "S", "B", "C", "D"), ("C", "B", "N", "S", "D"),
    ("B", "N", "S", "X", "D", "C"), ("D", "B", "N", "C", "S", "X"),
)
_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
_SHOE_SIZES: dict[str, tuple[str, ...]] = {
    "ko": ("230-290", "230~280mm", "225-300mm", "220~290"), "ja": ("22.5-29cm", "23.0〜28.0cm"),
    "zh": ("36-45码", "男女同款36-44"), "en": ("US 7-12", "Size 7-12"), "id": ("39-44",), "de": ("EU 40-46",),
}
_PIECES: dict[str, str] = {"ko": "{}-{}과|{}~{}과|{}-{}수", "ja": "{}〜{}玉", "zh": "{}-{}个", "en": "{}-{} pieces"}

Rnd = Callable[[], float]


def _pick(alts: tuple[str, ...] | list[str], u: float) -> str:
    return alts[int(u * len(alts))]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _sep(word: str) -> str:
    # Latin counter words read "30 cans"; CJK counters attach directly: "30캔", "120錠".
    return " " if word[:1].isascii() and word[:1].isalpha() and len(word) > 2 else ""


def _amount(amount: float, unit: str, lang: str, rnd: Rnd) -> str:
    """One quantity written in one of the notations shops use (ml/L, g/kg conversions)."""
    u = rnd()
    if unit == "ml":
        if amount >= 500 and u < (.6 if amount >= 1000 else .25):
            return _num(amount / 1000) + _pick(("L", "L", "l", "리터" if lang == "ko" else "L"), rnd())
        return _num(amount) + _pick(("ml", "ml", "mL", "ML"), rnd())
    if unit == "L":
        return _num(amount * 1000) + "ml" if u < .15 else _num(amount) + _pick(("L", "L", "l"), rnd())
    if unit == "kg":
        return _num(amount * 1000) + "g" if u < .2 else _num(amount) + _pick(("kg", "kg", "KG", "Kg"), rnd())
    return _num(amount / 1000) + "kg" if amount >= 1000 and u < .3 else _num(amount) + unit


def _render_spec(s: tuple, lang: str, rnd: Rnd) -> str:
    kind = s[0]
    if kind == "pack":
        _, amount, unit, count, counter = s
        a = _amount(amount, unit, lang, rnd)
        ctr = _pick(t.say(t.COUNTERS[counter], lang), rnd())
        c = f"{count}{_sep(ctr)}{ctr}"
        u = rnd()
        if count == 1:
            return a if u < .5 else f"{c}({a})" if u < .75 else f"{a} {c}"
        forms: tuple[str, ...] = (f"{a}x{c}", f"{a} X {c}", f"({a}*{c})", f"{a} {c}", f"{c} {a}", f"{a}×{c}",
                 f"{c}X{a}", f"{a} x {count}", f"{a}*{count}")
        return forms[int(u * len(forms))]
    if kind == "count":
        _, n, counter, multi = s
        ctr = _pick(t.say(t.COUNTERS[counter], lang), rnd())
        base = f"{n}{_sep(ctr)}{ctr}"
        if multi == 1:
            return base
        mc = _pick(t.say(t.COUNTERS["set"], lang), rnd())
        forms = (f"{base} x {multi}{mc}", f"{base}×{multi}{mc}", f"{multi}{mc} ({base})", f"{base} {multi}{mc}")
        return _pick(forms, rnd())
    if kind == "cap":
        gb, u = s[1], rnd()
        if gb >= 1024 and u < .75:
            return f"{gb // 1024}TB" if u < .6 else f"{gb // 1024} TB"
        forms = (f"{gb}GB", f"{gb}GB", f"{gb}G", f"{gb} GB", f"{gb}기가" if lang == "ko" else f"{gb}gb")
        return _pick(forms, u)
    if kind == "colour":
        return _pick(t.say(t.COLOURS[s[1]], lang), rnd())
    if kind == "ring":
        mat = _pick(t.say(t.MATERIALS[s[1]], lang), rnd())
        n = s[2]
        size = {"ko": f"{n}호", "ja": f"{n}号", "zh": _pick((f"{n}号", f"{n}号圈口"), rnd())}.get(
            lang, _pick((f"size {n}", f"#{n}"), rnd()))
        return f"{mat} {size}" if rnd() < .8 else f"{size} {mat}"
    if kind == "kg":
        kg, u = s[1], rnd()
        if kg <= 2 and u < .15:
            return f"{_num(kg * 1000)}g"
        return _num(kg) + ("키로" if lang == "ko" and u > .85 else _pick(("kg", "kg", "KG"), rnd()))
    if kind == "pieces":
        fmt = _pick(_PIECES.get(lang, _PIECES["en"]).split("|"), rnd())
        return fmt.format(s[1], s[2], s[1], s[2])
    if kind == "supply":
        days = s[1]
        if days % 30 == 0 and days >= 30 and rnd() < .7:
            w = _pick(t.say(t.MONTHS, lang), rnd())
            return f"{days // 30}{_sep(w)}{w}"
        w = _pick(t.say(t.DAYS, lang), rnd())
        return f"{days}{_sep(w)}{w}"
    if kind == "mm":
        return f"呼{s[1]}" if lang == "ja" and rnd() < .4 else f"{s[1]}mm"
    if kind == "shoesizes":
        return _pick(_SHOE_SIZES.get(lang, _SHOE_SIZES["en"]), rnd())
    if kind == "text":
        return _pick(t.say(s[1], lang), rnd())
    return str(s[1])  # "lit"


def _render_code(code: str, rnd: Rnd, apparel: bool) -> str:
    """A model code as shops write it: DC3991-100 / DC3991 100 / dc3991100 / (DC3991-100)."""
    u = rnd()
    if u < .55:
        out = code
    elif u < .68:
        out = code.replace("-", " ")
    elif u < .76:
        out = code.replace("-", "").lower()
    elif u < .84:
        out = code.replace("-", "")
    elif u < .9:
        out = code.lower()
    elif u < .95:
        out = f"({code})"
    else:
        out = code.split("/")[0]
    if apparel and rnd() < .15:
        out += _pick(("_1", " 1", "_2"), rnd())
    return out


def _brand_alias(p: Product, lang: str, u: float) -> str:
    assert p.brand is not None
    return _pick(t.say(p.brand.names, lang), u)


def _latin_seam(left: str, right: str) -> bool:
    # Gluing "RBF2123" to "5号" would change what the title says; only CJK seams lose spaces.
    return bool(left) and bool(right) and left[-1].isascii() and left[-1].isalnum() \
        and right[0].isascii() and right[0].isalnum()


def _typo(word: str, rnd: Rnd) -> str:
    if len(word) < 3:
        return word
    i, u = int(rnd() * (len(word) - 1)), rnd()
    if u < .4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if u < .7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def _name_words(p: Product, lang: str, rnd: Rnd) -> list[str]:
    words = []
    for part, droppable in p.name:
        if droppable and rnd() < .35:
            continue
        if isinstance(part, t.Brand):
            words.append(_pick(t.say(part.names, lang), rnd()))
        elif isinstance(part, dict):
            words.append(_pick(t.say(part, lang), rnd()))
        elif words and part[:1].isdigit() and rnd() < .4:
            words[-1] += part       # "Galaxy S23", "갤럭시S23" as often as "Galaxy S 23"
        else:
            words.append(part)
    return words


def _bridge_fragment(bridge: Product, lang: str, rnd: Rnd) -> str:
    """Another product's code or name, as a bridge offer mentions it."""
    if bridge.family in WEST_FAMILIES:
        return west_fragment(bridge, lang, rnd)
    if bridge.code and rnd() < .6:
        return _render_code(bridge.code, rnd, False)
    return " ".join(([_brand_alias(bridge, lang, rnd())] if bridge.brand else [])
                    + _name_words(bridge, lang, rnd) + [_render_spec(s, lang, rnd) for s in bridge.spec])


def render_title(p: Product, lang: str, rnd: Rnd, shop: int, bridge: Product | None = None, bare: bool = False) -> str:
    """Render one offer title of product ``p`` in language ``lang``.

    Args:
        p: the true product.
        lang: the shop's language.
        rnd: source of uniform [0, 1) numbers for every choice.
        shop: seller number; a seller reuses its own house tag.
        bridge: another product whose code or name is appended (a bridge offer).
        bare: the shop titles Western appliances by their kind alone (``western_render.is_bare_shop``).

    Returns:
        The title.
    """
    if p.family in WEST_FAMILIES:
        return render_west_title(p, lang, rnd, shop, bridge, _bridge_fragment, bare)
    seg: dict[str, list[str]] = {}
    tags = t.PROMO_TAGS[lang]
    # Brand: shop-language alias, Latin, both scripts, bracketed, or dropped.
    if p.brand is not None:
        u = rnd()
        alias = _brand_alias(p, lang, rnd())
        if u < .45:
            seg["B"] = [alias]
        elif u < .65:
            seg["B"] = [p.brand.latin]
        elif u < .77:
            seg["B"] = [alias, p.brand.latin] if alias != p.brand.latin else [alias]
        elif u < .87:
            seg["B"] = [f"[{p.brand.latin}]", alias] if rnd() < .5 else [f"[{alias}]"]
    vague = p.family in _FASHION and rnd() < P_VAGUE
    seg["N"] = [] if vague else _name_words(p, lang, rnd)
    descs = t.DESCRIPTORS.get(p.category) or t.DESCRIPTORS[p.family]
    nd = int(rnd() * (4 if lang == "ko" else 3)) + (3 if vague else 0)
    seg["D"] = list(dict.fromkeys(_pick(t.say(descs[int(rnd() * len(descs))], lang), rnd()) for _ in range(nd)))
    if p.code and not vague and rnd() >= P_CODE_DROP:
        seg["C"] = [_render_code(p.code, rnd, p.family == "apparel")]
        if p.alt_code and rnd() < .4:
            seg["C"].append(_render_code(p.alt_code, rnd, False))
    seg["S"] = [_render_spec(s, lang, rnd) for s in p.spec]
    seg["X"] = [_render_spec(s, lang, rnd) for s in p.noise if rnd() < .35]
    if vague:
        seg.pop("B", None)

    body: list[str] = []
    for key in _ORDERS[int(rnd() * len(_ORDERS))]:
        body.extend(seg.get(key, ()))
    if bridge is not None:
        frag = _bridge_fragment(bridge, lang, rnd)
        joiner = _pick(t.BRIDGE_JOINERS[lang], rnd())
        body[-1:] = [body[-1] + joiner + frag] if body else [frag]
    if rnd() < P_TYPO and seg["N"]:
        w = _pick(seg["N"], rnd())
        if not any(ch.isdigit() for ch in w):
            body = [_typo(x, rnd) if x == w else x for x in body]
    if len(body) > 1 and rnd() < P_GLUE:   # lost space: "남녀공용CW2288-111"
        i = 1 + int(rnd() * (len(body) - 1))
        if not _latin_seam(body[i - 1], body[i]):
            body[i - 1:i + 1] = [body[i - 1] + body[i]]

    # Tags: skewed towards each language's first (most common) tags, plus the shop's own.
    u = rnd()
    n_pre = 0 if u < .4 else 1 if u < .75 else 2 if u < .95 else 3
    pre = [tags[int(len(tags) * rnd() ** 1.6)] for _ in range(n_pre)]
    if rnd() < .3:
        pre.insert(0, tags[shop % len(tags)])
    post = [tags[int(len(tags) * rnd() ** 1.6)]] if rnd() < .25 else []
    if rnd() < .25:
        post.append(t.HEAVY_WORD[lang])
    if p.brand is not None and rnd() < .04:   # "아르떼 W몰 아르떼 후드 트렌치 코트"
        pre.insert(0, _brand_alias(p, lang, rnd()))
    words = list(dict.fromkeys(pre)) + body + [w for w in post if w not in pre]
    if lang == "zh" and rnd() < .35:   # Chinese shops often write titles without spaces
        title = "".join(w if k == 0 or _latin_seam(words[k - 1], w) is False else " " + w
                        for k, w in enumerate(words))
    else:
        title = " ".join(words)

    u = rnd()
    if lang == "ja" and u < .06:
        title = title.translate(_FULLWIDTH)
    elif lang in ("en", "id", "de") and u < .08:
        title = title.upper()
    elif lang in ("en", "id", "de") and u < .13:
        title = title.lower()
    return title


#: Share of offers whose shop is drawn freely (a shop listing a product twice); the rest
#: follow "one shop lists a product once", true of most real catalogs.
P_SHOP_REPEAT = 0.03

#: Share of shops with a house template: they title every product of one sibling group
#: (a model's colours, capacities, sizes) with the same choices of words, order and
#: spelling, so their listings of siblings differ only where the products differ, as real
#: shops' do (PriceRunner: `hotpoint ... washing machine white` / `... black` from one shop).
#: Where colour is identity a shop lists each colour, so colour-only title differences
#: come mostly from one shop; where it is not, one listing carries the model.
P_HOUSE_SHOP = 0.5


def is_house_shop(shop: int) -> bool:
    """Does seller number ``shop`` title sibling products from one template (see ``P_HOUSE_SHOP``)."""
    return (shop * 2654435761 % 4294967296) / 4294967296 < P_HOUSE_SHOP


class _Offers:
    """Renders chunks of offers of one catalog (everything but the titles is vectorised)."""

    def __init__(self, n_offers: int, seed: int, bridge_rate: float, cluster_mu: float | None = None) -> None:
        self.n, self.seed, self.bridge_rate = n_offers, seed, bridge_rate
        self.cat: Catalog = build_catalog(n_offers, seed, cluster_mu)
        prods = self.cat.products
        self.price = np.array([p.price for p in prods])
        self.hash_a = np.array([p.hash_a for p in prods], dtype=np.uint64)
        self.hash_b = np.array([p.hash_b for p in prods], dtype=np.uint64)
        self.fashion = np.array([p.family in _FASHION for p in prods])
        n_sellers = int(np.clip(n_offers // 250, 30, 50_000))
        # products of one brand start their shop walk at the same shop (see chunk())
        self.brand_start = [
            (zlib.crc32((p.brand.latin if p.brand else f"nobrand{i // 8}").encode()) % 7919) for i, p in enumerate(prods)
        ]
        self.sellers: dict[str, tuple[int, int]] = {}
        start = 1
        for lang, w in _SELLER_LANG_W:
            # at least as many shops per language as the largest product has offers, so
            # "one shop lists a product once" can hold for every product
            k = max(3, int(n_sellers * w), int(np.diff(np.r_[0, self.cat.ends]).max()) + 1)
            self.sellers[lang] = (start, k)
            start += k

    def chunk(self, c: int) -> pa.RecordBatch:
        lo, hi = c * CHUNK, min(self.n, (c + 1) * CHUNK)
        m = hi - lo
        rng = np.random.default_rng([self.seed, 23, c])
        pid, rank = self.cat.products_and_ranks(np.arange(lo, hi, dtype=np.int64))
        uni = rng.random((m, _N_UNIFORMS))
        field_u = rng.random((m, 8))
        bridge = np.full(m, -1, dtype=np.int64)
        if self.bridge_rate > 0:
            b = field_u[:, 7] < self.bridge_rate
            # Partners are drawn like offers are, so popular products get bridged to most.
            other = self.cat.products_of(rng.integers(0, self.n, int(b.sum())))
            bridge[b] = np.where(other == pid[b], -1, other)

        titles: list[str] = []
        brands: list[str | None] = []
        cats: list[str | None] = []
        gtins: list[str | None] = []
        currencies: list[str] = []
        sellers: list[str] = []
        rate = np.empty(m)
        prods = self.cat.products
        fu = field_u.tolist()
        ranks = rank.tolist()
        brand_start = self.brand_start
        for i, (row, j, bj) in enumerate(zip(uni.tolist(), pid.tolist(), bridge.tolist(), strict=True)):
            p = prods[j]
            rnd = iter(row * 2).__next__   # a title uses < 45 draws; doubling only guards StopIteration
            u0 = rnd()
            lang, acc = p.langs[0][0], 0.0
            for lg, w in p.langs:
                acc += w
                if u0 < acc:
                    lang = lg
                    break
            first, k = self.sellers[lang]
            u_shop = rnd()
            if u_shop < P_SHOP_REPEAT:
                shop = first + int(k * rnd() ** 2.5)   # a few big shops carry most offers
            else:
                # a shop lists a product once: the product's offers walk through distinct shops
                # a shop lists a product once: the product's offers walk through distinct
                # shops, starting from its brand's shops, so sibling products of one brand
                # (64 vs 128 GB, 7 vs 8 kg) share shops as in real catalogs (brand stores)
                shop = first + (brand_start[j] + ranks[i]) % k
            if p.line >= 0 and is_house_shop(shop):
                rnd = random.Random(self.seed * 1_000_003 + shop * 7_919_993 + p.line).random
            titles.append(render_title(p, lang, rnd, shop, prods[bj] if bj >= 0 else None, is_bare_shop(shop - first)))
            f = fu[i]
            if p.brand is None or f[0] < P_BRAND_NULL:
                brands.append(None)
            elif f[0] < P_BRAND_NULL + P_BRAND_PLACEHOLDER:
                brands.append(t.PLACEHOLDER_BRAND[lang])
            else:
                brands.append(p.brand.latin if f[0] > .8 else _brand_alias(p, lang, rnd()))
            if f[1] < P_CATEGORY_NULL:
                cats.append(None)
            else:
                path = t.say(t.CATEGORIES[p.category], lang)[0]
                cats.append(path.rsplit(">", 1)[0] if f[1] < .25 else path)
            if p.gtin and f[2] < P_GTIN_CARRIED:
                gtins.append(p.gtin)
            else:
                gtins.append(PLACEHOLDER_GTIN if f[2] > 1 - P_PLACEHOLDER_GTIN else None)
            cur = t.CURRENCY[lang]
            currencies.append(cur)
            rate[i] = t.PER_KRW[cur]
            sellers.append(f"shop_{shop}")

        price = self.price[pid] * np.exp(rng.normal(0.0, .07, m)) * rate
        cur_arr = np.array(currencies)
        price = np.where(cur_arr == "KRW", np.round(price, -1),
                         np.where(cur_arr == "JPY", np.round(price), np.round(price, 2)))
        usd = cur_arr == "USD"
        price[usd & (field_u[:, 4] < .4)] = np.floor(price[usd & (field_u[:, 4] < .4)]) + .99
        price_null = field_u[:, 3] < P_PRICE_NULL

        # Image hashes: the product's photo (or the shop's own photo), a few bits flipped.
        alt = field_u[:, 5] < np.where(self.fashion[pid], .25, .08)
        base = np.where(alt, self.hash_b[pid], self.hash_a[pid])
        nflip = rng.integers(0, 5, m)
        pos = rng.integers(0, 64, (m, 4)).astype(np.uint64)
        bits = np.where(np.arange(4) < nflip[:, None], np.uint64(1) << pos, np.uint64(0))
        h = (base ^ np.bitwise_or.reduce(bits, axis=1)).tolist()
        img_u = field_u[:, 6].tolist()
        phash = [None if u >= P_IMAGE else NO_IMAGE_HASH if u < P_NO_IMAGE else f"{x:016x}"
                 for u, x in zip(img_u, h, strict=True)]

        ids = [f"s{k:09d}" for k in range(lo + 1, hi + 1)]
        truth = [f"p{j:08d}" for j in pid.tolist()]
        cols = [ids, titles, brands, cats, pa.array(price, mask=price_null), currencies, gtins,
                sellers, phash, truth]
        return pa.record_batch([pa.array(c, type=f.type) for c, f in zip(cols, SYNTH_SCHEMA, strict=True)],
                               schema=SYNTH_SCHEMA)


def generate_batches(n_offers: int, seed: int = 0, batch_size: int = 100_000,
                     bridge_rate: float = 0.0, cluster_mu: float | None = None) -> Iterator[pa.RecordBatch]:
    """Stream a synthetic multilingual catalog of offers with ground truth.

    Args:
        n_offers: number of offers to generate.
        seed: random seed; the same seed gives the same rows whatever ``batch_size`` is.
        batch_size: rows per yielded batch (the last one may be shorter).
        bridge_rate: fraction of offers whose title also names another product
            (its model code or name); their ``truth`` stays the first product.
        cluster_mu: log-normal location of offers per product (None: about 18 per product
            as in the talk; 0.7: about 3, with many more sibling products).

    Yields:
        Record batches with columns offer_id, title, brand, category, price, currency,
        gtin, seller, image_phash, truth.
    """
    if n_offers < 0 or batch_size < 1 or not 0.0 <= bridge_rate <= 1.0:
        raise SameskuError("n_offers >= 0, batch_size >= 1 and 0 <= bridge_rate <= 1 are required")
    if n_offers == 0:
        return
    offers = _Offers(n_offers, seed, bridge_rate, cluster_mu)
    pending: list[pa.RecordBatch] = []
    n_pending = 0
    for c in range(math.ceil(n_offers / CHUNK)):
        rb = offers.chunk(c)
        pending.append(rb)
        n_pending += rb.num_rows
        while n_pending >= batch_size:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, batch_size).combine_chunks().to_batches()[0]
            rest = table.slice(batch_size)
            pending = rest.combine_chunks().to_batches() if rest.num_rows else []
            n_pending = rest.num_rows
    if n_pending:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]


def write_catalog(path: str | Path, n_offers: int, seed: int = 0, bridge_rate: float = 0.0,
                  progress: Callable[[int], None] | None = None, cluster_mu: float | None = None) -> int:
    """Generate a catalog and stream it to ``.parquet``, ``.csv`` or ``.jsonl``.

    Args:
        path: output file; the suffix chooses the format (``.ndjson`` = ``.jsonl``).
        n_offers: number of offers.
        seed: random seed (same seed → byte-identical file).
        bridge_rate: see :func:`generate_batches`.
        progress: called with the number of rows written so far after each batch.
        cluster_mu: see :func:`generate_batches`.

    Returns:
        The number of rows written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".jsonl", ".ndjson"):
        raise SameskuError(f"unknown output format {path.suffix!r}: use .parquet, .csv or .jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    batches = generate_batches(n_offers, seed, batch_size=CHUNK * 4, bridge_rate=bridge_rate, cluster_mu=cluster_mu)
    written = 0

    def tick(rb: pa.RecordBatch) -> None:
        nonlocal written
        written += rb.num_rows
        if progress is not None:
            progress(written)

    if suffix == ".parquet":
        with pq.ParquetWriter(path, SYNTH_SCHEMA, compression="zstd") as pw:
            for rb in batches:
                pw.write_batch(rb)
                tick(rb)
    elif suffix == ".csv":
        with pacsv.CSVWriter(path, SYNTH_SCHEMA) as cw:
            for rb in batches:
                cw.write_batch(rb)
                tick(rb)
    else:
        names = SYNTH_SCHEMA.names
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for rb in batches:
                cols = [rb.column(k).to_pylist() for k in names]
                fh.writelines(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n"
                              for row in zip(*cols, strict=True))
                tick(rb)
    return written
