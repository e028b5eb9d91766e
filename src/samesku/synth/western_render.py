"""Offer titles of the Western families, written the way English/German/Nordic shops do.

Titles are often lower-cased, words come in many orders, specs are added or left out
(and sometimes misstated by a centimetre), model codes lose or change their region suffix
or get spaces (``kgn 36 vl 35``), the brand or the code is sometimes missing, and a
share of appliance and TV titles are *generic* (``bosch serie 6 integrated dishwasher in
white``): several different products of one brand and series share that shape. Each
title draws from its own ``random.Random`` seeded by one draw of the offer, so the
number of choices is not limited by the generator's per-offer draw budget.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from samesku.synth import templates as t
from samesku.synth import western_data as wd
from samesku.synth.product import Product
from samesku.synth.templates import Phrase, phrase, say

Rnd = Callable[[], float]
T = TypeVar("T")


def _ph(d: dict[str, str]) -> dict[str, Phrase]:
    return {k: phrase(v) for k, v in d.items()}


KIND, INSTALL, WCOL = _ph(wd.KIND), _ph(wd.INSTALL), _ph(wd.WCOLOURS)
TV_RES, CAM_TYPE = _ph(wd.TV_RES), _ph(wd.CAMERA_TYPE)
ENERGY_W, PLACES, TV_INCH, BODY = phrase(wd.ENERGY_WORD), phrase(wd.PLACE_SETTINGS), phrase(wd.TV_INCH), phrase(wd.BODY_WORDS)
LENS_W = phrase(wd.LENS_WORD)
KIT_J = {lang: tuple(f" {a.strip()} " if a.strip() not in ("+", "&") else f" {a.strip()} " for a in alts.split("|"))
         for lang, _, alts in (c.strip().partition(":") for c in wd.KIT_JOINERS.split(";"))}
TV_WORDS, CPU_WORDS = tuple(map(phrase, wd.TV_WORDS)), tuple(map(phrase, wd.CPU_WORDS))
PHONE_WORDS, CAM_FEATS = tuple(map(phrase, wd.PHONE_WORDS)), tuple(map(phrase, wd.CAMERA_FEATS))
PKG: dict[str, Phrase] = _ph({
    "box": "en:box|boxed|retail|retail box|bx|(box)|box version; de:box|boxed|boxed-version; sv:box|retail|boxed",
    "tray": "en:tray|oem|tray version|(tray)|bulk|oem/tray; de:tray|oem|tray-version; sv:tray|oem",
    "kit": "en:processor kit|cpu kit|kit|processor option kit; de:prozessor-kit|cpu kit|kit; sv:processor kit|kit",
})
GERMAN_LOSS = ({"ä": " ", "ö": " ", "ü": " ", "ß": " ", "å": " ", "ø": " "},
               {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "å": "aa", "ø": "oe"},
               {"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "å": "a", "ø": "o"})
_RUNS = re.compile(r"[A-Za-z]+|\d+")
_PUNCT = re.compile(r"[-/()\"”,|\[\]:]+")
_SPACES = re.compile(r"\s+")
_ORDERS: dict[str, tuple[str, ...]] = {
    "appliance": ("BSCKVXc", "BCKVXc", "BCSKcVX", "CBKVc", "BSKcCVX", "BKCVXc", "VKBCc", "BCVKXc", "KBSCVc", "BSCVKc"),
    "appliance_generic": ("BSKVc", "BSKcV", "BKSVc", "VBSKc", "BSVKc", "SKBcV", "BSKXc"),
    "appliance_code": ("BC", "CB", "BCK", "CK", "C", "BC"),
    "appliance_bare": ("Kc", "VKc", "KVc", "K", "K"),
    "tv": ("BLCZRPW", "BZCRW", "BCZRPW", "ZBRPWC", "CBZRW", "BLZRWC", "BCRZW", "BWCZR"),
    "tv_generic": ("BLZRPW", "BZRPW", "ZBRW", "BZWR"),
    "tv_code": ("BC", "CB", "BCZ", "C"),
    "cpu": ("BNXPC", "BNPXC", "BNXPC", "NBXP", "CBNXP", "WBNXP", "BNXWP", "BNPX"),
    "camera": ("BNKTMX", "BNTKMX", "BTNKM", "BNMTK", "NBK", "BNKCX", "BNKXT"),
    "mobile": ("BNVcW", "BNVWc", "WBNVc", "BNcVW", "BNVcSM", "NVcB", "BNVc", "BNCVc"),
}


def _pick(alts: Sequence[T], u: float) -> T:
    return alts[int(u * len(alts))]


def _say(p: Phrase, lang: str, r: Rnd) -> str:
    return _pick(say(p, lang), r())


def _dec(x: float, lang: str, r: Rnd) -> str:
    s = f"{x:g}"
    return s.replace(".", ",") if lang == "de" and r() < .7 else s


def render_code(p: Product, r: Rnd) -> str:
    """A Western model code as shops write it: region suffix dropped or changed, spaced, squashed."""
    ex = p.extra or {}
    core, reg, regs = ex.get("core") or p.code or "", ex.get("reg", ""), ex.get("regs", ())
    u = r()
    if reg and u < .38:
        reg = ""
    elif reg and u < .45 and len(set(regs)) > 1:
        reg = _pick([x for x in regs if x != reg], r())
    code = core + reg
    v = r()
    if v < .10:
        code = " ".join(_RUNS.findall(code))
    elif v < .16:
        cuts = [m.start() for m in re.finditer(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", code)]
        if cuts:
            i = _pick(cuts, r())
            code = code[:i] + " " + code[i:]
    elif v < .30:
        code = re.sub(r"[-/. ]", "", code)
    elif v < .34:
        code = re.sub(r"[-/]", " ", code)
    elif v < .37:
        code = f"({code})"
    elif v < .39:
        code = f"model {code}" if r() < .5 else f"modell {code}"
    return code


def _brand(p: Product, lang: str, r: Rnd) -> list[str]:
    return [_say(p.brand.names, lang, r)] if p.brand is not None else []


def west_spec(s: tuple, lang: str, r: Rnd) -> str:
    """One spec of a Western product, in one of the notations shops use."""
    k = s[0]
    u = r()
    if k == "kind":
        return _say(KIND[s[1]], lang, r)
    if k == "install":
        return _say(INSTALL[s[1]], lang, r)
    if k == "colour":
        c = s[1]
        if c in wd.COLOUR_DRIFT and r() < .3:
            c = _pick(wd.COLOUR_DRIFT[c], r())
        return _say(WCOL[c], lang, r)
    if k == "height":
        h = s[1] + (r() < .08) * _pick((-1, 1), r())
        return _pick((f"{h}cm", f"{h} cm", f"h{h}cm", f"{h}cm tall", f"H {h} cm") if lang != "de" else
                     (f"{h} cm", f"höhe {h} cm", f"{h} cm hoch", f"{h}cm"), u)
    if k == "kg":
        return _pick((f"{s[1]}kg", f"{s[1]} kg", f"{s[1]}kg load", f"{s[1]}kg wash", f"{s[1]}KG"), u)
    if k == "wkg":
        a, b = s[1], s[2]
        return _pick((f"{a}kg/{b}kg", f"{a}/{b}kg", f"{a}kg wash {b}kg dry", f"{a}+{b}kg", f"{a} kg / {b} kg")
                     if lang != "de" else (f"{a} kg / {b} kg", f"waschen {a} kg trocknen {b} kg", f"{a}+{b} kg"), u)
    if k in ("litres", "ovenl", "netl"):
        n = s[1]
        return _pick((f"{n}l", f"{n} litre", f"{n} liter", f"{n}L", f"{n} ltr", f"{n}litre") if lang == "en" else
                     (f"{n} l", f"{n} liter", f"{n}l"), u)
    if k == "rpm":
        n = s[1]
        forms: tuple[str, ...] = {"de": (f"{n} U/min", f"{n} touren", f"{n} u/min"), "sv": (f"{n} varv", f"{n} o/min", f"{n} rpm")}.get(
            lang, (f"{n} rpm", f"{n}rpm", f"{n} spin", f"{n:,} rpm", f"{n} spin speed"))
        return _pick(forms, u)
    if k in ("width", "wcm"):
        w = s[1] + (k == "wcm" and r() < .12) * _pick((-1, 1), r())   # 55cm vs 56cm for the same fridge
        if k == "width" and w == 45 and u < .5:
            return _pick(("slimline", "45cm slimline", "slim", "slimline 45cm") if lang == "en" else ("45 cm", "schmal", "smal"), r())
        return _pick((f"{w}cm", f"{w} cm", f"{w}cm wide", f"b {w} cm") if lang != "sv" else (f"{w} cm", f"bredd {w} cm"), u)
    if k == "energy":
        c = s[1].lower() if r() < .6 else s[1]
        return _pick((c, c, f"{_say(ENERGY_W, lang, r)} {c}", f"{c} rated" if lang == "en" else c, f"{c} energy"), u)
    if k == "feat":
        return _say(s[1], lang, r)
    if k == "places":
        return f"{s[1]} {_say(PLACES, lang, r)}"
    if k == "watts":
        return _pick((f"{s[1]}w", f"{s[1]}W", f"{s[1]} watt"), u)
    if k == "db":
        return _pick((f"{s[1]}db", f"{s[1]} dB", f"{s[1]}dB(a)"), u)
    if k == "inch":
        z = s[1]
        cm = round(z * 2.54) + (-1 if u < .15 else 1 if u < .25 else 0)
        forms = {"de": (f"{cm} cm ({z} zoll)", f"{z} zoll", f'{z}"', f'{cm}cm/{z}"', f"{z} Zoll", f"{cm} cm"),
                 "sv": (f"{z} tum", f'{z}"', f"{cm} cm", f'{z}" ({cm} cm)')}.get(
            lang, (f'{z}"', f"{z} inch", f"{z}in", f"{z}-inch", f"{z}”", f'{z}" ({cm}cm)', f"{cm}cm", f'{cm} cm ({z}")', f"{z}\""))
        return _pick(forms, r())
    if k == "res":
        return _say(TV_RES[s[1]], lang, r)
    if k in ("panel", "codename", "socket", "ctype"):
        return _say(CAM_TYPE[s[1]], lang, r) if k == "ctype" else s[1] if k != "socket" or u < .6 else \
            _pick(("socket " + s[1].replace("LGA", ""), s[1].lower(), s[1].replace("LGA", "lga ")), r())
    if k == "year":
        return _pick((str(s[1]), f"({s[1]})", f"{s[1]} model"), u)
    if k == "ghz":
        g = _dec(s[1] if u < .7 else float(f"{s[1]:.2f}"), lang, r)
        return _pick((f"{g}ghz", f"{g} ghz", f"{g}GHz", f"{g} GHz", f"up to {g} ghz" if lang == "en" else f"{g} GHz"), r())
    if k == "cache":
        c = _dec(s[1], lang, r)
        return _pick((f"{c}mb", f"{c} mb cache", f"{c}m cache", f"{c}mb smart cache", f"{c}MB L3", f"{c} MB"), u)
    if k == "cores":
        n = s[1]
        named = {2: "dual core", 4: "quad core", 6: "hexa core", 8: "octa core"}.get(n, f"{n} core")
        return _pick((named, f"{n} core", f"{n}-core", f"{n} cores", f"{n}c/{2 * n}t", f"{n} kerne" if lang == "de" else named), r())
    if k == "tdp":
        return f"{s[1]}w" if u < .5 else f"{s[1]} W"
    if k == "mp":
        m = s[1]
        return _pick((f"{_dec(m, lang, r)}mp", f"{_dec(m, lang, r)} mp", f"{_dec(m, lang, r)} MP", f"{round(m)}mp",
                      f"{_dec(m, lang, r)} megapixel"), u)
    if k == "screen":
        x = s[1]
        return _pick((f'{x}"', f"{x} inch", f"{x}in", f'{_dec(x, lang, r)} zoll' if lang == "de" else f'{x}"',
                      f"{round(x * 2.54, 1)} cm"), u)
    if k == "ram":
        return _pick((f"{s[1]}gb ram", f"{s[1]}GB RAM", f"{s[1]} gb ram"), u)
    if k == "cap":
        c = s[1]
        return _pick((f"{c}gb", f"{c} gb", f"{c}GB", f"{c} GB", f"{c}gb"), u) if u < .97 else f"{c}g"
    if k == "colours":
        return _say(WCOL[_pick(s[1], u)], lang, r)
    if k == "pkg":
        return _say(PKG[s[1]], lang, r)
    if k in ("body", "kit", "twin"):
        return _config(s, lang, r)
    return str(s[1]) if len(s) > 1 else ""


WEST_SPEC_KINDS = frozenset(("kind", "install", "height", "kg", "wkg", "litres", "ovenl", "netl", "rpm", "width", "wcm",
                             "energy", "feat", "places", "watts", "db", "inch", "res", "panel", "codename", "socket",
                             "ctype", "year", "ghz", "cache", "cores", "tdp", "mp", "screen", "ram", "colours", "pkg",
                             "body", "kit", "twin"))


def _lens(name: str, lang: str, r: Rnd) -> str:
    m = re.search(r"\d+-\d+mm", name)
    rng = m.group() if m else name
    u = r()
    out = name if u < .35 else rng if u < .65 else rng.replace("mm", " mm") if u < .75 else rng.replace("mm", "") if u < .85 \
        else rng.replace("-", " ")
    return out + (" " + _say(LENS_W, lang, r) if r() < .3 else "")


def _config(s: tuple, lang: str, r: Rnd) -> str:
    if s[0] == "body":
        return _say(BODY, lang, r)
    j = _pick(KIT_J.get(lang, KIT_J["en"]), r())
    if s[0] == "kit":
        return (j + _lens(s[1], lang, r)).strip() if r() < .95 else "kit"
    if r() < .3:
        return "twin lens kit" if lang == "en" else "doppel-objektiv-kit" if lang == "de" else "dubbelobjektivkit"
    return (j + _lens(s[1], lang, r) + _pick((" + ", " & ", " and ", " ", " / "), r()) + _lens(s[2], lang, r)).strip()


# ---- per-family segments ---------------------------------------------------------------------
def _kind_words(sp: dict[str, tuple], lang: str, r: Rnd, p_install: float) -> list[str]:
    """An appliance's kind (``dishwasher``), after its install type with probability ``p_install``."""
    k = [west_spec(sp["kind"], lang, r)]
    if r() < p_install:
        k.insert(0, west_spec(sp["install"], lang, r))
    return k


