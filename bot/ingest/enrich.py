"""Automatic enrichment at ingest: what an item's text says about itself, found by rules.

From one item's text, with the report's year as the default year:

* `date`: year/month/day as far as the text gives them; festival and period words (春节前夕,
  中秋前后, 年底 …) kept as `label`;
* `people`: ``<title><name>`` (全国政协副主席梁振英, 市委常委、统战部部长张三, 评论家甲、乙等),
  the name checked against the common surnames and cut where the sentence goes on;
* `organizations`: names ending in 办, 会, 协会, 基地, 园, 中心, 局, 委 … and 《…》 titles;
* `places`: known place names and names ending in 省/市/区/县/镇 where the sentence places
  something there (在, 到, 赴, 来 …, or a list of places);
* `figures` with units (189家, 1400余人次, 12亿多元, 33周年, 第十届), their qualifier and what
  they count;
* `keywords` (names, quoted event names, titles, a small domain vocabulary) and a short `title`
  (≤ 20 characters).

Per topic and highlight, `command` (ASCII, from a table of common themes, unique, with a
fallback such as ``t1`` or ``t3_h2``) and the menu descriptions. Everything here is a first
draft that validates and answers well; a person can still improve it by hand.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from bot.ingest.markers import CHINESE_DIGITS


def _words(text: str) -> list[str]:
    """A word list written as one space-separated string (long lists read better so)."""
    return text.split()


TITLE_MAX = 20
DESCRIPTION_MAX = 40
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")

# --------------------------------------------------------------------------- dates

FULL_DATE = re.compile(
    r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*[日号])?"
)
# A year standing alone as the time of a sentence: "2023年，…" (not 2023年度, 自1987年).
CLAUSE_YEAR = re.compile(r"(?:^|[，。；,;])(?P<year>(?:19|20)\d{2})\s*年(?!度|版|修订|修訂)")
DATE_LABEL = re.compile(
    r"(?:春节|春節|元宵节?|清明节?|端午节?|中秋节?|国庆节?|國慶節?|元旦|除夕|重阳节?|七夕|"
    r"两会|兩會)(?:前夕|前后|前後|期间|期間|当天|當天|之际|之際|假期)?|"
    # 五一, 十一 only as holidays: 第十一届 is an edition
    r"(?<![第0-9〇零一二三四五六七八九十])(?:五一|十一)(?:前夕|前后|前後|期间|期間|假期|黄金周|黃金週)|"
    r"(?:年底|年末|年初|年中|上半年|下半年|岁末|歲末|年终|年終)"
)


def extract_date(text: str, default_year: int | None) -> dict[str, Any] | None:
    """{year, month, day, label} as far as the text gives them; None when it gives nothing."""
    date: dict[str, Any] = {}
    match = FULL_DATE.search(text)
    if match:
        year = int(match["year"]) if match["year"] else default_year
        month = int(match["month"])
        if 1 <= month <= 12:
            if year and 1900 <= year <= 2100:
                date["year"] = year
            date["month"] = month
            if match["day"]:
                day = int(match["day"])
                if 1 <= day <= calendar.monthrange(year or 2024, month)[1]:
                    date["day"] = day
    elif lead := CLAUSE_YEAR.search(text):
        date["year"] = int(lead["year"])
    label = DATE_LABEL.search(text)
    if label:
        date = {"year": date.get("year", default_year), **date, "label": label[0]}
    return {key: value for key, value in date.items() if value is not None} or None


# --------------------------------------------------------------------------- people

# The hundred or so commonest surnames: enough to spot a name in a question (bot.search); the
# full list below reads the names in a report's text, where a role word comes first.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤赖柯连洪习萧游施庄翁詹"
)
SURNAMES = set(COMMON_SURNAMES) | set(
    "常温康文牛樊葛邢安齐易乔伍庞颜倪聂章鲁岳翟殷申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵"
    "苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝洪萧赖习游"
    "張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧陸賈韋鄒閆龔萬錢嚴湯顏聶魯翟蘭薛紀畢單塗駱藍饒"
    "鍾譚賴賀顧龍廖劉"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "歐陽",
    "司马",
    "司馬",
    "诸葛",
    "諸葛",
    "上官",
    "东方",
    "東方",
    "皇甫",
    "令狐",
    "慕容",
)
ROLE_SUFFIX = (
    "副主席|主席|副主任|主任|副书记|书记|副部长|部长|副局长|局长|副会长|会长|常务副会长|常委|"
    "副市长|市长|副省长|省长|副区长|区长|县长|镇长|理事长|秘书长|董事长|总经理|副总经理|院长|"
    "校长|主委|副主委|委员|厅长|处长|社长|总裁|执行长|台长|馆长|总队长|队长|主编|发言人|代表|"
    "評論家|评论家|专家|專家|教授|学者|學者|作家|艺术家|藝術家|企业家|企業家|"
    "副主任委員|主任委員|副書記|書記|副部長|部長|副局長|局長|副會長|會長|副市長|市長|副省長|省長|"
    "理事長|秘書長|董事長|總經理|院長|校長|處長|社長|總裁|執行長|臺長|館長|發言人|代表"
)
ROLE = re.compile(rf"(?:{ROLE_SUFFIX})")
# What may follow a name: a verb of the report's kind, a preposition or punctuation.
AFTER_NAME = (
    "在|到|赴|于|出席|会见|會見|会谈|考察|视察|視察|走访|走訪|慰问|慰問|看望|调研|調研|等|率|带队|"
    "帶隊|一行|应邀|應邀|表示|致辞|致辭|参加|參加|主持|发表|發表|接受|与|與|和|及|为|為|指出|强调|"
    "強調|莅临|蒞臨|宣布|出访|同志|先生|女士|讲话|講話|签署|簽署|颁发|頒發|见证|見證|来|來|参观|"
    "參觀|前往|对|對|就|分别|分別|亲切|親切|共同|一同|陪同|作|做|听取|聽取|介绍|介紹|获|獲|"
    '[，。、；：！？,.;:（(“”"\\s]|$'
)
AFTER = re.compile(rf"^(?:{AFTER_NAME})")
LEADING_FILLER = re.compile(
    r"^(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|邀请|邀請|由|在|与|與|和|及|陪同|会见|會見|会同|"
    r"會同|向|同|请|請|聘请|聘請|包括|其中|以及|并|並|，|,)+"
)
ROLE_SPAN_STOP = re.compile(r"[，。；：！？“”‘’《》（）()\s,;:!?]")


NAMES_BEFORE_ROLE = re.compile(
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:、[\u4e00-\u9fff]{2,4})+)等"
    rf"(?P<role>[\u4e00-\u9fff]{{0,10}}?(?:{ROLE_SUFFIX}))"
)


def _name_at(text: str, start: int) -> str | None:
    """A 2-4 character name starting at `start`, ended where the sentence goes on."""
    compound = next((s for s in COMPOUND_SURNAMES if text.startswith(s, start)), None)
    if compound is None and (start >= len(text) or text[start] not in SURNAMES):
        return None
    surname_length = len(compound) if compound else 1
    for given in (2, 1):
        end = start + surname_length + given
        name = text[start:end]
        if len(name) != surname_length + given:
            continue
        if not all("\u4e00" <= c <= "\u9fff" for c in name):
            continue
        if AFTER.match(text[end:]):
            return name
    return None


def extract_people(text: str) -> list[dict[str, str]]:
    """People with their titles: 全国政协副主席梁振英 → {name: 梁振英, role: 全国政协副主席}."""
    people: list[dict[str, str]] = []
    seen: set[str] = set()
    for role_match in ROLE.finditer(text):
        start = role_match.end()
        name = _name_at(text, start)
        if not name or name in seen:
            continue
        # The role runs back from the title to the previous punctuation (、 stays inside roles).
        span_start = role_match.start()
        while span_start > 0 and not ROLE_SPAN_STOP.match(text[span_start - 1]):
            span_start -= 1
        role = LEADING_FILLER.sub("", text[span_start : role_match.end()])
        # A role never repeats another person's name (…主任宋涛、副主任…): cut after it.
        for other in seen:
            if other in role:
                role = role.split(other)[-1].lstrip("、")
        names = [name]
        position = start + len(name)
        # 评论家黎建南、黄智贤等: one title for a list of names.
        while text.startswith("、", position):
            following = _name_at(text, position + 1)
            if not following:
                break
            names.append(following)
            position += 1 + len(following)
        for each in names:
            if each not in seen:
                seen.add(each)
                people.append({"name": each, "role": role} if role else {"name": each})
    # 黎建南、黄智贤等两岸知名政治评论家: a list of names before its title.
    for match in NAMES_BEFORE_ROLE.finditer(text):
        names = match["names"].split("、")
        if all(_name_at(name + "、", 0) == name for name in names):
            role = match["role"]
            for name in names:
                if name not in seen:
                    seen.add(name)
                    people.append({"name": name, "role": role})
    return people


# --------------------------------------------------------------------------- organizations

ORG_SUFFIXES = sorted(
    _words(
        "联合会 聯合會 促进会 促進會 研究会 研究會 商会 商會 协会 "
        "協會 委员会 委員會 基金会 基金會 办公室 辦公室 台办 臺辦 "
        "政协 政協 人大 总队 總隊 中心 基地 园区 園區 园 園 馆 館 "
        "电视台 電視台 電視臺 总台 總台 报社 報社 日报 日報 晚报 "
        "晚報 商报 商報 网 網 大学 大學 学院 學院 集团 集團 公司 "
        "银行 銀行 法院 检察院 檢察院 研究院 研究所 局 厅 廳 委 部 "
        "办 辦 会 會 署 社"
    ),
    key=len,
    reverse=True,
)
# Words that end a name where a sentence goes on (verbs, prepositions): a name never spans them.
ORG_BREAKS = sorted(
    _words(
        "与 與 和 及 在 到 赴 于 於 由 向 被 为 為 同 是 的 "
        "了 等 获评 獲評 获 獲 举办 舉辦 承办 承辦 主办 主辦 成立 "
        "组织 組織 召开 召開 开展 開展 联合 聯合 聘请 聘請 参加 "
        "參加 出席 会见 會見 考察 视察 視察 走访 走訪 邀请 邀請 "
        "打造 制作 策划 策劃 报道 報道 转载 轉載 发布 發布 推动 "
        "推動 吸引 以 从 從 首次 分别 分別 共同 担任 擔任 入驻 "
        "入駐 进驻 進駐 完成 举行 舉行 正式 启动 啟動 宣传 宣傳 "
        "讲述 講述 展现 展現 形成 扩大 擴大 来自 來自 来穗 來穗 "
        "修订 修訂 我市 我省 我区 全市 全省 各级 各級 其 并 並 将 "
        "將 已 对其 获得 獲得 完善 察看 走进 走進 慰问 慰問 实地 實地 涵盖 涵蓋 赠送 贈送"
    ),
    key=len,
    reverse=True,
)
ORG_SPLIT = re.compile(
    "|".join(map(re.escape, ORG_BREAKS))
    + r"|[\d一二三四五六七八九十]+[家个個所名位部篇项項届屆期年月日号]"
    r"|\d+|[，。；：！？“”‘’（）()、,;:!?\s—《》]+"
)
# After a suffix, these characters show the word goes on (协会会长, 社会, 网络, 展会 …).
ORG_NOT_BEFORE = set("长長员員议議谈談展场場期上中会會络絡友民站内外里裡下级級生")
# Suffix 办 right after these is a verb (举办, 承办 …), not an office.
VERB_BAN = set("举舉承主创創开開兴興筹籌督包代操查申置合协協")
# A one-character suffix that goes on as another word: 办理, 部门, 社区, 局面.
SUFFIX_NOT_BEFORE = {
    "办": set("理公法事好结結完成件"), "辦": set("理公法事好结結完成件"),
    "部": set("门門署件分位长長"), "社": set("区區保交团團"), "局": set("面势勢长長"),
}  # fmt: skip
TITLE_MARKS = re.compile(r"《([^《》]{1,40})》")
# A word ending like an organization that is not one.
NOT_ORG = re.compile(
    r"(?:大会|大會|会议|會議|交流会|交流會|推介会|推介會|论坛|論壇|庆典|慶典|晚会|晚會|茶话会|茶話會|"
    r"座谈会|座談會|发布会|發佈會|见面会|見面會|运动会|運動會|博览会|博覽會|洽谈会|洽談會|年会|年會|"
    r"峰会|峰會|研讨会|研討會|分享会|分享會|报告会|報告會|对接会|對接會|招待会|招待會|交易会|交易會|"
    r"机会|機會|社会|社會|都会|體會|体会|大赛|大賽|全部|内部|內部|西部|东部|中部|南部|北部|总部|總部|"
    r"干部|幹部|上网|上網|全网|全網|乐园|樂園|家园|家園|校园|校園|公园|公園|格局|参会|參會|与会|與會|部署)$"
)
GENERIC_ORGS = {"市委", "省委", "区委", "區委", "县委", "縣委", "党委", "黨委", "组委会", "組委會"}


def _longest_name(chunk: str) -> str:
    """The longest start of `chunk` that ends in an organization suffix."""
    for end in range(min(len(chunk), 24), 2, -1):
        name = chunk[:end]
        suffix = next((x for x in ORG_SUFFIXES if name.endswith(x)), None)
        if suffix is None:
            continue
        if end < len(chunk) and (
            chunk[end] in ORG_NOT_BEFORE or chunk[end] in SUFFIX_NOT_BEFORE.get(suffix, ())
        ):
            continue
        if suffix in ("办", "辦") and len(name) > 1 and name[-2] in VERB_BAN:
            continue
        return name
    return ""


def extract_organizations(text: str, people: Iterable[dict[str, str]] = ()) -> list[str]:
    """Organization names (…办, …会, …协会, …基地, …园, …中心 …) and 《…》 titles."""
    found: list[str] = []

    def add(name: str) -> None:
        name = name.strip("·・ ")
        if (
            len(name) >= 3
            and name not in found
            and name not in GENERIC_ORGS
            and not NOT_ORG.search(name)
            and re.search(r"[\u4e00-\u9fff]", name)
        ):
            found.append(name)

    body = TITLE_MARKS.sub("，", text)
    for person in people:
        # The organizations in a role (中央台办、国务院台办主任 → 中央台办, 国务院台办) …
        for part in person.get("role", "").split("、"):
            office = ROLE.sub("", part)
            if office.endswith(tuple(ORG_SUFFIXES)):
                add(office)
        # … and the role and the name are no organization of the sentence.
        body = body.replace(person.get("role", "") + person["name"], "，")
    for chunk in ORG_SPLIT.split(body):
        add(_longest_name(chunk))
    found.extend(
        f"《{title}》" for title in TITLE_MARKS.findall(text) if f"《{title}》" not in found
    )
    return found


# --------------------------------------------------------------------------- places

KNOWN_PLACES = _words(
    "北京 天津 上海 重庆 重慶 河北 山西 辽宁 遼寧 吉林 黑龙江 "
    "黑龍江 江苏 江蘇 浙江 安徽 福建 江西 山东 山東 河南 湖北 "
    "湖南 广东 廣東 海南 四川 贵州 貴州 云南 雲南 陕西 陝西 "
    "甘肃 甘肅 青海 台湾 臺灣 台灣 内蒙古 广西 廣西 西藏 宁夏 "
    "寧夏 新疆 香港 澳门 澳門 广州 廣州 深圳 珠海 汕头 汕頭 "
    "佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 "
    "清远 东莞 東莞 中山 潮州 揭阳 云浮 厦门 廈門 福州 泉州 "
    "漳州 莆田 平潭 金门 金門 马祖 馬祖 台北 臺北 台中 臺中 "
    "台南 臺南 高雄 新竹 桃园 桃園 基隆 嘉义 嘉義 花莲 花蓮 "
    "宜兰 宜蘭 屏东 屏東 澎湖 南京 苏州 蘇州 杭州 宁波 寧波 "
    "武汉 武漢 长沙 長沙 成都 西安 昆明 南宁 南寧 海口 三亚 "
    "三亞 南沙 前海 横琴 橫琴 福田 南山 罗湖 羅湖 宝安 寶安 "
    "龙岗 龍崗 龙华 龍華 坪山 光明 盐田 鹽田 大鹏 大鵬 天河 "
    "越秀 海珠 荔湾 荔灣 白云 白雲 黄埔 黃埔 番禺 花都 从化 "
    "從化 增城 大湾区 大灣區 粤港澳大湾区 粵港澳大灣區"
)
# A name ending in an administrative suffix; it never starts with a function word (了, 的 …).
PLACE_SUFFIXED = re.compile(
    r"(?![了的在到和与與及是从從自其并並对對把将將])"
    r"[\u4e00-\u9fff]{2,4}?(?:省|市|区|區|县|縣|镇|鎮|街道)"
)
# Words ending like a place that are not one (上市 is a listing, 地区 a region in general).
NOT_PLACE = re.compile(
    r"(?:上市|地区|地區|城市|都市|门市|門市|超市|社区|社區|园区|園區|景区|景區|校区|校區|矿区|礦區|"
    r"城区|城區|市区|市區|片区|片區|赛区|賽區|分区|分區|专区|專區|展区|展區|小区|小區|灾区|災區|"
    r"辖区|轄區|全市|全省|全区|全區|我市|我省|我区|本市|該市|该市)$"
)
LOCATIVE = re.compile(
    r"(?:在|到|赴|于|於|来|來|至|前往|走进|走進|深入|落户|落戶|位于|位於|走访了?|走訪了?|考察了?)$"
)
PLACE_NAMES = re.compile("|".join(map(re.escape, sorted(set(KNOWN_PLACES), key=len, reverse=True))))


SITE_SUFFIXES = ("园", "園", "园区", "園區", "馆", "館", "基地", "工场", "工場", "中心")


def extract_places(text: str, organizations: Iterable[str] = ()) -> list[str]:
    """Places where something happens: 在香港、澳门举办 → [香港, 澳门]; 到深圳市 → [深圳市].

    A named site that something happens at (到…科技园考察, 在…美术馆) is a place as well as an
    organization; a place name that only starts an organization's name (广东省…基地) is not.
    """
    found: list[str] = []
    organizations = sorted(organizations, key=len, reverse=True)
    # Quoted event names and titles ("食在广州") place nothing.
    text = re.sub(r"“[^“”]*”|「[^「」]*」|《[^《》]*》", lambda m: "\0" * len(m[0]), text)
    index = 0
    while index < len(text):
        org = next((o for o in organizations if text.startswith(o, index)), None)
        known = PLACE_NAMES.match(text, index)
        match = known or PLACE_SUFFIXED.match(text, index)
        if not match and not org:
            index += 1
            continue
        before = text[max(0, index - 4) : index]
        in_list = bool(found) and before.endswith(("、", "和", "与", "與", "——"))
        locative = bool(LOCATIVE.search(before)) and not before.endswith(
            ("以来", "以來", "未来", "未來")
        )
        if org:
            site = org.endswith(SITE_SUFFIXES) and org not in found
            if site and (locative or before.endswith("——")):
                found.append(org)
            index += len(org)
            continue
        assert match is not None
        name = match[0]
        if known:
            # Extend a known name by its administrative suffix (深圳 → 深圳市, 南山 → 南山区).
            suffix = re.match(r"(?:新区|新區|省|市|区|區|县|縣)", text[match.end() :])
            if suffix and not NOT_PLACE.search(
                name + suffix[0] + text[match.end() + 1 : match.end() + 2]
            ):
                name += suffix[0]
        if (
            (locative or in_list)
            and not NOT_PLACE.search(name)
            and not name.startswith(("自", "其"))
        ):
            if name not in found:
                found.append(name)
            index += len(name)
        else:
            index += len(name) if known else 1
    return found


# --------------------------------------------------------------------------- figures

CN_NUMERAL = "一二三四五六七八九十百千两兩"
UNITS = sorted(
    _words(
        "亿多元 億多元 万多元 萬多元 亿余元 億餘元 万余元 萬餘元 亿元 "
        "億元 万元 萬元 美元 元 万人次 萬人次 人次 家次 场次 場次 "
        "周年 週年 万人 萬人 人 名 位 家 场 場 个 個 项 項 所 "
        "篇 期 部 届 屆 支 批 份 天 次 条 條 件 款 套 亩 畝 "
        "公里 平方米 座 间 間 户 戶 团 團 % ％ 倍 小时 小時 分钟 分鐘"
    ),
    key=len,
    reverse=True,
)
FIGURE = re.compile(
    r"(?P<qualifier>约|約|近|超过|超過|超|逾|累计|累計|多达|多達|第)?"
    rf"(?P<number>\d+(?:\.\d+)?|[{CN_NUMERAL}]+)"
    r"(?P<more>余|餘|多)?"
    rf"(?P<unit>{'|'.join(map(re.escape, UNITS))})"
)
# Chinese numerals count only as ordinals and with these units (第十届, 三周年, 一倍), not in
# words such as 唯一一部 or 新十条.
CN_UNITS = {"届", "屆", "周年", "週年", "倍", "期"}
COUNTS_STOP = re.compile(
    "|".join(
        sorted(
            _words(
                "参加 參加 组成 組成 来穗 來穗 来自 來自 来 來 入驻 入駐 "
                "完成 的 报名 報名 转载 轉載 深入 共同 参与 參與 担任 擔任 "
                "用 在 与 與 和 获评 獲評 获 獲 报道 報道 举办 舉辦 开展 "
                "開展 是 被 达 達 共 形成 吸引 参访 參訪 暨 活动 活動 "
                "同比 涉及 以 累计 累計 共计 共計"
            ),
            key=len,
            reverse=True,
        )
    )
)
QUALIFIERS = {
    "约": "约",
    "約": "约",
    "近": "近",
    "超过": "超过",
    "超過": "超过",
    "超": "超过",
    "逾": "逾",
    "累计": "累计",
    "累計": "累计",
    "多达": "多达",
    "多達": "多达",
}
COUNTS_MAX = 10


def _cn_value(text: str) -> int | float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) if "." in text else int(text)
    total, digit = 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char in units:
            total += (digit or 1) * units[char]
            digit = 0
        else:
            return None
    return total + digit


def extract_figures(text: str) -> list[dict[str, Any]]:
    """Numbers with units: 189家, 1400余人次, 12亿多元, 33周年, 第十届, 70%."""
    figures: list[dict[str, Any]] = []
    for match in FIGURE.finditer(text):
        number, unit, qualifier = match["number"], match["unit"], match["qualifier"] or ""
        if number.isdigit() and len(number) == 4 and number.startswith(("19", "20")):
            continue  # a year (2023年度, 2023届)
        if not number[0].isdigit() and qualifier != "第" and unit not in CN_UNITS:
            continue
        value = _cn_value(number)
        if not value:
            continue
        more = match["more"] or ""
        for extra in ("多", "余", "餘"):
            if extra in unit:  # 12亿多元: the 多 belongs to the qualifier
                more, unit = more or extra, unit.replace(extra, "")
        counts = _counts_after(text, match.end()) or _counts_before(text, match.start())
        figure: dict[str, Any] = {"value": value, "unit": unit, "counts": counts or unit}
        if not qualifier:
            # 累计入驻台青创业团队189家: a running total said earlier in the same clause.
            clause = re.split(r"[，。；：！？,;:!?]", text[: match.start()])[-1]
            qualifier = next((q for q in ("累计", "累計") if q in clause), "")
        words = [QUALIFIERS.get(qualifier, ""), {"余": "余", "餘": "余", "多": "多"}.get(more, "")]
        if "".join(words):
            figure["qualifier"] = "".join(words)
        figures.append(figure)
    return figures


def _counts_after(text: str, end: int) -> str:
    rest = re.split(r"[^\u4e00-\u9fffA-Za-z]", text[end:].lstrip('“「"《'))[0].lstrip("的")
    stop = COUNTS_STOP.search(rest)
    phrase = rest[: stop.start()] if stop else rest
    return phrase[:COUNTS_MAX] if len(phrase) >= 2 else ""


def _counts_before(text: str, start: int) -> str:
    head = re.split(r"[，。；：！？、,;:（）()“”\d]", text[:start])[-1]
    head = re.sub(
        r"(?:约|約|近|超过|超過|超|逾|共|累计|累計|达|達|多达|多達|共计|共計)+$", "", head
    )
    head = re.split(COUNTS_STOP, head)[-1] or head
    return head[-COUNTS_MAX:] if len(head) >= 2 else ""


# --------------------------------------------------------------------------- keywords, title

QUOTED = re.compile(r"[“「\"]([^”」\"]{2,24})[”」\"]")
VOCABULARY = _words(
    "青年 台青 创业 就业 实习 论坛 交流 考察 视察 调研 采访 "
    "会见 慰问 签约 庆典 志愿者 志愿服务 讲解员 补贴 政策 措施 "
    "调解 纠纷 宣传 媒体 报道 纪录片 纪实片 宣传片 文化 艺术 "
    "非遗 寻根 乡村振兴 台商 台企 台资企业 台胞 招商 投资 经贸 "
    "产业 融合发展 获奖 荣誉 优秀奖 一等奖 先进单位 大赛 "
    "研讨会 推介会 峰会 夏令营 冬令营 参访团 研学 体育 比赛 医疗 "
    "教育 科技 金融 旅游"
)


def extract_keywords(
    text: str,
    people: list[dict[str, str]],
    organizations: list[str],
    places: list[str],
) -> list[str]:
    keywords: list[str] = []

    def add(word: str) -> None:
        word = word.strip()
        if 2 <= len(word) <= 24 and word not in keywords:
            keywords.append(word)

    for person in people:
        add(person["name"])
    for quoted in QUOTED.findall(text):
        add(quoted)
    for org in organizations:
        add(org.strip("《》"))
    for word in VOCABULARY:
        if word in text:
            add(word)
    for place in places:
        add(place)
    return keywords[:15]


TITLE_DATE = re.compile(
    r"^(?:\d{4}年(?:度)?)?(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:上旬|中旬|下旬|初|底|间|期间)?[，,、]?"
)
QUOTED_SLOGAN = re.compile(r"“[^“”—]*——([^“”—]{6,})”")
TITLE_LEAD = re.compile(rf"^(?:{DATE_LABEL.pattern})[，,]?")
PROTECTED = re.compile(r"《[^《》]*》|“[^“”]*”|「[^「」]*」|（[^（）]*）|\([^()]*\)")
SUBJECT = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,12}?(?:台办|臺辦|政府|办公室|辦公室|协会|協會))(?=[^\s，,])"
)


def _split_outside_marks(text: str, separators: str) -> list[str]:
    """Split at separators that are not inside 《》, “”, 「」 or brackets."""
    masked = PROTECTED.sub(lambda m: "\0" * len(m[0]), text)
    parts, start = [], 0
    for index, char in enumerate(masked):
        if char in separators:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p for p in parts if p]


def draft_title(text: str, people: list[dict[str, str]] | None = None) -> str:
    """A short title (≤ 20 characters) from the text's first clause, without date or titles."""
    body = TITLE_DATE.sub("", text, count=1)
    body = TITLE_LEAD.sub("", body, count=1)
    body = body.strip("，,。 ") or text
    # The first clause, unless it is too short to say anything.
    first = _split_outside_marks(body, "。；;")[0]
    clauses = _split_outside_marks(first, "，,")
    if len(clauses[0]) >= 6:
        first = clauses[0]
    # People's titles make long headlines: keep the names (全国政协副主席梁振英 → 梁振英).
    for person in people or []:
        if person.get("role") and person["role"] + person["name"] in first:
            first = first.replace(person["role"] + person["name"], person["name"])
    steps = (
        lambda t: re.sub(r"（[^（）]*）|\([^()]*\)", "", t),  # asides in brackets
        # “筑梦珠江 展翅飞翔——2023年台湾大学生广州实习体验活动”: the slogan says less than
        # the name after the dash.
        lambda t: QUOTED_SLOGAN.sub(lambda m: "“" + TITLE_DATE.sub("", m[1], count=1) + "”", t),
        lambda t: re.sub(r"[“”「」\"]", "", t),  # quotation marks
        lambda t: re.split(r"——|—|暨|，", t)[0] if len(re.split(r"——|—|暨|，", t)[0]) >= 8 else t,
        lambda t: (
            SUBJECT.sub("", t) if len(SUBJECT.sub("", t)) >= 8 else t
        ),  # 市委台办获评… → 获评…
    )
    first = first.strip("，,。、 ")
    for step in steps:
        if len(first) <= TITLE_MAX:
            break
        first = step(first).strip("，,。、 ") or first
    if len(first) <= TITLE_MAX:
        return first or text[:TITLE_MAX]
    cut = _cut_at_word(first, TITLE_MAX)
    # Never leave a title mark open: drop an unclosed 《 (the name is cut anyway).
    if cut.count("《") > cut.count("》"):
        at = cut.rfind("《")
        cut = cut[:at] + cut[at + 1 :]
    return cut.rstrip("，,、 与和及的") or first[:TITLE_MAX]


