"""Template data of the Western (English-first, some German and Nordic) families.

Plain strings only, in the phrase notation of ``templates.py`` (``"en:a|b; de:c"``);
``templates.py`` merges brands, categories and shop vocabulary from here, ``western.py``
builds products and ``western_render.py`` writes their titles. Language ``sv`` stands
for Nordic shops (Swedish and Danish words are mixed, as on Nordic price sites).
"""

from __future__ import annotations

WEST_BRAND_ROWS = """
bosch = en:Bosch|BOSCH
siemens = en:Siemens|SIEMENS
neff = en:Neff|NEFF
zanussi = en:Zanussi|ZANUSSI
beko = en:Beko|BEKO
hotpoint = en:Hotpoint|HOTPOINT
indesit = en:Indesit|INDESIT
whirlpool = en:Whirlpool|WHIRLPOOL
miele = en:Miele|MIELE
smeg = en:Smeg|SMEG
liebherr = en:Liebherr|LIEBHERR
lg = en:LG|LG Electronics; ko:LG|엘지; ja:LG; zh:LG
hisense = en:Hisense|HISENSE
candy = en:Candy|CANDY
hoover = en:Hoover|HOOVER
electrolux = en:Electrolux|ELECTROLUX
gorenje = en:Gorenje|GORENJE
haier = en:Haier|HAIER
russellhobbs = en:Russell Hobbs|RUSSELL HOBBS
panasonic = en:Panasonic|PANASONIC
philips = en:Philips|PHILIPS
tcl = en:TCL|Tcl
sharp = en:Sharp|SHARP
toshiba = en:Toshiba|TOSHIBA
grundig = en:Grundig|GRUNDIG
intel = en:Intel|INTEL
amd = en:AMD|Amd
hpe = en:HPE|Hewlett Packard Enterprise|HP Enterprise
dell = en:Dell|DELL|Dell EMC
canon = en:Canon|CANON
nikon = en:Nikon|NIKON
fujifilm = en:Fujifilm|FUJIFILM|Fuji
olympus = en:Olympus|OLYMPUS
huawei = en:Huawei|HUAWEI
oneplus = en:OnePlus|ONEPLUS|One Plus
nokia = en:Nokia|NOKIA
motorola = en:Motorola|MOTOROLA
"""
# Brands whose home market is German-speaking (their products are listed more in de shops).
GERMAN_BRANDS = frozenset(("bosch", "siemens", "neff", "aeg", "miele", "liebherr", "grundig"))
# Syllables of made-up Western brands ("Nordvik", "Kelmar", "Brixa").
WEST_SYL_A = ("Nord", "Kel", "Brix", "Vest", "Alto", "Cres", "Lum", "Ostr", "Sven", "Tekn", "Vid",
              "Zen", "Hal", "Ark", "Bel", "Cor", "Dal", "Fjor", "Grun", "Hav", "Ing", "Jul", "Kron",
              "Lind", "Mar", "Orb", "Pol", "Quin", "Rav", "Sol", "Tor", "Ulm", "Wes", "Frig")
WEST_SYL_B = ("vik", "mar", "a", "ex", "line", "ton", "tec", "son", "berg", "holm", "ware", "o", "is",
              "ia", "io", "stad", "lux", "mann", "ford", "heim")

WEST_CATEGORIES: dict[str, str] = {
    "fridge": "en:Home Appliances>Refrigeration>Fridges; de:Haushaltsgeräte>Kühlen & Gefrieren>Kühlschränke",
    "fridge_freezer": "en:Home Appliances>Refrigeration>Fridge Freezers; de:Haushaltsgeräte>Kühlen & Gefrieren>Kühl-Gefrier-Kombinationen",
    "freezer": "en:Home Appliances>Refrigeration>Freezers; de:Haushaltsgeräte>Kühlen & Gefrieren>Gefrierschränke",
    "washer": "en:Home Appliances>Laundry>Washing Machines; de:Haushaltsgeräte>Waschen & Trocknen>Waschmaschinen",
    "washer_dryer": "en:Home Appliances>Laundry>Washer Dryers; de:Haushaltsgeräte>Waschen & Trocknen>Waschtrockner",
    "dishwasher": "en:Home Appliances>Kitchen>Dishwashers; de:Haushaltsgeräte>Küche>Geschirrspüler",
    "microwave": "en:Home Appliances>Kitchen>Microwaves; de:Haushaltsgeräte>Küche>Mikrowellen",
    "oven": "en:Home Appliances>Cooking>Ovens; de:Haushaltsgeräte>Kochen & Backen>Backöfen",
    "tv": "en:Electronics>TV & Video>TVs; de:Elektronik>TV & Video>Fernseher",
    "cpu": "en:Computers>Components>CPUs; de:Computer>Komponenten>Prozessoren",
    "camera": "en:Electronics>Cameras>Digital Cameras; de:Elektronik>Kameras>Digitalkameras",
    "mobile": "en:Electronics>Phones>Mobile Phones; de:Elektronik>Telefone>Handys",
}

