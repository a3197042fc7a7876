"""Generate held-out PII corpus 5 (written without reading the scanner).

Run:  python benchmarks/pii_corpus5/generate.py

Standard library plus python-stdnum and phonenumbers only. Fixed seed, gzip mtime 0, so a rerun
gives a byte-identical corpus.jsonl.gz. Trap positions are kept in memory for the self-check only.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import json
import random
import re
import string
import sys
from collections import Counter
from pathlib import Path

import phonenumbers
from stdnum import iban as stdiban
from stdnum.es import ccc as es_ccc

SEED = 20261207
N_TEXTS = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
OUT = Path(__file__).resolve().parent / "corpus.jsonl.gz"
rng = random.Random(SEED)
R = rng.random
ch = rng.choice
ri = rng.randint

# ---------------------------------------------------------------- segments
# a segment is (text, role, kind, meta); role: "p" plain, "s" span (real value), "t" trap


def P(s):
    return [(s, "p", None, None)]


def S(s, kind, meta=None):
    return [(s, "s", kind, meta)]


def T(s, kind):
    return [(s, "t", kind, None)]


def luhn_ok(d: str) -> bool:
    tot = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        tot += n
    return tot % 10 == 0


def luhn_complete(prefix: str) -> str:
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError


def digits(n):
    return "".join(ch(string.digits) for _ in range(n))


def nz_digits(n):
    return str(ri(1, 9)) + digits(n - 1)


# ---------------------------------------------------------------- fillers
FIRST_DE = ["Jörg", "Sabine", "Thomas", "Katrin", "Müller", "Lena", "Jürgen", "Anja", "Stefan", "Birgit",
            "Uwe", "Doris", "Tobias", "Sören", "Heike", "Björn", "Ute", "Florian", "Merve", "Emre",
            "Kai", "Ilse", "Dominik", "Franziska", "Maximilian", "Gülsen", "Wolfgang", "Renate"]
FIRST_DE = [f for f in FIRST_DE if f != "Müller"]
FIRST_EN = ["James", "Olivia", "Priya", "Liam", "Chloe", "Raj", "Megan", "Tom", "Aisha", "Connor",
            "Hannah", "Kevin", "Siobhan", "Marcus", "Zoe", "Ethan", "Fiona", "Dev", "Grace", "Owen"]
FIRST_FR = ["Camille", "Léa", "Hugo", "Chloé", "Théo", "Manon", "Étienne", "Inès"]
FIRST_NL = ["Daan", "Sanne", "Bram", "Femke", "Joost", "Lotte", "Sjoerd", "Anouk"]
LAST_DE = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
           "Hoffmann", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
           "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner", "Krause",
           "Lehmann", "Köhler", "Yilmaz", "Kowalski", "Nguyen", "Öztürk", "Groß", "Weiß"]
LAST_EN = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
           "Robinson", "Wright", "Thompson", "Evans", "Walker", "O'Brien", "Murphy", "Khan", "Hughes",
           "Edwards", "Green", "Hall", "Clarke", "McDonald", "Garcia", "Nguyen", "Miller"]
LAST_FR = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Faure", "Roux"]
LAST_NL = ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer"]
CITIES_DE = ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig",
             "Dresden", "Hannover", "Nürnberg", "Bremen", "Mannheim", "Wien", "Graz", "Zürich", "Basel",
             "Bern", "Linz", "Kassel", "Rostock", "Freiburg"]
CITIES_EN = ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Dublin", "New York", "Chicago",
             "Austin", "Seattle", "Boston", "Denver", "Amsterdam", "Rotterdam", "Paris", "Lyon"]
COMP = ["Nordlicht Logistik", "Brandt & Söhne", "Helvetia Tools", "Alpenstrom", "Kranich Systems",
        "Hafenblick IT", "Rheinwerk Medien", "Ostwind Energie", "BlueHarbour Ltd", "Ironbridge Retail",
        "Maple Freight", "Quantix Networks", "Lindqvist Hardware", "Stadtwerke Neustadt",
        "Fernmelde-Service Süd", "Orbis Payments", "Tulpenveld BV", "Atelier Durand"]
PRODUCTS = ["Akkuschrauber", "Router", "Wärmepumpe", "Laptop-Tasche", "Kaffeevollautomat", "Headset",
            "Monitorhalterung", "Thermostat", "Sneaker", "Winterjacke", "Küchenwaage", "USB-C-Dock"]
PRODUCTS_EN = ["cordless drill", "router", "heat pump controller", "laptop sleeve", "espresso machine",
               "headset", "monitor arm", "smart thermostat", "trainers", "rain jacket", "kitchen scale",
               "USB-C dock"]
HOSTS = ["web-03", "db-prod-2", "k8s-node-17", "edge-fra1", "build-agent-7", "mx02", "vpn-gw",
         "fw-core-a", "lb-int-01", "jump01", "git-runner-4", "cache-eu-5", "nas-backup", "ci-worker-12"]
SERVICES = ["nginx", "postgres", "redis", "haproxy", "kafka", "sshd", "keycloak", "grafana", "vault",
            "elasticsearch", "rabbitmq", "coredns", "envoy", "traefik", "minio", "jenkins"]


def name_de():
    return f"{ch(FIRST_DE)} {ch(LAST_DE)}"


def name_en():
    return f"{ch(FIRST_EN)} {ch(LAST_EN)}"


def person(lang):
    r = R()
    if r < 0.1:
        return f"{ch(FIRST_FR)} {ch(LAST_FR)}"
    if r < 0.18:
        return f"{ch(FIRST_NL)} {ch(LAST_NL)}"
    return name_de() if lang == "de" else name_en()


# ---------------------------------------------------------------- e-mail
TRANS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "É": "E", "ï": "i",
                       "'": "", " ": ""})
FREEMAIL = ["gmx.de", "web.de", "t-online.de", "gmail.com", "outlook.com", "yahoo.co.uk", "bluewin.ch",
            "gmx.at", "orange.fr", "hotmail.fr", "ziggo.nl", "icloud.com", "proton.me", "posteo.de",
            "mailbox.org", "aon.at", "freenet.de", "hotmail.com", "btinternet.com", "kpnmail.nl",
            "gmx.net", "yahoo.de", "live.com", "hispeed.ch"]
CDOM_WORDS = ["nordlicht", "brandt-soehne", "helvetia-tools", "alpenstrom", "kranich", "hafenblick",
              "rheinwerk", "ostwind", "blueharbour", "ironbridge", "maplefreight", "quantix", "lindqvist",
              "stadtwerke-neustadt", "fms-sued", "orbis-pay", "tulpenveld", "atelier-durand", "kvb",
              "m-e-t", "x5net", "acme-logistics", "zeit4you", "pixelfabrik", "datawerk24"]
TLDS = ["de", "de", "de", "com", "com", "at", "ch", "co.uk", "fr", "nl", "eu", "io", "net", "org", "info",
        "berlin", "gmbh", "shop", "it", "be", "tech", "cloud"]
ROLE = ["support", "noreply", "no-reply", "rechnung", "buchhaltung", "it-servicedesk", "hr", "personal",
        "payroll", "returns", "retouren", "ops", "noc", "security", "abuse", "info", "kontakt",
        "service", "accounts.payable", "lohn", "bewerbung", "dispatch", "netops", "change-board",
        "release-bot", "alerts+prod"]


def email_value(lang):
    fn = ch(FIRST_DE + FIRST_EN + FIRST_FR + FIRST_NL).lower().translate(TRANS)
    ln = ch(LAST_DE + LAST_EN + LAST_FR + LAST_NL).lower().translate(TRANS)
    r = R()
    if r < 0.18:
        local = ch(ROLE)
    else:
        shape = ri(0, 11)
        local = [f"{fn}.{ln}", f"{fn[0]}.{ln}", f"{fn}{ln}", f"{fn}_{ln}", f"{fn}-{ln}", f"{ln}.{fn}",
                 f"{fn}.{ln}{ri(1, 99)}", f"{fn}+{ch(['shop', 'news', 'work', 'amazon', 'tickets'])}",
                 f"{fn[0]}{ln[0]}{ri(1960, 2005)}", f"{ln}{ri(1, 9)}", f"{fn}", f"{fn[0]}{ln}"][shape]
    r = R()
    if r < 0.38:
        dom = ch(FREEMAIL)
    elif r < 0.85:
        dom = f"{ch(CDOM_WORDS)}.{ch(TLDS)}"
    else:
        dom = f"{ch(['mail', 'de', 'corp', 'eu', 'intra', 'mx', 'uk'])}.{ch(CDOM_WORDS)}.{ch(TLDS)}"
    v = f"{local}@{dom}"
    r = R()
    if r < 0.05:
        v = v.upper()
    elif r < 0.12:
        v = local.capitalize() + "@" + dom.capitalize() if "." in dom else v
    return v


def g_email(lang, deco=True):
    v = email_value(lang)
    r = R() if deco else 1
    if r < 0.12:
        return P("<") + S(v, "email") + P(">")
    if r < 0.17:
        return P("mailto:") + S(v, "email")
    if r < 0.21:
        return P("(") + S(v, "email") + P(")")
    if r < 0.24:
        return P('"') + S(v, "email") + P('"')
    return S(v, "email")


# ---------------------------------------------------------------- phones
PHONE_PLANS = {
    # region: (cc, trunk, [(ndc list, subscriber length list, kind)])
    "DE": ("49", "0", [(["151", "152", "157", "160", "162", "170", "171", "172", "173", "174", "175",
                         "176", "177", "178", "179", "1520", "1577", "1590"], [7, 8], "m"),
                       (["30", "40", "89", "69", "221", "211", "711", "341", "351", "511", "621",
                         "6151", "7531", "8031", "2131", "421", "911", "228", "561", "381"], [5, 6, 7, 8], "f")]),
    "AT": ("43", "0", [(["650", "660", "664", "676", "677", "680", "681", "688", "699"], [6, 7, 8], "m"),
                       (["1", "316", "512", "662", "732", "463", "2742", "5572"], [5, 6, 7, 8], "f")]),
    "CH": ("41", "0", [(["76", "77", "78", "79", "75"], [7], "m"),
                       (["21", "22", "31", "41", "43", "44", "61", "71", "52", "91"], [7], "f")]),
    "GB": ("44", "0", [(["7400", "7700", "7911", "7824", "7543", "7384", "7956", "7481"], [6], "m"),
                       (["20"], [8], "f"), (["121", "161", "131", "113", "117", "141", "151"], [7], "f"),
                       (["1223", "1865", "1904", "1632"], [6], "f")]),
    "US": ("1", "", [(["212", "312", "415", "617", "206", "303", "512", "702", "305", "404", "646",
                       "720", "919", "503"], [7], "f")]),
    "FR": ("33", "0", [(["6", "7"], [8], "m"), (["1", "2", "3", "4", "5", "9"], [8], "f")]),
    "NL": ("31", "0", [(["6"], [8], "m"), (["20", "10", "30", "70", "40", "50", "24", "73"], [7], "f")]),
}
PHONE_REGIONS = ["DE"] * 30 + ["GB"] * 14 + ["US"] * 14 + ["AT"] * 11 + ["CH"] * 11 + ["FR"] * 10 + ["NL"] * 10


def phone_number(region):
    cc, trunk, plans = PHONE_PLANS[region]
    for _ in range(200):
        ndcs, lens, kind = ch(plans)
        ndc = ch(ndcs)
        n = ch(lens)
        if region == "US":
            sub = str(ri(2, 9)) + digits(2) + digits(4)
            if sub[1:3] == "11" or sub.startswith("555"):
                continue
        else:
            sub = str(ri(2, 9)) + digits(n - 1)
        pn = phonenumbers.parse("+" + cc + ndc + sub, None)
        if phonenumbers.is_valid_number(pn) and phonenumbers.region_code_for_number(pn) == region:
            return cc, trunk, ndc, sub, pn
    raise AssertionError(region)


def group_sub(sub, region):
    r = R()
    if region == "FR":
        return " ".join(sub[i:i + 2] for i in range(0, len(sub), 2))
    if region == "US":
        return sub[:3] + ch(["-", " ", "."]) + sub[3:]
    if r < 0.55 or len(sub) < 6:
        return sub
    if r < 0.8:
        k = len(sub) // 2
        return sub[:k] + " " + sub[k:]
    return " ".join(sub[i:i + 2] for i in range(0, len(sub), 2))


def phone_written(region):
    cc, trunk, ndc, sub, pn = phone_number(region)
    F = phonenumbers.PhoneNumberFormat
    for _ in range(20):
        r = R()
        if r < 0.15:
            w = phonenumbers.format_number(pn, ch([F.NATIONAL, F.INTERNATIONAL, F.E164]))
        elif r < 0.55:  # national forms
            if region == "US":
                gs = group_sub(sub, region)
                w = ch([f"({ndc}) {sub[:3]}-{sub[3:]}", f"{ndc}-{sub[:3]}-{sub[3:]}", f"{ndc}.{sub[:3]}.{sub[3:]}",
                        f"{ndc} {gs}", f"1-{ndc}-{sub[:3]}-{sub[3:]}", f"({ndc}) {gs}"])
            elif region == "FR":
                w = ch([f"0{ndc} {group_sub(sub, region)}", f"0{ndc}" + "." + ".".join(sub[i:i + 2] for i in range(0, 8, 2)),
                        f"0{ndc}{sub}", f"0{ndc}-" + "-".join(sub[i:i + 2] for i in range(0, 8, 2))])
            else:
                gs = group_sub(sub, region)
                w = ch([f"0{ndc} {gs}", f"0{ndc}/{sub}", f"0{ndc}-{sub}", f"(0{ndc}) {gs}", f"0{ndc} / {gs}",
                        f"0{ndc}{sub}" if R() < 0.3 else f"0{ndc} {gs}", f"0{ndc}-{gs.replace(' ', '-')}"])
        else:  # international
            gs = group_sub(sub, region)
            if region == "US":
                w = ch([f"+1 {ndc} {sub[:3]} {sub[3:]}", f"+1-{ndc}-{sub[:3]}-{sub[3:]}", f"+1 ({ndc}) {sub[:3]}-{sub[3:]}",
                        f"+1{ndc}{sub}", f"001 {ndc} {sub}", f"+1.{ndc}.{sub[:3]}.{sub[3:]}"])
            else:
                w = ch([f"+{cc} {ndc} {gs}", f"+{cc} (0){ndc} {gs}", f"+{cc}{ndc}{sub}", f"00{cc} {ndc} {gs}",
                        f"+{cc}-{ndc}-{sub}", f"+{cc} {ndc}-{sub}", f"+{cc} (0) {ndc} {gs}", f"00{cc}-{ndc}-{sub}",
                        f"+{cc}/{ndc}/{sub}" if R() < 0.2 else f"+{cc} {ndc} {gs}"])
        try:
            q = phonenumbers.parse(w, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(q) and q.national_number == pn.national_number and q.country_code == pn.country_code:
            national = not (w.startswith("+") or w.startswith("00"))
            return w, national
    w = phonenumbers.format_number(pn, F.INTERNATIONAL)
    return w, False


PHONE_NATIONAL_STATS = Counter()


def g_phone(lang, region=None):
    if region is None:
        if lang == "de":
            region = ch(PHONE_REGIONS[:30] * 2 + PHONE_REGIONS)
        else:
            region = ch(["GB"] * 25 + ["US"] * 25 + PHONE_REGIONS)
    w, national = phone_written(region)
    PHONE_NATIONAL_STATS[(region, "national" if national else "international")] += 1
    return S(w, "phone", region)


def g_phone_de(lang):
    return g_phone(lang, ch(["DE", "DE", "AT", "CH"]))


def g_phone_en(lang):
    return g_phone(lang, ch(["GB", "US", "GB", "US", "NL", "FR"]))


# ---------------------------------------------------------------- IBAN
def iban_check(cc, bban):
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{98 - int(num) % 97:02d}"


def fr_rib_key(bank, branch, acct):
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97:02d}"


def bban_for(cc):
    if cc == "DE":
        return ch(["10070000", "37040044", "50010517", "20041111", "70020270", "12030000", "43060967",
                   "76026000", "86055592", "30050110"]) + digits(10)
    if cc == "AT":
        return ch(["12000", "20111", "14000", "32000", "60000", "15000", "38000"]) + digits(11)
    if cc == "CH":
        return ch(["00762", "00230", "00700", "80808", "09000", "00235"]) + digits(12)
    if cc == "GB":
        return ch(["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA", "MONZ"]) + digits(6) + digits(8)
    if cc == "FR":
        bank, branch, acct = ch(["20041", "30004", "30003", "10107", "30002", "11306"]), digits(5), digits(11)
        return bank + branch + acct + fr_rib_key(bank, branch, acct)
    if cc == "NL":
        return ch(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "KNAB", "BUNQ"]) + digits(10)
    if cc == "ES":
        bank, branch, acct = ch(["2100", "0049", "0182", "2080", "0081"]), digits(4), digits(10)
        return es_ccc.calc_check_digits(bank + branch + "00" + acct).join([bank + branch, acct])
    if cc == "BE":
        b = digits(10)
        k = int(b) % 97 or 97
        return b + f"{k:02d}"
    if cc == "LU":
        return digits(3) + digits(13)
    if cc == "IT":
        return ch(string.ascii_uppercase) + ch(["03069", "02008", "05034"]) + digits(5) + digits(12)
    if cc == "PL":
        return digits(24)
    raise KeyError(cc)


IBAN_CC = ["DE"] * 35 + ["AT"] * 12 + ["CH"] * 12 + ["GB"] * 10 + ["FR"] * 8 + ["NL"] * 8 + ["ES"] * 4 + \
          ["BE"] * 4 + ["LU"] * 2 + ["IT"] * 3 + ["PL"] * 2


def iban_compact(cc=None):
    cc = cc or ch(IBAN_CC)
    for _ in range(200):
        b = bban_for(cc)
        v = cc + iban_check(cc, b) + b
        if stdiban.is_valid(v):
            return v
    raise AssertionError(cc)


def group4(v, sep=" "):
    return sep.join(v[i:i + 4] for i in range(0, len(v), 4))


def g_iban(lang):
    v = iban_compact()
    r = R()
    if r < 0.55:
        w = group4(v)
    elif r < 0.9:
        w = v
    elif r < 0.95:
        w = v.lower() if R() < 0.5 else group4(v).lower()
    else:
        w = group4(v, "-") if R() < 0.4 else v[:4] + " " + v[4:]
    return S(w, "iban")


# ---------------------------------------------------------------- cards
CARD_PLANS = [("4", 16)] * 40 + [("51", 16), ("52", 16), ("53", 16), ("54", 16), ("55", 16)] * 4 + \
             [("2221", 16), ("2300", 16), ("2500", 16), ("2720", 16)] * 2 + [("34", 15), ("37", 15)] * 5 + \
             [("6011", 16), ("65", 16), ("3528", 16), ("3589", 16), ("36", 14), ("6759", 16), ("62", 16),
              ("4", 13), ("4", 19), ("6762", 19)]


def card_digits():
    pre, n = ch(CARD_PLANS)
    if pre in ("2221", "2300", "2500", "2720"):
        pre = str(ri(2221, 2720))
    if pre in ("3528", "3589"):
        pre = str(ri(3528, 3589))
    return luhn_complete(pre + digits(n - len(pre) - 1))


def card_written(d):
    n = len(d)
    r = R()
    if n == 15:
        parts = [d[:4], d[4:10], d[10:]]
    elif n == 14:
        parts = [d[:4], d[4:10], d[10:]]
    else:
        parts = [d[i:i + 4] for i in range(0, n, 4)]
    if r < 0.5:
        return " ".join(parts)
    if r < 0.8:
        return d
    if r < 0.95:
        return "-".join(parts)
    return "  ".join(parts) if R() < 0.3 else " ".join(parts)


def g_card(lang):
    return S(card_written(card_digits()), "card")


# ---------------------------------------------------------------- IPs
def ip4_public():
    while True:
        a = ri(1, 223)
        if a in (10, 127, 0, 169, 172, 192, 198, 203, 100, 224):
            continue
        ip = ipaddress.ip_address(f"{a}.{ri(0, 255)}.{ri(0, 255)}.{ri(1, 254)}")
        if ip.is_global:
            return str(ip)


def ip4_private():
    r = R()
    if r < 0.45:
        return f"10.{ri(0, 255)}.{ri(0, 255)}.{ri(1, 254)}"
    if r < 0.75:
        return f"192.168.{ri(0, 255)}.{ri(1, 254)}"
    return f"172.{ri(16, 31)}.{ri(0, 255)}.{ri(1, 254)}"


def ip4():
    return ip4_public() if R() < 0.55 else ip4_private()


def ip6():
    r = R()
    if r < 0.45:
        pre = ch(["2a02:8108", "2003:e2", "2a01:598", "2001:16b8", "2a00:1450", "2a03:2880", "2a0a:a540",
                  "2a02:908", "2001:4860", "2a01:4f8", "2a05:d014", "2600:1f18", "2607:f8b0", "2001:67c"])
        groups = pre.split(":") + [f"{ri(0, 0xffff):x}" for _ in range(8 - len(pre.split(":")))]
        if R() < 0.5:
            k = ri(2, 5)
            for j in range(k, min(8, k + ri(1, 3))):
                groups[j] = "0"
        a = ipaddress.IPv6Address(":".join(groups))
    elif r < 0.65:
        a = ipaddress.IPv6Address(f"fe80::{ri(0, 0xffff):x}:{ri(0, 0xffff):x}:{ri(0, 0xffff):x}:{ri(1, 0xffff):x}")
    elif r < 0.85:
        a = ipaddress.IPv6Address(f"fd{ri(0, 255):02x}:{ri(0, 0xffff):x}:{ri(0, 0xffff):x}:{ri(0, 0xff):x}::{ri(1, 0xfff):x}")
    else:
        a = ipaddress.IPv6Address(f"2001:db8:{ri(0, 0xffff):x}:{ri(0, 0xffff):x}::{ri(1, 0xffff):x}")
    r = R()
    if r < 0.8:
        return a.compressed
    if r < 0.9:
        return a.exploded
    return a.compressed.upper()


def g_ip4(lang):
    return S(ip4(), "ip")


def g_ip6(lang):
    return S(ip6(), "ip")


def g_ip(lang):
    return g_ip6(lang) if R() < 0.25 else g_ip4(lang)


def g_ipctx(lang):
    """An IP in one of many technical notations."""
    r = R()
    if r < 0.12:
        return S(ip4(), "ip") + P(f":{ch([22, 80, 443, 8080, 8443, 3389, 5432, 6379, 1194, 51820, ri(1024, 65535)])}")
    if r < 0.22:
        return P(ch(["http://", "https://", "ssh://", "ldap://", "tcp://"])) + S(ip4(), "ip") + \
            P(ch(["", ":8080", ":9090", ":443"]) + ch(["/", "/api/v2/health", "/login", "/metrics", ""]))
    if r < 0.32:
        a = ip4()
        net = ipaddress.ip_network(a + "/" + str(ch([8, 16, 20, 22, 24, 24, 26, 28, 32])), strict=False)
        return S(str(net.network_address), "ip") + P("/" + str(net.prefixlen))
    if r < 0.42:
        return P(ch(["src=", "dst=", "client=", "remote_addr=", "SRC=", "DST=", "peer=", "ip="])) + S(ip4(), "ip")
    if r < 0.48:
        return P(ch(['"client_ip": "', '"remote": "', "'addr': '", 'ip="'])) + S(ip4(), "ip") + P(ch(['"', "'"]))
    if r < 0.56:
        return P("[") + S(ip6(), "ip") + P("]:" + str(ch([443, 22, 8443, 53])))
    if r < 0.62:
        return P("https://[") + S(ip6(), "ip") + P("]/")
    if r < 0.66:
        v = ip6()
        net = ipaddress.ip_network(v + "/" + str(ch([48, 56, 64])), strict=False)
        return S(net.network_address.compressed, "ip") + P("/" + str(net.prefixlen))
    if r < 0.7:
        a = ipaddress.IPv6Address(f"fe80::{ri(1, 0xffff):x}:{ri(1, 0xffff):x}:{ri(1, 0xffff):x}:{ri(1, 0xffff):x}")
        return S(a.compressed, "ip") + P("%" + ch(["eth0", "wlan0", "ens192", "en0"]))
    if r < 0.72:
        return S("::ffff:" + ip4(), "ip")
    if r < 0.74:
        return S(ip4(), "ip") + P(ch([" ({})", " [{}]"]).format(ch(HOSTS)))
    return g_ip(lang)


# ---------------------------------------------------------------- traps
def no_luhn(d):
    """Make a digit string Luhn-invalid by bumping its last digit if needed."""
    if luhn_ok(d):
        d = d[:-1] + str((int(d[-1]) + 1) % 10)
    return d


def ver(nparts=None):
    n = nparts or ch([3, 3, 3, 4, 4, 5])
    parts = [str(ri(0, 12))] + [str(ch([ri(0, 9), ri(0, 30), ri(0, 255)])) for _ in range(n - 1)]
    return ".".join(parts)


def ver4_quad():
    return f"{ri(1, 20)}.{ri(0, 12)}.{ri(0, 40)}.{ri(0, 255)}"


def t_ver(lang):
    r = R()
    pre = ch(["v", "", "", "Version ", "version ", "Ver. ", "Rel. ", "release ", "build ", "", "V"])
    if r < 0.4:
        return P(pre) + T(ver4_quad(), "version4")
    return P(pre) + T(ver(), "version")


PKG = ["openssl", "libssl3", "nginx", "linux-image-generic", "python3", "curl", "systemd", "openssh-server",
       "containerd.io", "docker-ce", "libc6", "zlib1g", "tzdata", "ca-certificates", "nodejs", "postgresql-16",
       "kubelet", "grub-efi-amd64", "firefox", "thunderbird", "intel-microcode", "libcurl4"]


def t_pkg(lang):
    r = R()
    p = ch(PKG)
    if r < 0.3:
        v = f"{ri(1, 9)}.{ri(0, 30)}.{ri(0, 20)}-{ri(0, 5)}ubuntu{ri(0, 9)}.{ri(1, 12)}"
    elif r < 0.5:
        v = f"{ri(1, 6)}.{ri(0, 20)}.{ri(0, 200)}.{ri(0, 200)}-{ri(1, 3)}.el{ri(7, 9)}"
    elif r < 0.7:
        v = ver4_quad()
    elif r < 0.85:
        v = f"{ri(4, 6)}.{ri(0, 15)}.{ri(0, 99)}-{ri(1, 200)}-generic"
    else:
        v = f"1:{ri(1, 9)}.{ri(0, 9)}.{ri(0, 9)}-{ri(1, 9)}+deb{ri(10, 12)}u{ri(1, 5)}"
    sep = ch([" ", " ", "=", " (", ": ", "_"])
    return T(p + sep + v + (")" if sep == " (" else ""), "package")


def t_ua(lang):
    r = R()
    if r < 0.4:
        v = ch([f"{ri(100, 132)}.0.0.0", f"{ri(100, 132)}.0.{ri(5000, 6900)}.{ri(10, 200)}"])
        s = f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v} Safari/537.36"
    elif r < 0.6:
        s = f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{ri(15, 18)}.{ri(0, 6)} Safari/605.1.15"
    elif r < 0.75:
        s = f"Mozilla/5.0 (Linux; Android {ri(10, 15)}; SM-S{ri(900, 928)}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{ri(110, 131)}.0.{ri(5000, 6800)}.{ri(10, 200)} Mobile Safari/537.36"
    elif r < 0.85:
        s = f"okhttp/{ri(3, 4)}.{ri(0, 12)}.{ri(0, 9)}"
    elif r < 0.93:
        s = f"MyShopApp/{ver4_quad()} (iPhone; iOS {ri(15, 18)}.{ri(0, 6)}.{ri(0, 3)}; Scale/3.00)"
    else:
        s = f"Edg/{ri(110, 131)}.0.{ri(1500, 2900)}.{ri(10, 99)} Windows/10.0.{ri(19041, 26100)}.{ri(100, 4800)}"
    return T(s, "useragent")


def t_fw(lang):
    r = R()
    dev = ch(["FW", "Firmware", "firmware", "BIOS", "UEFI", "iLO 5", "iDRAC", "Controller-FW", "Modem-FW",
              "RouterOS", "FortiOS", "PAN-OS", "IOS XE", "ESXi", "vCenter", "Fritz!OS", "Treiber", "driver"])
    if r < 0.35:
        v = ver4_quad()
    elif r < 0.5:
        v = f"{ri(7, 8)}.0.{ri(1, 3)}.{ri(10000, 24000)}"
    elif r < 0.6:
        v = f"{ri(17, 17)}.{ri(3, 12)}.{ri(1, 9)}a"
    elif r < 0.7:
        v = f"{ri(30, 32)}.0.{ri(15, 101)}.{ri(1000, 9999)}"
    elif r < 0.8:
        v = f"{ri(470, 565)}.{ri(10, 190)}.{ri(1, 20):02d}"
    elif r < 0.9:
        v = f"{ri(6, 8)}.{ri(0, 2)}.{ri(0, 9)}-h{ri(1, 9)}"
    else:
        v = f"{ri(1, 3)}.{ri(0, 9)}.{ri(0, 9)}.{ri(0, 9)}.{ri(0, 99)}"
    return T(f"{dev} {v}", "firmware")


def t_winbuild(lang):
    return T(ch([f"10.0.{ri(17763, 26100)}.{ri(1, 5000)}", f"Build {ri(19041, 26100)}.{ri(100, 4800)}",
                 f"KB{ri(5000000, 5049999)}", f"OS Build {ri(19044, 22631)}.{ri(1000, 4500)}"]), "winbuild")


MONTHS_DE = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def t_date(lang):
    y, m, d = ri(2019, 2027), ri(1, 12), ri(1, 28)
    hh, mm, ss = ri(0, 23), ri(0, 59), ri(0, 59)
    r = R()
    f = [f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{d}.{m}.{str(y)[2:]}", f"{m:02d}/{d:02d}/{y}",
         f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{ri(0, 999):03d}Z",
         f"{d}. {MONTHS_DE[m - 1]} {y}", f"{d} {MONTHS_EN[m - 1]} {y}", f"{y}{m:02d}{d:02d}",
         f"{d:02d}.{m:02d}.{y} {hh:02d}:{mm:02d}", f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}",
         f"{MONTHS_EN[m - 1]} {d}, {y}", f"KW {ri(1, 52)}/{y}", f"Q{ri(1, 4)}/{y}", f"{hh:02d}:{mm:02d} Uhr",
         f"{d:02d}/{MONTHS_EN[m - 1]}/{y}:{hh:02d}:{mm:02d}:{ss:02d} +0100", f"{y}.{m:02d}.{d:02d}",
         f"{d:02d}.{m:02d}.{y}, {hh:02d}.{mm:02d} Uhr", f"{hh:02d}:{mm:02d}:{ss:02d},{ri(0, 999):03d}"]
    return T(ch(f), "date")


def t_orderid(lang):
    r = R()
    f = [f"ORD-{ri(2023, 2026)}-{digits(7)}", f"{digits(3)}-{digits(7)}-{digits(7)}", f"#{ri(100000, 9999999)}",
         f"BE{digits(9)}", f"A{digits(8)}", f"Bestellung {ri(10000000, 99999999)}", f"SO{digits(6)}",
         f"RMA-{digits(6)}", f"RET{digits(5)}-{ri(1, 9)}", f"{digits(4)} {digits(4)} {digits(4)}",
         f"WEB-{digits(5)}-{ch(string.ascii_uppercase)}{ch(string.ascii_uppercase)}"]
    return T(ch(f), "orderid")


def t_invoice(lang):
    f = [f"RE-{ri(2023, 2026)}-{digits(5)}", f"INV-{digits(6)}", f"Rechnungsnr. {digits(9)}", f"R{digits(10)}",
         f"{ri(2024, 2026)}/{digits(6)}", f"GS-{digits(6)}", f"Beleg {digits(8)}", f"BNR {digits(4)}-{digits(4)}-{digits(4)}",
         f"invoice no. {digits(8)}", f"PO {digits(10)}", f"Kreditor {digits(6)}", f"Buchungskreis {digits(4)}"]
    return T(ch(f), "invoice")


def t_ticket(lang):
    f = [f"INC{digits(7)}", f"CHG{digits(7)}", f"RITM{digits(7)}", f"OPS-{ri(100, 9999)}", f"NET-{ri(10, 999)}",
         f"#{ri(1000, 99999)}", f"SR {digits(8)}", f"Ticket {digits(6)}", f"PRB{digits(7)}", f"JIRA-{ri(1, 9999)}",
         f"Case {digits(8)}", f"TT{digits(10)}"]
    return T(ch(f), "ticket")


def t_custid(lang):
    f = [f"Kd.-Nr. {digits(8)}", f"KNR {digits(6)}", f"Kundennummer {digits(3)} {digits(3)} {digits(3)}",
         f"customer ID {digits(9)}", f"Vertragsnr. {digits(4)}-{digits(6)}", f"contract {ch(string.ascii_uppercase)}{digits(9)}",
         f"Personalnr. {digits(6)}", f"employee no. {digits(5)}", f"Mitgl.-Nr. {digits(7)}", f"Zählernr. {digits(1)}{ch('ABCDEFGHJK')}{digits(8)}",
         f"Vers.-Nr. {digits(2)} {digits(6)} {ch(string.ascii_uppercase)} {digits(3)}", f"account {digits(10)}",
         f"Aktenzeichen {digits(3)} {ch(['C', 'O', 'Js'])} {digits(4)}/{digits(2)}", f"MaLo-ID {digits(11)}"]
    return T(ch(f), "customer_id")


def t_serial(lang):
    a = string.ascii_uppercase + string.digits
    f = [f"SN: {''.join(ch(a) for _ in range(12))}", f"S/N {digits(4)}-{digits(4)}-{digits(4)}", f"Serial {digits(15)}",
         f"P/N {digits(3)}-{digits(4)}-{ch(string.ascii_uppercase)}{ch(string.ascii_uppercase)}", f"Art.-Nr. {digits(6)}.{digits(3)}",
         f"SKU {''.join(ch(a) for _ in range(8))}", f"Teilenr. {digits(2)}.{digits(3)}.{digits(3)}.{digits(2)}",
         f"FRU {digits(2)}{ch(string.ascii_uppercase)}{digits(4)}", f"Mat.-Nr. {digits(9)}", f"Asset-Tag AT-{digits(6)}",
         f"Charge {ch(string.ascii_uppercase)}{digits(7)}", f"IMEI-Block {digits(8)}"]
    return T(ch(f), "serial")


def t_tracking(lang):
    a = string.ascii_uppercase + string.digits
    f = [f"1Z{''.join(ch(a) for _ in range(6))}{digits(10)}", f"00{digits(18)}", f"JJD{digits(18)}",
         f"{ch(['RR', 'LX', 'CP', 'RB'])}{digits(9)}DE", f"{digits(12)}", f"{digits(20)}",
         f"H{digits(4)}{ch(string.ascii_uppercase)}{digits(7)}", f"GLS {digits(11)}",
         f"Sendungsnr. {digits(4)} {digits(4)} {digits(4)} {digits(2)}", f"DPD {digits(14)}"]
    v = ch(f)
    return T(v, "tracking")


def t_amount(lang):
    f = [f"{ri(1, 999)}.{ri(100, 999)},{ri(0, 99):02d} EUR", f"{ri(1, 9999)},{ri(0, 99):02d} €", f"€ {ri(1, 999)},{ri(0, 99):02d}",
         f"${ri(1, 99)},{ri(100, 999)}.{ri(0, 99):02d}", f"£{ri(1, 999)}.{ri(0, 99):02d}", f"CHF {ri(1, 99)}'{ri(100, 999)}.{ri(0, 95):02d}",
         f"CHF {ri(10, 999)}.–", f"EUR {ri(1, 9)}.{ri(100, 999)}.{ri(100, 999)},00", f"{ri(1, 99)} TEUR",
         f"USD {ri(1, 999)},{ri(100, 999)},{ri(100, 999)}.00", f"-{ri(1, 999)},{ri(0, 99):02d} EUR", f"{ri(1, 40)}% MwSt.",
         f"{ri(1, 9)}.{ri(100, 999)}.{ri(100, 999)} Euro"]
    return T(ch(f), "amount")


def t_measure(lang):
    f = [f"{ri(1, 400)},{ri(0, 9)} kWh", f"{ri(200, 240)} V", f"{ri(1, 99)}.{ri(0, 9)} mm", f"{ri(1, 90)} °C",
         f"{ri(1, 999)} Mbit/s", f"{ri(1, 64)} GB RAM", f"{ri(1, 20)}.{ri(0, 99)} kg", f"{ri(2, 6)},{ri(0, 9)} GHz",
         f"RSSI -{ri(40, 95)} dBm", f"{ri(1, 100)} ms", f"{ri(1, 1500)} hPa", f"{ri(1, 12)}x{ri(1, 12)}x{ri(1, 12)} cm",
         f"{ri(1, 9)}.{ri(0, 9)}.{ri(0, 9)} kVA", f"SNR {ri(10, 40)}.{ri(0, 9)} dB", f"MTU {ch([1280, 1420, 1500, 9000])}"]
    return T(ch(f), "measure")


def t_coord(lang):
    la, lo = rng.uniform(45, 55), rng.uniform(5, 16)
    f = [f"{la:.6f}, {lo:.6f}", f"lat={la:.5f} lon={lo:.5f}", f"N {int(la)}° {rng.uniform(0, 60):.3f}' E {int(lo):03d}° {rng.uniform(0, 60):.3f}'",
         f"{la:.4f}N {lo:.4f}E", f"geo:{la:.5f},{lo:.5f}", f"UTM 32U {ri(300000, 700000)} {ri(5000000, 6000000)}"]
    return T(ch(f), "coordinates")


def t_oid(lang):
    base = ch(["1.3.6.1.4.1.9.9.109.1.1.1.1", "1.3.6.1.2.1.2.2.1", "1.3.6.1.4.1.2021.11", "2.5.4",
               "1.2.840.113549.1.1", "1.3.6.1.4.1.311.21", "1.3.6.1.2.1.31.1.1.1", "2.16.840.1.101.3.4.2"])
    return T(ch(["OID ", "", "oid=", "SNMP "]) + base + "." + str(ri(1, 20)) + ("." + str(ri(1, 48)) if R() < 0.5 else ""), "oid")


def t_section(lang):
    n = f"{ri(1, 12)}.{ri(1, 9)}.{ri(1, 9)}" + (f".{ri(1, 9)}" if R() < 0.6 else "")
    pre = ch(["§ ", "Abschnitt ", "Kap. ", "section ", "clause ", "Ziffer ", "Anlage ", "Punkt ", "ISO 27001 A.", "Req. ", "Tz. "])
    return T(pre + n, "section")


def t_netmask(lang):
    m = ch(["255.255.255.0", "255.255.0.0", "255.255.255.128", "255.255.254.0", "255.255.252.0",
            "255.255.240.0", "255.255.255.192", "255.255.255.224", "255.255.255.240", "255.255.255.248",
            "255.255.255.252", "255.0.0.0", "255.255.248.0", "255.255.255.255"])
    w = ch(["0.0.0.255", "0.0.255.255", "0.0.0.63", "0.0.3.255", "0.0.0.15", "0.0.0.127"])
    r = R()
    if r < 0.7:
        return T(ch(["netmask ", "Subnetzmaske ", "mask ", "Maske ", "subnet mask ", "netmask="]) + m, "netmask")
    return T(ch(["wildcard ", "wildcard-mask ", "Wildcard "]) + w, "netmask")


def t_hash(lang):
    r = R()
    if r < 0.3:
        return T(ch(["commit ", "", "sha ", "Rev. "]) + "".join(ch("0123456789abcdef") for _ in range(ch([7, 8, 12, 40]))), "hash")
    if r < 0.6:
        return T(ch(["sha256:", "SHA256 ", "digest sha256:", "md5 "]) + "".join(ch("0123456789abcdef") for _ in range(ch([64, 32]))), "hash")
    u = "".join(ch("0123456789abcdef") for _ in range(32))
    return T(ch(["", "request_id=", "trace ", "UUID ", "correlation-id: "]) + f"{u[:8]}-{u[8:12]}-4{u[13:16]}-{ch('89ab')}{u[17:20]}-{u[20:]}", "uuid")


def t_mac(lang):
    b = [ri(0, 255) for _ in range(6)]
    r = R()
    if r < 0.4:
        s = ":".join(f"{x:02X}" for x in b)
    elif r < 0.65:
        s = ":".join(f"{x:02x}" for x in b)
    elif r < 0.85:
        s = "-".join(f"{x:02X}" for x in b)
    else:
        s = f"{b[0]:02x}{b[1]:02x}.{b[2]:02x}{b[3]:02x}.{b[4]:02x}{b[5]:02x}"
    return P(ch(["MAC ", "mac=", "HW-Adresse ", "hwaddr ", "BSSID ", "ether "])) + T(s, "mac")


def ean13():
    d = ch(["400", "401", "402", "403", "404", "405", "406", "407", "408", "409", "440", "500", "760", "870"]) + digits(9)
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(d))
    return d + str((10 - s % 10) % 10)


def t_isbn(lang):
    r = R()
    if r < 0.5:
        return T("EAN " + ean13(), "ean")
    d = ch(["978", "979"]) + ch(["3", "1", "0"]) + digits(8)
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(d))
    d += str((10 - s % 10) % 10)
    return T(f"ISBN {d[:3]}-{d[3]}-{d[4:8]}-{d[8:12]}-{d[12]}" if R() < 0.6 else "ISBN " + d, "isbn")


def t_taxid(lang):
    f = [f"USt-IdNr. DE{digits(9)}", f"VAT GB {digits(3)} {digits(4)} {digits(2)}", f"Steuer-ID {digits(2)} {digits(3)} {digits(3)} {digits(3)}",
         f"StNr. {digits(3)}/{digits(3)}/{digits(5)}", f"UID ATU{digits(8)}", f"CHE-{digits(3)}.{digits(3)}.{digits(3)} MWST",
         f"EIN {digits(2)}-{digits(7)}", f"SIRET {digits(3)} {digits(3)} {digits(3)} {digits(5)}", f"BTW NL{digits(9)}B0{ri(1, 9)}",
         f"HRB {ri(1000, 250000)}", f"SV-Nr. {digits(2)} {digits(6)} {ch(string.ascii_uppercase)} {digits(3)}",
         f"BIC {ch(['COBADEFFXXX', 'DEUTDEFF', 'INGDDEFFXXX', 'GENODEF1S04', 'BKAUATWW', 'UBSWCHZH80A', 'NWBKGB2L', 'BNPAFRPP'])}",
         f"BLZ {digits(3)} {digits(3)} {digits(2)}", f"Gläubiger-ID DE{digits(2)}ZZZ0000{digits(7)}", f"LEI 5299{''.join(ch(string.ascii_uppercase + string.digits) for _ in range(16))}"]
    return T(ch(f), "tax_id")


def t_badiban(lang):
    for _ in range(100):
        v = iban_compact()
        r = R()
        if r < 0.5:  # wrong check digits
            v = v[:2] + f"{(int(v[2:4]) + ri(1, 95)) % 100:02d}" + v[4:]
        elif r < 0.8:  # one digit typo in BBAN
            i = ri(5, len(v) - 1)
            if not v[i].isdigit():
                continue
            v = v[:i] + str((int(v[i]) + ri(1, 9)) % 10) + v[i + 1:]
        else:  # truncated
            v = v[:-ri(2, 4)]
        if not stdiban.is_valid(v) and not _any_valid_iban_sub(v):
            return T(group4(v) if R() < 0.6 else v, "bad_iban")
    raise AssertionError


def _any_valid_iban_sub(v):
    for L in range(15, len(v) + 1):
        if stdiban.is_valid(v[:L]):
            return True
    return False


def t_badcard(lang):
    d = card_digits()
    i = ri(1, len(d) - 1)
    d = d[:i] + str((int(d[i]) + ri(1, 9)) % 10) + d[i + 1:]
    assert not luhn_ok(d)
    r = R()
    if r < 0.3:
        return T("**** **** **** " + d[-4:], "masked_card")
    if r < 0.4:
        return T(d[:6] + "******" + d[-4:], "masked_card")
    return T(card_written(d), "bad_card")


def _phone_valid_anywhere(s):
    for reg in PHONE_PLANS:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(s, reg)):
                return True
        except phonenumbers.NumberParseException:
            pass
    return False


def t_badphone(lang):
    for _ in range(100):
        r = R()
        if r < 0.2:
            s = f"+49 {ri(30, 89)} {digits(ri(1, 3))}"
        elif r < 0.4:
            s = f"0{ri(1, 9)}00 {digits(ri(3, 4))}"
        elif r < 0.55:
            s = f"+{ch(['49', '43', '41', '44', '33', '31'])} {digits(ri(14, 16))}"
        elif r < 0.7:
            s = f"000 {digits(4)} {digits(3)}"
        elif r < 0.85:
            s = f"+1 {ch(['011', '111', '123', '099'])} {digits(3)} {digits(4)}"
        else:
            s = f"0{ri(1, 9)}{digits(1)}-{digits(2)}"
        if not _phone_valid_anywhere(s):
            return P(ch(["Ref ", "Az. ", "Ref. ", "Code ", "PIN-Block ", "Kst. ", "Lot ", "ID "])) + T(s, "bad_phone")
    raise AssertionError


def t_ext(lang):
    return T(ch([f"Durchwahl -{ri(10, 999)}", f"ext. {ri(100, 9999)}", f"Nebenstelle {ri(100, 999)}",
                 f"App. {ri(10, 999)}", f"Raum {ri(1, 5)}.{ri(1, 40):02d}", f"Hotline-Menü 3-{ri(1, 9)}"]), "extension")


def t_fileat(lang):
    f = [f"logo@2x.png", f"icon@3x.webp", f"banner_{ri(1, 9)}@2x.jpg", "openvpn@server.service", "getty@tty1.service",
         f"wg-quick@wg{ri(0, 3)}.service", "container-getty@1.service", f"backup@{ri(2024, 2026)}-{ri(1, 12):02d}-{ri(1, 28):02d}.tar.gz",
         "hero-image@1.5x.avif", "systemd-fsck@dev-sda1.service", f"splash@{ri(2, 4)}x.png", "app-icon@2x~ipad.png",
         f"postgresql@{ri(13, 17)}-main.service", "user@1000.service", "avatar@2x.jpeg"]
    return T(ch(f), "file_at")


def t_fileimg(lang):
    return T(ch(["logo@2x.png", "icon@3x.webp", f"banner_{ri(1, 9)}@2x.jpg", "hero-image@1.5x.avif",
                 f"splash@{ri(2, 4)}x.png", "app-icon@2x~ipad.png", "avatar@2x.jpeg", "btn-close@2x.svg"]), "file_at")


def t_fileunit(lang):
    return T(ch(["openvpn@server.service", "getty@tty1.service", f"wg-quick@wg{ri(0, 3)}.service",
                 f"postgresql@{ri(13, 17)}-main.service", "user@1000.service", "systemd-fsck@dev-sda1.service",
                 f"backup@{ri(2024, 2026)}-{ri(1, 12):02d}-{ri(1, 28):02d}.timer"]), "file_at")


def t_handle(lang):
    f = [f"@{ch(['kundenservice', 'ops-oncall', 'here', 'channel', 'netz-team', 'payroll-de', 'dev', 'sre'])}",
         f"@{ch(FIRST_EN + FIRST_DE).lower().translate(TRANS)}{ch(['', '_', '.'])}{ch(LAST_EN).lower().translate(TRANS)}",
         f"@{ch(['ShopHelp', 'Nordlicht_Log', 'QuantixStatus', 'DB_Bahn', 'BahnInfo'])}",
         f"@babel/core@{ri(7, 7)}.{ri(20, 26)}.{ri(0, 9)}", f"lodash@4.17.{ri(15, 21)}", f"@types/node@{ri(18, 22)}.{ri(0, 20)}.{ri(0, 9)}",
         f"root@{ch(HOSTS)}", f"deploy@{ch(HOSTS)}", f"pi@raspberrypi", f"{ch(SERVICES)}@{ch(HOSTS)}:~$"]
    return T(ch(f), "handle")


def t_cpp(lang):
    f = ["Cache::add", "Feed::decode", "Db::fetch", "Face::bake", "Decoder::feed", "Bad::deadbeef",
         "Cafe::add", "ABC::DEF", "Deed::fade", "Ed::bead", "be::cafe", "Abc::deface"]
    return T(ch(f) + "()", "cpp_scope")


def t_time(lang):
    return T(ch([f"{ri(0, 23):02d}:{ri(0, 59):02d}:{ri(0, 59):02d}", f"{ri(0, 23):02d}:{ri(0, 59):02d}",
                 f"{ri(0, 99):02d}:{ri(0, 59):02d}:{ri(0, 59):02d}.{ri(0, 999):03d}", f"PT{ri(1, 9)}H{ri(1, 59)}M",
                 f"uptime {ri(1, 400)} days, {ri(0, 23)}:{ri(0, 59):02d}"]), "time")


def t_badip(lang):
    return T(ch([f"{ri(256, 999)}.{ri(0, 255)}.{ri(0, 255)}.{ri(0, 255)}", f"10.{ri(0, 255)}.{ri(0, 255)}.{ri(256, 400)}",
                 f"192.168.{ri(0, 255)}", f"10.{ri(0, 255)}.{ri(0, 255)}.x", f"{ri(1, 223)}.{ri(0, 255)}.{ri(0, 255)}.{ri(0, 255)}.{ri(0, 255)}"]), "bad_ip")


def t_cve(lang):
    return T(f"CVE-{ri(2019, 2026)}-{ri(1000, 99999)}", "cve")


def t_imei(lang):
    r = R()
    if r < 0.5:
        d = luhn_complete(ch(["86", "01", "99", "86"]) + digits(12))
        return T(ch(["IMEI ", "imei=", "IMEI: "]) + (d if R() < 0.7 else f"{d[:2]}-{d[2:8]}-{d[8:14]}-{d[14]}"), "imei")
    d = luhn_complete("89" + ch(["49", "43", "41", "44", "31", "33"]) + digits(15))
    return T(ch(["ICCID ", "SIM ", "iccid="]) + (d if R() < 0.6 else " ".join(d[i:i + 4] for i in range(0, len(d), 4))), "iccid")


def t_epoch(lang):
    return T(ch([f"ts={ri(1600000000, 1800000000)}", f"{ri(1600000000000, 1799999999999)}",
                 f"epoch {ri(1600000000, 1800000000)}", f"\"timestamp\": {ri(1600000000000, 1799999999999)}"]), "epoch")


def t_bankmisc(lang):
    return T(ch([f"Sort code {ri(10, 99)}-{ri(10, 99)}-{ri(10, 99)}, account {digits(8)}", f"Kto. {digits(10)}, BLZ {digits(8)}",
                 f"routing {digits(9)}", f"ABA {digits(9)}, acct {digits(10)}", f"Konto-Nr. {digits(3)} {digits(3)} {digits(3)}",
                 f"clearing {ri(100, 9999)}", f"Mandatsreferenz M-{digits(10)}", f"End-to-End-ID E2E{digits(14)}",
                 f"BIN {ch(['4', '5'])}{digits(5)}", f"exp {ri(1, 12):02d}/{ri(25, 31)}"]), "bank_misc")


def t_tag(lang):
    img = ch(["nginx", "postgres", "redis", "grafana/grafana", "bitnami/kafka", "eclipse-mosquitto", "traefik"])
    return T(ch([f"{img}:{ri(1, 17)}.{ri(0, 30)}.{ri(0, 12)}-alpine", f"{img}:{ver4_quad()}",
                 f"Django=={ri(3, 5)}.{ri(0, 2)}.{ri(0, 20)}", f"requests>={ri(2, 2)}.{ri(20, 32)}.{ri(0, 5)}",
                 f"v{ri(1, 3)}.{ri(0, 50)}.{ri(0, 9)}-{ri(1, 300)}-g{''.join(ch('0123456789abcdef') for _ in range(7))}",
                 f"{ri(1, 9)}.{ri(0, 9)}.{ri(0, 9)}-rc.{ri(1, 5)}+build.{ri(1, 999)}", f"k8s v1.{ri(24, 31)}.{ri(0, 15)}",
                 f"chart {ch(SERVICES)}-{ri(0, 20)}.{ri(0, 9)}.{ri(0, 9)}", f"go{ri(1, 1)}.{ri(19, 23)}.{ri(0, 9)}",
                 f"gradle {ri(7, 8)}.{ri(0, 12)}.{ri(0, 3)}", f"ruby-{ri(2, 3)}.{ri(0, 4)}.{ri(0, 9)}-p{ri(100, 500)}"]), "image_tag")


def t_misc(lang):
    return T(ch([f"D-{ri(10000, 99999)} {ch(CITIES_DE)}", f"{ri(6, 9):02d}:00-{ri(16, 20)}:00", f"{ri(1, 99)},{ri(0, 9)} %",
                 f"Raum {ri(1, 4)}.{ri(100, 450)}", f"Gleis {ri(1, 20)}", f"Flug LH {ri(100, 2999)}", f"Lizenz {'-'.join(''.join(ch('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(5)) for _ in range(5))}",
                 f"Tab. {ri(1, 9)}.{ri(1, 9)}", f"Zelle {ch('ABCDEFGH')}{ri(1, 999)}", f"rack {ri(1, 40)}.{ri(1, 9)}.{ri(1, 42)}.{ri(1, 4)}"]), "misc")


def t_any(lang):
    return ch(TRAPS_ALL)(lang)


TRAPS_ALL = [t_ver, t_ver, t_ver, t_pkg, t_ua, t_fw, t_fw, t_winbuild, t_date, t_date, t_orderid, t_invoice, t_ticket,
             t_custid, t_serial, t_tracking, t_amount, t_measure, t_coord, t_oid, t_section, t_netmask, t_hash,
             t_mac, t_isbn, t_taxid, t_badiban, t_badcard, t_badphone, t_ext, t_fileat, t_handle, t_cpp, t_time,
             t_badip, t_cve, t_imei, t_epoch, t_bankmisc, t_tag, t_tag, t_misc]

FILL = {
    "name": lambda L: P(person(L)), "comp": lambda L: P(ch(COMP)), "city": lambda L: P(ch(CITIES_DE if L == "de" else CITIES_EN)),
    "host": lambda L: P(ch(HOSTS)), "svc": lambda L: P(ch(SERVICES)), "prod": lambda L: P(ch(PRODUCTS if L == "de" else PRODUCTS_EN)),
    "n": lambda L: P(str(ri(2, 48))), "port": lambda L: P(str(ch([22, 80, 443, 8080, 3389, 5432, 1433, 389, 636, 53, 123, 161, 514, 1883, 8883]))),
    "eport": lambda L: P(str(ri(1024, 65535))), "big": lambda L: P(str(ri(100, 99999))),
    "proto": lambda L: P(ch(["tcp", "udp", "TCP", "UDP"])), "vlan": lambda L: P(str(ri(2, 4000))),
}
GEN = {
    "email": g_email, "phone": g_phone, "phone_de": g_phone_de, "phone_en": g_phone_en, "iban": g_iban, "card": g_card,
    "ip4": g_ip4, "ip6": g_ip6, "ip": g_ip, "ipx": g_ipctx,
    "ver": t_ver, "pkg": t_pkg, "ua": t_ua, "fw": t_fw, "winbuild": t_winbuild, "date": t_date, "order": t_orderid,
    "invoice": t_invoice, "ticket": t_ticket, "cust": t_custid, "serial": t_serial, "tracking": t_tracking,
    "amount": t_amount, "measure": t_measure, "coord": t_coord, "oid": t_oid, "section": t_section,
    "netmask": t_netmask, "hash": t_hash, "mac": t_mac, "isbn": t_isbn, "tax": t_taxid, "badiban": t_badiban,
    "badcard": t_badcard, "badphone": t_badphone, "ext": t_ext, "fileat": t_fileat, "fileimg": t_fileimg, "fileunit": t_fileunit, "handle": t_handle,
    "cpp": t_cpp, "cve": t_cve, "imei": t_imei, "epoch": t_epoch, "bankmisc": t_bankmisc, "tag": t_tag,
    "misc": t_misc, "time": t_time, "badip": t_badip, "trap": t_any,
}
GEN.update(FILL)

# ---------------------------------------------------------------- templates (one sentence or line each)
T_ITCHAT = {
    "de": [
        "kannst du mal auf {host} schauen, {ip4} antwortet nicht mehr auf ping",
        "hab {svc} auf {ver} hochgezogen, läuft wieder",
        "wer hat {ipx} in die allowlist gepackt?",
        "ssh geht nur über den jump host {ipx}, nicht direkt",
        "der kollege {name} ist heute mobil unter {phone_de} erreichbar",
        "grafana zeigt seit {time} 100% cpu auf {host}",
        "bitte {fileunit} nicht löschen, das braucht der unit-start",
        "rollback auf {ver} gemacht, ticket {ticket}",
        "kurze info: {handle} ist heute rufbereitschaft",
        "client {ipx} macht seit heute früh {n} req/s, sieht nach bot aus",
        "mail von {email} ist im spam gelandet, kannst du whitelisten?",
        "dns für {host} zeigt noch auf {ipx}, ttl ist {n} min",
        "{netmask} passt nicht, das netz ist größer",
        "agent läuft mit {ua}",
        "crash in {cpp} nach dem update auf {ver}",
        "ich bin ab {time} im call, ruf mich an falls was ist: {phone}",
        "gateway ist jetzt {ipx}, vorher {ip4}",
        "backup-job hängt, letzter lauf {date}",
        "das ist keine ip, das ist die version: {ver}",
        "neuer node hat {mac}, bitte in dhcp eintragen",
        "hast du {email} schon in die gruppe aufgenommen?",
        "ping {ip6} geht, v4 nicht",
        "sshd: Failed password for root from {ip4} port {eport} ssh2, kommt alle {n}s",
        "fail2ban hat {ip} gebannt, war das einer von uns?",
        "X-Forwarded-For: {ip4}, {ip4} - der erste ist der echte client",
        "vCard von {name}: TEL;TYPE=cell:{phone} EMAIL:{email}",
    ],
    "en": [
        "can someone check {host}? {ip4} stopped answering pings",
        "bumped {svc} to {ver}, looks healthy again",
        "who added {ipx} to the allowlist?",
        "ssh only via the bastion {ipx} please",
        "{name} is on call today, mobile {phone_en}",
        "cpu pegged on {host} since {time}",
        "do not delete {fileunit}, the unit needs it",
        "rolled back to {ver}, see {ticket}",
        "fyi {handle} is the on-call rota today",
        "client {ipx} is hammering us with {n} req/s, probably a scraper",
        "mail from {email} bounced, can you check the SPF?",
        "dns for {host} still points at {ipx}",
        "that's {netmask}, too small for the new range",
        "the agent reports {ua}",
        "segfault in {cpp} since {ver}",
        "in a call from {time}, ring me on {phone} if it burns",
        "new gateway is {ipx}, old one was {ip4}",
        "that is not an address, it's the build: {ver}",
        "new box has {mac}, add it to dhcp pls",
        "added {email} to the pagerduty escalation",
        "v6 works ({ip6}), v4 doesn't",
        "sshd[{big}]: Accepted publickey for deploy from {ip} port {eport} ssh2",
        "fail2ban banned {ip4} again, is that the office NAT?",
        "X-Forwarded-For: {ip4}, {ip4} so the first one is the real client",
        "csv row: {name};{email};{phone};{city}",
        "lol the changelog says {ver} but the binary says {fw}",
    ],
}
T_INCIDENT = {
    "de": [
        "Störung {ticket}: {svc} auf {host} nicht erreichbar seit {date}.",
        "Betroffene Quelle: {ipx}. Angriffsmuster: Credential Stuffing.",
        "Meldender: {name}, {email}, Tel. {phone}.",
        "Auswirkung: ca. {n} Nutzer, Priorität 2, SLA-Verletzung droht um {time}.",
        "Ursache: fehlerhaftes Update auf {pkg}.",
        "Workaround: Dienst neu gestartet, Version {ver} fixiert.",
        "Firewall-Log zeigt DROP von {ipx} nach {ipx}.",
        "Betroffener Server {host} ({ipx}), {fw}.",
        "Eskalation an Schicht 2: {phone}.",
        "Referenz Hersteller-Case {ticket}, {serial}.",
        "Hinweis: {section} der Betriebsvereinbarung beachten.",
        "Rückmeldung bitte an {email}.",
        "Störung behoben um {time}, Monitoring grün, nächste Prüfung {date}.",
        "Log: {date} ERROR conn refused {ipx}",
        "Speicherauslastung {measure}, Swap voll.",
        "{ip4} - - [{date}] \"GET /api/v1/orders HTTP/1.1\" 500 {big} \"-\" \"{ua}\"",
        "Von: {name} <{email}>\nAn: {email}\nCc: {email}",
        "Event 4625: Anmeldung fehlgeschlagen, Quellnetzwerkadresse: {ip}, Quellport: {eport}",
    ],
    "en": [
        "Incident {ticket}: {svc} on {host} unreachable since {date}.",
        "Offending source: {ipx}. Pattern looks like credential stuffing.",
        "Reported by {name} ({email}), phone {phone}.",
        "Impact: about {n} users, P2, SLA breach at {time}.",
        "Root cause: bad upgrade of {pkg}.",
        "Workaround: restarted the service and pinned {ver}.",
        "Firewall log shows DENY from {ipx} to {ipx}.",
        "Affected host {host} ({ipx}), running {fw}.",
        "Escalated to L2 bridge line {phone}.",
        "Vendor case {ticket}, {serial}.",
        "Per {section} of the runbook we notified the DPO.",
        "Please send updates to {email}.",
        "Resolved at {time}, monitoring green, post-mortem on {date}.",
        "Log: {date} ERROR connection refused from {ipx}",
        "Disk at {measure}, swap full.",
        "{ip4} - - [{date}] \"POST /login HTTP/2.0\" 401 {big} \"-\" \"{ua}\"",
        "From: {name} <{email}>\nTo: {email}\nCc: {email}",
        "Event 4625: logon failure, Source Network Address: {ip}, Source Port: {eport}",
    ],
}
T_FIREWALL = {
    "de": [
        "Change {ticket}: Freischaltung von {ipx} auf {ipx} Port {port}/{proto}.",
        "Quelle: {ipx} ({comp}), Ziel: {ipx}, Dienst {proto}/{port}.",
        "Netz {ipx} mit {netmask} in VLAN {vlan} aufnehmen.",
        "ACL: permit {proto} host {ip4} host {ip4} eq {port}",
        "access-list OUT extended deny ip {ipx} {netmask}",
        "Antragsteller: {name}, {email}, Durchwahl {phone}.",
        "Gültig bis {date}, Rückbau durch Netzbetrieb.",
        "NAT: {ip4} -> {ipx}",
        "Regel nach {section} der IT-Sicherheitsrichtlinie genehmigt.",
        "IPv6: {ipx} -> {ip6} erlauben.",
        "Gerät {fw}, Cluster-Member {host}.",
        "Bitte beachten: {ver} ist die Regelwerk-Version, keine Adresse.",
        "Genehmigt von {name} am {date}.",
        "route add {ip4} mask {netmask} {ip4}",
        "Monitoring via SNMP {oid} auf {ipx}.",
    ],
    "en": [
        "Change {ticket}: open {ipx} to {ipx} on {port}/{proto}.",
        "Source {ipx} ({comp}), destination {ipx}, service {proto}/{port}.",
        "Add network {ipx} with {netmask} to VLAN {vlan}.",
        "ACL: permit {proto} host {ip4} host {ip4} eq {port}",
        "set security policies from-zone untrust to-zone dmz match source-address {ipx}",
        "Requester: {name}, {email}, desk {phone}.",
        "Expires {date}; NetOps to remove afterwards.",
        "SNAT {ip4} -> {ipx}",
        "Approved under {section} of the network security standard.",
        "IPv6: allow {ipx} -> {ip6}.",
        "Device {fw}, cluster member {host}.",
        "Note: {ver} is the ruleset revision, not an address.",
        "CAB approval by {name} on {date}.",
        "ip route {ip4} {netmask} {ip4}",
        "Poll via SNMP {oid} on {ipx}.",
    ],
}
T_RELEASE = {
    "de": [
        "## {ver} ({date})",
        "- Behoben: Absturz in {cpp} beim Laden großer Dateien",
        "- Abhängigkeit {pkg} aktualisiert",
        "- Mindestversion jetzt {ver}, getestet mit {ua}",
        "- Neue Icons {fileimg} für Retina-Displays",
        "- Sicherheitsfix für {cve}",
        "- Treiber {fw} mitgeliefert",
        "- Standard-Bind-Adresse ist jetzt {ipx} statt Wildcard",
        "- Kontakt für Sicherheitsmeldungen: {email}",
        "- Migration von {ver} auf {ver} erfordert Neustart",
        "- Build {winbuild}, Prüfsumme {hash}",
        "- Beispielkonfiguration nutzt {ipx} als Upstream",
        "- Windows: getestet auf {winbuild}",
        "- npm: {handle}",
        "- Container-Image {tag}, Basis {tag}",
        "- Abhängigkeiten: {tag}, {tag}",
    ],
    "en": [
        "## {ver} - {date}",
        "- Fixed: crash in {cpp} on large uploads",
        "- Bumped {pkg}",
        "- Minimum supported is now {ver}; tested with {ua}",
        "- Added {fileimg} assets",
        "- Security: fix for {cve}",
        "- Ships {fw}",
        "- Default listen address is now {ipx}",
        "- Report vulnerabilities to {email}",
        "- Upgrading from {ver} to {ver} needs a restart",
        "- Build {winbuild}, checksum {hash}",
        "- Example config points at {ipx}",
        "- Verified on {winbuild} and {ver}",
        "- deps: {handle}, {handle}",
        "- Image {tag}, base {tag}",
        "- Requirements: {tag}, {tag}",
    ],
}
T_IOT = {
    "de": [
        "{date} dev={serial} fw={ver} rssi=-{n} ip={ip4} status=ok",
        "{date} WARN Gerät {serial} meldet {measure}, Grenzwert überschritten",
        "{date} Verbindung zu Broker {ip4}:8883 hergestellt",
        "{date} OTA-Update {fw} -> {ver} erfolgreich",
        "{date} {mac} erhielt Lease {ip4} für {n} h",
        "{date} Standort {coord}, Akku {measure}",
        "{date} Alarm an Techniker {name}, SMS an {phone}",
        "{date} MQTT client_id={hash} peer={ip4}",
        "{date} Gateway {ipx} nicht erreichbar, retry in {n}s",
        "{date} Zähler {cust} Stand {measure}",
        "{date} SNMP trap {oid} von {ipx}",
        "{date} IPv6 SLAAC {ip6}",
        "{date} Modem {imei} registriert, {imei}",
        "{date} heartbeat {epoch} seq={big}",
    ],
    "en": [
        "{date} device={serial} fw={ver} rssi=-{n} ip={ip4} state=online",
        "{date} WARN unit {serial} reports {measure}, above threshold",
        "{date} connected to broker {ip4}:8883",
        "{date} OTA {fw} -> {ver} ok",
        "{date} {mac} leased {ip4} for {n}h",
        "{date} position {coord}, battery {measure}",
        "{date} alert sent to field tech {name} at {phone}",
        "{date} mqtt client_id={hash} peer={ip4}",
        "{date} gateway {ipx} unreachable, retrying in {n}s",
        "{date} meter {cust} reading {measure}",
        "{date} snmp trap {oid} from {ipx}",
        "{date} slaac address {ip6}",
        "{date} modem {imei} attached, {imei}",
        "{date} heartbeat {epoch} seq={big}",
    ],
}
T_HR = {
    "de": [
        "anbei die Lohnabrechnung für {name}, {cust}.",
        "Bitte die neue Bankverbindung hinterlegen: IBAN {iban}, {tax}.",
        "Die Gehaltsänderung gilt ab {date}, neues Brutto {amount}.",
        "Rückfragen gerne an {email} oder telefonisch unter {phone}.",
        "Die Reisekostenabrechnung über {amount} wird auf {iban} überwiesen.",
        "Laut {section} des Tarifvertrags steht ein Zuschlag von {amount} zu.",
        "Der Arbeitsvertrag ({cust}) wurde am {date} unterschrieben.",
        "Neue private Adresse und Mobilnummer: {phone}.",
        "Die {tax} bitte im Personalbogen ergänzen.",
        "Bewerbung von {name} ({email}) ist eingegangen.",
        "Der Vorschuss wurde mit {invoice} verrechnet.",
        "Bitte prüfen, die IBAN {badiban} ist laut System ungültig.",
    ],
    "en": [
        "please find attached the payslip for {name}, {cust}.",
        "Please update the bank details: IBAN {iban}, {tax}.",
        "The salary change is effective {date}; new gross {amount}.",
        "Any questions to {email} or call {phone}.",
        "Expenses of {amount} will be paid to {iban}.",
        "Under {section} of the handbook the allowance is {amount}.",
        "Contract {cust} was signed on {date}.",
        "New personal mobile on file: {phone}.",
        "Please add the {tax} to the onboarding form.",
        "Application from {name} ({email}) received.",
        "The advance was offset against {invoice}.",
        "The IBAN {badiban} failed validation, please double-check.",
    ],
}
T_FINANCE = {
    "de": [
        "Zahlungseingang zu {invoice} über {amount} von {iban} verbucht.",
        "Lastschrift für {cust} ist zurückgegangen, Gebühr {amount}.",
        "Bitte Kreditor {comp} anlegen, IBAN {iban}, {tax}.",
        "Skonto bis {date}, danach {amount} netto.",
        "Die Kreditkarte {card} wurde für das Abo belastet.",
        "Erstattung auf Karte {badcard} nicht möglich, bitte neu erfassen.",
        "Mahnung 2 zu {invoice}, offener Betrag {amount}.",
        "Ansprechpartner Debitorenbuchhaltung: {name}, {email}, {phone}.",
        "Kontoauszug vom {date}: {amount} Gutschrift, Verwendungszweck {order}.",
        "Bitte auf das Treuhandkonto {iban} überweisen.",
        "Firmenkarte {card}, gültig bis {n}/28.",
        "Buchung {invoice} storniert, siehe {ticket}.",
        "Altdaten: {bankmisc}, neu: IBAN {iban}.",
        "Rückläufer {bankmisc}.",
    ],
    "en": [
        "Payment for {invoice} of {amount} received from {iban}.",
        "Direct debit for {cust} bounced, fee {amount}.",
        "Please set up vendor {comp}, IBAN {iban}, {tax}.",
        "Early payment discount until {date}, then {amount} net.",
        "Card {card} was charged for the subscription.",
        "Refund to card {badcard} failed, please re-enter.",
        "Second reminder for {invoice}, outstanding {amount}.",
        "AR contact: {name}, {email}, {phone}.",
        "Statement of {date}: credit {amount}, reference {order}.",
        "Please transfer to the escrow account {iban}.",
        "Corporate card {card}, expires {n}/28.",
        "Posting {invoice} reversed, see {ticket}.",
        "Legacy details {bankmisc}; new IBAN {iban}.",
        "Returned item {bankmisc}.",
    ],
}
T_ECOM = {
    "de": [
        "Retoure zu {order}: {prod} defekt, Erstattung {amount}.",
        "Die Erstattung erfolgt auf die Karte {card}.",
        "Sendungsverfolgung: {tracking}.",
        "Kundin {name}, {email}, bittet um Rückruf unter {phone}.",
        "Artikel {isbn}, {serial}, Zustand B.",
        "Bitte Gutschrift auf IBAN {iban} statt auf Karte.",
        "Karte endet auf {badcard}, Zahlung abgelehnt.",
        "Rücksendeetikett an {email} geschickt.",
        "Bestellt am {date}, Lieferung {date}.",
        "Kunde meldet: Paket {tracking} nie angekommen.",
        "Zahlung per Karte {card} am {date} autorisiert.",
        "Bild {fileimg} im Shop fehlt.",
    ],
    "en": [
        "Return for {order}: {prod} faulty, refund {amount}.",
        "Refund goes back to card {card}.",
        "Tracking: {tracking}.",
        "Customer {name}, {email}, wants a call back on {phone}.",
        "Item {isbn}, {serial}, grade B.",
        "Customer asks for refund to IBAN {iban} instead of the card.",
        "Card ending {badcard} declined.",
        "Return label sent to {email}.",
        "Ordered {date}, delivered {date}.",
        "Customer says parcel {tracking} never arrived.",
        "Card {card} authorised on {date}.",
        "Image {fileimg} missing on the product page.",
    ],
}
T_FIELD = {
    "de": [
        "Einsatz {ticket} beim Kunden {comp}, {city}.",
        "Gerät {serial}, {fw}, Fehlercode E{n}.",
        "Ansprechpartner vor Ort: {name}, {phone}.",
        "Ersatzteil {serial} verbaut, alte Teile zurück mit {tracking}.",
        "Messwerte: {measure}, {measure}.",
        "Fahrtzeit {time}, Arbeitszeit {time}, Standort {coord}.",
        "Router neu konfiguriert, WAN {ipx}, LAN {ipx} {netmask}.",
        "Bericht an {email} gesendet.",
        "Nächste Wartung {date} laut {section} Wartungsvertrag.",
        "Kunde erreichbar unter {phone}, Festnetz {phone_de}.",
        "Rechnung folgt mit {invoice}.",
        "Alte Firmware {ver} ersetzt durch {fw}.",
    ],
    "en": [
        "Job {ticket} at {comp}, {city}.",
        "Unit {serial}, {fw}, error code E{n}.",
        "Site contact: {name}, {phone}.",
        "Fitted part {serial}, old parts returned with {tracking}.",
        "Readings: {measure}, {measure}.",
        "Travel {time}, on site {time}, location {coord}.",
        "Reconfigured router, WAN {ipx}, LAN {ipx} {netmask}.",
        "Report sent to {email}.",
        "Next service {date} per {section} of the maintenance contract.",
        "Customer on {phone}, landline {phone_en}.",
        "Invoice to follow, {invoice}.",
        "Replaced firmware {ver} with {fw}.",
    ],
}
T_CALL = {
    "de": [
        "Anrufer {name} ({cust}) ruft wegen {order} an.",
        "Rückrufnummer: {phone}.",
        "KD will Gutschrift, bitte an {email} bestätigen.",
        "Kd. nennt Kartennr. {card}, Daten NICHT speichern!",
        "Kd. hat IBAN durchgegeben: {iban}.",
        "Vertrag {cust} gekündigt zum {date}.",
        "Anruf {time}, Dauer {time}, Warteschlange {ext}.",
        "Neue Mailadresse des Kunden: {email}.",
        "Kd. verwechselt Kundennummer mit Telefonnr., korrekt ist {cust}.",
        "Zweitnummer {phone}, erreichbar ab {time}.",
        "Kunde nennt falsche IBAN {badiban}, bitte nachfragen.",
        "Routerkennung {serial}, WAN-IP laut Kunde {ipx}.",
    ],
    "en": [
        "Caller {name} ({cust}) ringing about {order}.",
        "Call back on {phone}.",
        "Cx wants a credit note, confirm to {email}.",
        "Cx read out card {card}, do NOT store!",
        "Cx gave IBAN {iban} for the refund.",
        "Contract {cust} cancelled effective {date}.",
        "Call at {time}, duration {time}, queue {ext}.",
        "Customer's new e-mail: {email}.",
        "Cx confused account no. with phone no., correct is {cust}.",
        "Alt number {phone}, best after {time}.",
        "Cx gave wrong IBAN {badiban}, to verify.",
        "Router ID {serial}, WAN IP per customer {ipx}.",
    ],
}
# sentences with near misses only (no values)
T_TRAPS = {
    "de": [
        "Version {ver} installiert, vorher {ver}.", "Paketliste: {pkg}, {pkg}, {pkg}.", "User-Agent: {ua}",
        "Gerät meldet {fw}.", "Windows-Stand {winbuild}.", "Termin {date} um {time}.", "Bestellnr. {order}.",
        "{invoice} vom {date}.", "Siehe {ticket}.", "{cust}.", "{serial}, {serial}.", "Sendung {tracking}.",
        "Betrag {amount}.", "Messung {measure}.", "Koordinaten {coord}.", "{oid}", "Siehe {section}.",
        "{netmask}.", "{hash}", "{mac}", "{isbn}", "{tax}", "Ungültige IBAN {badiban} abgelehnt.",
        "Karte {badcard} abgelehnt (Prüfziffer).", "{badphone}", "{ext}", "Datei {fileat}", "{handle}",
        "Stacktrace: {cpp}", "Laufzeit {time}.", "Eingabe {badip} ungültig.", "Changelog {ver}: {ver} -> {ver}.",
        "Treiberpaket {fw}, {fw}.", "{trap}, {trap}.", "{imei}", "{epoch}", "{bankmisc}", "Image {tag}.", "{misc}",
        "{cve}",
    ],
    "en": [
        "Installed {ver}, previously {ver}.", "Packages: {pkg}, {pkg}, {pkg}.", "User-Agent: {ua}",
        "Device reports {fw}.", "Windows at {winbuild}.", "Scheduled {date} at {time}.", "Order {order}.",
        "{invoice} dated {date}.", "See {ticket}.", "{cust}.", "{serial}, {serial}.", "Shipment {tracking}.",
        "Total {amount}.", "Measured {measure}.", "Coordinates {coord}.", "{oid}", "See {section}.",
        "{netmask}.", "{hash}", "{mac}", "{isbn}", "{tax}", "Invalid IBAN {badiban} rejected.",
        "Card {badcard} rejected (check digit).", "{badphone}", "{ext}", "File {fileat}", "{handle}",
        "Stack: {cpp}", "Elapsed {time}.", "Input {badip} is invalid.", "Changelog {ver}: {ver} -> {ver}.",
        "Driver bundle {fw}, {fw}.", "{trap}, {trap}.", "{imei}", "{epoch}", "{bankmisc}", "Image {tag}.", "{misc}",
        "{cve}",
    ],
}
DOMAINS = {
    "it_ops_chat": T_ITCHAT, "incident_ticket": T_INCIDENT, "firewall_change": T_FIREWALL,
    "release_notes": T_RELEASE, "iot_fleet_log": T_IOT, "hr_payroll": T_HR, "finance_backoffice": T_FINANCE,
    "ecommerce_returns": T_ECOM, "field_service": T_FIELD, "callcentre_notes": T_CALL,
}
DOMAIN_NAMES = list(DOMAINS)
VALUE_KEYS = {"email", "phone", "phone_de", "phone_en", "iban", "card", "ip4", "ip6", "ip", "ipx"}
PH = re.compile(r"\{(\w+)\}")

OPEN = {
    "mail": {"de": ["Hallo {name},", "Sehr geehrte Damen und Herren,", "Guten Tag Frau {name},", "Liebes Team,", "Moin,"],
             "en": ["Hi {name},", "Dear Sir or Madam,", "Hello team,", "Dear {name},", "Morning all,"]},
    "ticket": {"de": ["Betreff: {ticket}", "Kategorie: Netzwerk | Prio 3", "Kurzbeschreibung:"],
               "en": ["Subject: {ticket}", "Category: Network | P3", "Summary:"]},
}
CLOSE = {
    "mail": {"de": ["Viele Grüße\n{name}", "Mit freundlichen Grüßen\n{name}\n{comp}", "Danke & Gruß", "MfG {name}",
                    "Beste Grüße\n{name}\nTel. {phone}\n{email}", "Gruß\n{name} | {comp} | {phone}"],
             "en": ["Thanks,\n{name}", "Kind regards\n{name}\n{comp}", "Cheers", "Best, {name}",
                    "Regards\n{name}\nT: {phone}\nE: {email}", "Thanks\n{name} | {comp} | {phone}"]},
}

REGISTERS = {
    "it_ops_chat": ["chat", "chat", "short"], "incident_ticket": ["ticket", "log", "mail"],
    "firewall_change": ["ticket", "config", "mail"], "release_notes": ["changelog"], "iot_fleet_log": ["log"],
    "hr_payroll": ["mail", "mail", "short"], "finance_backoffice": ["mail", "short", "ticket"],
    "ecommerce_returns": ["mail", "short", "chat"], "field_service": ["ticket", "short"],
    "callcentre_notes": ["short", "chat"],
}


def has_value(tpl):
    return any(k in VALUE_KEYS for k in PH.findall(tpl))


def render(tpl, lang):
    segs = []
    pos = 0
    for m in PH.finditer(tpl):
        if m.start() > pos:
            segs += P(tpl[pos:m.start()])
        segs += GEN[m.group(1)](lang)
        pos = m.end()
    if pos < len(tpl):
        segs += P(tpl[pos:])
    return segs


def typo(s):
    idx = [i for i in range(len(s) - 1) if s[i].isalpha() and s[i + 1].isalpha()]
    if not idx:
        return s
    i = ch(idx)
    r = R()
    if r < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if r < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i] + s[i:]


def compose(domain, lang):
    pool = DOMAINS[domain][lang]
    reg = ch(REGISTERS[domain])
    nospan = R() < 0.3
    cands = [t for t in pool if not has_value(t)] if nospan else pool
    traps = T_TRAPS[lang]
    k = ri(2, 6) if reg in ("log", "changelog", "config") else ri(1, 4)
    body = []
    for _ in range(k):
        body.append(ch(traps) if (R() < 0.22 or not cands) else ch(cands))
    if not nospan and not any(has_value(t) for t in body):
        body[0] = ch([t for t in pool if has_value(t)])
    if reg == "changelog":
        body = [t for t in body if not t.startswith("## ")]
        body.insert(0, ch([t for t in pool if t.startswith("## ")]))
        body = [b if b.startswith(("## ", "- ")) else "- " + b for b in body]
    parts = []
    if reg == "mail":
        parts.append((ch(OPEN["mail"][lang]), "\n\n"))
        parts += [(b, " ") for b in body]
        cl = CLOSE["mail"][lang]
        if nospan:
            cl = [c for c in cl if not has_value(c)]
        parts[-1] = (parts[-1][0], "\n\n")
        parts.append((ch(cl), ""))
    elif reg == "ticket":
        if R() < 0.5:
            parts.append((ch(OPEN["ticket"][lang]), "\n"))
        parts += [(b, "\n") for b in body]
    elif reg in ("log", "changelog", "config"):
        parts += [(b, "\n") for b in body]
    elif reg == "chat":
        sep = ch([" ", "\n", " / ", "\n> "])
        parts += [(b, sep) for b in body]
    else:  # short
        parts += [(b.rstrip(".") if R() < 0.5 else b, ch(["; ", " - ", " ", " // ", "\n"])) for b in body]
    segs = []
    for i, (tpl, sep) in enumerate(parts):
        segs += render(tpl, lang)
        if i < len(parts) - 1:
            segs += P(sep)
    # register / noise transforms on plain text only
    low = reg == "chat" and R() < 0.6
    up = R() < 0.04
    ty = R() < 0.18
    out = []
    for s, role, kind, meta in segs:
        if role == "p":
            if low:
                s = s.lower()
            elif up:
                s = s.upper()
            if ty and len(s) > 8 and R() < 0.35:
                s = typo(s)
        out.append((s, role, kind, meta))
    if reg == "short" and R() < 0.3:  # shorthand
        out = [(s.replace("bitte", "pls").replace("Kunde", "Kd.").replace("customer", "cx")
                if r == "p" else s, r, k2, m) for s, r, k2, m in out]
    return reg, out


def assemble(segs):
    text, spans, traps, pos = [], [], [], 0
    for s, role, kind, meta in segs:
        if role == "s":
            spans.append((pos, pos + len(s), kind, s, meta))
        elif role == "t":
            traps.append((pos, pos + len(s), kind))
        text.append(s)
        pos += len(s)
    return "".join(text), spans, traps


# ---------------------------------------------------------------- self-check
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
QUAD_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
HEXCOLON_RE = re.compile(r"[0-9A-Fa-f:]*:[0-9A-Fa-f:]*")
DIGRUN_RE = re.compile(r"\d+(?:[ -]\d+)*")
IBANSTART_RE = re.compile(r"(?=([A-Za-z]{2}\d{2}))")
EMAIL_TRAPS = {"file_at"}
QUAD_TRAPS = {"image_tag", "misc", "version4", "version", "package", "useragent", "firmware", "winbuild", "oid", "section", "netmask",
              "bad_ip", "serial", "measure"}
IP6_TRAPS = {"cpp_scope"}


def inside(a, b, spans):
    return any(s[0] <= a and b <= s[1] for s in spans)


def overlaps(a, b, regions, kinds):
    return any(r[0] < b and a < r[1] and r[2] in kinds for r in regions)


def check(text, spans, traps):
    """Return None if fine, else a reason."""
    last = -1
    for a, b, kind, v, meta in sorted(spans):
        if a < last:
            return "overlap"
        last = b
        if text[a:b] != v:
            return "slice"
        if kind == "iban" and not stdiban.is_valid(v):
            return "iban span"
        if kind == "card":
            d = re.sub(r"[ -]", "", v)
            if not (d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d)):
                return "card span"
        if kind == "phone":
            if not phonenumbers.is_valid_number(phonenumbers.parse(v, meta)):
                return "phone span"
        if kind == "ip":
            ipaddress.ip_address(v)
        if kind == "email" and not EMAIL_RE.fullmatch(v):
            return "email span"
    for t in traps:
        if overlaps(t[0], t[1], [(s[0], s[1], "x") for s in spans], {"x"}):
            return "trap overlaps span"
    sp = [(s[0], s[1]) for s in spans]
    for m in EMAIL_RE.finditer(text):
        if not inside(m.start(), m.end(), sp) and not overlaps(m.start(), m.end(), traps, EMAIL_TRAPS):
            return "email leak"
    for m in QUAD_RE.finditer(text):
        if not inside(m.start(), m.end(), sp) and not overlaps(m.start(), m.end(), traps, QUAD_TRAPS):
            return "quad leak"
    for m in HEXCOLON_RE.finditer(text):
        tok = m.group(0)
        if tok.count(":") < 2:
            continue
        for cand in {tok, tok.strip(":")}:
            try:
                ipaddress.ip_address(cand)
            except ValueError:
                continue
            if not inside(m.start(), m.end(), sp) and not overlaps(m.start(), m.end(), traps, IP6_TRAPS):
                if not inside(m.start() + tok.find(cand), m.start() + tok.find(cand) + len(cand), sp):
                    return "ip6 leak"
    for m in DIGRUN_RE.finditer(text):
        groups = [(g.start() + m.start(), g.end() + m.start()) for g in re.finditer(r"\d+", m.group(0))]
        for i in range(len(groups)):
            tot = ""
            for j in range(i, len(groups)):
                tot += text[groups[j][0]:groups[j][1]]
                if len(tot) > 19:
                    break
                if len(tot) >= 13 and tot[0] in "23456" and luhn_ok(tot):
                    if not inside(groups[i][0], groups[j][1], sp):
                        return "card leak"
    sp_t = [(t[0], t[1]) for t in traps]
    for reg in ("DE", "GB", "US"):
        for m in phonenumbers.PhoneNumberMatcher(text, reg, leniency=phonenumbers.Leniency.VALID):
            if not overlaps(m.start, m.end, [(a, b, "x") for a, b in sp + sp_t], {"x"}):
                return "phone leak"
    up = text.upper()
    for m in IBANSTART_RE.finditer(up):
        a = m.start()
        if inside(a, a + 4, sp):
            continue
        comp, k = "", a
        while k < len(up) and len(comp) < 34:
            c = up[k]
            if c.isalnum() and c.isascii():
                comp += c
            elif c in " -" and k + 1 < len(up) and up[k + 1].isalnum():
                pass
            else:
                break
            k += 1
        for L in range(15, len(comp) + 1):
            if stdiban.is_valid(comp[:L]):
                return "iban leak"
    return None


# ---------------------------------------------------------------- main
def main():
    recs = []
    stats = Counter()
    redraws = Counter()
    trap_counts = Counter()
    while len(recs) < N_TEXTS:
        i = len(recs)
        lang = "de" if R() < 0.5 else "en"
        domain = DOMAIN_NAMES[i % len(DOMAIN_NAMES)] if R() < 0.5 else ch(DOMAIN_NAMES)
        reg, segs = compose(domain, lang)
        text, spans, traps = assemble(segs)
        why = check(text, spans, traps)
        if why:
            redraws[why] += 1
            continue
        recs.append({"id": i, "lang": lang, "domain": domain, "text": text,
                     "spans": [{"start": a, "end": b, "kind": k, "value": v} for a, b, k, v, _ in spans]})
        stats[("lang", lang)] += 1
        stats[("domain", domain)] += 1
        stats[("register", reg)] += 1
        stats[("texts with values" if spans else "texts without values", "")] += 1
        for a, b, k, v, meta in spans:
            stats[("span", k)] += 1
            if k == "phone":
                nat = not (v.startswith("+") or v.startswith("00"))
                stats[("phone", f"{meta} {'national' if nat else 'international'}")] += 1
            if k == "ip":
                stats[("ip", "v6" if ":" in v else "v4")] += 1
            if k == "iban":
                stats[("iban", v[:2].upper())] += 1
        for t in traps:
            trap_counts[t[2]] += 1
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for r in recs:
            gz.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    OUT.write_bytes(buf.getvalue())
    # final self-check on the written file
    with gzip.open(OUT, "rt", encoding="utf-8") as f:
        n = 0
        for line in f:
            r = json.loads(line)
            for s in r["spans"]:
                assert r["text"][s["start"]:s["end"]] == s["value"]
            n += 1
    assert n == N_TEXTS
    print(f"wrote {OUT.name}: {n} texts, {OUT.stat().st_size:,} bytes")
    for (a, b), c in sorted(stats.items()):
        print(f"  {a:22} {b:26} {c:7,}")
    print("near-miss traps (occurrences):")
    for k, c in sorted(trap_counts.items()):
        print(f"  {k:22} {c:7,}")
    print("redrawn texts by reason:", dict(sorted(redraws.items())))


if __name__ == "__main__":
    main()