def _cut_at_word(text: str, limit: int) -> str:
    """The longest run of whole words (by general-language segmentation) within `limit`
    characters: "……优秀组织奖和优秀交" is cut before 优秀交流, not inside it."""
    from bot.wordfreq import general_frequencies

    cut = ""
    for word in general_frequencies().segment(text[: limit + 8]):
        if len(cut) + len(word) > limit:
            break
        cut += word
    if len(cut) < limit // 2:
        return text[:limit]
    # A list cut short reads as cut: end at its last whole member (…优秀组织奖, not …奖和优秀).
    joint = max(cut.rfind(mark) for mark in "和与及、")
    return cut[:joint] if joint >= limit // 2 else cut


def enrich_item(text: str, year: int | None) -> dict[str, Any]:
    """Every field the rules can find in one item's text (empty ones left out)."""
    people = extract_people(text)
    organizations = extract_organizations(text, people)
    places = extract_places(text, organizations)
    figures = extract_figures(text)
    fields: dict[str, Any] = {"title": draft_title(text, people)}
    date = extract_date(text, year)
    if date:
        fields["date"] = date
    if people:
        fields["people"] = people
    if organizations:
        fields["organizations"] = organizations
    if places:
        fields["places"] = places
    if figures:
        fields["figures"] = figures
    keywords = extract_keywords(text, people, organizations, places)
    if keywords:
        fields["keywords"] = keywords
    return fields


