"""Multilingual template data for the synthetic catalog: brands, product lines, units.

Everything here is plain data. A *phrase* is written compactly as
``"en:Air Max|AirMax; ko:에어맥스; ja:エアマックス"``: languages separated by ``;``,
alternatives (different ways shops write the same thing) separated by ``|``.
``catalog.py`` turns these into products; ``generator.py`` renders offers from them.
"""

from __future__ import annotations

from typing import NamedTuple

from samesku.synth import western_data as wd

# "sv" stands for Nordic shops (Swedish and Danish words), used by the Western families.
LANGS: tuple[str, ...] = ("ko", "ja", "zh", "en", "id", "de", "sv")
CURRENCY: dict[str, str] = {
    "ko": "KRW", "ja": "JPY", "zh": "CNY", "en": "USD", "id": "USD", "de": "EUR", "sv": "SEK",
}
# Units of currency per 1 KRW; prices are generated in KRW and converted per offer.
PER_KRW: dict[str, float] = {"KRW": 1.0, "JPY": 0.11, "CNY": 0.0053, "USD": 0.00074, "EUR": 0.00068, "SEK": 0.0077}

Phrase = dict[str, tuple[str, ...]]


def phrase(spec: str) -> Phrase:
    """Parse ``"en:a|b; ko:c"`` into ``{"en": ("a", "b"), "ko": ("c",)}``."""
    out: Phrase = {}
    for chunk in spec.split(";"):
        lang, _, alts = chunk.strip().partition(":")
        out[lang.strip()] = tuple(a.strip() for a in alts.split("|") if a.strip())
    return out


def say(p: Phrase, lang: str) -> tuple[str, ...]:
    """Alternatives of a phrase in ``lang``; Indonesian/German/Chinese fall back to English."""
    alts = p.get(lang)
    if alts:
        return alts
    return p.get("en") or next(iter(p.values()))


class Brand(NamedTuple):
    """A brand with the names shops use for it per language (first ``en`` alias = Latin)."""

    key: str
    names: Phrase

    @property
    def latin(self) -> str:
        return say(self.names, "en")[0]


def _brands(rows: str) -> dict[str, Brand]:
    out: dict[str, Brand] = {}
    for line in rows.strip().splitlines():
        key, _, spec = line.partition("=")
        out[key.strip()] = Brand(key.strip(), phrase(spec))
    return out


BRANDS: dict[str, Brand] = _brands("""
lotte = en:Lotte Chilsung|LOTTE; ko:롯데칠성|롯데칠성음료|롯데; ja:ロッテ; zh:乐天
coca = en:Coca-Cola|COCA-COLA; ko:코카콜라; ja:コカ・コーラ; zh:可口可乐
otsuka = en:Otsuka|Donga Otsuka; ko:동아오츠카; ja:大塚製薬; zh:大冢
suntory = en:SUNTORY|Suntory; ko:산토리; ja:サントリー; zh:三得利
itoen = en:ITO EN|Itoen; ko:이토엔; ja:伊藤園; zh:伊藤园
nongfu = en:Nongfu Spring; ko:농푸산취안; ja:農夫山泉; zh:农夫山泉
kangshifu = en:Master Kong; ko:캉스푸; ja:康師傅; zh:康师傅
kwangdong = en:Kwangdong|KWANGDONG; ko:광동제약|광동; ja:広東製薬; zh:广东制药
woongjin = en:Woongjin|WOONGJIN; ko:웅진식품|웅진; ja:ウンジン; zh:熊津
ss = en:SS Pharmaceutical|SSP; ko:에스에스제약|SS제약; ja:エスエス製薬; zh:SS制药
dhc = en:DHC; ko:DHC|디에이치씨; ja:DHC; zh:DHC|蝶翠诗
ckd = en:Chong Kun Dang|CKD; ko:종근당건강|종근당; ja:鍾根堂; zh:钟根堂
eundan = en:Korea Eundan|KOREA EUNDAN; ko:고려은단; ja:高麗ウンダン; zh:高丽银丹
swisse = en:Swisse|SWISSE; ko:스위스|스위쎄; ja:スイス; zh:Swisse|斯维诗
naturemade = en:Nature Made|NATURE MADE; ko:네이처메이드; ja:ネイチャーメイド; zh:天维美
byhealth = en:BY-HEALTH|By-health; ko:탕천배건; ja:バイヘルス; zh:汤臣倍健
kobayashi = en:Kobayashi; ko:고바야시제약|고바야시; ja:小林製薬; zh:小林制药
fancl = en:FANCL; ko:판클; ja:ファンケル|FANCL; zh:芳珂|FANCL
apple = en:Apple|APPLE; ko:애플|Apple; ja:アップル|Apple; zh:苹果|Apple
samsung = en:Samsung|SAMSUNG; ko:삼성|삼성전자|SAMSUNG; ja:サムスン|Samsung; zh:三星|SAMSUNG
xiaomi = en:Xiaomi|XIAOMI; ko:샤오미; ja:シャオミ|Xiaomi; zh:小米
sony = en:SONY|Sony; ko:소니; ja:ソニー|SONY; zh:索尼
google = en:Google; ko:구글; ja:グーグル|Google; zh:谷歌
sandisk = en:SanDisk|SANDISK; ko:샌디스크; ja:サンディスク|SanDisk; zh:闪迪
kingston = en:Kingston|KINGSTON; ko:킹스톤; ja:キングストン; zh:金士顿
lexar = en:Lexar|LEXAR; ko:렉사; ja:レキサー; zh:雷克沙
listar = en:LISTAR|Listar; ko:리스타|라이스타|LISTAR; ja:リスター|LISTAR; zh:莉斯塔|LISTAR
aeg = en:AEG|Aeg; ko:AEG|아에게; ja:AEG; zh:AEG|伊莱克斯AEG
danhui = en:Danhui|DANHUI; ko:단후이; ja:ダンフイ; zh:丹慧
irobot = en:iRobot|IROBOT; ko:아이로봇; ja:アイロボット|iRobot; zh:艾罗伯特|iRobot
roborock = en:Roborock|ROBOROCK; ko:로보락; ja:ロボロック; zh:石头|石头科技
ecovacs = en:ECOVACS|Ecovacs; ko:에코백스; ja:エコバックス; zh:科沃斯
dreame = en:Dreame|DREAME; ko:드리미; ja:ドリーミー; zh:追觅
nike = en:NIKE|Nike; ko:나이키|NIKE; ja:ナイキ|NIKE; zh:耐克|NIKE
adidas = en:adidas|ADIDAS|Adidas; ko:아디다스|adidas; ja:アディダス|adidas; zh:阿迪达斯|adidas
newbalance = en:New Balance|NEW BALANCE|NB; ko:뉴발란스|NB; ja:ニューバランス; zh:新百伦|NB
asics = en:ASICS|Asics; ko:아식스; ja:アシックス|ASICS; zh:亚瑟士|ASICS
converse = en:CONVERSE|Converse; ko:컨버스; ja:コンバース; zh:匡威
goldendew = en:GOLDENDEW|Golden Dew; ko:골든듀; ja:ゴールデンデュー; zh:GOLDENDEW
jestina = en:J.ESTINA|JESTINA; ko:제이에스티나; ja:ジェイエスティナ; zh:J.ESTINA
lloyd = en:LLOYD|Lloyd; ko:로이드; ja:ロイド; zh:LLOYD
yondoshi = en:4°C|4C; ko:욘도시; ja:ヨンドシー|4℃; zh:4°C
ctf = en:Chow Tai Fook|CTF; ko:주대복; ja:周大福; zh:周大福
arte = en:ARTE|Arte; ko:아르떼; ja:アルテ; zh:ARTE
giordano = en:GIORDANO|Giordano; ko:지오다노; ja:ジョルダーノ; zh:佐丹奴
uniqlo = en:UNIQLO|Uniqlo; ko:유니클로; ja:ユニクロ|UNIQLO; zh:优衣库
spao = en:SPAO; ko:스파오|SPAO; ja:スパオ; zh:SPAO
topten = en:TOPTEN|TOPTEN10; ko:탑텐; ja:トップテン; zh:TOPTEN
zara = en:ZARA|Zara; ko:자라; ja:ザラ; zh:飒拉|ZARA
muji = en:MUJI; ko:무인양품|MUJI; ja:無印良品|MUJI; zh:无印良品
pigeon = en:Pigeon|PIGEON; ko:피죤; ja:ピジョン; zh:皮久
tech = en:TECH|Tech; ko:테크|LG테크; ja:テック; zh:TECH
persil = en:Persil|PERSIL; ko:퍼실; ja:パーシル; zh:宝莹
downy = en:Downy|DOWNY; ko:다우니; ja:ダウニー; zh:当妮
attack = en:Attack|Kao Attack; ko:어택|카오 어택; ja:アタック|花王 アタック; zh:洁霸
ariel = en:Ariel|ARIEL; ko:아리엘; ja:アリエール; zh:碧浪
tide = en:Tide|TIDE; ko:타이드; ja:タイド; zh:汰渍
bluemoon = en:Blue Moon; ko:블루문; ja:ブルームーン; zh:蓝月亮
sanei = en:SANEI|Sanei; ko:산에이; ja:三栄水栓製作所|SANEI|三栄水栓; zh:三荣水栓
toto = en:TOTO; ko:토토|TOTO; ja:TOTO; zh:TOTO|东陶
lixil = en:LIXIL|INAX; ko:릭실; ja:LIXIL|リクシル; zh:骊住
kakudai = en:KAKUDAI|Kakudai; ko:카쿠다이; ja:カクダイ|KAKUDAI; zh:KAKUDAI
daelim = en:DAELIM|Daelim Bath; ko:대림바스|대림; ja:デリム; zh:大林
nonghyup = en:NH|Nonghyup; ko:농협|하나로마트; ja:農協; zh:农协
""" + wd.WEST_BRAND_ROWS)