# ---- home appliances -------------------------------------------------------------------
KIND: dict[str, str] = {
    "fridge": "en:fridge|fridge|larder fridge|refrigerator; de:kühlschrank|kühlschrank|vollraumkühlschrank; sv:kylskåp|køleskab|kyl",
    "fridge_freezer": "en:fridge freezer|fridge freezer|fridge-freezer|combi fridge freezer|fridgefreezer; de:kühl-gefrierkombination|kühl-/gefrierkombination|kühlgefrierkombination|kühl-gefrier-kombi; sv:kyl/frys|kylfrys|kombiskåp|køle-/fryseskab",
    "freezer": "en:freezer|upright freezer|tall freezer; de:gefrierschrank|gefrierschrank; sv:frysskåp|frys|fryser",
    "washer": "en:washing machine|washing machine|washer|front loader washing machine; de:waschmaschine|waschmaschine|frontlader; sv:tvättmaskin|vaskemaskine",
    "washer_dryer": "en:washer dryer|washer-dryer|washer dryer|washer & dryer; de:waschtrockner|waschtrockner|wasch-trockner; sv:kombimaskin|tvätt/tork|vaskemaskine/tørretumbler",
    "dishwasher": "en:dishwasher|dishwasher|dish washer; de:geschirrspüler|spülmaschine|geschirrspülmaschine; sv:diskmaskin|opvaskemaskine",
    "microwave": "en:microwave|microwave|microwave oven|solo microwave; de:mikrowelle|mikrowellengerät; sv:mikrovågsugn|mikroovn|mikro",
    "oven": "en:oven|single oven|electric oven|built-in single oven; de:backofen|einbaubackofen|elektro-backofen; sv:ugn|inbyggnadsugn|ovn",
}
INSTALL: dict[str, str] = {
    "freestanding": "en:freestanding|free standing|free-standing; de:freistehend|standgerät; sv:fristående|fritstående",
    "integrated": "en:integrated|fully integrated|built-in|built in; de:einbau|eingebaut|vollintegriert|integrierbar; sv:integrerad|inbyggd|integrerbar",
    "semi": "en:semi-integrated|semi integrated; de:teilintegriert|teilintegrierbar; sv:halvintegrerad|semi-integreret",
}
WCOLOURS: dict[str, str] = {
    "white": "en:white|white|wht; de:weiß|weiss; sv:vit|hvid",
    "stainless": "en:stainless steel|s/steel|stainless|inox; de:edelstahl|edelstahl|inox; sv:rostfritt stål|rostfri|rustfrit stål",
    "inoxlook": "en:inox look|stainless steel look|easyclean steel; de:edelstahl-look|inox-look; sv:rostfri look|stållook",
    "black": "en:black|black|blk; de:schwarz; sv:svart|sort",
    "silver": "en:silver; de:silber; sv:silver|sølv",
    "graphite": "en:graphite|dark grey; de:graphit|anthrazit; sv:grafit|grå",
    "cream": "en:cream; de:creme|cremeweiß; sv:creme|kräm",
    "red": "en:red; de:rot; sv:röd|rød",
    "grey": "en:space grey|space gray|grey|gray; de:spacegrau|space grau|grau; sv:rymdgrå|space grey|grå",
    "gold": "en:gold; de:gold; sv:guld",
    "rose": "en:rose gold|rose; de:roségold|rosegold; sv:rosé guld|rosa",
    "blue": "en:blue|ocean blue; de:blau; sv:blå",
    "purple": "en:purple|lilac purple; de:lila|violett; sv:lila",
    "green": "en:green|emerald green; de:grün; sv:grön|grøn",
    "pink": "en:pink; de:pink|rosa; sv:rosa",
    "yellow": "en:yellow; de:gelb; sv:gul",
}
# Shops describe one finish with neighbouring colour words (a stainless fridge is "silver" in
# one shop and "inox look" in another): the colour word of a title is weak evidence.
COLOUR_DRIFT: dict[str, tuple[str, ...]] = {
    "stainless": ("silver", "inoxlook", "silver"), "silver": ("stainless", "grey"), "inoxlook": ("stainless", "silver"),
    "graphite": ("grey", "black", "silver"), "black": ("graphite",), "cream": ("white",), "grey": ("graphite", "silver"),
}
COLOUR_CODE: dict[str, str] = {"white": "W", "stainless": "X", "inoxlook": "L", "black": "B", "silver": "S",
                               "graphite": "G", "cream": "C", "red": "R"}
SIZE_AXIS: dict[str, str] = {"fridge": "height", "fridge_freezer": "height", "freezer": "height",
                             "washer": "kg", "washer_dryer": "kg", "microwave": "litres"}