# --------------------------------------------------------------------------- topic words

# A topic word is one most of the topic's items use and few other items do (奖 in the awards,
# 考察 in the leaders' visits): a question naming the topic by it ("获得过哪些奖项") asks for
# the whole topic. Only words that carry content in Chinese at large qualify (not 举行, 开展).
TOPIC_WORD_SHARE = 0.3
TOPIC_CHAR_SHARE = 0.5
TOPIC_WORD_CONTRAST = 3.0
TOPIC_WORD_WEIGHT = 0.75
TOPIC_WORDS_KEPT = 6


def _content_words(
    text: str, keywords: Iterable[str], domain: frozenset[str], places: Iterable[str]
) -> set[str]:
    """The content words of an item, and the rare characters that head them (奖 of 获奖 and of
    优秀奖): a topic is often named by one character. Places are left out: 广州 names no topic."""
    from bot.wordfreq import general_frequencies

    frequencies = general_frequencies()
    places = [p for p in places if len(p) > 1]
    found = set(frequencies.segment(text, domain)) | set(keywords)
    words = {
        word
        for word in found
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", word)
        and frequencies.weight(word) >= TOPIC_WORD_WEIGHT
        and not any(word in place or place in word for place in places)
    }
    heads = {word[-1] for word in words} | {w for w in found if len(w) == 1}
    return words | {
        char
        for char in heads
        if re.fullmatch(r"[\u4e00-\u9fff]", char) and frequencies.weight(char) >= 0.9
    }