# Placeholder brand values shops type when they do not know (a heavy, meaningless key).
PLACEHOLDER_BRAND: dict[str, str] = {
    "ko": "기타", "ja": "その他", "zh": "其他", "en": "Generic", "id": "Lainnya", "de": "Sonstige", "sv": "Övrigt",
}

# Syllables for made-up brands: (Latin, Hangul, Katakana, Hanzi). Transliterations stay
# consistent, so one synthetic brand really is written in four scripts.
SYLLABLES: tuple[tuple[str, str, str, str], ...] = (
    ("ka", "카", "カ", "卡"), ("lo", "로", "ロ", "洛"), ("mi", "미", "ミ", "米"),
    ("ra", "라", "ラ", "拉"), ("ne", "네", "ネ", "内"), ("to", "토", "ト", "托"),
    ("vi", "비", "ヴィ", "维"), ("sa", "사", "サ", "萨"), ("ri", "리", "リ", "里"),
    ("ko", "코", "コ", "科"), ("na", "나", "ナ", "纳"), ("te", "테", "テ", "特"),
    ("mo", "모", "モ", "莫"), ("ru", "루", "ル", "鲁"), ("ki", "키", "キ", "奇"),
    ("da", "다", "ダ", "达"), ("no", "노", "ノ", "诺"), ("su", "수", "ス", "苏"),
    ("ha", "하", "ハ", "哈"), ("ze", "제", "ゼ", "泽"), ("bel", "벨", "ベル", "贝尔"),
    ("ton", "톤", "トン", "通"), ("mar", "마르", "マル", "玛"), ("lin", "린", "リン", "林"),
    ("vo", "보", "ヴォ", "沃"), ("xi", "시", "シ", "希"), ("fen", "펜", "フェン", "芬"),
)

# ---- counters: how a count is written, per kind of thing counted ------------------------
COUNTERS: dict[str, Phrase] = {
    "can": phrase("en:cans|ct|pack; ko:캔|개; ja:缶|本; zh:罐|听; id:kaleng; de:Dosen"),
    "pet": phrase("en:bottles|pack|ct; ko:페트|병|개; ja:本|ボトル; zh:瓶; id:botol; de:Flaschen"),
    "bottle": phrase("en:bottles|ct; ko:병|개; ja:本|瓶; zh:瓶|支; id:botol; de:Flaschen"),
    "tablet": phrase("en:tablets|tabs|ct|count; ko:정|알; ja:錠|粒; zh:片|粒; id:tablet; de:Tabletten"),
    "capsule": phrase("en:capsules|caps|ct; ko:캡슐|정; ja:粒|カプセル; zh:粒|胶囊; id:kapsul; de:Kapseln"),
    "softgel": phrase("en:softgels|ct; ko:소프트젤|캡슐; ja:粒|ソフトカプセル; zh:粒|软胶囊; id:softgel; de:Softgels"),
    "stick": phrase("en:sticks|packets; ko:포|스틱; ja:包|本; zh:袋|条; id:sachet; de:Sticks"),
    "piece": phrase("en:pcs|pack|ea; ko:개|개입|EA|P; ja:個|枚|本; zh:个|片|只; id:pcs; de:Stück|Stk"),
    "pack": phrase("en:pcs|pack|bottles; ko:개|개입|EA; ja:個|本|袋; zh:瓶|袋|件; id:pcs; de:Stück"),
    "set": phrase("en:pack|set; ko:개|세트|박스; ja:個|セット|箱; zh:盒|套|件; id:pack; de:Packungen"),
}
MONTHS: Phrase = phrase("en:month supply|months; ko:개월분; ja:ヶ月分|か月分; zh:个月量; id:bulan; de:Monate")
DAYS: Phrase = phrase("en:days|day supply; ko:일분; ja:日分; zh:天量; id:hari; de:Tage")
SIZE_WORD: Phrase = phrase("en:size|US; ko:호|사이즈; ja:号|サイズ; zh:号|码; id:ukuran; de:Größe")