HEIGHTS: dict[int, str] = {144: "24", 176: "33", 186: "36", 193: "37", 201: "39"}
WASH_DRY: dict[int, int] = {7: 4, 8: 5, 9: 6, 10: 6, 11: 7}
MICRO_LITRES: tuple[int, ...] = (17, 20, 23, 25, 28, 32)
RPM_CODE: dict[int, str] = {1200: "2", 1400: "4", 1600: "6"}
RPM_CODE2: dict[int, str] = {1200: "24", 1400: "28", 1600: "32"}
BASE_USD: dict[str, tuple[int, int]] = {
    "fridge": (220, 900), "fridge_freezer": (380, 1300), "freezer": (230, 850), "washer": (280, 950),
    "washer_dryer": (420, 1150), "dishwasher": (280, 950), "microwave": (70, 420), "oven": (280, 1200),
}
# Categories each brand makes (all when absent).
BRAND_CATS: dict[str, str] = {
    "liebherr": "fridge fridge_freezer freezer", "russellhobbs": "microwave",
    "smeg": "fridge fridge_freezer dishwasher oven microwave washer",
    "hoover": "washer washer_dryer dishwasher fridge_freezer oven", "candy": "washer washer_dryer dishwasher fridge_freezer microwave",
    "miele": "washer washer_dryer dishwasher oven fridge fridge_freezer freezer",
}
# Series shared across categories of one brand: "Serie 6" is a dishwasher, a fridge and a washer.
SERIES: dict[str, tuple[str, ...]] = {
    "bosch": ("en:Serie 2|Series 2|Serie 2|serie2", "en:Serie 4|Series 4|Serie 4|serie4",
              "en:Serie 6|Series 6|Serie 6|serie6", "en:Serie 8|Series 8|Serie 8|Serie8"),
    "siemens": ("en:iQ100|iQ 100|IQ100", "en:iQ300|iQ 300|IQ300", "en:iQ500|iQ 500|IQ500|iQ-500", "en:iQ700|iQ 700|IQ700"),
    "neff": ("en:N 30|N30", "en:N 50|N50", "en:N 70|N70", "en:N 90|N90"),
    "aeg": ("en:6000 Series|Series 6000|6000", "en:7000 Series|Series 7000|7000", "en:8000 Series|Series 8000|8000",
            "en:ProSense|Pro Sense", "en:SensiDry|Sensi Dry"),
    "electrolux": ("en:PerfectCare 600|Perfect Care 600", "en:PerfectCare 700|Perfect Care 700", "en:PerfectCare 800|Perfect Care 800"),
    "zanussi": ("en:Lindo 300|Lindo300", "en:Lindo 500|Lindo500", "en:AirDry|Air Dry"),
    "samsung": ("en:Series 5|Series5", "en:Series 7|Series7", "en:Bespoke|BESPOKE", "en:EcoBubble|Eco Bubble"),
    "lg": ("en:ThinQ|Thin Q", "en:Steam|SteamCare", "en:InstaView|Insta View", "en:Direct Drive|DirectDrive"),
    "hotpoint": ("en:Aquarius", "en:Ultima|Ultima S-Line", "en:Day1|Day 1", "en:ActiveCare|Active Care"),
    "indesit": ("en:Innex", "en:Ecotime|Eco Time", "en:Push&Go|Push & Go"),
    "whirlpool": ("en:Supreme Clean|Supreme", "en:6th Sense|6TH SENSE|Sixth Sense", "en:W Collection|W-Collection", "en:FreshCare+|FreshCare"),
    "miele": ("en:Active", "en:Excellence", "en:Edition 111|Edition111", "en:PowerWash|Power Wash"),
    "smeg": ("en:50's Style|Fifties Style|50s Retro", "en:Classic", "en:Victoria", "en:Linea"),
    "liebherr": ("en:Comfort", "en:Premium|PremiumPlus", "en:BluPerformance|Blu Performance", "en:BioFresh|Bio Fresh"),
    "beko": ("en:ProSmart|Pro Smart", "en:AquaTech|Aqua Tech", "en:HarvestFresh|Harvest Fresh"),
    "hisense": ("en:PureFlat|Pure Flat", "en:Series 3|Series3", "en:Premium"),
    "candy": ("en:GrandO Vita|Grand'O Vita", "en:Smart Pro|SmartPro", "en:RapidO|Rapid'O"),
    "hoover": ("en:H-Wash 300|H-WASH 300", "en:H-Wash 500|H-WASH 500", "en:Dynamic Next|DynamicNext", "en:AXI"),
    "gorenje": ("en:Advanced", "en:Superior", "en:Essential", "en:WaveActive|Wave Active"),
    "haier": ("en:I-Pro Series 7|i-Pro 7", "en:Cube", "en:Series 5"),
    "russellhobbs": ("en:Easi|Easi Flatbed", "en:Inspire"),
}
SERIES_GENERIC: tuple[str, ...] = ("en:Series 3|Series3", "en:Series 5|Series5", "en:Series 7|Series7", "en:Pro|PRO",
                                   "en:Comfort", "en:Premium", "en:Classic", "en:EcoLine|Eco Line", "en:Style",
                                   "en:Prestige", "en:Essential", "en:Plus")