def topic_words(
    sections: Sequence[Sequence[int]],
    items: Sequence[tuple[str, Sequence[str]]],
    places: Iterable[str] = (),
) -> list[list[str]]:
    """For each section (its items, as positions in `items`: text and keywords), the words that
    most of its items use and few items elsewhere do, most distinctive first."""
    domain = frozenset(k for _, keywords in items for k in keywords)
    places = list(places)
    words = [_content_words(text, keywords, domain, places) for text, keywords in items]
    everywhere = Counter(w for found in words for w in found)
    chosen: list[list[str]] = []
    for members in sections:
        inside = Counter(w for i in members for w in words[i])
        size, others = len(members), max(len(items) - len(members), 1)
        ranked = []
        for word, count in inside.items():
            share = count / size
            elsewhere = (everywhere[word] - count) / others
            # A lone character qualifies only where most items have it (奖 in the awards).
            if (
                count >= 2
                and share >= (TOPIC_WORD_SHARE if len(word) > 1 else TOPIC_CHAR_SHARE)
                and share >= TOPIC_WORD_CONTRAST * elsewhere
            ):
                ranked.append((share - elsewhere, -len(word), word))
        chosen.append([word for *_, word in sorted(ranked, reverse=True)[:TOPIC_WORDS_KEPT]])
    return chosen