COLOURS: dict[str, Phrase] = {
    "black": phrase("en:Black|black; ko:블랙|검정|블랙색상; ja:ブラック|黒; zh:黑色|黑; id:Hitam; de:Schwarz"),
    "white": phrase("en:White|white; ko:화이트|흰색|화이트색상; ja:ホワイト|白; zh:白色|白; id:Putih; de:Weiß"),
    "silver": phrase("en:Silver; ko:실버|은색; ja:シルバー; zh:银色; id:Silver; de:Silber"),
    "blue": phrase("en:Blue|Navy; ko:블루|파랑; ja:ブルー|青; zh:蓝色; id:Biru; de:Blau"),
    "green": phrase("en:Green|Mint; ko:그린|초록; ja:グリーン|緑; zh:绿色; id:Hijau; de:Grün"),
    "pink": phrase("en:Pink|Rose; ko:핑크|분홍; ja:ピンク; zh:粉色; id:Merah Muda; de:Rosa"),
    "gray": phrase("en:Gray|Grey|Graphite; ko:그레이|회색; ja:グレー; zh:灰色; id:Abu-abu; de:Grau"),
    "beige": phrase("en:Beige|Camel; ko:베이지|카멜; ja:ベージュ; zh:米色|卡其色; id:Krem; de:Beige"),
    "red": phrase("en:Red; ko:레드|빨강; ja:レッド|赤; zh:红色; id:Merah; de:Rot"),
    "purple": phrase("en:Purple|Lavender; ko:퍼플|라벤더; ja:パープル; zh:紫色; id:Ungu; de:Lila"),
    "gold": phrase("en:Gold; ko:골드|금색; ja:ゴールド; zh:金色; id:Emas; de:Gold"),
}

# ---- promo / shop noise --------------------------------------------------------------
PROMO_TAGS: dict[str, tuple[str, ...]] = {
    "ko": ("[무료배송]", "[국내 매장판]", "(국내매장판)", "[AK온라인몰]", "[롯데아이몰]", "[신세계몰]",
           "[패션플러스]", "[삼성카드 최대 7% 할인]", "정품", "[정품]", "당일발송", "당일 발송",
           "무료배송", "[공식]", "특가", "[오늘출발]", "W몰", "(해외)", "[단독]", "최저가",
           "신상", "[쿠폰할인]", "[백화점정품]", "빠른배송"),
    "ja": ("【新品】", "【送料無料】", "【正規品】", "【国内正規品】", "【あす楽】", "送料無料", "【在庫あり】",
           "【ポイント10倍】", "【公式】", "即納", "新品未使用", "【本】", "あす楽対応", "【最安値挑戦】"),
    "zh": ("包邮", "正品", "【正品保证】", "官方旗舰店", "现货", "顺丰包邮", "【包邮】", "新款",
           "台灣公司貨", "现货速发", "官方正品", "【现货】", "限时特价"),
    "en": ("free shipping", "Free Shipping", "[Official]", "NEW", "Authentic", "Fast Delivery",
           "(Genuine)", "Sale", "[US Seller]", "Brand New"),
    "id": ("Gratis Ongkir", "Original", "READY STOCK", "Promo", "BPOM", "Garansi Resmi"),
    "de": ("Versandkostenfrei", "NEU", "Original", "OVP", "Blitzversand", "Angebot"),
    "sv": wd.PROMO_SV,
}
# A generic word most shops in a language put in many titles: a deliberately heavy token.
HEAVY_WORD: dict[str, str] = {
    "ko": "정품", "ja": "送料無料", "zh": "正品", "en": "NEW", "id": "Original", "de": "NEU", "sv": "NYHET",
}
BRIDGE_JOINERS: dict[str, tuple[str, ...]] = {
    "ko": (" / ", " + ", " 호환 ", " ", ", ", " 같은 "), "ja": (" / ", "・", " 互換 ", " "),
    "zh": (" / ", "+", " 同款 ", " 适用 "), "en": (" / ", " + ", " compatible ", " & "),
    "id": (" / ", " + "), "de": (" / ", " + ", " kompatibel "), "sv": (" / ", " + ", " kompatibel med "),
}

# ---- categories ------------------------------------------------------------------------
CATEGORIES: dict[str, Phrase] = {k: phrase(v) for k, v in {
    "drink": "en:Food>Beverages>Soft Drinks; ko:식품>음료>탄산음료; ja:食品>飲料>ソフトドリンク; zh:食品>饮料>饮品",
    "supplement": "en:Health>Supplements>Vitamins; ko:식품>건강식품>비타민; ja:健康>サプリメント>ビタミン; zh:保健>膳食补充>维生素",
    "phone": "en:Electronics>Mobile>Smartphones; ko:디지털>휴대폰>자급제폰; ja:家電>スマートフォン>SIMフリー; zh:数码>手机>智能手机",
    "tablet": "en:Electronics>Computers>Tablets; ko:디지털>태블릿PC>태블릿; ja:家電>タブレット>タブレットPC; zh:数码>平板电脑>平板",
    "storage": "en:Electronics>Storage>Memory Cards; ko:디지털>저장장치>메모리카드; ja:家電>記憶媒体>メモリーカード; zh:数码>存储>存储卡",
    "vacuum": "en:Home Appliances>Vacuums>Robot Vacuums; ko:생활가전>청소기>로봇청소기; ja:家電>掃除機>ロボット掃除機; zh:家用电器>清洁电器>扫地机器人",
    "vacuum_part": "en:Home Appliances>Vacuums>Accessories; ko:생활가전>청소기>청소기 소모품; ja:家電>掃除機>掃除機アクセサリー; zh:家用电器>清洁电器>配件",
    "sneaker": "en:Fashion>Shoes>Sneakers; ko:패션잡화>남성신발>운동화; ja:ファッション>靴>スニーカー; zh:鞋靴>运动鞋>跑步鞋",
    "ring": "en:Jewelry>Rings>Gold Rings; ko:쥬얼리>반지>금반지; ja:ジュエリー>リング>ゴールドリング; zh:珠宝>戒指>黄金戒指",
    "apparel": "en:Fashion>Women>Outerwear; ko:패션의류>여성의류>코트; ja:ファッション>レディース>アウター; zh:女装>外套>风衣",
    "detergent": "en:Household>Laundry>Detergent; ko:생활용품>세탁세제>액체세제; ja:日用品>洗濯洗剤>液体洗剤; zh:日用品>洗衣>洗衣液",
    "produce": "en:Food>Fruit>Melons; ko:식품>과일>멜론/참외; ja:食品>フルーツ>メロン; zh:食品>水果>瓜类",
    "hardware": "en:DIY>Plumbing>Fittings; ko:공구>욕실/주방>수전부품; ja:DIY>水道用品>水栓部品; zh:五金>卫浴>水龙头配件",
    **wd.WEST_CATEGORIES,
}.items()}

