"""The hidden truth of the synthetic catalog: products, their cluster sizes, offer placement.

A product is everything that makes it *one* product (brand, name, model code, purchase
condition, colour) plus what its offers are derived from (languages, base price, GTIN,
base image hashes). Products come in sibling groups that differ only by a quantity,
capacity, size or colour, which are the hard negatives. The first products are fixed
showcase cases from the talk (LISTAR RX9 vs AEG RX9-1-SGM, 칠성사이다 30캔 vs 24캔, ...).
Offers are spread over products by a keyed Feistel permutation, so offer ``i``'s
product is computable without materialising all offers. The Western families (home
appliances, TVs, CPUs, cameras, phones; about 38% of offers) live in ``western.py``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
from stdnum import ean

from samesku.synth import templates as t
from samesku.synth.product import Part, Product, Spec, _canon, _flip, code_from
from samesku.synth.templates import BRANDS, Brand, Phrase, phrase
from samesku.synth.western import WEST_FAMILIES, WEST_GTIN_P, WEST_WEIGHTS, WesternFamilies

SHOWCASE_MIN_SIZE = 3
# Cluster size model: 30% singletons, the rest ceil(lognormal), capped; mean about 20.
_SINGLETON_P, _MU, _SIGMA, _MAX_CAP = 0.30, 2.65, 1.2, 600

# Home market of real brands; made-up brands get one from the family's language mix.
_HOME: dict[str, str] = {
    **dict.fromkeys(("lotte", "kwangdong", "woongjin", "ckd", "eundan", "listar", "danhui", "arte",
                     "spao", "topten", "pigeon", "tech", "daelim", "nonghyup", "goldendew",
                     "jestina", "lloyd"), "ko"),
    **dict.fromkeys(("suntory", "itoen", "otsuka", "ss", "dhc", "kobayashi", "fancl", "yondoshi",
                     "uniqlo", "muji", "attack", "sanei", "toto", "lixil", "kakudai", "sony"), "ja"),
    **dict.fromkeys(("nongfu", "kangshifu", "byhealth", "xiaomi", "roborock", "ecovacs", "dreame",
                     "ctf", "bluemoon"), "zh"),
    **dict.fromkeys(("aeg", "persil"), "de"),
}
# Group draw weights. The Western families (western.py) make up about 38% of offers.
_EAST_SCALE = 1 - sum(WEST_WEIGHTS.values())
FAMILY_WEIGHTS: dict[str, float] = {
    **{k: w * _EAST_SCALE for k, w in {
        "drink": .10, "supplement": .12, "phone": .09, "storage": .05, "vacuum": .06,
        "vacuum_part": .05, "sneaker": .14, "ring": .07, "apparel": .12, "detergent": .08,
        "produce": .05, "hardware": .07}.items()},
    **WEST_WEIGHTS,
}
FAMILY_LANGS: dict[str, tuple[tuple[str, float], ...]] = {
    "drink": (("ko", .55), ("ja", .25), ("zh", .15), ("en", .05)),
    "supplement": (("ko", .4), ("ja", .3), ("zh", .2), ("en", .07), ("id", .03)),
    "phone": (("ko", .35), ("ja", .25), ("zh", .25), ("en", .1), ("id", .03), ("de", .02)),
    "storage": (("ko", .35), ("ja", .25), ("zh", .25), ("en", .1), ("de", .05)),
    "vacuum": (("ko", .45), ("ja", .15), ("zh", .25), ("en", .1), ("de", .05)),
    "vacuum_part": (("ko", .5), ("ja", .1), ("zh", .3), ("en", .1)),
    "sneaker": (("ko", .4), ("ja", .25), ("zh", .2), ("en", .1), ("id", .03), ("de", .02)),
    "ring": (("ko", .7), ("ja", .15), ("zh", .15)),
    "apparel": (("ko", .7), ("ja", .2), ("zh", .1)),
    "detergent": (("ko", .45), ("ja", .3), ("zh", .2), ("en", .05)),
    "produce": (("ko", .8), ("en", .1), ("ja", .05), ("zh", .05)),
    "hardware": (("ja", .6), ("ko", .25), ("zh", .1), ("en", .05)),
}
_GTIN_P: dict[str, float] = {
    "drink": .5, "supplement": .45, "phone": .35, "storage": .4, "vacuum": .25, "vacuum_part": .05,
    "sneaker": .12, "ring": .03, "apparel": .04, "detergent": .5, "produce": .02, "hardware": .4,
    **WEST_GTIN_P,
}
_GTIN_PREFIX: dict[str, tuple[str, ...]] = {
    "ko": ("880",), "ja": ("45", "49"), "zh": ("690", "692", "693", "695"), "en": ("00", "01", "06", "50"),
    "id": ("899",), "de": ("400", "401", "404", "426", "4242"), "sv": ("73", "57", "64", "70"),
}
_SUFFIX_KO: dict[str, str] = {
    "Pro": "프로", "Plus": "플러스", "Ultra": "울트라", "Pro Max": "프로 맥스", "mini": "미니",
    "Lite": "라이트", "Max": "맥스", "FE": "FE", "Omni": "옴니",
}


class _Builder(WesternFamilies):
    """Draws sibling groups of products for every family from one ``random.Random``."""

    def __init__(self, seed: int, n_products: int) -> None:
        self.r = random.Random(seed * 7919 + 17)
        self.seen_keys: set[tuple[Any, ...]] = set()
        self.seen_gtins: set[str] = set()
        self.phr: dict[str, Phrase] = {}
        self.pools = self._make_brand_pools(max(40, n_products // 150))
        self._west_init(max(40, n_products // 150))
        self.families = list(FAMILY_WEIGHTS)
        self.fam_cum = np.cumsum(list(FAMILY_WEIGHTS.values())).tolist()
        self.lines = 0

    def ph(self, spec: str) -> Phrase:
        # Phrases are shared objects: parse each template string once.
        p = self.phr.get(spec)
        if p is None:
            p = self.phr[spec] = phrase(spec)
        return p

    def _make_brand_pools(self, per_family: int) -> dict[str, list[Brand]]:
        r, used = self.r, set(BRANDS)
        pools: dict[str, list[Brand]] = {}
        for fam in (f for f in FAMILY_WEIGHTS if f not in WEST_FAMILIES):
            pool: list[Brand] = []
            while len(pool) < per_family:
                syl = [r.choice(t.SYLLABLES) for _ in range(r.choice((2, 2, 3)))]
                latin = "".join(s[0] for s in syl)
                if latin in used:
                    continue
                used.add(latin)
                cap, up = latin.capitalize(), latin.upper()
                ko, ja, zh = ("".join(s[i] for s in syl) for i in (1, 2, 3))
                pool.append(Brand(latin, {"en": (cap, up), "ko": (ko, cap), "ja": (ja, cap), "zh": (zh, cap)}))
            pools[fam] = pool
        return pools

    def langs(self, fam: str, brand: Brand | None, global_p: float = .35) -> tuple[tuple[str, float], ...]:
        r, mix = self.r, FAMILY_LANGS[fam]
        home = _HOME.get(brand.key) if brand else None
        if home is None:
            x, acc, home = r.random(), 0.0, mix[0][0]
            for lang, w in mix:
                acc += w
                if x < acc:
                    home = lang
                    break
        if r.random() >= global_p:
            return ((home, 1.0),)
        others = [lang for lang, _ in mix if lang != home]
        extra = r.sample(others, min(len(others), r.choice((1, 1, 2, 3))))
        share = r.uniform(.15, .45)
        return ((home, 1 - share),) + tuple((lang, share / len(extra)) for lang in extra)

    def gtin(self, fam: str, lang: str) -> str | None:
        if self.r.random() >= _GTIN_P[fam]:
            return None
        while True:
            body = self.r.choice(_GTIN_PREFIX[lang])
            body += "".join(str(self.r.randrange(10)) for _ in range(12 - len(body)))
            g = body + ean.calc_check_digit(body)
            if g not in self.seen_gtins:
                self.seen_gtins.add(g)
                return g

    def brand(self, fam: str, real_keys: tuple[str, ...], real_p: float) -> Brand:
        if real_keys and self.r.random() < real_p:
            return BRANDS[self.r.choice(real_keys)]
        return self.r.choice(self.pools[fam])

    def suffix(self, s: str) -> Phrase | str:
        ko = _SUFFIX_KO.get(s)
        return self.ph(f"en:{s}; ko:{s}|{ko}") if ko and ko != s else s

    def group(self) -> list[Product]:
        """One sibling group of a random family; products already seen are dropped."""
        x = self.r.random()
        fam = next((f for f, c in zip(self.families, self.fam_cum, strict=True) if x < c), "hardware")
        made: list[Product] = getattr(self, "_" + fam)()
        out = []
        self.lines += 1
        for p in made:
            k = p.key()
            if k not in self.seen_keys:
                self.seen_keys.add(k)
                p.line = self.lines
                p.category = p.category or fam
                if p.gtin is None:
                    p.gtin = self.gtin(fam, p.langs[0][0])
                out.append(p)
        return out

    # ---- families -------------------------------------------------------------------------
    def _drink(self) -> list[Product]:
        r = self.r
        name: Phrase
        extra: tuple[Spec, ...]
        if r.random() < .45:
            bkey, line, kinds = r.choice(t.DRINK_LINES)
            brand, name, extra = BRANDS[bkey], self.ph(line), ()
        else:
            brand, name, kinds = r.choice(self.pools["drink"]), self.ph(r.choice(t.DRINK_GENERIC)), "can pet"
            extra = (("text", self.ph(r.choice(t.FLAVOURS))),) if r.random() < .7 else ()
        kind = r.choice(kinds.split())
        vols = t.DRINK_VOLUMES[kind]
        counts = (6, 12, 20, 24, 30) if kind == "can" else (10, 20, 50) if kind == "small" else (20, 24)
        counter = {"can": "can", "pet": "pet", "small": "bottle"}[kind]
        langs, unit = self.langs("drink", brand, .25), r.uniform(1.6, 3.2)
        h = r.getrandbits(64)
        out = []
        for vol in r.sample(vols, min(len(vols), r.choice((1, 1, 2)))):
            cs = (6, 12) if vol >= 1500 else counts
            for c in r.sample(cs, min(len(cs), r.choice((1, 2, 2, 3)))):
                price = c * (300 + vol * unit * .8) * c ** -.08
                out.append(Product("drink", brand, ((name, False),), None,
                                   extra + (("pack", float(vol), "ml", c, counter),), (),
                                   langs, price, _flip(r, h, 3), r.getrandbits(64)))
        return out

    def _supplement(self) -> list[Product]:
        r = self.r
        name: tuple[Part, ...]
        if r.random() < .4:
            bkey, line, counter = r.choice(t.SUPPLEMENT_LINES)
            brand, name = BRANDS[bkey], ((self.ph(line), False),)
        else:
            brand, counter = r.choice(self.pools["supplement"]), r.choice(("tablet", "capsule", "softgel"))
            name = ((self.ph(r.choice(t.SUPPLEMENT_GENERIC)), False),)
            dose = r.choice(t.SUPPLEMENT_DOSES)
            name += ((dose, False),) if dose else ()
        langs, per_unit, per_day = self.langs("supplement", brand, .35), r.uniform(80, 500), r.choice((1, 1, 2, 3))
        h = r.getrandbits(64)
        counts = r.sample(t.SUPPLEMENT_COUNTS, r.choice((1, 2, 2, 3)))
        multis = [1] * len(counts)
        if r.random() < .2:   # the same bottle sold as a 2- or 3-pack is another product
            counts.append(counts[0])
            multis.append(r.choice((2, 3)))
        out = []
        for c, m in zip(counts, multis, strict=True):
            noise = (("supply", c // per_day),) if c % per_day == 0 else ()
            out.append(Product("supplement", brand, name, None, (("count", c, counter, m),), noise,
                               langs, per_unit * c ** .92 * m, _flip(r, h, 4), r.getrandbits(64)))
        return out

    def _phone(self) -> list[Product]:
        r = self.r
        name: tuple[Part, ...]
        series_p: Phrase | str
        if r.random() < .55:
            bkey, series, nums, sufs, pat, shared = r.choice(t.PHONE_LINES)
            brand, series_p = BRANDS[bkey], self.ph(series)
            num, suf = r.choice(nums), r.choice(sufs)
        else:
            brand, series_p = r.choice(self.pools["phone"]), r.choice(t.PHONE_SERIES)
            num, suf, pat, shared = str(r.randint(2, 99)), r.choice(t.PHONE_SUFFIX), "@@-###@", r.random() < .6
        name = ((series_p, False), (num, False)) + (((self.suffix(suf), False),) if suf else ())
        tablet = any(w in _canon(series_p) for w in ("Pad", "Tab"))
        allowed = t.CAPACITIES_GB[:4] if r.random() < .5 else t.CAPACITIES_GB[1:]
        caps = r.sample(allowed, r.choice((1, 2, 2, 3)))
        colours = r.sample(t.PHONE_COLOURS, r.choice((1, 1, 2)))
        langs, base = self.langs("phone", brand, .5), r.uniform(250_000, 1_600_000)
        code, out = code_from(r, pat), []
        hb = {c: r.getrandbits(64) for c in colours}
        for cap in sorted(caps)[:3]:
            for col in colours:
                out.append(Product("phone", brand, name, code if shared else code_from(r, pat),
                                   (("cap", cap), ("colour", col)), (), langs,
                                   base * (1 + .18 * math.log2(cap / 64)), hb[col], r.getrandbits(64),
                                   category="tablet" if tablet else "phone"))
        return out

    def _storage(self) -> list[Product]:
        r = self.r
        name: tuple[Part, ...]
        if r.random() < .6:
            bkey, line, pat = r.choice(t.STORAGE_LINES)
            brand, name = BRANDS[bkey], ((self.ph(line), False),)
        else:
            brand = r.choice(self.pools["storage"])
            kind = r.choice(("microSDXC", "microSD", "Portable SSD", "NVMe SSD", "USB Flash Drive"))
            name = ((kind, False), (code_from(r, r.choice(("@##", "@@", "@# Pro"))), False))
            pat = code_from(r, r.choice(("@@-###-", "@@@#@-", "@@##"))) + "{c}G"
        ssd, langs, h = "SSD" in _canon(name[0][0]), self.langs("storage", brand, .5), r.getrandbits(64)
        caps = sorted(r.sample(t.STORAGE_CAPS_GB[1:] if ssd else t.STORAGE_CAPS_GB[:6], r.choice((1, 2, 3, 4))))
        factor, out = r.uniform(.7, 1.4) * (3 if ssd else 1), []
        for cap in caps:
            c = str(cap) if cap < 1024 else f"{cap // 1024}T0"
            price = factor * 9000 * (cap / 32) ** .75
            out.append(Product("storage", brand, name, pat.replace("{c}", c), (("cap", cap),), (), langs,
                               price, _flip(r, h, 2), r.getrandbits(64)))
        return out

    def _vacuum(self) -> list[Product]:
        r = self.r
        name: tuple[Part, ...]
        if r.random() < .25:
            bkey, line, code = r.choice(t.VACUUM_LINES)
            brand, name = BRANDS[bkey], ((self.ph(line), False),)
            code_o: str | None = code or None
        else:
            brand = self.brand("vacuum", ("listar", "aeg", "danhui", "irobot", "roborock", "ecovacs", "dreame", "xiaomi", "samsung"), .3)
            tok = r.choice(t.VACUUM_TOKENS) if r.random() < .35 else code_from(r, r.choice(("@#", "@##", "@@#", "@@##")))
            suf = r.choice(t.VACUUM_SUFFIX)
            name = ((tok, False),) + (((self.suffix(suf), False),) if suf else ())
            code_o = f"{tok}-{r.randint(1, 3)}-{code_from(r, r.choice(('@@@', '@@@@', '#@@@')))}" if r.random() < .4 else None
        langs, price = self.langs("vacuum", brand, .35), r.uniform(150_000, 1_500_000)
        cols = r.sample(("white", "black", "gray"), 2) if r.random() < .3 else [None]
        return [Product("vacuum", brand, name, code_o, (("colour", c),) if c else (), (), langs,
                        price * (1 + .03 * i), r.getrandbits(64), r.getrandbits(64))
                for i, c in enumerate(cols)]

    def _vacuum_part(self) -> list[Product]:
        r = self.r
        brand: Brand | None = r.choice(self.pools["vacuum_part"]) if r.random() < .6 else None
        target = BRANDS[r.choice(("listar", "aeg", "danhui", "irobot", "roborock", "ecovacs", "dreame", "samsung"))]
        tok = "RX9" if r.random() < .3 else r.choice(t.VACUUM_TOKENS[3:]) if r.random() < .5 else code_from(r, "@##")
        name = ((target, True), (tok, False), (self.ph(r.choice(t.VACUUM_PARTS)), False))
        langs, unit, h = self.langs("vacuum_part", brand, .2), r.uniform(3_000, 15_000), r.getrandbits(64)
        return [Product("vacuum_part", brand, name, None, (("count", c, "piece", 1),), (), langs,
                        unit * c ** .8, _flip(r, h, 3), r.getrandbits(64))
                for c in r.sample(t.PART_COUNTS, r.choice((1, 2, 2, 3)))]

    def _sneaker(self) -> list[Product]:
        r = self.r
        name: tuple[Part, ...]
        if r.random() < .55:
            bkey, line, base = r.choice(t.SNEAKER_LINES)
            brand, name = BRANDS[bkey], ((self.ph(line), False),)
            if bkey == "nike" and r.random() < .5:
                base = code_from(r, "@@####")
        else:
            brand, base = r.choice(self.pools["sneaker"]), ""
            name = ((r.choice(t.SNEAKER_SERIES), False), (str(r.randint(1, 99)), False))
            pat = r.choice(t.SNEAKER_CODES)
        langs, price = self.langs("sneaker", brand, .45), r.uniform(69_000, 259_000)
        out = []
        for cw in r.sample(t.COLOURWAYS, r.choice((1, 1, 2, 3))):
            if not base:
                code = code_from(r, pat)
            elif base.startswith("~"):
                code = code_from(r, base[1:])     # adidas / NB / converse: a new code per colourway
            else:
                code = f"{base}-{cw}"             # nike / asics style: DC3991-100, 1201A019-020
            colour = "white" if cw in ("100", "111", "101") else "black" if cw in ("001", "010", "002") else \
                r.choice(("red", "blue", "green", "gray", "beige"))
            out.append(Product("sneaker", brand, name, code, (), (("colour", colour), ("shoesizes",)),
                               langs, price, r.getrandbits(64), r.getrandbits(64)))
        if brand.key == "nike" and r.random() < .35 and out[0].code:
            # Men's and women's versions: different products whose titles often list both codes.
            women = code_from(r, "@@####") + out[0].code[-4:]
            m = out[0]
            w = Product("sneaker", brand, name, women, (), m.noise, langs, price * .95, _flip(r, m.hash_a, 6),
                        r.getrandbits(64), alt_code=m.code)
            m.alt_code = women
            out.append(w)
        return out

    def _ring(self) -> list[Product]:
        r = self.r
        brand = self.brand("ring", ("goldendew", "jestina", "lloyd", "yondoshi", "ctf"), 1.0) if r.random() < .35 else None
        name = ((self.ph(r.choice(t.RING_ADJ)), False), (self.ph(r.choice(t.RING_STYLES)), False))
        code = code_from(r, r.choice(("R@@####", "@@@####", "@@####", "@@@@###"))) if r.random() < .8 else None
        materials = ["18K"] if r.random() < .5 else r.sample(list(t.MATERIALS), r.choice((1, 2)))
        sizes = r.sample(range(1, 31), r.choice((1, 2, 3, 4)))
        langs, base, h = self.langs("ring", brand, .15), r.uniform(250_000, 900_000), r.getrandbits(64)
        # All sizes share one product photo: identical image hash, different products.
        return [Product("ring", brand, name, code, (("ring", m, s),), (), langs,
                        base * t.MATERIAL_PRICE[m] * (1 + .01 * s), h, r.getrandbits(64))
                for m in materials for s in sizes]

    def _apparel(self) -> list[Product]:
        r = self.r
        brand = self.brand("apparel", ("arte", "giordano", "uniqlo", "spao", "topten", "zara", "muji"), .6)
        name = ((self.ph(r.choice(t.APPAREL_ADJ)), False), (self.ph(r.choice(t.APPAREL_ITEMS)), False))
        code = code_from(r, "######" if brand.key == "uniqlo" else r.choice(t.APPAREL_CODES))
        langs, price = self.langs("apparel", brand, .15), r.uniform(29_000, 390_000)
        cols = r.sample(list(t.COLOURS), r.choice((1, 1, 2, 3)))
        return [Product("apparel", brand, name, code, (("colour", c),) if len(cols) > 1 else (),
                        (("lit", r.choice(t.APPAREL_SIZES)),) + ((("colour", c),) if len(cols) == 1 else ()),
                        langs, price, r.getrandbits(64), r.getrandbits(64)) for c in cols]

    def _detergent(self) -> list[Product]:
        r = self.r
        brand = self.brand("detergent", ("pigeon", "tech", "persil", "downy", "attack", "ariel", "tide", "bluemoon"), .5)
        name = ((self.ph(r.choice(t.DETERGENT_TYPES)), False),)
        ident: tuple[Spec, ...] = (("text", self.ph(r.choice(t.DETERGENT_FORMS))),)
        if r.random() < .5:
            ident += (("text", self.ph(r.choice(t.SCENTS))),)
        amount, unit = r.choice(t.DETERGENT_AMOUNTS)
        langs, per, h = self.langs("detergent", brand, .25), r.uniform(6_000, 25_000), r.getrandbits(64)
        return [Product("detergent", brand, name, None, ident + (("pack", amount, unit, c, "pack"),), (),
                        langs, per * c ** .95, _flip(r, h, 3), r.getrandbits(64))
                for c in r.sample((1, 2, 3, 4, 6), r.choice((1, 2, 2, 3)))]

    def _produce(self) -> list[Product]:
        r = self.r
        x = r.random()
        brand = None if x < .7 else BRANDS["nonghyup"] if x < .8 else r.choice(self.pools["produce"])
        name = ((self.ph(r.choice(t.REGIONS)), False), (self.ph(r.choice(t.PRODUCE_FRUITS)), False))
        grade = self.ph(r.choice(t.GRADES))
        langs, per_kg, h = self.langs("produce", brand, .1), r.uniform(5_000, 20_000), r.getrandbits(64)
        out = []
        for kg in r.sample(t.PRODUCE_KG, r.choice((1, 2, 3))):
            lo = max(1, int(kg * r.uniform(1, 2)))
            out.append(Product("produce", brand, name, None, (("text", grade), ("kg", kg)), (("pieces", lo, lo + 2),),
                               langs, per_kg * kg ** .9, _flip(r, h, 4), r.getrandbits(64)))
        return out

    def _hardware(self) -> list[Product]:
        r = self.r
        brand = self.brand("hardware", ("sanei", "toto", "lixil", "kakudai", "daelim"), .7)
        name = ((self.ph(r.choice(t.HARDWARE_ITEMS)), False),)
        base = code_from(r, r.choice(t.HARDWARE_CODES))
        langs, price, h = self.langs("hardware", brand, .15), r.uniform(1_500, 80_000), r.getrandbits(64)
        sizes = r.sample(t.HARDWARE_SIZES, r.choice((1, 1, 2, 3)))
        if len(sizes) == 1:
            return [Product("hardware", brand, name, base, (), (), langs, price, h, r.getrandbits(64))]
        # Size variants differ only by the code suffix and a size token.
        return [Product("hardware", brand, name, f"{base}-{s}", (("mm", int(s)),), (), langs,
                        price * (1 + int(s) / 40), _flip(r, h, 2), r.getrandbits(64)) for s in sizes]

    # ---- the talk's examples ----------------------------------------------------------------
    def showcase(self) -> list[Product]:
        """Fixed hard cases from the talk; always the first products of every catalog."""
        r, ph = self.r, self.ph
        rx9 = ph("en:RX9; ko:RX9")
        hoover = ph("en:RX9 Robot Hoover|RX9; ko:RX9 로봇청소기|RX9; ja:RX9; zh:RX9")
        cider = ph(t.DRINK_LINES[0][1])
        hythiol = ph(t.SUPPLEMENT_LINES[0][1])
        ring_name = ((ph(t.RING_ADJ[0]), False), (ph(t.RING_STYLES[0]), False))
        am95, af1 = ph(t.SNEAKER_LINES[0][1]), ph(t.SNEAKER_LINES[1][1])
        rosa = Brand("premiumrosa", phrase("en:Premium Rosa; ko:프리미엄로사|프리미엄 로사; ja:プレミアムロサ; zh:Premium Rosa"))
        juice = ph("en:Pomegranate Juice 100%; ko:석류 원액|석류 원액 100%; ja:ザクロ原液 100%; zh:石榴原液")
        ko = (("ko", 1.0),)
        s23 = ((ph(t.PHONE_LINES[2][1]), False), ("23", False))
        h_ring, h_s23, h_hyt, h_cid, h_juice = (r.getrandbits(64) for _ in range(5))
        hb = r.getrandbits
        P = Product
        items = [
            P("vacuum", BRANDS["listar"], ((rx9, False),), None, (), (), (("ko", .9), ("en", .1)), 450_000, hb(64), hb(64)),
            P("vacuum", BRANDS["aeg"], ((hoover, False),), "RX9-1-SGM", (), (), (("en", .4), ("de", .3), ("ko", .3)), 900_000, hb(64), hb(64)),
            P("vacuum", BRANDS["aeg"], ((hoover, False),), "RX9-2-4ANM", (), (), (("en", .4), ("de", .3), ("ko", .3)), 1_100_000, hb(64), hb(64)),
            P("vacuum", BRANDS["danhui"], ((rx9, False),), None, (), (), (("ko", .5), ("zh", .5)), 180_000, hb(64), hb(64)),
            P("drink", BRANDS["lotte"], ((cider, False),), None, (("pack", 210.0, "ml", 30, "can"),), (), ko, 15_900, h_cid, hb(64)),
            P("drink", BRANDS["lotte"], ((cider, False),), None, (("pack", 210.0, "ml", 24, "can"),), (), ko, 13_000, _flip(r, h_cid, 2), hb(64)),
            P("drink", BRANDS["lotte"], ((cider, False),), None, (("pack", 355.0, "ml", 24, "can"),), (), ko, 17_500, _flip(r, h_cid, 5), hb(64)),
            P("supplement", BRANDS["ss"], ((hythiol, False),), None, (("count", 120, "tablet", 1),), (("supply", 40),), (("ja", .7), ("zh", .2), ("ko", .1)), 43_000, h_hyt, hb(64)),
            P("supplement", BRANDS["ss"], ((hythiol, False),), None, (("count", 40, "tablet", 1),), (("supply", 13),), (("ja", .7), ("zh", .2), ("ko", .1)), 17_000, _flip(r, h_hyt, 2), hb(64)),
            *(P("ring", None, ring_name, "RCS2709", (("ring", "18K", s),), (), ko, 520_000 * (1 + .01 * s), h_ring, hb(64)) for s in (26, 17, 22)),
            P("apparel", BRANDS["arte"], ((ph(t.APPAREL_ITEMS[0]), False),), "DLCPWU060", (), (("lit", "FREE"),), ko, 189_000, hb(64), hb(64)),
            P("sneaker", BRANDS["nike"], ((am95, False),), "DC3991-100", (), (("colour", "white"), ("shoesizes",)), (("ko", .7), ("ja", .15), ("zh", .15)), 179_000, hb(64), hb(64)),
            P("sneaker", BRANDS["nike"], ((am95, False),), "DC3991-001", (), (("colour", "black"), ("shoesizes",)), (("ko", .7), ("ja", .15), ("zh", .15)), 179_000, hb(64), hb(64)),
            P("sneaker", BRANDS["nike"], ((af1, False),), "CW2288-111", (), (("colour", "white"), ("shoesizes",)), (("ko", .6), ("ja", .2), ("en", .2)), 139_000, hb(64), hb(64), alt_code="DD8959-100"),
            P("sneaker", BRANDS["nike"], ((af1, False),), "DD8959-100", (), (("colour", "white"), ("shoesizes",)), (("ko", .6), ("ja", .2), ("en", .2)), 139_000, hb(64), hb(64), alt_code="CW2288-111"),
            P("hardware", BRANDS["sanei"], ((ph(t.HARDWARE_ITEMS[0]), False),), "T22-25X15", (), (), (("ja", 1.0),), 2_400, hb(64), hb(64)),
            P("drink", rosa, ((juice, False),), None, (("pack", 500.0, "ml", 1, "bottle"),), (), ko, 8_800, h_juice, hb(64)),
            P("drink", rosa, ((juice, False),), None, (("pack", 500.0, "ml", 3, "bottle"),), (), ko, 7_500 * 2.6, _flip(r, h_juice, 3), hb(64)),
            P("produce", None, ((ph(t.REGIONS[1]), False), (ph(t.PRODUCE_FRUITS[0]), False)), None, (("text", ph(t.GRADES[3])), ("kg", 2.0)), (("pieces", 3, 5),), (("ko", .8), ("en", .2)), 17_310, hb(64), hb(64)),
            *(P("phone", BRANDS["samsung"], s23, "SM-S911N", (("cap", c), ("colour", "black")), (), (("ko", .8), ("en", .2)), p, h_s23, hb(64)) for c, p in ((128, 1_150_000), (256, 1_270_000))),
        ]
        out = []
        for p in items:
            self.seen_keys.add(p.key())
            p.category = p.category or p.family
            p.gtin = self.gtin(p.family, p.langs[0][0])
            out.append(p)
        return out


def cluster_sizes(n_offers: int, seed: int, n_showcase: int, mu: float = _MU) -> np.ndarray:
    """Heavy-tailed offers-per-product that sum exactly to ``n_offers``.

    Args:
        n_offers: total number of offers.
        seed: random seed.
        n_showcase: leading products that get at least ``SHOWCASE_MIN_SIZE`` offers.
        mu: log-normal location of the size; the default gives about 18 offers per
            product on average (the talk's catalog), 0.7 about 3 (a small comparison site).

    Returns:
        int64 array, one size per product, all >= 1.
    """
    rng = np.random.default_rng([seed, 11])
    cap = int(np.clip(n_offers // 300, 8, _MAX_CAP))
    parts: list[np.ndarray] = []
    total = 0
    while total < n_offers:
        m = max(64, int((n_offers - total) / 15))
        s = np.ceil(np.exp(rng.normal(mu, _SIGMA, m)))
        big = s > cap
        s[big] = np.ceil(cap * (.3 + .7 * rng.random(int(big.sum()))))
        s[rng.random(m) < _SINGLETON_P] = 1
        if not parts:
            k = min(n_showcase, m)
            s[:k] = np.maximum(s[:k], min(SHOWCASE_MIN_SIZE, max(1, n_offers // max(1, 2 * n_showcase))))
        parts.append(s.astype(np.int64))
        total += int(s.sum())
    sizes = np.concatenate(parts)
    ends = np.cumsum(sizes)
    last = int(np.searchsorted(ends, n_offers))      # first product reaching n_offers
    sizes = sizes[: last + 1]
    sizes[-1] -= int(ends[last]) - n_offers
    return sizes


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: a cheap, well-mixing round function for the Feistel network.
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def permute(idx: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Keyed bijection of ``[0, n)`` (Feistel network + cycle walking), vectorised.

    Args:
        idx: int64 array of values in ``[0, n)``.
        n: domain size.
        seed: key.

    Returns:
        int64 array of the permuted values, also in ``[0, n)``.
    """
    half = max(1, (max(1, n - 1).bit_length() + 1) // 2)
    mask = np.uint64((1 << half) - 1)
    keys = [np.uint64((seed * 0x9E3779B1 + 0x7F4A7C15 * (i + 1)) & 0xFFFFFFFFFFFFFFFF) for i in range(4)]

    def rounds(v: np.ndarray) -> np.ndarray:
        left, right = v >> np.uint64(half), v & mask
        for k in keys:
            left, right = right, left ^ (_mix(right ^ k) & mask)
        return (left << np.uint64(half)) | right

    y = rounds(idx.astype(np.uint64))
    out = y >= np.uint64(n)
    while out.any():          # cycle walking: re-apply until the value falls inside [0, n)
        y[out] = rounds(y[out])
        out = y >= np.uint64(n)
    return y.astype(np.int64)


@dataclass(slots=True)
class Catalog:
    """Products plus the offer→product mapping for one (n_offers, seed)."""

    products: list[Product]
    ends: np.ndarray        # cumulative offer counts: product j owns positions [ends[j-1], ends[j])
    n_offers: int
    seed: int

    def products_of(self, offer_idx: np.ndarray) -> np.ndarray:
        """Product index of each offer index (vectorised)."""
        return self.products_and_ranks(offer_idx)[0]

    def products_and_ranks(self, offer_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Product index of each offer index and the offer's rank among its product's offers."""
        pos = permute(offer_idx, self.n_offers, self.seed)
        pid = np.searchsorted(self.ends, pos, side="right").astype(np.int64)
        start = np.where(pid > 0, self.ends[np.maximum(pid - 1, 0)], 0)
        return pid, (pos - start).astype(np.int64)


def build_catalog(n_offers: int, seed: int = 0, cluster_mu: float | None = None) -> Catalog:
    """Draw the products and their sizes for a catalog of ``n_offers`` offers.

    Args:
        n_offers: number of offers the catalog will have.
        seed: random seed; the same seed gives the same products.
        cluster_mu: log-normal location of offers per product (None: the default, see
            :func:`cluster_sizes`).

    Returns:
        The :class:`Catalog`.
    """
    builder = _Builder(seed, n_offers // 20 + 50)
    products = builder.showcase()
    sizes = cluster_sizes(n_offers, seed, len(products), _MU if cluster_mu is None else cluster_mu)
    products = products[: len(sizes)]
    while len(products) < len(sizes):
        products.extend(builder.group())
    del products[len(sizes):]
    return Catalog(products, np.cumsum(sizes), n_offers, seed)