def _appliance(p: Product, lang: str, r: Rnd) -> tuple[str, dict[str, list[str]]]:
    sp = {s[0]: s for s in p.spec}
    inst, col = sp["install"][1], sp["colour"]
    u = r()
    mode = "generic" if u < .10 else "code" if u < .16 else "full"
    seg: dict[str, list[str]] = {}
    if r() < (.86 if mode == "code" else .92):
        seg["B"] = _brand(p, lang, r)
    if mode == "generic" or (mode == "full" and r() < .45):
        seg["S"] = [_say(p.name[0][0], lang, r)]
    if mode != "generic":
        seg["C"] = [render_code(p, r)]
    if mode == "generic" or r() < (.85 if mode == "full" else .25):
        seg["K"] = _kind_words(sp, lang, r, (.9 if mode == "generic" else .65) if inst != "freestanding" else .3)
    pv, pc, px = {"generic": (.35, .7, .12), "full": (.5, .5, .22), "code": (.1, .1, 0)}[mode]
    seg["V"] = [west_spec(s, lang, r) for s in p.spec if s[0] in ("height", "kg", "wkg", "litres", "rpm", "width") and r() < pv]
    if r() < pc:
        c = west_spec(col, lang, r)
        seg["c"] = [f"in {c}" if lang == "en" and r() < .35 else c]
    seg["X"] = [west_spec(s, lang, r) for s in p.noise if r() < px]
    if len(seg["X"]) > 1 and r() < .3:
        random.Random(int(r() * 1e9)).shuffle(seg["X"])
    return ("appliance" if mode == "full" else "appliance_" + mode), seg