# ---- per-family descriptive words (appended, reordered, dropped freely) -------------------
DESCRIPTORS: dict[str, tuple[Phrase, ...]] = {k: tuple(phrase(s) for s in v) for k, v in {
    "drink": ("en:soda|drink; ko:음료수|탄산음료|음료; ja:ジュース|飲料|ケース; zh:饮料|整箱", "en:case|box; ko:업소용|박스|대용량; ja:箱買い|まとめ買い; zh:整箱装|批发"),
    "supplement": ("en:supplement|dietary supplement; ko:영양제|건강기능식품; ja:サプリ|サプリメント; zh:保健品|营养品; id:Suplemen; de:Nahrungsergänzung", "en:vitamin; ko:비타민|영양; ja:栄養補助食品; zh:维生素"),
    "phone": ("en:smartphone|unlocked|5G; ko:스마트폰|휴대폰|자급제|공기계|5G; ja:スマートフォン|SIMフリー|スマホ; zh:手机|全网通|5G手机; id:HP|Smartphone; de:Smartphone|Handy",),
    "tablet": ("en:tablet|Wi-Fi; ko:태블릿|태블릿PC|WiFi; ja:タブレット|Wi-Fiモデル; zh:平板电脑|平板|WLAN版; id:Tablet; de:Tablet",),
    "storage": ("en:memory card|micro SD|SSD; ko:메모리카드|마이크로SD|외장SSD|메모리; ja:マイクロSDカード|microSDXC|SSD; zh:存储卡|内存卡|TF卡|固态硬盘; id:Kartu Memori; de:Speicherkarte",),
    "vacuum": ("en:robot vacuum|robot hoover|robot vacuum cleaner; ko:로봇청소기|물걸레 로봇청소기|자동먼지비움; ja:ロボット掃除機|お掃除ロボット; zh:扫地机器人|扫拖一体机; id:Robot Vacuum|Penyedot Debu; de:Saugroboter|Staubsauger Roboter", "en:house cleaning|cordless; ko:청소기|가정용; ja:掃除機|自動; zh:智能|全自动; de:Haushalt"),
    "vacuum_part": ("en:compatible|replacement; ko:호환|호환용|소모품|교체용; ja:互換|交換用|互換品; zh:适配|配件|替换; id:kompatibel; de:kompatibel|Ersatz",),
    "sneaker": ("en:sneakers|running shoes|shoes; ko:운동화|런닝화|스니커즈|신발; ja:スニーカー|ランニングシューズ|靴; zh:运动鞋|跑步鞋|板鞋|休闲鞋; id:Sepatu|Sepatu Lari; de:Sneaker|Laufschuhe|Schuhe", "en:men's|women's|unisex; ko:남성|여성|남녀공용|맨즈 우먼스; ja:メンズ|レディース|ユニセックス; zh:男款|女款|男女同款; id:Pria|Wanita; de:Herren|Damen"),
    "ring": ("en:ring|women's ring; ko:반지|금반지|여성반지|여성금반지; ja:リング|指輪|レディースリング; zh:戒指|女戒|金戒指", "en:gift|couple; ko:커플링|선물|데일리; ja:ギフト|プレゼント; zh:送礼|情侣"),
    "apparel": ("en:women|outer; ko:여성|여자|아우터; ja:レディース|アウター; zh:女装|外套", "en:new season|daily; ko:신상|데일리|간절기; ja:新作|秋冬; zh:新款|秋冬"),
    "detergent": ("en:laundry|large size; ko:세탁세제|대용량|세제; ja:洗濯洗剤|大容量|洗剤; zh:洗衣|大容量|家庭装",),
    "produce": ("en:fresh|gift set; ko:산지직송|제철|선물세트; ja:産地直送|ギフト|贈答用; zh:新鲜|产地直发|礼盒",),
    "hardware": ("en:plumbing|kitchen; ko:수전|주방|욕실|부품; ja:水栓|キッチン|部品|DIY; zh:卫浴|厨房|配件",),
}.items()}

# ---- product lines ----------------------------------------------------------------------
# Real lines are tuples (brand key, line phrase, extra). Generic lines are used with
# made-up brands so the space of products never runs out.