# Code styles: brand → (style, region suffixes shops add or drop). "" means no suffix.
BRAND_STYLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "bosch": ("bsh", ("G", "GB", "B")), "siemens": ("bsh", ("G", "GB", "B")), "neff": ("bsh", ("G", "B", "GB")),
    "samsung": ("sam", ("/EU", "/XEU", "/S1", "/EF")), "lg": ("lg", ("", "")),
    "hotpoint": ("ari", ("UK", "UKN", "UK.1")), "indesit": ("ari", ("UK", "UKN", "UK.1")),
    "whirlpool": ("spaced", (" UK", " UK N", "")), "miele": ("miele", ("", "")),
    "aeg": ("ael", ("", "B", "R")), "electrolux": ("ael", ("", "B")), "zanussi": ("ael", ("", "R", "-80")),
}
# Templates: "@" letter and "#" digit drawn once per sibling group; slots {I:free/integrated/semi},
# {W:60cm/45cm}, {S} size code, {K} kg x 10, {R} rpm code, {R2} two-digit rpm code, {C} colour
# code, {G} generation digits (siblings differ by the last one), {Cm} Miele colour suffix.
CODE_STYLES: dict[str, dict[str, str]] = {
    "bsh": {"fridge": "KS{I:V/I/I}{S}@{C}{G}", "fridge_freezer": "KG{I:N/I/I}{S}@{C}{G}", "freezer": "GS{I:N/I/I}{S}@{C}{G}",
            "washer": "WA{I:N/W/W}{R2}{S}#{G}", "washer_dryer": "WV{I:G/K/K}{R2}{S}{G}", "dishwasher": "S{W:M/P}{I:S/V/I}##@{C}{G}",
            "microwave": "{I:HM/BF/BF}@{S}@{C}{G}", "oven": "HB{I:A/A/A}##@{C}{G}"},
    "sam": {"fridge": "RR{S}@{G}#@{C}", "fridge_freezer": "RB{S}@{G}##@{C}", "freezer": "RZ{S}@{G}#@{C}",
            "washer": "WW{K}@{G}##@@{C}", "washer_dryer": "WD{K}@{G}##@@{C}", "dishwasher": "DW{W:60/50}@{G}#{I:F/B/I}@{C}",
            "microwave": "M{I:S/G/G}{S}@{G}##@{C}", "oven": "NV7B{G}#@@{C}"},
    "lg": {"fridge": "GL{I:T/I/I}{S}@@{C}{G}", "fridge_freezer": "GB{I:B/I/I}{S}@@{C}@{G}", "freezer": "GF{I:T/I/I}{S}@{C}{G}",
           "washer": "F{R}V{S}{G}{C}@@", "washer_dryer": "F{R}D{S}{G}{C}@@", "dishwasher": "D{W:F/S}{I:B/I/I}{G}@{C}@",
           "microwave": "M{I:S/B/B}{S}{G}@{C}", "oven": "LB{G}##@{C}"},
    "ari": {"fridge": "@@{I:F/B/B}{S}{G}{C}", "fridge_freezer": "@{I:T/B/B}{S}##{G}{C}", "freezer": "@Z{I:F/B/B}{S}{G}{C}",
            "washer": "@@@@{S}{R}{G}{C}", "washer_dryer": "@@@@{S}{R}{G}{C}", "dishwasher": "@{I:F/I/S}{W:C/S}#@{G}{C}",
            "microwave": "MW{I:H/N/N}{S}{G}{C}", "oven": "S@{I:A/A/A}##{G}{C}"},
    "spaced": {"fridge": "@@@ {S}{G}#{I:F/B/B} {C}", "fridge_freezer": "@@@ {S}{G}# {I:F/B/B}{C}", "freezer": "@@@ {S}{G}# {C}",
               "washer": "@@@@ {S}{R}{G}# {C}", "washer_dryer": "@@@@ {S}{R}{G}# {C}", "dishwasher": "W{I:F/I/S}{W:C/S} ##{G} {C}",
               "microwave": "MWP {S}{G}# {C}{I:F/B/B}", "oven": "AKZ9 {G}## {C}"},
    "miele": {"fridge": "K {S}##{G} {Cm}", "fridge_freezer": "KFN {S}#{G}# {Cm}", "freezer": "FN {S}{G}# {Cm}",
              "washer": "WW@{S}#{G} @@@", "washer_dryer": "WT{S}#{G} @@@", "dishwasher": "G {G}#{W:5/4}{I:5/7/6} {Cm}",
              "microwave": "M {S}{G}# {Cm}", "oven": "H {G}### {Cm}"},
    "ael": {"fridge": "@{I:R/S/S}@{S}#{G}@{C}", "fridge_freezer": "@{I:R/S/S}B{S}#{G}@{C}", "freezer": "@{I:U/A/A}@{S}{G}@{C}",
            "washer": "L#F@@{S}{R}{G}", "washer_dryer": "L#W@@{S}{R}{G}", "dishwasher": "F{I:F/S/E}{W:S/E}##{G}@",
            "microwave": "M{I:F/B/B}{S}{G}@{C}", "oven": "B@{I:E/E/E}##{G}@{C}"},
}
MIELE_COLOUR: dict[str, str] = {"white": "ws", "stainless": "edt/cs", "black": "bb", "inoxlook": "clst", "silver": "cs",
                                "graphite": "gr", "cream": "ws", "red": "rd"}
# Shapes for brands without a house style (and made-up brands); one drawn per brand and category.
GENERIC_SHAPES: tuple[str, ...] = (
    "@@{I:F/I/S}{S}#{G}{C}", "@@@{S}{R}{G}{C}", "@{S}@@{G}#{C}", "@@{W:6/4}{I:F/B/S}{S}{G}{C}", "@@@{I:F/I/S}{S}{R}{G}{C}",
    "@@{S}{R}#{G}@{C}", "@@@ {S}{R}{G}{C}",
)
GENERIC_REGIONS: tuple[tuple[str, ...], ...] = (("", "UK"), ("-80", ""), ("/1", "/1-80"), ("UK", "UK-1"), ("", ""),
                                                ("-80", "/1-80"), ("EU", ""))