#: Every n-th shop of a language (from its third largest on) titles most appliances by their
#: kind alone (``washing machine``, ``built in fully integrated dishwasher``): real catalogs
#: hold a few such shops (PriceRunner: two large ones of ~300, ~1,700 titles without a digit,
#: ``washing machine`` 90 times), whose identical titles name different products.
BARE_SHOP_EVERY = 25


def is_bare_shop(rank: int) -> bool:
    """Whether the shop of this rank in its language (0 = the largest) is a bare-title shop."""
    return rank % BARE_SHOP_EVERY == 2


def _bare_appliance(p: Product, lang: str, r: Rnd) -> tuple[str, dict[str, list[str]]]:
    """An appliance titled by a bare-title shop: its kind, perhaps install type, a spec or colour."""
    sp = {s[0]: s for s in p.spec}
    seg: dict[str, list[str]] = {"K": _kind_words(sp, lang, r, .7 if sp["install"][1] != "freestanding" else .2)}
    if r() < .25:
        seg["c"] = [west_spec(sp["colour"], lang, r)]
    seg["V"] = [west_spec(s, lang, r) for s in p.spec if s[0] in ("kg", "rpm", "litres") and r() < .2]
    return "appliance_bare", seg


def _tv(p: Product, lang: str, r: Rnd) -> tuple[str, dict[str, list[str]]]:
    u = r()
    mode = "generic" if u < .08 else "code" if u < .13 else "full"
    nz = {s[0]: s for s in p.noise}
    seg: dict[str, list[str]] = {}
    if r() < .9:
        seg["B"] = _brand(p, lang, r)
    if mode != "code" and r() < .3:
        seg["L"] = [_say(p.name[0][0], lang, r)]
    if mode != "generic":
        seg["C"] = [render_code(p, r)]
    if r() < {"generic": .95, "full": .7 if "C" in seg else .97, "code": .15}[mode]:
        seg["Z"] = [west_spec(p.spec[0], lang, r)]
    if mode != "code":
        if r() < .6:
            seg["R"] = [west_spec(nz["res"], lang, r)]
        if r() < .35:
            seg["P"] = [nz["panel"][1]]
        seg["W"] = list(dict.fromkeys(_say(_pick(TV_WORDS, r()), lang, r) for _ in range(int(r() * 3.2))))
        if r() < .1:
            seg["W"].append(west_spec(nz["year"], lang, r))
    return ("tv" if mode == "full" else "tv_" + mode), seg