DRINK_LINES: tuple[tuple[str, str, str], ...] = (
    ("lotte", "en:Chilsung Cider; ko:칠성사이다|칠성 사이다; ja:チルソンサイダー; zh:七星汽水", "can pet"),
    ("lotte", "en:Chilsung Cider Zero; ko:칠성사이다 제로|칠성 제로; ja:チルソンサイダー ゼロ; zh:七星汽水 零度", "can pet"),
    ("lotte", "en:Milkis; ko:밀키스; ja:ミルキス; zh:妙之吻", "can"),
    ("lotte", "en:Trevi Sparkling Water; ko:트레비 탄산수|트레비; ja:トレビ 炭酸水; zh:Trevi 苏打水", "can pet"),
    ("coca", "en:Coca-Cola|Coke; ko:코카콜라|코카 콜라; ja:コカ・コーラ|コカコーラ; zh:可口可乐", "can pet"),
    ("coca", "en:Coca-Cola Zero|Coke Zero; ko:코카콜라 제로|코크 제로; ja:コカ・コーラ ゼロ; zh:可口可乐 零度", "can pet"),
    ("coca", "en:Sprite; ko:스프라이트; ja:スプライト; zh:雪碧", "can pet"),
    ("otsuka", "en:Pocari Sweat; ko:포카리스웨트|포카리 스웨트; ja:ポカリスエット; zh:宝矿力水特", "can pet"),
    ("suntory", "en:Iyemon Green Tea; ko:이에몬 녹차; ja:伊右衛門; zh:伊右卫门 绿茶", "pet"),
    ("suntory", "en:Oolong Tea; ko:우롱차; ja:烏龍茶|ウーロン茶; zh:乌龙茶", "pet"),
    ("suntory", "en:BOSS Coffee; ko:보스 커피; ja:ボス コーヒー|BOSS コーヒー; zh:BOSS 咖啡", "can"),
    ("itoen", "en:Oi Ocha Green Tea; ko:오이오차 녹차; ja:お〜いお茶|お～いお茶|おーいお茶; zh:伊藤园 绿茶", "pet"),
    ("nongfu", "en:Natural Spring Water; ko:천연수; ja:天然水; zh:天然水|饮用天然水", "pet"),
    ("nongfu", "en:Oriental Leaves Tea; ko:동방수엽; ja:東方樹葉; zh:东方树叶", "pet"),
    ("kangshifu", "en:Iced Black Tea; ko:아이스 홍차; ja:アイスティー; zh:冰红茶", "pet"),
    ("kwangdong", "en:Corn Silk Tea; ko:옥수수수염차|옥수수 수염차; ja:とうもろこしのひげ茶; zh:玉米须茶", "pet"),
    ("kwangdong", "en:Vita 500; ko:비타500|비타 500; ja:ビタ500; zh:维他500", "small"),
    ("woongjin", "en:Barley Tea; ko:하늘보리; ja:麦茶; zh:大麦茶", "pet"),
)
DRINK_GENERIC: tuple[str, ...] = (
    "en:Sparkling Water; ko:탄산수; ja:炭酸水; zh:苏打水|气泡水",
    "en:Barley Tea; ko:보리차; ja:麦茶; zh:大麦茶",
    "en:Iced Tea; ko:아이스티; ja:アイスティー; zh:冰红茶",
    "en:Sports Drink; ko:이온음료|스포츠음료; ja:スポーツドリンク; zh:运动饮料",
    "en:Green Tea; ko:녹차; ja:緑茶; zh:绿茶",
    "en:Kombucha; ko:콤부차; ja:コンブチャ; zh:康普茶",
    "en:Cold Brew Coffee; ko:콜드브루 커피; ja:コールドブリュー; zh:冷萃咖啡",
    "en:Soy Milk; ko:두유; ja:豆乳; zh:豆奶",
)
FLAVOURS: tuple[str, ...] = (
    "en:Lemon; ko:레몬; ja:レモン; zh:柠檬", "en:Lime; ko:라임; ja:ライム; zh:青柠",
    "en:Grapefruit; ko:자몽; ja:グレープフルーツ; zh:西柚", "en:Peach; ko:복숭아; ja:ピーチ|もも; zh:蜜桃",
    "en:Plain|Original; ko:플레인|오리지널; ja:プレーン; zh:原味", "en:Green Grape; ko:청포도; ja:マスカット; zh:青提",
    "en:Apple; ko:사과|애플; ja:アップル|りんご; zh:苹果味",
)
DRINK_VOLUMES: dict[str, tuple[int, ...]] = {
    "can": (190, 210, 250, 300, 355), "pet": (340, 500, 1500, 2000), "small": (100,),
}

SUPPLEMENT_LINES: tuple[tuple[str, str, str], ...] = (
    ("ss", "en:Hythiol-C Whitia; ko:하이치올C 화이티아|하이치올 C 화이티아; ja:ハイチオールC ホワイティア; zh:海媞奥C 美白", "tablet"),
    ("ss", "en:Hythiol-C Plus 2; ko:하이치올C 플러스2; ja:ハイチオールC プラス2|ハイチオールCプラス2; zh:海媞奥C 加强版", "tablet"),
    ("dhc", "en:Vitamin C Hard Capsule; ko:비타민C 하드캡슐; ja:ビタミンC ハードカプセル; zh:维生素C 硬胶囊", "capsule"),
    ("dhc", "en:Multi Vitamin; ko:멀티비타민; ja:マルチビタミン; zh:复合维生素", "tablet"),
    ("ckd", "en:Lactofit Probiotics Gold; ko:락토핏 생유산균 골드|락토핏 골드; ja:ラクトフィット ゴールド; zh:乐多飞 益生菌 金装", "stick"),
    ("eundan", "en:Vitamin C 1000; ko:비타민C 1000|비타민C1000; ja:ビタミンC1000; zh:维生素C1000", "tablet"),
    ("swisse", "en:Magnesium; ko:마그네슘; ja:マグネシウム; zh:镁片", "tablet"),
    ("naturemade", "en:Fish Oil 1200mg; ko:피쉬오일 1200mg|오메가3 1200mg; ja:フィッシュオイル 1200mg; zh:深海鱼油 1200mg", "softgel"),
    ("naturemade", "en:Vitamin D3 2000IU; ko:비타민D3 2000IU; ja:ビタミンD3 2000IU; zh:维生素D3 2000IU", "softgel"),
    ("byhealth", "en:Vitamin C Tablets; ko:비타민C 츄어블; ja:ビタミンC タブレット; zh:维生素C片|维C片", "tablet"),
    ("kobayashi", "en:Nattokinase; ko:낫토키나아제; ja:ナットウキナーゼ; zh:纳豆激酶", "capsule"),
    ("fancl", "en:Calorie Limit; ko:칼로리밋; ja:カロリミット; zh:热控片", "tablet"),
)
SUPPLEMENT_GENERIC: tuple[str, ...] = (
    "en:Lutein; ko:루테인; ja:ルテイン; zh:叶黄素", "en:Omega-3; ko:오메가3|오메가-3; ja:オメガ3; zh:鱼油|欧米伽3",
    "en:Milk Thistle; ko:밀크씨슬|밀크시슬; ja:ミルクシスル; zh:奶蓟草", "en:Biotin; ko:비오틴; ja:ビオチン; zh:生物素",
    "en:Collagen; ko:콜라겐; ja:コラーゲン; zh:胶原蛋白", "en:Propolis; ko:프로폴리스; ja:プロポリス; zh:蜂胶",
    "en:Coenzyme Q10|CoQ10; ko:코엔자임Q10|코큐텐; ja:コエンザイムQ10; zh:辅酶Q10",
    "en:Saw Palmetto; ko:쏘팔메토; ja:ノコギリヤシ; zh:锯棕榈", "en:Zinc; ko:아연; ja:亜鉛; zh:锌片",
    "en:Probiotics; ko:유산균|프로바이오틱스; ja:乳酸菌; zh:益生菌", "en:Vitamin B Complex; ko:비타민B 컴플렉스; ja:ビタミンB群; zh:B族维生素",
)
SUPPLEMENT_DOSES: tuple[str, ...] = ("", "", "500mg", "1000mg", "20mg", "2000IU", "plus", "골드", "premium")
SUPPLEMENT_COUNTS: tuple[int, ...] = (30, 40, 60, 90, 120, 180, 240, 270, 365)