# Fixed product features per category (a product keeps its features; offers show some).
FEATURES: dict[str, tuple[str, ...]] = {
    "fridge": ("en:multiairflow|multi airflow", "en:led lighting|led light", "en:fast cool|super cool", "en:crisper drawer|vitafresh"),
    "fridge_freezer": ("en:frost free|no frost|nofrost|total no frost; de:nofrost|no frost; sv:no frost|frostfri",
                       "en:low frost|lowfrost; de:lowfrost|low frost; sv:low frost",
                       "en:50/50|50:50 split", "en:70/30|70:30", "en:water dispenser|non-plumbed water dispenser; de:wasserspender; sv:vattendispenser",
                       "en:multi airflow|multiairflow", "en:vitafresh|fresh zone|biofresh"),
    "freezer": ("en:frost free|no frost|nofrost; de:nofrost; sv:no frost|frostfri", "en:fast freeze|super freeze", "en:7 drawers|seven drawers"),
    "washer": ("en:ecosilence drive|inverter motor|direct drive", "en:quick wash|15 min quick wash", "en:steam|steam care",
               "en:wifi|home connect|smartthinq; de:wlan|home connect; sv:wifi", "en:addwash|add garment door", "en:autodose|i-dos"),
    "washer_dryer": ("en:steam|steam refresh", "en:wash & dry in one|wash and dry", "en:inverter motor|ecosilence", "en:quick wash & dry"),
    "dishwasher": ("en:home connect|wifi; de:home connect|wlan; sv:wifi", "en:quiet|silence plus|extra quiet", "en:cutlery tray|3rd rack|cutlery drawer",
                   "en:auto open dry|autoopen|airdry", "en:extra dry|zeolith"),
    "microwave": ("en:grill|with grill; de:mit grill; sv:med grill", "en:digital|touch control", "en:auto cook|auto programmes", "en:flatbed|turntable"),
    "oven": ("en:pyrolytic|pyrolytic cleaning|pyro; de:pyrolyse|pyrolytische selbstreinigung; sv:pyrolys", "en:catalytic liners|catalytic",
             "en:steam|added steam|steamify", "en:3d hotair|multifunction|fan oven; de:3d heißluft|heißluft; sv:varmluft",
             "en:meat probe|food probe", "en:telescopic runners|pull-out rails"),
}
ENERGY: tuple[str, ...] = ("A+++", "A+++", "A++", "A++", "A+", "A", "B", "C", "D", "E")
ENERGY_WORD = "en:energy class|energy rating|class|rated; de:energieeffizienzklasse|eek|energieklasse; sv:energiklass|energiklasse"
PLACE_SETTINGS = "en:place settings|place|settings|ps; de:maßgedecke|massgedecke; sv:kuvert|kuverter"

# ---- TVs -----------------------------------------------------------------------------------
# brand → (code patterns with {Z} inch slot and {M} model number, model numbers, region suffixes,
#          line words, panel); "|" separates alternatives of one field.
TV_LINES: dict[str, tuple[str, str, str, str, str]] = {
    "samsung": ("UE{Z}MU{M}|UE{Z}NU{M}|UE{Z}RU{M}|UE{Z}TU{M}|UE{Z}KU{M}", "6100 6400 7100 7400 8000 9000 7020",
                "UXXU KXXU TXXU UXZG", "Crystal UHD|Smart TV", "led"),
    "samsung_q": ("QE{Z}Q{M}R|QE{Z}Q{M}F|QE{Z}Q{M}T", "60 64 70 80 85 90", "ATXXU TXXU", "QLED", "qled"),
    "lg": ("{Z}UK{M}|{Z}UM{M}|{Z}UN{M}|{Z}SK{M}", "6300 6400 6950 7400 7500 8500", "PLB PLA PLD LLA PLF", "NanoCell|webOS", "led"),
    "lg_oled": ("OLED{Z}B{M}|OLED{Z}C{M}|OLED{Z}E{M}", "7 8 9", "PLA LA PLB", "OLED", "oled"),
    "sony": ("KD-{Z}XE{M}|KD-{Z}XF{M}|KD-{Z}XG{M}|KD-{Z}AF{M}", "7005 8005 8505 9005 8577 8096", "BU BAEP SU", "Bravia|BRAVIA", "led"),
    "panasonic": ("TX-{Z}EX{M}B|TX-{Z}FX{M}B|TX-{Z}GX{M}B|TX-{Z}FZ{M}B", "600 700 780 800 950", "", "Viera|VIERA", "led"),
    "philips": ("{Z}PUS{M}|{Z}PUS{M}|{Z}OLED{M}", "6703 6412 7303 6753 8503 803", "/12 /05", "Ambilight", "led"),
    "hisense": ("H{Z}A{M}|H{Z}AE{M}|H{Z}N{M}|H{Z}U{M}", "6250 7300 6500 7100 6100", "UK", "VIDAA|Dolby Vision", "led"),
    "tcl": ("{Z}DP{M}|{Z}EP{M}|{Z}C{M}|{Z}P{M}", "600 640 660 715 825", "", "Android TV", "led"),
    "sharp": ("LC-{Z}UI{M}|LC-{Z}UI{M}", "7422 7652 8872", "E K", "Aquos|AQUOS", "led"),
    "toshiba": ("{Z}U{M}DB|{Z}V{M}DB", "5863 6763 6863 7763", "", "Smart TV", "led"),
    "grundig": ("{Z}VLX{M}|{Z}GUB{M}", "7730 7850 8850 8020", "BP WP", "Fine Arts|Smart TV", "led"),
}
TV_SIZES: tuple[int, ...] = (24, 32, 40, 43, 49, 50, 55, 58, 65, 75, 82)
TV_WORDS: tuple[str, ...] = (
    "en:smart tv|smart|smart led tv; de:smart tv|smart-tv; sv:smart-tv|smart tv",
    "en:hdr|hdr10+|hdr 10|dolby vision", "en:freeview play|freeview hd|freesat; de:triple tuner|dvb-t2|dvb-t2 hd; sv:dvb-t2",
    "en:wifi|wi-fi|wlan", "en:100hz|pqi 1300|motionflow", "en:television|tv|led tv; de:fernseher|led-fernseher|tv; sv:tv|tv-apparat|fjernsyn",
)
TV_RES: dict[str, str] = {
    "uhd": "en:4k|4k uhd|4k ultra hd|ultra hd|uhd 4k|2160p; de:4k|4k uhd|ultra hd; sv:4k|4k ultra hd",
    "fhd": "en:full hd|1080p|fhd; de:full hd|full-hd; sv:full hd",
    "hd": "en:hd ready|hd|720p; de:hd ready; sv:hd ready",
}
TV_INCH = "en:inch|in|\"|”|-inch; de:zoll|\"|''; sv:tum|\""