def _cpu_name(p: Product, r: Rnd) -> str:
    ex = p.extra or {}
    kind, u = ex.get("kind"), r()
    if kind == "core":
        tier, num, suf = ex["tier"], ex["num"], ex["suf"]
        forms = (f"Core {tier}-{num}{suf}", f"Core {tier} {num}{suf}", f"{tier}-{num}{suf}", f"{tier} {num}{suf}",
                 f"Core {tier} {tier}-{num}{suf}", f"Core {tier}-{num}{suf.lower()}", f"core {tier} {num} {suf}".strip())
        return forms[int(u * len(forms))] if u < .96 else f"{num}{suf}"
    series, model = ex.get("series", ""), ex.get("model", "")
    if kind == "xeon":
        fam, num, ver = series.split()[-1], ex["num"], ex["ver"]
        sep = "-" if fam in ("E3", "E5", "E") else " "
        v = f" {ver}" if ver and u < .5 else ver if ver and u < .7 else f" {ver.upper()}" if ver else ""
        head = _pick(("Xeon ", "Xeon-", "Intel Xeon ", ""), r()) if sep == " " else _pick(("Xeon ", "Xeon ", ""), r())
        return f"{head}{fam}{sep if r() < .8 else ' '}{num}{v}".strip()
    if series == "Ryzen Threadripper":
        return _pick((f"Ryzen Threadripper {model}", f"Threadripper {model}", f"Ryzen TR {model}"), u)
    return _pick((f"{series} {model}", f"{series} {model}", f"{series.replace(' ', '')} {model}", f"{series} {model.lower()}"), u)