# (brand, series phrase, numbers, suffixes, code pattern, code shared across capacity/colour)
PHONE_LINES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], str, bool], ...] = (
    ("apple", "en:iPhone; ko:아이폰|iPhone; ja:iPhone|アイフォン; zh:iPhone|苹果", ("13", "14", "15", "16"), ("", "Plus", "Pro", "Pro Max"), "M@@##KH/A", False),
    ("apple", "en:iPad Air; ko:아이패드 에어|iPad Air; ja:iPad Air; zh:iPad Air", ("4", "5", "6"), ("",), "M@@##KH/A", False),
    ("samsung", "en:Galaxy S; ko:갤럭시 S|갤럭시S; ja:Galaxy S|ギャラクシー S; zh:Galaxy S|盖乐世 S", ("21", "22", "23", "24", "25"), ("", "+", "Ultra", "FE"), "SM-S###N", True),
    ("samsung", "en:Galaxy A; ko:갤럭시 A|갤럭시A; ja:Galaxy A; zh:Galaxy A|三星A", ("15", "25", "35", "54", "55"), ("", "5G"), "SM-A###N", True),
    ("samsung", "en:Galaxy Tab S; ko:갤럭시탭 S|갤럭시 탭 S; ja:Galaxy Tab S; zh:Galaxy Tab S", ("8", "9", "10"), ("", "FE", "Ultra"), "SM-X###N", True),
    ("xiaomi", "en:Redmi Note; ko:홍미노트|레드미 노트; ja:Redmi Note; zh:红米Note|Redmi Note", ("12", "13", "14"), ("", "Pro", "Pro+"), "####@@@##@", True),
    ("sony", "en:Xperia; ko:엑스페리아; ja:Xperia|エクスペリア; zh:Xperia", ("1", "5", "10"), ("V", "VI"), "XQ-@@##", True),
    ("google", "en:Pixel; ko:픽셀; ja:Pixel|ピクセル; zh:Pixel", ("7", "8", "9"), ("", "a", "Pro"), "G@###", True),
)
PHONE_SERIES: tuple[str, ...] = ("Note", "Neo", "Pad", "Max", "Nova", "Edge", "One", "Air", "Zen", "Mate", "Spark", "Pop")
PHONE_SUFFIX: tuple[str, ...] = ("", "", "Pro", "Plus", "Lite", "Ultra", "mini", "5G", "s")
CAPACITIES_GB: tuple[int, ...] = (64, 128, 256, 512, 1024)
PHONE_COLOURS: tuple[str, ...] = ("black", "white", "silver", "blue", "green", "pink", "gray", "purple", "gold")

# (brand, line phrase, code pattern with {c} for capacity, capacities)
STORAGE_LINES: tuple[tuple[str, str, str], ...] = (
    ("sandisk", "en:Extreme microSDXC; ko:익스트림 microSDXC|익스트림 마이크로SD; ja:エクストリーム microSDXC; zh:Extreme 至尊极速 microSD", "SDSQXAV-{c}G-GN6MA"),
    ("sandisk", "en:Ultra microSDXC; ko:울트라 microSDXC|울트라 마이크로SD; ja:ウルトラ microSDXC; zh:Ultra 至尊高速 microSD", "SDSQUAC-{c}G-GN6MN"),
    ("sandisk", "en:Extreme Portable SSD; ko:익스트림 포터블 SSD; ja:エクストリーム ポータブルSSD; zh:Extreme 移动固态硬盘", "SDSSDE61-{c}G-G25"),
    ("samsung", "en:EVO Plus microSD; ko:EVO Plus 마이크로SD|에보 플러스; ja:EVO Plus microSD; zh:EVO Plus 存储卡", "MB-MC{c}KA"),
    ("samsung", "en:870 EVO SATA SSD; ko:870 EVO SSD; ja:870 EVO SSD; zh:870 EVO 固态硬盘", "MZ-77E{c}B/KR"),
    ("samsung", "en:T7 Portable SSD; ko:포터블 SSD T7|T7 외장SSD; ja:ポータブルSSD T7; zh:T7 移动固态硬盘", "MU-PC{c}T/WW"),
    ("kingston", "en:Canvas Select Plus; ko:캔버스 셀렉트 플러스; ja:Canvas Select Plus; zh:Canvas Select Plus 高速存储卡", "SDCS2/{c}GB"),
    ("kingston", "en:NV2 NVMe SSD; ko:NV2 NVMe SSD; ja:NV2 NVMe SSD; zh:NV2 固态硬盘", "SNV2S/{c}G"),
    ("lexar", "en:Professional 1066x; ko:프로페셔널 1066x; ja:Professional 1066x; zh:1066x 高速卡", "LMS1066{c}G-BNANG"),
)
STORAGE_CAPS_GB: tuple[int, ...] = (32, 64, 128, 256, 512, 1024, 2048)

# Robot vacuum model tokens. RX9 is deliberately popular: the talk's weak entity and heavy key.
VACUUM_LINES: tuple[tuple[str, str, str], ...] = (
    ("listar", "en:RX9; ko:RX9; ja:RX9; zh:RX9", ""),
    ("aeg", "en:RX9 Robot Hoover|RX9; ko:RX9 로봇청소기|RX9; ja:RX9; zh:RX9", "RX9-1-SGM"),
    ("aeg", "en:RX9 Robot Hoover|RX9; ko:RX9 로봇청소기|RX9; ja:RX9; zh:RX9", "RX9-2-4ANM"),
    ("danhui", "en:RX9; ko:RX9; ja:RX9; zh:RX9", ""),
    ("irobot", "en:Roomba i7+|Roomba i7 Plus; ko:룸바 i7+|룸바 i7 플러스; ja:ルンバ i7+; zh:Roomba i7+", "i755860"),
    ("irobot", "en:Roomba Combo j9+; ko:룸바 콤보 j9+; ja:ルンバ コンボ j9+; zh:Roomba Combo j9+", "c975800"),
    ("roborock", "en:S7 MaxV Ultra; ko:S7 맥스V 울트라|S7 MaxV Ultra; ja:S7 MaxV Ultra; zh:S7 MaxV Ultra|G10S", "S7MVU52-00"),
    ("roborock", "en:Q7 Max; ko:Q7 맥스|Q7 Max; ja:Q7 Max; zh:Q7 Max", "Q7M52-04"),
    ("ecovacs", "en:DEEBOT T20 OMNI; ko:디봇 T20 옴니|DEEBOT T20 OMNI; ja:DEEBOT T20 OMNI; zh:地宝T20 OMNI", "DDX14"),
    ("dreame", "en:L10s Ultra; ko:L10s 울트라; ja:L10s Ultra; zh:L10s Ultra", "RLS6L"),
    ("samsung", "en:Bespoke Jetbot AI; ko:비스포크 제트봇 AI|제트봇 AI; ja:Jetbot AI; zh:Jetbot AI", "VR50T95735W"),
)
VACUUM_TOKENS: tuple[str, ...] = ("RX9", "RX9", "RX9", "S7", "X1", "T8", "Q5", "L10", "V8", "RS1", "RX7", "M6")
VACUUM_SUFFIX: tuple[str, ...] = ("", "", "Pro", "Max", "Ultra", "Plus", "S", "Omni", "Lite")
VACUUM_PARTS: tuple[str, ...] = (
    "en:HEPA filter|filter; ko:헤파필터|필터; ja:フィルター|HEPAフィルター; zh:滤网|海帕滤网",
    "en:side brush; ko:사이드브러쉬|사이드 브러시; ja:サイドブラシ; zh:边刷",
    "en:main brush|roller brush; ko:메인브러쉬|롤브러쉬; ja:メインブラシ; zh:主刷|滚刷",
    "en:mop pad|mop cloth; ko:물걸레 패드|걸레; ja:モップパッド|モップ; zh:拖布|抹布",
    "en:dust bag; ko:먼지봉투|더스트백; ja:紙パック|ダストバッグ; zh:尘袋|集尘袋",
)
PART_COUNTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 10, 12)