# --------------------------------------------------------------------------- commands

# (words in the heading, command, English menu text), most specific first.
THEMES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("党的", "党建", "黨的", "黨建", "全面领导", "全面領導"), "party", "Party leadership"),
    (("领导", "領導", "考察", "视察", "視察", "来访", "來訪"), "visits", "Leaders' visits"),
    (
        (
            *("获奖", "獲獎", "荣誉", "榮譽", "表彰", "获评", "獲評", "奖项", "獎項"),
            *("评为", "評為", "称号", "稱號", "入选", "入選", "金奖", "金獎"),
        ),
        "awards",
        "Awards and honours",
    ),
    (("亮点", "亮點"), "highlights", "Highlights"),
    (("重点工作", "重點工作"), "priorities", "Key work"),
    (("青年", "台青", "臺青", "青创", "青創", "学生", "學生"), "youth", "Taiwan youth"),
    (("政策", "措施", "惠台", "惠及", "法规", "法規"), "policy", "Policies for Taiwan compatriots"),
    (
        ("经济", "經濟", "经贸", "經貿", "产业", "產業", "投资", "投資", "招商", "台企", "企业"),
        "economy",
        "Economy and trade",
    ),
    (("故事", "宣传", "宣傳", "媒体", "媒體", "传播", "傳播"), "story", "Telling the story"),
    (("融合", "融合发展"), "integration", "Integrated development"),
    (("文化", "艺术", "藝術"), "culture", "Culture"),
    (("交流", "心灵契合", "心靈契合", "同胞", "民间", "民間"), "exchange", "Exchanges"),
    (("法律", "调解", "調解", "司法", "权益", "權益"), "legal", "Legal services"),
    (("服务", "服務", "就业", "就業", "创业", "創業"), "services", "Services"),
    (("教育", "学校", "學校"), "education", "Education"),
    (("科技", "创新", "創新"), "innovation", "Innovation"),
    (("旅游", "旅遊"), "tourism", "Tourism"),
    (("体育", "體育"), "sports", "Sports"),
    (("医疗", "醫療", "卫生", "衛生"), "health", "Health"),
)