def _cpu(p: Product, lang: str, r: Rnd) -> tuple[str, dict[str, list[str]]]:
    ex, pkg = p.extra or {}, p.spec[0][1]
    seg: dict[str, list[str]] = {}
    if r() < .88:
        seg["B"] = _brand(p, lang, r) + (["Intel"] if pkg == "kit" and r() < .4 else [])
    seg["N"] = [_cpu_name(p, r)]
    if pkg == "kit" and r() < .75:
        seg["N"].insert(0, ("for " if lang == "en" and r() < .3 else "") + ex["server"])
    if r() < {"box": .55, "tray": .88, "kit": .95}[pkg]:
        seg["P"] = [west_spec(p.spec[0], lang, r)]
    if r() < {"box": .2, "tray": .25, "kit": .9}[pkg]:
        seg["C"] = [render_code(p, r)]
    probs = {"ghz": .6, "cache": .45, "cores": .35, "socket": .4, "codename": .2, "tdp": .1}
    seg["X"] = [west_spec(s, lang, r) for s in p.noise if r() < probs.get(s[0], .2)]
    if pkg == "box" and ex.get("cooler") and r() < .3:
        seg["X"].append(("with " if lang == "en" else "mit " if lang == "de" else "med ") + ex["cooler"] + " cooler")
    if r() < .6:
        seg["W"] = [_say(CPU_WORDS[0], lang, r)]
    return "cpu", seg