# ---- CPUs ------------------------------------------------------------------------------------
INTEL_GENS: dict[int, tuple[str, str, str]] = {   # gen → (socket, codename, box code family)
    6: ("LGA1151", "Skylake", "662"), 7: ("LGA1151", "Kaby Lake", "677"), 8: ("LGA1151", "Coffee Lake", "684"),
    9: ("LGA1151", "Coffee Lake Refresh", "684"), 10: ("LGA1200", "Comet Lake", "701"),
    11: ("LGA1200", "Rocket Lake", "708"), 12: ("LGA1700", "Alder Lake", "715"), 13: ("LGA1700", "Raptor Lake", "715"),
}
INTEL_TIERS: dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]] = {  # skus, cores, cache MB
    "i3": (("100", "300", "320", "350"), (2, 4), (3, 4, 6, 8)),
    "i5": (("400", "500", "600", "640", "650"), (4, 6), (6, 9)),
    "i7": (("700", "740", "800"), (4, 6, 8), (8, 12)),
    "i9": (("900",), (8, 10), (16, 20)),
}
XEON_LINES: tuple[tuple[str, str, str, str], ...] = (   # (series text, number pattern, versions, socket)
    ("Xeon E5", "26##", "v3 v4", "LGA2011-3"), ("Xeon E5", "16##", "v3 v4", "LGA2011-3"),
    ("Xeon E3", "12#0", "v5 v6", "LGA1151"), ("Xeon Silver", "41##", "", "LGA3647"),
    ("Xeon Gold", "61##", "", "LGA3647"), ("Xeon Bronze", "31##", "", "LGA3647"), ("Xeon E", "21#6", "G", "LGA1151"),
)
RYZEN_GENS: dict[str, tuple[str, str]] = {"1": ("Summit Ridge", "AM4"), "2": ("Pinnacle Ridge", "AM4"), "3": ("Matisse", "AM4"),
                                          "5": ("Vermeer", "AM4"), "7": ("Raphael", "AM5")}
CPU_WORDS: tuple[str, ...] = (
    "en:processor|cpu|desktop processor|processor; de:prozessor|cpu; sv:processor|cpu",
    "en:quad core|quad-core|4-core|4 core", "en:unlocked|overclockable",
)
SERVER_MODELS: tuple[str, ...] = ("DL380 Gen10", "DL360 Gen10", "ML350 Gen10", "DL380 Gen9", "DL360 Gen9", "ML110 Gen10",
                                  "PowerEdge R740", "PowerEdge R640", "PowerEdge T440")