# (brand, line phrase, code pattern); codes are drawn from the pattern per colourway.
SNEAKER_LINES: tuple[tuple[str, str, str], ...] = (
    ("nike", "en:Air Max 95 SE; ko:에어맥스 95 SE|에어맥스95 SE; ja:エアマックス 95 SE|エアマックス95 SE; zh:Air Max 95 SE|气垫95", "DC3991"),
    ("nike", "en:Air Force 1 '07|AIRFORCE 1 07; ko:에어포스1 07|에어 포스1 07|에어포스 1 '07; ja:エアフォース1 '07|エア フォース 1 07; zh:空军一号 07|AF1 07", "CW2288"),
    ("nike", "en:Dunk Low Retro; ko:덩크 로우 레트로|덩크로우; ja:ダンク ロー レトロ; zh:Dunk Low 扣篮", "DD1391"),
    ("nike", "en:Air Jordan 1 Low; ko:에어 조던 1 로우|조던1 로우; ja:エアジョーダン1 LOW; zh:AJ1 低帮|Air Jordan 1 Low", "553558"),
    ("nike", "en:Pegasus 40; ko:페가수스 40|에어 줌 페가수스 40; ja:ペガサス 40; zh:飞马40|Pegasus 40", "DV3853"),
    ("adidas", "en:Samba OG; ko:삼바 OG|삼바OG; ja:サンバ OG; zh:Samba OG|桑巴", "~@@####"),
    ("adidas", "en:Gazelle; ko:가젤|가젤 인도어; ja:ガゼル; zh:Gazelle|羚羊", "~@@####"),
    ("adidas", "en:Superstar; ko:슈퍼스타; ja:スーパースター; zh:贝壳头|Superstar", "~@@####"),
    ("adidas", "en:Ultraboost Light; ko:울트라부스트 라이트; ja:ウルトラブースト ライト; zh:Ultraboost 爆米花", "~@@####"),
    ("newbalance", "en:530; ko:530|MR530; ja:530; zh:530", "~MR530@@"),
    ("newbalance", "en:2002R; ko:2002R; ja:2002R; zh:2002R", "~ML2002@@"),
    ("newbalance", "en:990v6; ko:990v6|990 v6; ja:990v6; zh:990v6", "~M990@@6"),
    ("asics", "en:Gel-Kayano 14|GEL-KAYANO 14; ko:젤 카야노 14|젤카야노14; ja:ゲルカヤノ 14|GEL-KAYANO 14; zh:GEL-KAYANO 14", "1201A019"),
    ("asics", "en:Gel-1130|GEL-1130; ko:젤 1130; ja:ゲル1130|GEL-1130; zh:GEL-1130", "1201A256"),
    ("converse", "en:Chuck 70; ko:척70|척 70 하이; ja:チャック70|CT70; zh:1970s 高帮|Chuck 70", "~A0####C"),
)
COLOURWAYS: tuple[str, ...] = ("100", "001", "002", "010", "101", "111", "600", "400", "300", "700", "200", "061")
SNEAKER_SERIES: tuple[str, ...] = ("Runner", "Flow", "Glide", "Zoom", "Wave", "Court", "Trail", "Swift", "Cloud", "Rally")
SNEAKER_CODES: tuple[str, ...] = ("@@####-###", "####@###-###", "@@####", "@@@###@@")

RING_STYLES: tuple[str, ...] = (
    "en:bubble combo ring; ko:방울 콤보링|방울 콤보 링; ja:ドットコンボリング; zh:泡泡组合戒",
    "en:twist ring; ko:꼬임 반지|트위스트링; ja:ツイストリング; zh:麻花戒",
    "en:cubic ring; ko:큐빅 반지|큐빅링; ja:キュービックリング; zh:锆石戒指",
    "en:layered ring; ko:레이어드링|레이어드 반지; ja:レイヤードリング; zh:叠戴戒指",
    "en:plain band ring; ko:심플 민자 반지|민자링; ja:甲丸リング|プレーンリング; zh:素圈戒指",
    "en:heart ring; ko:하트 반지|하트링; ja:ハートリング; zh:爱心戒指",
    "en:pinky ring; ko:새끼 반지|피치링; ja:ピンキーリング; zh:尾戒",
    "en:half eternity ring; ko:하프이터니티 반지; ja:ハーフエタニティリング; zh:半排钻戒指",
)
RING_ADJ: tuple[str, ...] = (
    "en:GOLD|Gold; ko:GOLD|골드; ja:GOLD|ゴールド; zh:黄金|GOLD", "en:daily; ko:데일리; ja:デイリー; zh:日常",
    "en:slim; ko:슬림; ja:スリム; zh:细款", "en:wave; ko:웨이브; ja:ウェーブ; zh:波浪", "en:bold; ko:볼드; ja:ボールド; zh:宽版",
    "en:mini; ko:미니; ja:ミニ; zh:迷你", "en:classic; ko:클래식; ja:クラシック; zh:经典",
)
MATERIALS: dict[str, Phrase] = {
    "18K": phrase("en:18K gold|18K; ko:18K|18k|18K반지; ja:K18|18金; zh:18K金|18K"),
    "14K": phrase("en:14K gold|14K; ko:14K|14k|14K반지; ja:K14|14金; zh:14K金|14K"),
    "24K": phrase("en:24K gold|24K; ko:24K|순금|24K반지; ja:K24|純金; zh:足金|24K"),
    "925": phrase("en:925 silver|sterling silver; ko:925실버|은반지; ja:SV925|シルバー925; zh:925银|纯银"),
}
MATERIAL_PRICE: dict[str, float] = {"18K": 1.0, "14K": 0.7, "24K": 1.6, "925": 0.1}