def _camera_name(p: Product, lang: str, r: Rnd) -> list[str]:
    ex = p.extra or {}
    line, model = ex.get("line", ""), ex.get("model", "")
    u = r()
    if model.startswith("a") and line == "Alpha":
        model = _pick((model, model.upper(), "Alpha " + model[1:], "α" + model[1:], "ILCE-" + model[1:]), u)
        return [model]
    if "-" in model and u < .3:
        model = model.replace("-", "" if r() < .5 else " ")
    if " Mark " in model and r() < .4:
        model = model.replace(" Mark ", _pick((" ", " Mk ", " mk"), r()))
    if line and r() < .7:
        return [line + model] if line == "EOS" and r() < .15 else [line, model]
    return [model]


def _camera(p: Product, lang: str, r: Rnd) -> tuple[str, dict[str, list[str]]]:
    cfg = p.spec[0]
    nz = {s[0]: s for s in p.noise}
    seg: dict[str, list[str]] = {"N": _camera_name(p, lang, r)}
    if r() < .92:
        seg["B"] = _brand(p, lang, r)
    if cfg[0] == "compact":
        pass    # a compact camera is sold as it is: no body/kit words
    elif cfg[0] != "body" or r() < .55:
        seg["K"] = [west_spec(cfg, lang, r)]
    if r() < .55:
        seg["T"] = [west_spec(nz["ctype"], lang, r)]
    if r() < .4:
        seg["M"] = [west_spec(nz["mp"], lang, r)]
    seg["X"] = [_say(f, lang, r) for f in CAM_FEATS if r() < .12]
    if "colours" in nz:
        if r() < .6:   # each shop lists the colour it stocks
            seg["X"].append(west_spec(nz["colours"], lang, r))
    elif r() < .2:
        seg["X"].append(west_spec(nz["colour"], lang, r) if nz["colour"][1] in wd.WCOLOURS else nz["colour"][1])
    if r() < .2 and p.code:
        seg["C"] = [render_code(p, r)]
    return "camera", seg


def _mobile(p: Product, lang: str, r: Rnd) -> tuple[str, dict[str, list[str]]]:
    nz = {s[0]: s for s in p.noise}
    seg: dict[str, list[str]] = {}
    if r() < (.85 if p.name and isinstance(p.name[0][0], dict) else .96):   # "7 pro 128gb" alone says little
        seg["B"] = _brand(p, lang, r)
    words: list[str] = []
    for part, droppable in p.name:
        if droppable and r() < .15:
            continue
        w = _say(part, lang, r) if isinstance(part, dict) else part
        if words and r() < .12:
            words[-1] += w          # "iphone8 plus", "galaxys9"
        else:
            words.append(w)
    if len(words) > 1 and "+" in words[-1] and r() < .3:
        words[-1] = words[-1].replace("+", " Plus")
    seg["N"] = words
    cap = west_spec(p.spec[0], lang, r)
    if "ram" in nz and r() < .3:
        ram = nz["ram"][1]
        cap = _pick((f"{ram}gb/{cap}", f"{ram}+{cap}", f"{ram}gb ram {cap}", f"{cap} {ram}gb ram"), r())
    seg["V"] = [cap]
    if r() < .72:
        seg["c"] = [west_spec(nz["colours"], lang, r)]
    if r() < .65:
        seg["W"] = list(dict.fromkeys(_say(_pick(PHONE_WORDS, r()), lang, r) for _ in range(1 + (r() < .4))))
    if r() < .2:
        seg["S"] = [west_spec(nz["screen"], lang, r)]
    if r() < .15:
        seg["M"] = [west_spec(nz["mp"], lang, r)]
    if p.code and r() < .12:
        seg["C"] = [render_code(p, r)]
    return "mobile", seg