# ---- cameras --------------------------------------------------------------------------------
# brand → (line, models, kit lenses, twin-kit second lenses, code style, type)
CAMERA_LINES: dict[str, tuple[str, str, str, str, str, str]] = {
    "canon": ("EOS", "2000D 4000D 1300D 200D 250D 800D 77D 80D 90D 6D_Mark_II 5D_Mark_IV 7D_Mark_II",
              "EF-S 18-55mm IS II|EF-S 18-55mm f/4-5.6 IS STM|EF-S 18-135mm IS USM|EF-S 18-55mm DC III",
              "EF 75-300mm III|EF-S 55-250mm IS STM", "canon", "dslr"),
    "canon_m": ("EOS", "M50 M100 M6 M200 R RP", "EF-M 15-45mm IS STM|RF 24-105mm F4-7.1 IS STM", "EF-M 55-200mm IS STM",
                "canon", "mirrorless"),
    "nikon": ("", "D3400 D3500 D5300 D5600 D7200 D7500 D750 D850 D500",
              "AF-P DX 18-55mm VR|AF-S DX 18-140mm VR|AF-S DX 18-105mm VR|AF-P 18-55mm non-VR",
              "AF-P DX 70-300mm VR|AF-S DX 55-200mm VR II", "nikon", "dslr"),
    "nikon_z": ("", "Z6 Z7 Z50 Z5", "Z 24-70mm f/4 S|NIKKOR Z DX 16-50mm VR", "NIKKOR Z DX 50-250mm VR", "nikon", "mirrorless"),
    "sony": ("Alpha", "a6000 a6100 a6300 a6400 a6500 a7_II a7_III a7R_III", "16-50mm OSS|18-135mm OSS|FE 28-70mm OSS",
             "55-210mm OSS", "sony", "mirrorless"),
    "fujifilm": ("", "X-T2 X-T3 X-T20 X-T30 X-T100 X-A5 X-A7 X-E3 X-H1 X-S10",
                 "XC 15-45mm OIS PZ|XF 18-55mm R LM OIS|XF 18-135mm R LM OIS WR", "XC 50-230mm OIS II", "fuji", "mirrorless"),
    "panasonic": ("Lumix", "G9 GH5 G80 GX80 GX9 G100 G7 GH5S", "12-60mm|14-42mm|12-32mm|14-140mm", "45-150mm",
                  "pana", "mirrorless"),
    "olympus": ("OM-D", "E-M10_Mark_III E-M5_Mark_II E-M1_Mark_II E-M10_Mark_II", "14-42mm EZ|12-40mm PRO|14-150mm II",
                "40-150mm R", "oly", "mirrorless"),
}
# Compact cameras: brand → (line, model patterns "|"-separated (``#`` digit, ``@`` letter), colours).
# One model is one product in every colour it is sold in (colour is not identity here).
COMPACT_LINES: dict[str, tuple[str, str, str]] = {
    "canon": ("PowerShot", "SX#0 HS|SX#20 HS|SX#30 HS|G# X Mark II|G#X|IXUS 1#5|IXUS 2#5 HS", "black silver red white blue"),
    "nikon": ("Coolpix", "A#00|W1#0|P#00|B#00|S#900|A#0", "black red white blue pink"),
    "sony": ("Cyber-shot", "DSC-RX100 M#|DSC-HX#0V|DSC-W8#0|DSC-WX#00|DSC-RX10 M#", "black silver white pink"),
    "panasonic": ("Lumix", "DMC-TZ#0|DC-TZ#0|DMC-FZ#0|DC-FZ#000|DMC-LX#", "black silver"),
    "fujifilm": ("FinePix", "XP1#0|XP#0|S#800|JX#00", "black blue yellow red white"),
}
CAMERA_TYPE: dict[str, str] = {
    "compact": "en:digital camera|compact camera|compact digital camera|camera|digital compact camera; de:digitalkamera|kompaktkamera|kamera; sv:digitalkamera|kompaktkamera|kamera",
    "dslr": "en:dslr|digital slr|dslr camera|digital slr camera|slr; de:spiegelreflexkamera|dslr|digitale spiegelreflexkamera; sv:systemkamera|spegelreflexkamera|dslr",
    "mirrorless": "en:mirrorless camera|compact system camera|csc|mirrorless|system camera; de:systemkamera|spiegellose systemkamera|dslm; sv:systemkamera|spegellös kamera",
}
BODY_WORDS = "en:body|body only|body only|(body)|body only - no lens; de:gehäuse|body|nur gehäuse; sv:kamerahus|body|hus"
KIT_JOINERS = "en: + | with | & | kit | w/ | inc | + | kit with ; de: + | mit | inkl. | kit | + ; sv: + | med | kit | inkl. "
LENS_WORD = "en:lens|lens kit|kit lens; de:objektiv|kit-objektiv; sv:objektiv"
CAMERA_FEATS: tuple[str, ...] = ("en:4k|4k video|uhd 4k", "en:wifi|wi-fi|wireless|wlan", "en:bluetooth|nfc", "en:touchscreen|vari-angle|tilting lcd")

