"""Western product families: home appliances, TVs, CPUs, cameras and mobile phones.

The hard cases of English/German/Nordic price-comparison catalogs:

* appliances whose model codes differ by one character between siblings (capacity, height,
  spin speed, install type, colour letter, generation digit), with region suffixes shops
  add, drop or change (``KGN36VL35G`` / ``KGN36VL35``), and series names one brand uses
  for a fridge, a dishwasher and a washing machine alike (generic titles collide);
* TVs whose codes embed the screen size (``UE55NU7400`` vs ``UE65NU7400`` vs ``UE55NU7100``);
* CPUs where K/X suffixes, Xeon versions and box/tray/server-kit packages are products;
* cameras sold as body only, with a kit lens or as a twin-lens kit;
* phones where capacity is identity but colour is not (one product, several colours);
* twin models — the talk's RX9 problem: a phone or camera line's neighbouring model one name
  slot away (``8`` / ``8 Plus``, ``E5 Plus`` / ``G5 Plus``, ``Mark II`` / ``Mark III``) with the
  same specs, colours and a similar price, so only that slot tells the two apart.

Names that exist in the real world (``iPhone 8 Plus``, ``i5-7600K``, ``EOS 2000D``) get
their codes from a generator seeded by the name, so drawing them twice yields the same
product, which the builder then drops as already seen.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from dataclasses import dataclass
from typing import Any

from samesku.synth import templates as t
from samesku.synth import western_data as wd
from samesku.synth.product import Product, Spec, _flip, code_from
from samesku.synth.templates import BRANDS, Brand

USD = 1 / t.PER_KRW["USD"]            # prices are kept in KRW like every other family
# Group draw weights (together about 38% of offers; see the tests for the measured share).
WEST_WEIGHTS: dict[str, float] = {"appliance": .115, "tv": .045, "cpu": .045, "camera": .05, "mobile": .13}
WEST_GTIN_P: dict[str, float] = {"appliance": .3, "tv": .35, "cpu": .3, "camera": .3, "mobile": .35}
WEST_FAMILIES = frozenset(WEST_WEIGHTS)
WEST_LANGS = ("en", "de", "sv")

_APPL_BRANDS = ("bosch", "bosch", "siemens", "neff", "aeg", "zanussi", "beko", "hotpoint", "indesit", "whirlpool",
                "miele", "smeg", "liebherr", "samsung", "samsung", "lg", "hisense", "candy", "hoover", "electrolux",
                "gorenje", "haier", "russellhobbs")
_APPL_CATS = (("fridge", .12), ("fridge_freezer", .2), ("freezer", .1), ("washer", .18), ("washer_dryer", .07),
              ("dishwasher", .15), ("microwave", .1), ("oven", .08))
_INSTALL_P: dict[str, tuple[float, float]] = {   # P(freestanding), P(freestanding or integrated)
    "fridge": (.65, 1), "fridge_freezer": (.7, 1), "freezer": (.75, 1), "washer": (.9, 1), "washer_dryer": (.85, 1),
    "dishwasher": (.45, .85), "microwave": (.7, 1), "oven": (0, 1),
}
_COLOUR_W = (("white", .42), ("stainless", .2), ("inoxlook", .1), ("black", .13), ("silver", .06), ("graphite", .06),
             ("cream", .02), ("red", .01))
_AXIS_W = (("size", .34), ("colour", .24), ("install", .12), ("rpm", .1), ("width", .08), ("gen", .12))
_SLOT = re.compile(r"\{([A-Za-z0-9]+)(?::([^}]*))?\}")
_MP = {"canon": (24.1, 26.2, 30.4, 32.5), "nikon": (24.2, 20.9, 45.7, 24.5), "sony": (24.2, 42.4, 24.3),
       "fujifilm": (24.3, 26.1, 16.3), "panasonic": (20.3, 16.0, 10.2), "olympus": (16.1, 20.4)}


#: Share of phone and camera lines that hold a twin model (see ``twin_model``).
TWIN_RATE = .3
_TWIN_MODIFIERS = ("Plus", "Pro", "Lite", "Max", "mini")
_LINE_MODIFIERS = frozenset(m.lower() for m in _TWIN_MODIFIERS) | {"edge"}
_ROMAN_NEXT = {"II": "III", "III": "IV", "IV": "III", "ii": "iii", "iii": "ii"}


def twin_model(r: random.Random, model: str, modifiers: bool = True) -> str:
    """A neighbouring model name one slot away from ``model``: a line modifier added, dropped
    or swapped (``8`` / ``8 Plus`` / ``8 Pro``), a generation digit or roman numeral moved
    (``S8`` / ``S9``, ``Mark II`` / ``Mark III``), or a series letter changed (``E5`` / ``G5``).
    Returns ``model`` itself when no slot can change (the caller then keeps one model);
    ``modifiers=False`` leaves line modifiers alone (cameras are not sold as "Lite")."""
    words = model.split()
    ops: list[str] = ["modifier"] if modifiers else []
    if any(w in _ROMAN_NEXT for w in words):
        ops += ["roman", "roman"]
    if re.search(r"\d", model):
        ops += ["digit", "digit"]
    if any(re.fullmatch(r"[A-Za-z]\d+[A-Za-z]*", w) for w in words):
        ops.append("letter")
    if not ops:
        return model
    op = r.choice(ops)
    if op == "roman":
        i = next(i for i, w in enumerate(words) if w in _ROMAN_NEXT)
        words[i] = _ROMAN_NEXT[words[i]]
    elif op == "digit":
        runs = list(re.finditer(r"\d+", model))
        m = runs[-1] if r.random() < .7 else r.choice(runs)
        n = m.group()
        if len(n) <= 2:
            v = int(n) + r.choice((-1, 1, 1, 2))
            new = str(v if v > 0 else int(n) + 1)
        else:   # one digit of a long model number (opteron 8356 / 2356, e5 2630 / 2640)
            k = r.randrange(len(n))
            new = n[:k] + r.choice([d for d in "0123456789" if d != n[k] and (k or d != "0")]) + n[k + 1:]
        return model[:m.start()] + new + model[m.end():]
    elif op == "letter":
        i = r.choice([i for i, w in enumerate(words) if re.fullmatch(r"[A-Za-z]\d+[A-Za-z]*", w)])
        w = words[i]
        letters = [c for c in "ABCEGJKMNPQSTVXZ" if c != w[0].upper()]
        c = r.choice(letters)
        words[i] = (c if w[0].isupper() else c.lower()) + w[1:]
    else:
        last = words[-1] if words else ""
        if last.endswith("+") and len(last) > 1:
            words[-1] = last[:-1]
        elif last.lower() in _LINE_MODIFIERS:
            if len(words) > 1 and r.random() < .5:
                words.pop()
            else:
                words[-1] = r.choice([m for m in _TWIN_MODIFIERS if m.lower() != last.lower()])
        else:
            words.append(r.choice(_TWIN_MODIFIERS))
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class _CameraLine:
    """What every model of one interchangeable-lens camera line shares (twins included)."""

    brand: Brand
    configs: list[tuple[str, ...]]     # ("body",), ("kit", lens), ("twin", lens, lens)
    kit_list: list[str]
    cstyle: str                        # how the brand writes its product codes
    ctype: str                         # "dslr" / "mirrorless"
    mp: float
    colour: str
    langs: tuple[tuple[str, float], ...]
    line: str
    line_p: Any                        # the line's name as a phrase, or None


def _stable(*parts: Any) -> random.Random:
    """A generator seeded by a name: the same real product always gets the same codes."""
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _wchoice(r: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    x, acc = r.random() * sum(w for _, w in pairs), 0.0
    for k, w in pairs:
        acc += w
        if x < acc:
            return k
    return pairs[-1][0]


class WesternFamilies:
    """Mixin of ``catalog._Builder``: one method per Western family, each a sibling group."""

    r: random.Random
    ph: Any
    wpool: list[Brand]
    _wstyles: dict[tuple[str, str], tuple[str, tuple[str, ...], str]]

    def _west_init(self, per_family: int) -> None:
        r, used = self.r, set(BRANDS)
        self.wpool, self._wstyles = [], {}
        combos = [a + b for a in wd.WEST_SYL_A for b in wd.WEST_SYL_B]
        r.shuffle(combos)
        for name in combos[: min(per_family, 400)]:
            if name.lower() not in used:
                used.add(name.lower())
                self.wpool.append(Brand(name.lower(), {"en": (name, name.upper())}))

    def wlangs(self, brand: Brand | None) -> tuple[tuple[str, float], ...]:
        """English-first shop languages; German brands are listed more in German shops."""
        r = self.r
        x = r.random()
        if brand is not None and brand.key in wd.GERMAN_BRANDS:
            home = "de" if x < .45 else "en" if x < .85 else "sv"
        else:
            home = "en" if x < .62 else "de" if x < .84 else "sv"
        if r.random() < .5:
            return ((home, 1.0),)
        extra = r.sample([lg for lg in WEST_LANGS if lg != home], r.choice((1, 1, 2)))
        share = r.uniform(.15, .45)
        return ((home, 1 - share),) + tuple((lg, share / len(extra)) for lg in extra)

    def _wbrand(self, real: tuple[str, ...], real_p: float) -> Brand:
        return BRANDS[self.r.choice(real)] if self.r.random() < real_p else self.r.choice(self.wpool)

    # ---- home appliances -----------------------------------------------------------------
    def _style(self, bkey: str, cat: str) -> tuple[str, tuple[str, ...], str]:
        """(code template, region suffixes, style) of one brand and category."""
        got = self._wstyles.get((bkey, cat))
        if got is None:
            style, regions = wd.BRAND_STYLE.get(bkey, ("generic", ()))
            if style == "generic":
                sr = _stable("style", bkey, cat)
                tpl = sr.choice(wd.GENERIC_SHAPES)
                lead = code_from(_stable("lead", bkey), "@")
                for slot in ("{I:F/I/S}", "{I:F/B/S}", "{W:6/4}"):
                    # a made-up brand's install / width letters, fixed per brand
                    a, b, c = (code_from(sr, "@") for _ in range(3))
                    tpl = tpl.replace(slot, f"{{I:{a}/{b}/{c}}}" if slot[1] == "I" else f"{{W:{a}/{b}}}")
                tpl = lead + tpl[1:] if tpl[0] == "@" else tpl
                regions = _stable("region", bkey).choice(wd.GENERIC_REGIONS)
            else:
                tpl = wd.CODE_STYLES[style][cat]
            got = self._wstyles[(bkey, cat)] = (tpl, regions, style)
        return got

    @staticmethod
    def _fill(tpl: str, fixed: str, a: dict[str, Any], s_fixed: str) -> str:
        out, k, pos = [], 0, 0
        for m in _SLOT.finditer(tpl):
            lit = tpl[pos:m.start()]
            out.append(fixed[k:k + len(lit)])
            k += len(lit)
            pos = m.end()
            name, arg = m.group(1), m.group(2)
            if name == "I":
                opts = arg.split("/")
                out.append(opts[("freestanding", "integrated", "semi").index(a["install"])])
            elif name == "W":
                out.append(arg.split("/")[0 if a.get("width", 60) == 60 else 1])
            elif name == "S":
                v = a.get("size")
                out.append(s_fixed if v is None else wd.HEIGHTS[v] if a["axis"] == "height" else str(v))
            elif name == "K":
                kg = a.get("size") or 8
                out.append(f"{kg}0" if kg < 10 else str(kg))
            elif name in ("R", "R2"):
                rpm = a.get("rpm")
                out.append("" if rpm is None else (wd.RPM_CODE if name == "R" else wd.RPM_CODE2)[rpm])
            elif name == "C":
                out.append(wd.COLOUR_CODE[a["colour"]])
            elif name == "Cm":
                out.append(wd.MIELE_COLOUR[a["colour"]])
            elif name == "G":
                out.append(a["gen"])
        out.append(fixed[k:])
        return "".join(out)

    def _appliance(self) -> list[Product]:
        r = self.r
        brand = self._wbrand(_APPL_BRANDS, .8)
        cats = wd.BRAND_CATS.get(brand.key)
        pairs = tuple(p for p in _APPL_CATS if cats is None or p[0] in cats.split())
        cat = _wchoice(r, pairs)
        tpl, regions, style = self._style(brand.key, cat)
        series = wd.SERIES.get(brand.key) or tuple(_stable("series", brand.key).sample(wd.SERIES_GENERIC, 3))
        series_p = self.ph(r.choice(series))
        axis = wd.SIZE_AXIS.get(cat, "")
        p_free, p_int = _INSTALL_P[cat]
        x = r.random()
        gen_w = 2 if style in ("bsh", "generic") else 1
        g0 = r.randrange(10 ** (gen_w - 1), 10 ** gen_w)
        g0 -= g0 % 10 == 9
        base: dict[str, Any] = {
            "axis": axis, "install": "freestanding" if x < p_free else "integrated" if x < p_int else "semi",
            "colour": _wchoice(r, _COLOUR_W) if cat != "oven" else r.choice(("stainless", "black", "black")),
            "gen": str(g0).zfill(gen_w),
        }
        if base["install"] != "freestanding" and cat in ("fridge", "fridge_freezer", "freezer", "dishwasher"):
            base["colour"] = "white"        # integrated appliances hide behind the kitchen door
        sizes: tuple[int, ...] = ()
        if axis == "height":
            sizes = tuple(wd.HEIGHTS)
        elif axis == "kg":
            sizes = (7, 8, 9, 10) if cat == "washer" else (8, 9, 10)
        elif axis == "litres":
            sizes = wd.MICRO_LITRES
        if sizes:
            base["size"] = r.choice(sizes)
        if cat in ("washer", "washer_dryer"):
            base["rpm"] = r.choice((1200, 1400, 1400, 1600))
        if cat == "dishwasher":
            base["width"] = 60 if r.random() < .75 else 45
        # sibling axes the template can express; gen is always possible
        avail = {"gen"} | ({"size"} if sizes and ("{S}" in tpl or "{K}" in tpl) else set()) \
            | ({"rpm"} if "rpm" in base and "{R" in tpl else set()) \
            | ({"colour"} if "{C" in tpl and (base["install"] == "freestanding" or cat in ("microwave", "oven")) else set()) \
            | ({"install"} if "{I" in tpl and cat != "oven" else set()) | ({"width"} if "{W" in tpl and cat == "dishwasher" else set())
        axes: list[str] = []
        if r.random() > .22:
            for _ in range(r.choice((1, 1, 1, 2))):
                left = tuple(p for p in _AXIS_W if p[0] in avail and p[0] not in axes)
                if left:
                    axes.append(_wchoice(r, left))
        variants = [dict(base)]
        vals: list[Any]
        for ax in axes:
            if ax == "size":
                vals = r.sample(sizes, min(len(sizes), r.choice((2, 2, 3))))
            elif ax == "colour":
                vals = r.sample([c for c, _ in _COLOUR_W[:6]], 2)
            elif ax == "install":
                vals = ["freestanding", "integrated", "semi"][: 3 if cat == "dishwasher" else 2]
            elif ax == "rpm":
                vals = r.sample((1200, 1400, 1600), 2)
            elif ax == "width":
                vals = [60, 45]
            else:
                vals = [base["gen"], str(g0 + 1).zfill(gen_w)]
            key = {"size": "size", "colour": "colour", "install": "install", "rpm": "rpm", "width": "width"}.get(ax, "gen")
            variants = [{**v, key: val} for v in variants for val in vals][:6]
        fixed = code_from(r, _SLOT.sub("", tpl))
        s_fixed = code_from(r, "##")
        region = r.choice(regions) if regions else ""
        langs, usd = self.wlangs(brand), r.uniform(*wd.BASE_USD[cat])
        feats = tuple(self.ph(f) for f in r.sample(wd.FEATURES[cat], min(len(wd.FEATURES[cat]), r.choice((1, 2, 3)))))
        energy_i = r.randrange(0, 5 if cat != "microwave" else 1)
        h, out, seen_codes = r.getrandbits(64), [], set()
        for v in variants:
            core = self._fill(tpl, fixed, v, s_fixed)
            if core in seen_codes:
                continue
            seen_codes.add(core)
            spec: list[Spec] = [("kind", cat), ("install", v["install"])]
            price = usd
            if v.get("size") is not None:
                s = v["size"]
                if axis == "kg" and cat == "washer_dryer":
                    spec.append(("wkg", s, wd.WASH_DRY[s]))
                else:
                    spec.append((axis, s))
                price *= (s / 186) ** 1.1 if axis == "height" else 1 + .07 * (s - 8) if axis == "kg" else 1 + .02 * (s - 23)
            if v.get("rpm"):
                spec.append(("rpm", v["rpm"]))
                price *= 1 + .06 * (v["rpm"] - 1400) / 200
            if cat == "dishwasher":
                spec.append(("width", v["width"]))
                price *= .92 if v["width"] == 45 else 1
            spec.append(("colour", v["colour"]))
            price *= {"integrated": 1.15, "semi": 1.08}.get(v["install"], 1) * (1.06 if v["colour"] in ("stainless", "black") else 1)
            price *= 1 + .04 * (v["gen"] != base["gen"])
            noise: list[Spec] = [("energy", wd.ENERGY[energy_i])]
            noise += [("feat", f) for f in feats]
            if axis == "height":
                w = 54 if v["install"] != "freestanding" else r.choice((55, 60, 60, 70))
                noise += [("wcm", w), ("netl", int(v["size"] * 1.75 * w / 60 + r.randrange(-9, 9)))]
            elif cat == "dishwasher":
                noise.append(("places", (9, 10)[r.randrange(2)] if v["width"] == 45 else r.choice((12, 13, 14))))
            elif cat == "microwave":
                noise.append(("watts", r.choice((700, 800, 900, 1000))))
            elif cat == "oven":
                noise.append(("ovenl", r.choice((65, 71, 71, 72))))
            if cat in ("washer", "washer_dryer", "dishwasher"):
                noise.append(("db", r.randrange(42, 52) if cat == "dishwasher" else r.randrange(70, 78)))
            out.append(Product("appliance", brand, ((series_p, True),), core + region, tuple(spec), tuple(noise),
                               langs, price * USD, _flip(r, h, 3), r.getrandbits(64), category=cat,
                               extra={"core": core, "reg": region, "regs": regions}))
        return out

    # ---- TVs ------------------------------------------------------------------------------
    def _tv(self) -> list[Product]:
        r = self.r
        if r.random() < .82:
            line = r.choice(tuple(wd.TV_LINES))
            brand = BRANDS[line.split("_")[0]]
            pats, model_list, regs, words, panel = wd.TV_LINES[line]
            pat, m0 = r.choice(pats.split("|")), r.choice(model_list.split())
            if len(m0) >= 3 and r.random() < .5:   # a model number of the brand's scheme beyond the list
                m0 = m0[0] + str(r.randrange(10)) + m0[2:]
            regions = tuple(regs.split()) or ("",)
        else:
            brand = r.choice(self.wpool)
            pat = code_from(r, r.choice(("@{Z}@@{M}", "@@{Z}@{M}", "{Z}@@{M}@")))
            m0, regions, words, panel = code_from(r, r.choice(("###", "####"))), ("", "UK", "EU"), "Smart TV", "led"
        models = [m0]
        if r.random() < .3 and m0.isdigit() and len(m0) >= 3:
            i = r.randrange(len(m0) - 1)   # a neighbouring model: one digit differs (7400 vs 7100)
            d = str((int(m0[i]) + r.randrange(1, 9)) % 10)
            models.append(m0[:i] + d + m0[i + 1:])
        lo = r.randrange(1, len(wd.TV_SIZES) - 3)
        sizes = sorted(r.sample(wd.TV_SIZES[lo:lo + 6], r.choice((1, 2, 2, 3, 4))))
        region, langs = r.choice(regions), self.wlangs(brand)
        line_p = self.ph("en:" + words)
        usd, year = r.uniform(280, 900) * (3 if panel == "oled" else 1.6 if panel == "qled" else 1), r.choice((2017, 2018, 2019, 2020))
        h, out = r.getrandbits(64), []
        for mi, m in enumerate(models):
            for z in (sizes if mi == 0 else r.sample(sizes, 1)):
                core = pat.replace("{Z}", str(z)).replace("{M}", m)
                res = "uhd" if z >= 43 or panel != "led" else "fhd" if z >= 32 else "hd"
                noise: tuple[Spec, ...] = (("res", res), ("panel", panel), ("year", year))
                out.append(Product("tv", brand, ((line_p, True),), core + region, (("inch", z),), noise, langs,
                                   usd * (z / 50) ** 2.1 * (1 + .08 * mi) * USD, _flip(r, h, 4), r.getrandbits(64),
                                   category="tv", extra={"core": core, "reg": region, "regs": regions}))
        return out

    # ---- CPUs -----------------------------------------------------------------------------
    def _cpu(self) -> list[Product]:
        r = self.r
        x = r.random()
        if x < .55:
            return self._intel_core()
        if x < .75:
            return self._xeon()
        return self._ryzen()

    def _cpu_product(self, brand: Brand, series: str, model: str, pkg: str, code: str, noise: tuple[Spec, ...],
                     usd: float, h: int, langs: tuple[tuple[str, float], ...], extra: dict[str, Any],
                     server: str = "") -> Product:
        name = ((server, True),) if server else ()
        return Product("cpu", brand, name + ((series, False), (model, False)), code, (("pkg", pkg),), noise, langs,
                       usd * USD, _flip(self.r, h, 2), self.r.getrandbits(64), category="cpu",
                       extra={**extra, "series": series, "model": model, "server": server})

    def _intel_core(self) -> list[Product]:
        r = self.r
        tier = _wchoice(r, (("i3", .2), ("i5", .36), ("i7", .34), ("i9", .1)))
        gen = r.choice((9, 10, 11, 12, 13)) if tier == "i9" else r.randint(6, 13)
        skus, cores, caches = wd.INTEL_TIERS[tier]
        sku = r.choice(skus)
        num = f"{gen}{sku if r.random() < .5 else sku[0] + str(r.randrange(10)) + '0'}"
        sock, codename, fam = wd.INTEL_GENS[gen]
        sr = _stable("intel", tier, num)
        base_ghz = round(sr.uniform(2.8, 3.7), 1)
        core_n, cache = sr.choice(cores), sr.choice(caches)
        sufs = ["", "K"] if r.random() < .6 else [r.choice(("", "K"))]
        if gen >= 9 and r.random() < .4:
            sufs.append(r.choice(("F", "KF")))
        elif r.random() < .1:
            sufs.append("T")           # low-power version
        pkgs = ["box", "tray"] if r.random() < .55 else [r.choice(("box", "box", "tray"))]
        langs, h, out = self.wlangs(BRANDS["intel"]), r.getrandbits(64), []
        usd0 = {"i3": 120, "i5": 210, "i7": 330, "i9": 490}[tier] * r.uniform(.85, 1.15)
        for suf in sufs:
            ghz = round(base_ghz + (.3 if "K" in suf else 0), 1)
            noise = (("ghz", ghz), ("cache", cache), ("cores", core_n), ("socket", sock), ("codename", codename),
                     ("tdp", 95 if "K" in suf else 65))
            tray_code = "CM80" + fam + code_from(_stable("tray", num, suf), "#######")
            for pkg in pkgs:
                code = f"BX80{fam}I{tier[1]}{num}{suf}" if pkg == "box" else tray_code
                usd = usd0 * (1.12 if "K" in suf else 1) * (.96 if "F" in suf else 1) * (.95 if pkg == "tray" else 1)
                out.append(self._cpu_product(BRANDS["intel"], f"Core {tier}", num + suf, pkg, code, noise, usd, h, langs,
                                             {"kind": "core", "tier": tier, "num": num, "suf": suf}))
        return out

    def _xeon(self) -> list[Product]:
        r = self.r
        series, pat, vers, sock = r.choice(wd.XEON_LINES)
        num = code_from(r, pat)
        versions = vers.split() or [""]
        if len(versions) > 1 and r.random() < .5:
            versions = [r.choice(versions)]
        elif len(versions) == 1 and versions[0] == "G":
            versions = [""]
            num += "G"
        sr = _stable("xeon", series, num)
        ghz, cores = round(sr.uniform(1.7, 3.6), 1), sr.choice((4, 6, 8, 10, 12, 16))
        cache = round(cores * 1.375, 2) if "E5" in series else cores * 2
        langs, h, out = self.wlangs(BRANDS["intel"]), r.getrandbits(64), []
        usd0 = r.uniform(250, 1800)
        for ver in versions:
            model = f"{num} {ver}".strip()
            noise = (("ghz", ghz), ("cache", cache), ("cores", cores), ("socket", sock), ("tdp", sr.choice((65, 85, 105, 120))))
            fam = {"v3": "644", "v4": "660", "v5": "662", "v6": "677"}.get(ver, "673")
            ex = {"kind": "xeon", "ver": ver, "num": num}
            pkgs = ["box", "tray"] if r.random() < .6 else [r.choice(("box", "tray"))]
            for pkg in pkgs:
                code = f"BX80{fam}{series.split()[-1][:2].upper()}{num}{ver.upper()}" if pkg == "box" else \
                    "CM80" + fam + code_from(_stable("tray", series, model), "#######")
                out.append(self._cpu_product(BRANDS["intel"], series, model, pkg, code, noise,
                                             usd0 * (.95 if pkg == "tray" else 1) * (1.1 if ver in ("v4", "v6") else 1), h, langs, ex))
            if r.random() < .5:   # an enterprise vendor's processor kit: another product with its own part number
                server = r.choice(wd.SERVER_MODELS)
                vendor = BRANDS["dell" if server.startswith("Power") else "hpe"]
                kr = _stable("kit", server, series, model)
                code = code_from(kr, "338-@@@@" if vendor.key == "dell" else r.choice(("8#####-B21", "P#####-B21")))
                out.append(self._cpu_product(vendor, series, model, "kit", code, noise, usd0 * 1.7, _flip(r, h, 12),
                                             self.wlangs(vendor), ex, server=server))
        return out

    def _ryzen(self) -> list[Product]:
        r = self.r
        thread = r.random() < .1
        gen = r.choice(("1", "2", "2", "3", "3", "5", "7"))
        codename, sock = wd.RYZEN_GENS[gen]
        if thread:
            series, tier, num = "Ryzen Threadripper", "", gen + r.choice(("950", "920", "900", "970", "990"))
            sufs = ["X"] if num[1:] != "990" else ["WX"]
            sock = "TR4"
        else:
            tier = r.choice(("3", "5", "5", "7", "7", "9") if gen in "357" else ("3", "5", "5", "7"))
            series = f"Ryzen {tier}"
            num = gen + r.choice({"3": ("200", "300"), "5": ("400", "500", "600"), "7": ("700", "800"), "9": ("900", "950")}[tier])
            num = num if r.random() < .5 else num[:2] + str(r.randrange(10)) + "0"
            sufs = ["", "X"] if r.random() < .6 else [r.choice(("", "X"))]
            if gen == "2" and tier in ("3", "5") and r.random() < .3:
                sufs = ["G"]
        sr = _stable("ryzen", series, num)
        ghz = round(sr.uniform(3.0, 3.7), 1)
        cores = {"3": 4, "5": 6, "7": 8, "9": 12, "": 16}[tier] if not thread else sr.choice((12, 16, 24, 32))
        langs, h, out = self.wlangs(BRANDS["amd"]), r.getrandbits(64), []
        usd0 = {"3": 100, "5": 170, "7": 290, "9": 480, "": 700}[tier] * r.uniform(.85, 1.2)
        pkgs = ["box", "tray"] if r.random() < .4 else ["box"]
        for suf in sufs:
            noise = (("ghz", round(ghz + (.2 if "X" in suf else 0), 1)), ("cache", cores * 2 + cores // 2 if gen != "3" else cores * 4 + 3),
                     ("cores", cores), ("socket", sock), ("codename", codename),
                     ("tdp", 95 if "X" in suf else 65))
            digits = code_from(_stable("amd", num, suf), "###")
            for pkg in pkgs:
                if gen in "357":
                    code = f"100-100000{digits}BOX" if pkg == "box" else f"100-000000{digits}"
                else:
                    code = f"YD{num}{suf}BBAFBOX" if pkg == "box" else f"YD{num}{suf}BBM6IAF"
                ex = {"kind": "ryzen", "num": num, "suf": suf, "cooler": r.choice(("Wraith Stealth", "Wraith Spire", "Wraith Prism", ""))}
                out.append(self._cpu_product(BRANDS["amd"], series, num + suf, pkg, code, noise,
                                             usd0 * (1.15 if "X" in suf else 1) * (.94 if pkg == "tray" else 1), h, langs, ex))
        return out

    # ---- cameras ----------------------------------------------------------------------------
    def _compact(self) -> list[Product]:
        """A compact camera line: one or two neighbouring models, each sold in several colours."""
        r = self.r
        bkey = r.choice(tuple(wd.COMPACT_LINES))
        brand = BRANDS[bkey]
        line, pats, cols = wd.COMPACT_LINES[bkey]
        pat = r.choice(pats.split("|"))
        models = list(dict.fromkeys(code_from(r, pat) for _ in range(r.choice((1, 1, 2)))))
        langs, line_p, out = self.wlangs(brand), self.ph("en:" + line), []
        for model in models:
            sr = _stable("compact", bkey, model)
            colours = tuple(sr.sample(cols.split(), min(len(cols.split()), sr.choice((1, 2, 3, 3)))))
            noise: tuple[Spec, ...] = (("mp", sr.choice((16.0, 18.1, 20.1, 20.2, 20.3))), ("ctype", "compact"),
                                       ("colours", colours))
            out.append(Product("camera", brand, ((line_p, True), (model, False)), None, (("compact",),), noise, langs,
                               sr.uniform(90, 900) * USD, _flip(r, r.getrandbits(64), 5), r.getrandbits(64),
                               category="camera", extra={"line": line, "model": model}))
        return out

    def _camera(self) -> list[Product]:
        r = self.r
        if r.random() < .3:
            return self._compact()
        if r.random() < .65:
            key = r.choice(tuple(wd.CAMERA_LINES))
            bkey = key.split("_")[0]
            brand = BRANDS[bkey]
            line, models, kits, twins, cstyle, ctype = wd.CAMERA_LINES[key]
            model = r.choice(models.split()).replace("_", " ")
            if r.random() < .5:     # a model number of the same family that the list does not hold
                model = re.sub(r"\d+", lambda m: str(int(m.group()) + r.choice((-100, 50, 100, 200, 300, 400, -50, 150)
                                                                                if len(m.group()) > 2 else (1, 2, 3, 4))), model, count=1)
        else:
            brand, bkey, line, cstyle = r.choice(self.wpool), "", "", "generic"
            model, ctype = code_from(r, r.choice(("@@-###", "@###", "@-#@"))), r.choice(("dslr", "mirrorless"))
            kits, twins = "16-50mm|18-55mm|15-45mm|14-42mm", "50-200mm|70-300mm"
        kit_list, twin_list = kits.split("|"), twins.split("|")
        configs: list[tuple[str, ...]] = [("body",)]
        for k in r.sample(kit_list, min(len(kit_list), r.choice((1, 1, 2)))):
            configs.append(("kit", k))
        if r.random() < .2:
            configs.append(("twin", kit_list[0], r.choice(twin_list)))
        if r.random() < .25:
            configs = r.sample(configs, r.choice((1, 2)))
        sr = _stable("camera", brand.key, model)
        mp = sr.choice(_MP.get(bkey, (16.0, 20.1, 24.2)))
        colour = "black" if sr.random() < .8 or bkey not in ("fujifilm", "olympus", "panasonic", "") else "silver"
        langs, usd, h = self.wlangs(brand), r.uniform(350, 2600), r.getrandbits(64)
        line_p = self.ph("en:" + line) if line else None
        line_models = [model]
        if r.random() < TWIN_RATE:   # the neighbouring model: same sensor, colour, kits and price band
            line_models = list(dict.fromkeys((model, twin_model(r, model, modifiers=False))))
        cam = _CameraLine(brand, configs, kit_list, cstyle, ctype, mp, colour, langs, line, line_p)
        out = []
        for j, m in enumerate(line_models):
            out += self._camera_model(cam, m, usd * (r.uniform(.8, 1.25) if j else 1), _flip(r, h, 8) if j else h)
        return out

    def _camera_model(self, cam: _CameraLine, model: str, usd: float, h: int) -> list[Product]:
        """One camera model sold in each of ``configs`` (body, kit lens, twin-lens kit)."""
        r = self.r
        digits = code_from(_stable("camera", cam.brand.key, model), "####")
        out = []
        for cfg in cam.configs:
            kind = cfg[0]
            cr = _stable("camcode", cam.brand.key, model, *cfg)
            m = re.sub(r"[^A-Za-z0-9]", "", model.replace("III", "M3").replace("II", "M2")).upper()
            i = 1 + cam.kit_list.index(cfg[1]) if kind == "kit" else 0
            code = {
                "canon": f"{digits}C00{'1' if kind == 'body' else '9' if kind == 'twin' else 2 + i}",
                "nikon": f"VBA{digits[:3]}AE" if kind == "body" else f"VBA{digits[:3]}K00{i}",
                "sony": f"ILCE-{m.lstrip('A')}{'B' if kind == 'body' else 'YB' if kind == 'twin' else 'LB'}",
                "fuji": code_from(cr, "16######"), "oly": code_from(cr, "V20#######"),
                "pana": f"DC-{m}{'EB-K' if kind == 'body' else 'MEB-K' if i == 1 else 'HEB-K' if i else 'WEB-K'}",
            }.get(cam.cstyle) or code_from(cr, "@@-####@")
            lens_usd = 0 if kind == "body" else cr.uniform(100, 450) + (180 if kind == "twin" else 0)
            noise: tuple[Spec, ...] = (("mp", cam.mp), ("ctype", cam.ctype), ("colour", cam.colour))
            name = ((cam.line_p, True),) if cam.line_p else ()
            out.append(Product("camera", cam.brand, name + ((model, False),), code, (cfg,), noise, cam.langs,
                               (usd + lens_usd) * USD, _flip(r, h, 5), r.getrandbits(64), category="camera",
                               extra={"line": cam.line, "model": model}))
        return out

    # ---- mobile phones (colour is not identity here) ----------------------------------------
    def _mobile(self) -> list[Product]:
        r = self.r
        if r.random() < .78:
            bkey = r.choice(("apple", "apple", "apple", "samsung", "samsung", "samsung", "huawei", "huawei", "google",
                             "oneplus", "sony", "nokia", "motorola", "xiaomi", "lg"))
            brand = BRANDS[bkey]
            series, models, caps, pat, cols = wd.PHONE_WEST[bkey]
            model = r.choice(models.split(","))
            if bkey in wd.PHONE_GEN and r.random() < .45:   # a model of the brand's naming scheme
                model = code_from(r, r.choice(wd.PHONE_GEN[bkey].split("|")))
        else:
            brand = r.choice(self.wpool)
            series = "en:" + r.choice(wd.PHONE_SERIES_W)
            model = f"{r.randint(2, 12)} {r.choice(wd.PHONE_SUFFIX_W)}".strip()
            caps, pat, cols = "16 32 64 128", r.choice(("@@-###", "@####", "")), "black blue silver gold white"
        sr = _stable("mobile", brand.key, series, model)
        cap_list = [int(c) for c in caps.split()]
        lo = r.randrange(len(cap_list))
        chosen = cap_list[lo:lo + r.choice((1, 2, 2, 3))]
        colours = tuple(sr.sample(cols.split(), min(len(cols.split()), sr.choice((2, 3, 4)))))
        screen, mp = round(sr.uniform(4.7, 6.5), 1), sr.choice((12, 12, 13, 16, 20, 48))
        langs, usd, h = self.wlangs(brand), sr.uniform(150, 1100), r.getrandbits(64)
        name = ((self.ph(series), brand.key in ("samsung", "motorola")),) if series else ()
        line_models = [model]
        if r.random() < TWIN_RATE:   # the neighbouring model: same capacities, colours, screen, camera
            line_models = list(dict.fromkeys((model, twin_model(r, model))))
        out = []
        for j, m in enumerate(line_models):
            cr = _stable("mobile-code", brand.key, series, m)   # a model drawn twice keeps its code
            code = code_from(cr, cr.choice(pat.split("|"))) if pat else None
            out += self._mobile_model(brand, name, m, code, chosen, colours, screen, mp, langs,
                                      usd * (r.uniform(.8, 1.25) if j else 1), _flip(r, h, 8) if j else h)
        return out

    def _mobile_model(self, brand: Brand, name: tuple[Any, ...], model: str, code: str | None, chosen: list[int],
                      colours: tuple[str, ...], screen: float, mp: int, langs: tuple[tuple[str, float], ...],
                      usd: float, h: int) -> list[Product]:
        """One phone model sold in each capacity of ``chosen``."""
        r = self.r
        out = []
        for cap in chosen:
            noise: list[Spec] = [("colours", colours), ("screen", screen), ("mp", mp)]
            if brand.key != "apple":
                noise.append(("ram", 2 if cap <= 16 else 3 if cap <= 32 else 4 if cap <= 64 else 6))
            out.append(Product("mobile", brand, name + ((model, False),), code, (("cap", cap),), tuple(noise), langs,
                               usd * (1 + .15 * math.log2(cap / chosen[0])) * USD, _flip(r, h, 2), r.getrandbits(64),
                               category="mobile", extra={"model": model}))
        return out