_FAMILY = {"appliance": _appliance, "tv": _tv, "cpu": _cpu, "camera": _camera, "mobile": _mobile}


def west_fragment(p: Product, lang: str, r: Rnd) -> str:
    """A short mention of a Western product inside another title (bridge offers)."""
    if p.code and r() < .6:
        return render_code(p, r)
    _, seg = _FAMILY[p.family](p, lang, r)
    return " ".join(seg.get("B", []) + seg.get("N", []) + seg.get("C", [])[:1] + seg.get("V", []))


def render_west_title(p: Product, lang: str, rnd: Rnd, shop: int, bridge: Product | None = None,
                      bridge_frag: Callable[[Product, str, Rnd], str] | None = None, bare: bool = False) -> str:
    """Render one offer title of a Western-family product.

    Args:
        p: the true product (family in ``western.WEST_FAMILIES``).
        lang: the shop's language (``en``, ``de`` or ``sv``; others fall back to English words).
        rnd: the offer's draws; one of them seeds this title's own generator.
        shop: seller number; a seller reuses its own house tag.
        bridge: another product named in the title (a bridge offer).
        bridge_frag: renders the bridge product's fragment (for non-Western bridges).
        bare: the shop titles most appliances by their kind alone (see ``BARE_SHOP_EVERY``).

    Returns:
        The title.
    """
    rr = random.Random(int(rnd() * 9007199254740992))
    r = rr.random
    if bare and p.family == "appliance" and r() < .75:
        order_key, seg = _bare_appliance(p, lang, r)
    else:
        order_key, seg = _FAMILY[p.family](p, lang, r)
    words: list[str] = []
    for key in _pick(_ORDERS[order_key], r()):   # an order that leaves a segment out drops it
        words.extend(seg.get(key, ()))
    fam = p.family
    lg = lang if lang in wd.RETAIL_PREFIX else "en"
    if r() < .07:
        words.insert(0, _pick(wd.RETAIL_PREFIX[lg], r()))
    if r() < .04:
        tags = t.PROMO_TAGS.get(lang, t.PROMO_TAGS["en"])
        words.insert(0, tags[shop % len(tags)] if r() < .5 else _pick(tags, r()))
    if r() < (.05 if fam in ("appliance", "tv") else .025):
        words.append(_pick(wd.BUNDLES[fam], r()))
    if r() < .06:
        words.append(_pick(wd.RETAIL_TAIL[lg], r()))
    if bridge is not None:
        frag = west_fragment(bridge, lang, r) if bridge.extra is not None or bridge_frag is None else bridge_frag(bridge, lang, r)
        words.append(_pick(t.BRIDGE_JOINERS.get(lang, t.BRIDGE_JOINERS["en"]), r()).strip() + " " + frag)
    if r() < .02:
        alpha = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 4]
        if alpha:
            i = _pick(alpha, r())
            w = words[i]
            j = int(r() * (len(w) - 1))
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    title = _SPACES.sub(" ", " ".join(w for w in words if w)).strip()
    u = r()
    if u < (.45 if lang == "en" else .35):
        title = title.lower()
    elif u < .49:
        title = title.upper()
    elif u < .53:
        title = title.title()
    if r() < .15:
        title = _SPACES.sub(" ", _PUNCT.sub(" ", title)).strip()
    if lang in ("de", "sv") and r() < .15:
        table = _pick(GERMAN_LOSS, r())
        title = _SPACES.sub(" ", "".join(table.get(ch, ch) for ch in title)).strip()
    if r() < .03 and len(title) > 40:
        cut = title.rfind(" ", 0, int(len(title) * (.6 + .3 * r())))
        title = title[:cut] if cut > 20 else title
    return title