APPAREL_ITEMS: tuple[str, ...] = (
    "en:hooded trench coat; ko:후드 트렌치 코트|후드 트렌치코트; ja:フード トレンチコート; zh:连帽风衣",
    "en:wool blend double coat; ko:울 블렌드 더블 코트|울혼방 더블코트; ja:ウールブレンド ダブルコート; zh:羊毛混纺双排扣大衣",
    "en:oversized sweatshirt; ko:오버핏 맨투맨; ja:オーバーサイズ スウェット; zh:宽松卫衣",
    "en:light down vest; ko:경량 패딩 조끼|경량패딩 베스트; ja:ライトダウンベスト; zh:轻薄羽绒马甲",
    "en:linen shirt; ko:린넨 셔츠|린넨셔츠; ja:リネンシャツ; zh:亚麻衬衫",
    "en:wide slacks; ko:와이드 슬랙스|와이드팬츠; ja:ワイドスラックス; zh:阔腿裤",
    "en:knit cardigan; ko:니트 가디건|니트가디건; ja:ニットカーディガン; zh:针织开衫",
    "en:denim jacket; ko:데님 자켓|청자켓; ja:デニムジャケット; zh:牛仔夹克",
    "en:pleated skirt; ko:플리츠 스커트; ja:プリーツスカート; zh:百褶裙",
    "en:single blazer; ko:싱글 블레이저|싱글 자켓; ja:シングルブレザー; zh:单排扣西装",
)
APPAREL_ADJ: tuple[str, ...] = (
    "en:basic; ko:베이직; ja:ベーシック; zh:基础款", "en:long; ko:롱; ja:ロング; zh:长款",
    "en:cropped; ko:크롭; ja:クロップド; zh:短款", "en:belted; ko:벨티드|벨트; ja:ベルテッド; zh:系带",
    "en:standard; ko:스탠다드; ja:スタンダード; zh:标准", "en:soft; ko:소프트; ja:ソフト; zh:柔软",
    "en:classic; ko:클래식; ja:クラシック; zh:经典", "en:boxy; ko:박시; ja:ボクシー; zh:廓形",
)
APPAREL_CODES: tuple[str, ...] = ("@@@@@@###", "@@@@#@#@@##", "######", "@##@@@###")
APPAREL_SIZES: tuple[str, ...] = ("S M L", "FREE", "55 66 77", "S-XL", "M/L", "90-105")

DETERGENT_TYPES: tuple[str, ...] = (
    "en:liquid detergent; ko:액체세제|액상세제; ja:液体洗剤; zh:洗衣液",
    "en:HE liquid detergent; ko:드럼용 액체세제|드럼세탁기용 세제; ja:ドラム式用 液体洗剤; zh:滚筒专用洗衣液",
    "en:fabric softener; ko:섬유유연제|섬유 유연제; ja:柔軟剤; zh:柔顺剂",
    "en:dish soap; ko:주방세제; ja:食器用洗剤; zh:洗洁精",
    "en:powder detergent; ko:가루세제|분말세제; ja:粉末洗剤; zh:洗衣粉",
)
DETERGENT_FORMS: tuple[str, ...] = (
    "en:bottle; ko:본품|용기; ja:本体; zh:瓶装", "en:refill; ko:리필|리필용; ja:つめかえ用|詰め替え; zh:补充装|袋装",
)
SCENTS: tuple[str, ...] = (
    "en:lavender; ko:라벤더; ja:ラベンダー; zh:薰衣草", "en:baby powder; ko:베이비파우더; ja:ベビーパウダー; zh:婴儿爽身粉香",
    "en:floral; ko:플로럴; ja:フローラル; zh:花香", "en:cotton; ko:코튼|코튼향; ja:コットン; zh:棉花香",
    "en:unscented; ko:무향; ja:無香料; zh:无香", "en:original; ko:오리지널; ja:オリジナル; zh:原味",
)
DETERGENT_AMOUNTS: tuple[tuple[float, str], ...] = (
    (1.6, "kg"), (2.5, "L"), (3.0, "L"), (4.0, "L"), (900.0, "g"), (1.1, "kg"), (2.1, "L"), (500.0, "ml"), (750.0, "ml"),
)

PRODUCE_FRUITS: tuple[str, ...] = (
    "en:Papaya Melon; ko:파파야 멜론|파파야멜론; ja:パパイヤメロン; zh:木瓜甜瓜",
    "en:Musk Melon; ko:머스크멜론|머스크 멜론; ja:マスクメロン; zh:麝香甜瓜",
    "en:Cantaloupe Melon; ko:칸탈로프 멜론|캔탈롭; ja:カンタロープ; zh:哈密瓜",
    "en:Korean Melon; ko:참외|꿀참외; ja:チャメ; zh:香瓜",
    "en:Fuji Apple; ko:부사 사과|사과 부사; ja:サンふじ りんご; zh:富士苹果",
    "en:Shine Muscat; ko:샤인머스캣|샤인 머스켓; ja:シャインマスカット; zh:阳光玫瑰葡萄",
    "en:Hallabong; ko:한라봉; ja:デコポン; zh:丑橘",
    "en:Peach; ko:복숭아|백도; ja:白桃|もも; zh:水蜜桃",
)
REGIONS: tuple[str, ...] = (
    "en:Seongju; ko:성주", "en:Goryeong; ko:고령", "en:Naju; ko:나주", "en:Yeongcheon; ko:영천",
    "en:Cheongsong; ko:청송", "en:Jeju; ko:제주", "en:Sangju; ko:상주", "en:Chungju; ko:충주",
    "en:Yamanashi; ja:山梨; ko:야마나시", "en:Aomori; ja:青森; ko:아오모리", "en:Xinjiang; zh:新疆; ko:신장",
)
GRADES: tuple[str, ...] = (
    "en:premium; ko:특품|특; ja:秀品; zh:特级", "en:household; ko:가정용|못난이; ja:家庭用|訳あり; zh:家庭装",
    "en:gift; ko:선물용; ja:贈答用; zh:礼盒装", "en:standard; ko:상품|정품; ja:優品; zh:一级",
)
PRODUCE_KG: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0, 5.0, 10.0)

HARDWARE_ITEMS: tuple[str, ...] = (
    "en:multi-hole drain strainer; ko:다각 배수구 거름망; ja:多角穴ザルボ; zh:多角孔排水过滤器",
    "en:single lever mixer faucet; ko:싱글레버 혼합수전|원홀 수전; ja:シングルレバー混合栓; zh:单把混水龙头",
    "en:shower head; ko:샤워헤드|절수 샤워기; ja:シャワーヘッド; zh:花洒喷头",
    "en:angle stop valve; ko:앵글밸브|지수전; ja:止水栓|アングル止水栓; zh:角阀",
    "en:drain trap; ko:배수트랩; ja:排水トラップ; zh:存水弯",
    "en:flexible hose; ko:플렉시블 호스|연결호스; ja:フレキパイプ; zh:软管",
)
HARDWARE_CODES: tuple[str, ...] = ("@##-##X##", "@@####-##X-##", "@@@#####@", "@###@@-##", "@@###-#@")
HARDWARE_SIZES: tuple[str, ...] = ("13", "20", "25", "30", "40")