THEME_SHARE = 0.5
THEME_CONTRAST = 2.0
THEMES_KEPT = 2
# "Taiwan youth", "Policies for Taiwan compatriots": every item of a report is about Taiwan.
_ENGLISH_FILLER = frozenset({"the", "for", "and", "of", "telling", "taiwan", "compatriots"})


def theme_words(
    sections: Sequence[Sequence[int]], texts: Sequence[str], headings: Sequence[str] = ()
) -> list[tuple[list[str], list[str]]]:
    """For each section (its items, as positions in `texts`), the words of the themes (at most
    two) that most of its items speak of and few others do, in Chinese and in English: items
    that say 获评 and 奖 make an awards topic, asked for as 荣誉 or "honours" too, whatever its
    heading says. A theme another section's heading is about is that section's, unless this
    one's heading is about nothing else: party items say 领导小组, but 各级领导… are the visits."""
    from bot.normalize import to_simplified

    about = [next(iter(theme_commands(h)), ("", ""))[0] for h in headings] or [""] * len(sections)
    found: list[tuple[list[str], list[str]]] = []
    for index, members in enumerate(sections):
        inside = set(members)
        ranked = []
        taken = {c for j, c in enumerate(about) if j != index and c and about[index]} - {
            about[index]
        }
        for words, command, english in THEMES:
            if command in taken:
                continue
            speaks = [any(word in text for word in words) for text in texts]
            share = sum(speaks[i] for i in inside) / max(len(inside), 1)
            others = sum(1 for i, said in enumerate(speaks) if said and i not in inside)
            elsewhere = others / max(len(texts) - len(inside), 1)
            if len(inside) > 1 and share >= THEME_SHARE and share >= THEME_CONTRAST * elsewhere:
                ranked.append((share - elsewhere, words, english))
        ranked.sort(key=lambda theme: -theme[0])
        zh: list[str] = []
        en: list[str] = []
        for _, words, english in ranked[:THEMES_KEPT]:
            zh += [w for w in words if w not in zh and to_simplified(w) == w]
            en += [
                w for w in re.findall(r"[a-z']+", english.lower())
                if w not in _ENGLISH_FILLER and w not in en
            ]  # fmt: skip
        found.append((zh, en))
    return found


def theme_commands(title: str) -> list[tuple[str, str]]:
    """(command, English menu text) of every theme the heading mentions, best first."""
    return [
        (command, english) for words, command, english in THEMES if any(w in title for w in words)
    ]


def choose_command(title: str, fallback: str, taken: set[str], suffix: str = "") -> tuple[str, str]:
    """A free command for a heading (from its themes, else the fallback) and its English text."""
    themes = theme_commands(title)
    for command, english in themes:
        for candidate in (command, f"{command}_{suffix}" if suffix else ""):
            if candidate and COMMAND.match(candidate) and candidate not in taken:
                return candidate, english
    english = themes[0][1] if themes else ""
    for candidate in (fallback, f"{fallback}_{suffix}" if suffix else ""):
        if candidate and COMMAND.match(candidate) and candidate not in taken:
            return candidate, english
    number = 2
    while f"{fallback}_{number}" in taken:
        number += 1
    return f"{fallback}_{number}"[:32], english


def description_zh(prefix: str, title: str) -> str:
    text = f"{prefix}·{title}"
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"