# ---- mobile phones ------------------------------------------------------------------------
# brand → (series phrase, models separated by ",", capacities, code pattern ("" none), colours)
PHONE_WEST: dict[str, tuple[str, str, str, str, str]] = {
    "apple": ("en:iPhone|iphone|IPHONE", "6s,6s Plus,7,7 Plus,8,8 Plus,X,XR,XS,XS Max,SE,11,11 Pro,11 Pro Max",
              "16 32 64 128 256 512", "A####", "grey silver gold rose black white red blue"),
    "samsung": ("en:Galaxy|GALAXY", "S7,S7 edge,S8,S8+,S9,S9+,S10,S10e,S10+,Note 8,Note 9,A5 (2017),A5 (2016),A3 (2017),"
                "A8 (2018),J5 (2017),J6,A7 (2018),A40,A50", "16 32 64 128 256 512", "SM-G###F|SM-A###F|SM-N###F|SM-J###F",
                "black blue purple gold silver grey white"),
    "huawei": ("", "P20,P20 Pro,P20 Lite,P10,P10 Lite,Mate 10 Pro,Mate 20,Mate 20 Pro,P Smart,P Smart 2019,Y6 2018,P30,P30 Lite",
               "32 64 128 256", "@@@-L##", "black blue purple gold silver grey"),
    "google": ("en:Pixel|pixel", "2,2 XL,3,3 XL,3a,3a XL,4", "64 128", "G###@", "black white blue"),
    "oneplus": ("", "5T,6,6T,7,7 Pro,7T", "64 128 256", "A####", "black silver purple blue"),
    "sony": ("en:Xperia|XPERIA", "XZ2,XZ2 Compact,XZ3,XA2,XA2 Ultra,XZ1,L2,XZ Premium", "32 64", "H####|G####",
             "black silver blue green"),
    "nokia": ("", "6.1,7 Plus,8,5.1,3.1,7.1,8.1", "16 32 64", "TA-####", "black blue white silver"),
    "motorola": ("en:Moto|moto", "G6,G6 Plus,G6 Play,E5,Z3 Play,G7,G7 Power,E5 Play", "16 32 64", "XT####-#", "black blue grey silver"),
    "xiaomi": ("", "Mi 8,Mi A2,Mi A2 Lite,Redmi Note 5,Redmi 6,Mi 9,Redmi Note 7,Mi 8 Lite", "32 64 128", "",
               "black blue gold"),
    "lg": ("", "G7 ThinQ,G6,V30,K10 (2018),Q6,G8 ThinQ", "32 64 128", "LM-@###@@", "black blue silver"),
}
# Model names following each brand's scheme ("#" a digit), beyond the listed models.
PHONE_GEN: dict[str, str] = {
    "samsung": "A#0|J# (201#)|M#0|A#5|S#|S# Lite|Note #|A# (201#)", "huawei": "P## Lite|Y# 201#|Nova #|Mate ##|P Smart 20##",
    "nokia": "#.#|# Plus|#.# Plus", "motorola": "G#|E# Plus|G# Power|Z# Play|G# Play|E#", "google": "#|# XL|#a",
    "xiaomi": "Redmi Note #|Mi #|Redmi #A|Mi A#|Mi # Lite|Redmi Note # Pro", "lg": "K## (201#)|Q#|G# ThinQ|V##",
    "oneplus": "#|#T|# Pro|Nord #", "sony": "XZ#|XA# Ultra|L#|XZ# Compact|# II|# III",
}
PHONE_SERIES_W: tuple[str, ...] = ("Note", "Neo", "Max", "Edge", "One", "Zen", "Spark", "Vibe", "Aero", "Pulse", "Nova", "Flex")
PHONE_SUFFIX_W: tuple[str, ...] = ("", "", "", "Plus", "Pro", "Lite", "Max", "mini")
PHONE_WORDS: tuple[str, ...] = (
    "en:sim free|sim-free|unlocked|sim free unlocked; de:ohne vertrag|ohne simlock|simlockfrei; sv:olåst|utan abonnemang|uden abonnement",
    "en:smartphone|mobile phone|mobile|phone; de:smartphone|handy|mobiltelefon; sv:mobiltelefon|smartphone|mobil",
    "en:4g|4g lte|lte", "en:dual sim|dual-sim|ds",
)

# ---- shop vocabulary ---------------------------------------------------------------------
RETAIL_PREFIX: dict[str, tuple[str, ...]] = {
    "en": ("brand new", "new", "grade a refurbished", "refurbished", "ex-display", "clearance", "sale", "uk stock",
           "brand new & boxed", "new:"),
    "de": ("neu", "neuware", "angebot", "aktion", "neu & ovp", "top-angebot", "generalüberholt"),
    "sv": ("ny", "nyhet", "rea", "kampanj", "demoexemplar", "fyndvara"),
}
RETAIL_TAIL: dict[str, tuple[str, ...]] = {
    "en": ("- free delivery", "| 2 year warranty", "free next day delivery", "- in stock", "[uk version]", "| free returns"),
    "de": ("versandkostenfrei", "inkl. lieferung", "mit 2 jahre garantie", "sofort lieferbar", "- neuware"),
    "sv": ("fri frakt", "med leverans", "i lager", "2 års garanti", "- fri leverans"),
}
BUNDLES: dict[str, tuple[str, ...]] = {
    "tv": ("+ free hdmi cable", "with free wall bracket", "& free soundbar offer", "inc 5 year warranty", "(uk model)",
           "(2019 model)", "- uk plug"),
    "camera": ("+ 16gb sd card", "+ bag & sd card", "with case and 32gb card", "+ extra battery"),
    "mobile": ("+ case", "with screen protector", "+ free earphones", "& charger"),
    "cpu": ("+ thermal paste", "with cooler", "& free game code"),
    "appliance": ("+ free installation", "& removal of old appliance", "with 10 year motor guarantee", "+ free recycling",
                  "5 year parts & labour", "(uk model)", "- uk plug", "| ao.com"),
}
PROMO_SV = ("fri frakt", "NYHET", "Rea", "Kampanj", "Lagervara", "Snabb leverans")
