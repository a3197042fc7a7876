#!/usr/bin/env python3
"""Generate the independent PII held-out corpus 4 (``corpus.jsonl.gz``).

Written on 2026-12-07 WITHOUT reading the PII scanner, its tests or its benchmark.
Never tune the scanner on this corpus; judge rule changes on a set written afterwards.

Each line of the output is a JSON object::

    {"id": int, "lang": "de"|"en", "domain": "support"|"maintenance",
     "text": str, "spans": [{"start", "end", "kind", "value"}]}

``spans`` lists every real personal-data value (email, phone, iban, card, ip) with
exact character offsets. Everything else that looks like one of those is a trap.

Run ``python benchmarks/pii_corpus4/generate.py``; the output is byte-identical on
every run (fixed seed, gzip mtime 0). A self-check runs at the end.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import random
import re
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import phonenumbers
from stdnum import iban as stdnum_iban

SEED = 20261207
N_TEXTS = 50_000
HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus.jsonl.gz"

# --------------------------------------------------------------------------------------
# checksums
# --------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Return True when the digit string passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_digit(body: str) -> str:
    """Return the Luhn check digit that completes ``body``."""
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError("unreachable")


def iban_mod97(compact: str) -> int:
    """Return the ISO 13616 remainder (1 for a valid IBAN checksum)."""
    s = compact[4:] + compact[:4]
    num = "".join(str(int(c, 36)) for c in s.upper())
    return int(num) % 97


def iban_check_digits(country: str, bban: str) -> str:
    """Return the two IBAN check digits for ``country`` and ``bban``."""
    return f"{98 - iban_mod97(country + '00' + bban):02d}"


CARD_RUN = re.compile(r"\d+(?:[ -]\d+)*")
IBAN_START = re.compile(r"(?=([A-Za-z]{2}\d{2}))")


def has_card_like(text: str) -> bool:
    """True if some run of digit groups (13-19 digits in all) passes Luhn."""
    for m in CARD_RUN.finditer(text):
        groups = re.split(r"[ -]", m.group())
        for i in range(len(groups)):
            acc = ""
            for g in groups[i:]:
                acc += g
                if len(acc) > 19:
                    break
                if len(acc) >= 13 and luhn_ok(acc):
                    return True
    return False


def has_valid_iban(text: str) -> bool:
    """True if a checksum- and format-valid IBAN starts anywhere in ``text``."""
    for m in IBAN_START.finditer(text):
        i = m.start()
        compact = ""
        j = i
        while j < len(text) and len(compact) < 34:
            ch = text[j]
            if ch.isascii() and ch.isalnum():
                compact += ch
            elif ch in " -" and j + 1 < len(text) and text[j + 1].isalnum():
                pass
            else:
                break
            j += 1
            if len(compact) >= 15 and stdnum_iban.is_valid(compact):
                return True
    return False


def trap_clean(value: str) -> bool:
    """A trap must not contain a Luhn-valid card run or a valid IBAN."""
    return not has_card_like(value) and not has_valid_iban(value)


# --------------------------------------------------------------------------------------
# filler vocabulary (not personal data of the five kinds)
# --------------------------------------------------------------------------------------

FIRST = {
    "de": ["Anna", "Lukas", "Sabine", "Jürgen", "Mehmet", "Katarina", "Thomas", "Julia",
           "Stefan", "Ayşe", "Marco", "Lena", "Wolfgang", "Petra", "Jonas", "Olga", "Dirk",
           "Svenja", "Hannes", "Birgit", "Günther", "Maximilian", "Sören", "Elif"],
    "en": ["James", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Laura",
           "Chris", "Priya", "Wei", "Olivia", "Ahmed", "Grace", "Ryan", "Hannah", "Tom",
           "Megan", "Lucas", "Aisha"],
}
LAST = {
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
           "Schwarz", "Zimmermann", "Braun", "Krüger", "Yılmaz", "Kowalski", "Nguyen",
           "Weiß", "Groß"],
    "en": ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
           "Roberts", "Walker", "Patel", "Chen", "O'Brien", "Garcia", "Miller", "Murphy",
           "Clarke", "Okafor"],
}
CITY = {
    "de": ["Berlin", "Hamburg", "München", "Köln", "Stuttgart", "Leipzig", "Dresden",
           "Nürnberg", "Bremen", "Hannover", "Freiburg", "Bielefeld", "Ulm", "Kassel"],
    "en": ["Leeds", "Bristol", "Manchester", "Austin", "Denver", "Portland", "Glasgow",
           "Columbus", "Sheffield", "Raleigh", "Cardiff", "Boise"],
}
COMPANY = {
    "de": ["Müller Maschinenbau GmbH", "Techwerk GmbH & Co. KG", "Stadtwerke Nordheim",
           "Bauer Logistik AG", "Autohaus Koch", "Kanzlei Weber", "Präzisionsteile Ost GmbH"],
    "en": ["Acme Industrial Ltd", "Northwind Logistics", "Contoso Engineering Inc.",
           "Brightline Foods", "Fabrikam Tooling", "Riverside Plastics LLC"],
}
MACHINE = {
    "de": ["CNC-Fräse DMU 50", "Spritzgießmaschine KM 160", "Pumpe P-12", "Kompressor K3",
           "Presse 4", "Förderband B2", "Roboterzelle RZ-7", "Kältemaschine KM-2",
           "Lackieranlage L1", "Drehmaschine CTX 310"],
    "en": ["CNC mill DMU 50", "injection molder KM 160", "pump P-12", "compressor C3",
           "press line 4", "conveyor B2", "robot cell RC-7", "chiller CH-2",
           "paint line L1", "lathe CTX 310"],
}
EMAIL_DOMAINS = {
    "de": ["gmx.de", "web.de", "t-online.de", "gmail.com", "outlook.de", "posteo.de",
           "mailbox.org", "yahoo.de", "icloud.com", "freenet.de", "firma-schulz.de",
           "mueller-maschinenbau.de", "stadtwerke-nordheim.de", "kanzlei-weber.com",
           "autohaus-koch.de", "bauer-logistik.eu", "techwerk-gmbh.de"],
    "en": ["gmail.com", "outlook.com", "yahoo.com", "hotmail.co.uk", "proton.me",
           "acme-industrial.com", "northwind-logistics.co.uk", "fabrikam.io",
           "contoso-engineering.com", "brightline.net", "riverside-plastics.us"],
}
EMAIL_SUBDOMAINS = ["mail", "kunden", "service", "it", "eu", "de", "office", "werk2", "ops"]
EMAIL_TAGS = ["shop", "rechnung", "ticket4711", "support", "newsletter", "amazon", "2026",
              "orders", "billing", "work"]

TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                          "Ü": "Ue", "ı": "i", "ş": "s", "Ş": "S", "'": "", "é": "e"})

# --------------------------------------------------------------------------------------
# templates
# --------------------------------------------------------------------------------------
# Real-value placeholders: EMAIL PHONE MOBILE PHONE_INTL IBAN CARD IP IP6.
# Fillers: NAME FIRST LAST CITY COMPANY MACHINE.  Everything else is a trap.

REAL_KIND = {"EMAIL": "email", "PHONE": "phone", "MOBILE": "phone", "PHONE_INTL": "phone",
             "IBAN": "iban", "CARD": "card", "IP": "ip", "IP6": "ip"}
FILLERS = {"NAME", "FIRST", "LAST", "CITY", "COMPANY", "MACHINE"}
TRAP_KIND = {
    "VER4": "version_4part", "VER": "version", "SEMVER": "semver_suffix", "BUILD": "build_number",
    "DATE": "date", "TIME": "time", "ORDER": "order_number", "INVOICE": "invoice_number",
    "TICKET": "ticket_number", "AZ": "file_number_az", "SERIAL": "serial_number",
    "PART": "part_number", "TRACKING": "tracking_number", "AMOUNT": "amount",
    "QTY": "quantity", "MEAS": "measurement", "PLZ": "postal_code", "ROOM": "room",
    "PCT": "percentage", "VAT": "tax_or_vat_id", "CUST": "customer_number",
    "CONTRACT": "contract_number", "BADIBAN": "invalid_iban", "BADCARD": "luhn_failing_card",
    "MASK": "subnet_mask", "VRANGE": "version_range", "HEX": "hex_id", "UUID": "uuid",
    "MAC": "mac_address", "COORD": "coordinates", "ISBN": "isbn", "PRODUCT": "product_code",
    "SECTION": "section_number", "OID": "snmp_oid", "ERR": "error_code",
    "EXPIRY": "card_expiry", "AT_FILE": "at_filename", "MENTION": "at_mention",
}

T: dict[tuple[str, str, str], list[str]] = {}

T["de", "support", "trap"] = [
    "Nach dem Update auf {VER4} stürzt die App beim Start sofort ab.",
    "Seit Version {VER4} funktioniert der PDF-Export nicht mehr.",
    "hab gestern auf {VER4} aktualisiert, seitdem geht gar nix mehr",
    "Auf dem Laptop läuft noch {VER4}, auf dem Tablet schon {VER}.",
    "Treiber {VER4} lässt sich nicht installieren, Fehlermeldung {ERR}.",
    "Das Modem hat sich selbst auf Firmware {VER4} aktualisiert, seitdem bricht die "
    "Verbindung ständig ab.",
    "Meine Bestellung {ORDER} vom {DATE} ist immer noch nicht angekommen.",
    "Bestellnr. {ORDER} - geliefert wurden {QTY:pcs} statt {QTY:pcs}.",
    "Die Rechnung {INVOICE} über {AMOUNT} wurde zweimal abgebucht.",
    "Rechnungsnummer {INVOICE}, Betrag {AMOUNT}, fällig am {DATE}.",
    "Bezug: Ticket {TICKET}",
    "Ich beziehe mich auf Ihr Schreiben vom {DATE}, Aktenzeichen {AZ}.",
    "Die Sendungsverfolgung ({TRACKING}) zeigt seit {DATE} keinen neuen Status.",
    "Kundennummer {CUST}, Vertragsnummer {CONTRACT}.",
    "Bitte unsere USt-IdNr. {VAT} auf der Rechnung ergänzen.",
    "Lieferadresse bleibt Gewerbepark Süd 7, {PLZ} {CITY}.",
    "Im Handbuch steht unter Abschnitt {SECTION} etwas anderes als in der App.",
    "Das Portal lehnt die IBAN {BADIBAN} ab, angeblich stimmt die Prüfziffer nicht.",
    "Der Gutscheincode {BADCARD} wird an der Kasse nicht akzeptiert.",
    "Termin am {DATE} um {TIME} passt leider nicht, ginge auch {TIME}?",
    "Gerät S/N {SERIAL} zeigt nach {QTY:h} Laufzeit nur noch {PCT} Akku.",
    "In der Fritzbox steht als Subnetzmaske {MASK} - ist das so richtig?",
    "App-Version {SEMVER} (Build {BUILD}) unter Android 14.",
    "Ersatzteil {PART} ist im Shop seit Wochen nicht lieferbar.",
    "Die Geräte-ID laut Einstellungen: {UUID}",
    "MAC-Adresse vom Repeater: {MAC}",
    "Lizenz-ID {HEX} wird als abgelaufen angezeigt, obwohl bis {DATE} bezahlt ist.",
    "Das Buch mit der ISBN {ISBN} fehlte im Paket.",
    "Artikel {PRODUCT} war mit {PCT} Rabatt ausgezeichnet, berechnet wurden aber {AMOUNT}.",
    "Betrifft das Problem nur die Versionen {VRANGE}?",
    "Laut Tracking-Karte steht das Paket bei {COORD}.",
    "Uns wurden {MEAS:kwh} abgerechnet, das kann unmöglich stimmen.",
    "Beim Hochladen von {AT_FILE} kommt immer ein Fehler.",
    "{MENTION} kannst du hier bitte übernehmen?",
    "Die Zahlung über {AMOUNT} ist am {DATE} um {TIME} rausgegangen.",
    "Meine Karte läuft bis {EXPIRY}, trotzdem kommt Fehler {ERR}.",
    "ich bin seit {DATE} kunde und sowas hab ich noch nie erlebt!!! bestellung {ORDER}",
    "Nach dem Firmwareupdate {VER4} ist das WLAN-Passwort zurückgesetzt.",
    "Die Kasse läuft jetzt mit {VER4}, davor hatten wir {VER4} drauf.",
    "Downgrade auf {VER4} hat auch nichts gebracht.",
    "Im Vertrag {CONTRACT} steht eine Laufzeit bis {DATE}, abgebucht werden aber {AMOUNT} "
    "monatlich.",
    "Rücksendung zu Auftrag {ORDER}, Retourenlabel {TRACKING}.",
    "Die Steuernummer {VAT} ist auf der Gutschrift falsch.",
    "Der Drucker steht in Raum {ROOM}, falls der Techniker kommt.",
    "Router meldet Betriebssystem {VER4}, das Update auf {VER} bricht bei {PCT} ab.",
    "Ihr Kollege meinte, mit {VER4} sei das behoben. Ist es nicht.",
    "Der Zähler zeigt {MEAS:kwh}, abgerechnet wurden {MEAS:kwh} - bitte prüfen!",
    "Die Heizung kommt nicht über {MEAS:temp}, der Druck liegt bei {MEAS:bar}.",
]

T["de", "support", "real"] = [
    "Sie erreichen mich unter {PHONE}.",
    "Bitte rufen Sie mich zurück: {MOBILE}",
    "Rückruf gern unter {MOBILE}, ab {TIME} bin ich zu Hause.",
    "Meine neue E-Mail-Adresse lautet {EMAIL}, bitte im Kundenkonto ändern.",
    "Bitte die Erstattung auf folgendes Konto überweisen: IBAN {IBAN}.",
    "Neue Bankverbindung ab {DATE}: {IBAN}",
    "Die Abbuchung lief über meine Kreditkarte {CARD}.",
    "Kartennummer {CARD}, gültig bis {EXPIRY}.",
    "Beim Login wurde mir die IP {IP} angezeigt, das war nicht ich!",
    "Laut Ihrer Warnmail erfolgte der Zugriff von {IP} aus.",
    "Rückfragen bitte an {EMAIL} oder telefonisch unter {PHONE}.",
    "Tel. tagsüber {PHONE}, abends {MOBILE}",
    "Kontoinhaber {NAME}, IBAN {IBAN}, bitte das SEPA-Mandat anpassen.",
    "Bitte die Bestätigung an {EMAIL} schicken und nicht an die alte Adresse.",
    "Mein Mann ist gerade im Ausland, erreichbar unter {PHONE_INTL}.",
    "Im Sicherheitshinweis stand als Absender-IP {IP}.",
    "Die Mails von {EMAIL} landen bei mir immer im Spam.",
    "Der Router zeigt als öffentliche IPv6-Adresse {IP6}, ist das normal?",
    "Ich habe versehentlich an {EMAIL} geschrieben, bitte ignorieren Sie das.",
    "Bitte buchen Sie künftig von {IBAN} ab und nicht mehr vom alten Konto.",
    "meine nummer hat sich geändert: {MOBILE}",
    "Fax: {PHONE}",
    "Kontakt: {NAME} <{EMAIL}>",
    "Es wurde die Karte {CARD} doppelt belastet.",
    "In den Kontoeinstellungen steht noch {EMAIL}, das Postfach gibt es nicht mehr.",
    "Die Anmeldung kam laut Protokoll von {IP}, ich war aber im Urlaub.",
    "Meine Tochter hat die Bestellung gemacht, ihre Mail ist {EMAIL}.",
    "Erstattung bitte an: {NAME}, {IBAN}",
    "Meine Festnetznummer {PHONE} ist seit dem Umzug abgeschaltet, bitte nur noch {MOBILE}.",
]

T["de", "support", "mixed"] = [
    "Version {VER4}, Rückruf unter {MOBILE}",
    "Bestellung {ORDER}, Rückfragen an {EMAIL}.",
    "Rechnung {INVOICE} ({AMOUNT}) bitte erstatten auf {IBAN}.",
    "Nach dem Update auf {VER4} kam ein Login von {IP} - bitte prüfen!",
    "Kundennr. {CUST} / Tel. {PHONE} / Mail {EMAIL}",
    "Ticket {TICKET}: die IBAN {BADIBAN} war ein Tippfehler, richtig ist {IBAN}.",
    "Karte {CARD} am {DATE} um {TIME} mit {AMOUNT} belastet.",
    "Die Nummer {BADCARD} nimmt das System nicht an, bitte stattdessen {CARD} belasten.",
    "Rückruf bitte am {DATE} zwischen {TIME} und {TIME} unter {PHONE}.",
    "App {VER4}, Absender-IP {IP}, Zeitpunkt {DATE} {TIME}.",
    "Vertrag {CONTRACT}, neue IBAN {IBAN}, gültig ab {DATE}.",
    "Tel {MOBILE} / Auftrag {ORDER} / Lieferung {DATE}",
    "Treiber {VER4} installiert, danach Anmeldung von {IP6} im Log.",
    "Paket {TRACKING} nicht erhalten, bitte Info an {EMAIL}.",
    "USt-IdNr. {VAT}, Buchhaltung {EMAIL}, Tel. {PHONE}",
    "Firmware {VER4}, Rückruf {PHONE}",
    "Gutschrift {INVOICE} über {AMOUNT} bitte auf {IBAN}, nicht auf {BADIBAN}.",
]

T["de", "maintenance", "trap"] = [
    "Steuerung auf FW {VER4} aktualisiert, Neustart ok.",
    "modem {VER4} - keine Verbindung zur Cloud, LED blinkt rot.",
    "Treiber {VER4} für Framegrabber installiert, Kamera läuft.",
    "Robotersteuerung läuft mit {VER4}, Handbediengerät {VER}.",
    "Fehler {ERR} nach Update {VER4}, Rollback auf {VER4} durchgeführt.",
    "HMI-Software {SEMVER} eingespielt, Build {BUILD}.",
    "Hydraulikdruck {MEAS:bar}, Soll {MEAS:bar}.",
    "S/N {SERIAL}, Betriebsstunden {QTY:h}.",
    "Teil {PART} getauscht, Altteil ans Lager.",
    "Zählerstand {MEAS:kwh} am {DATE} abgelesen.",
    "Wartung Halle 3, Raum {ROOM}, {DATE} {TIME}.",
    "Auftrag {ORDER}, Arbeitszeit {QTY:h}, Anfahrt {QTY:km}.",
    "{DATE:iso} {TIME:log} WARN spindle temp={MEAS:temp} fw={VER4}",
    "{DATE:iso} {TIME:log} INFO job {HEX} finished cycles={QTY:cycles}",
    "Netzmaske {MASK} lt. Netzwerkplan Kap. {SECTION}.",
    "Ölwechsel {QTY:l} HLP 46, Filter {PART}.",
    "Laut Hersteller betrifft der Fehler nur {VRANGE}.",
    "Controller-MAC {MAC}, Geräte-ID {UUID}.",
    "Lieferschein {ORDER}, Paket {TRACKING}.",
    "Schwingung {MEAS:mms} bei {MEAS:rpm}, Grenzwert {MEAS:mms}.",
    "Standort Pumpe P-12: {COORD}.",
    "Auslastung {PCT}, Ausschuss {PCT}.",
    "SPS-Programm Build {BUILD}, Checksumme {HEX}.",
    "SNMP OID {OID} liefert keinen Wert mehr.",
    "Material {AMOUNT}, Arbeitszeit {QTY:h}, Kostenstelle {CUST}.",
    "Schaltschrank {ROOM}: Sicherung getauscht, Spannung {MEAS:volt}.",
    "Messprotokoll unter Az. {AZ} abgelegt.",
    "NEUSTART um {TIME}, Zyklen gesamt {QTY:cycles}",
    "Anlage steht seit {DATE} {TIME}, Fehler {ERR}.",
    "Prüfbericht {INVOICE} zu Wartungsvertrag {CONTRACT} erstellt.",
    "FW-Stand vorher {VER4}, nachher {VER4}",
    "Bediener meldet {MEAS:temp} am Lager, Sollwert {MEAS:temp}.",
    "Datalogger {PRODUCT} eingebaut, S/N {SERIAL}.",
    "Kalibrierung am {DATE}, Abweichung {PCT}.",
    "wechselrichter läuft noch auf {VER4}, update auf {VER4} geplant",
    "Kompressor {MEAS:bar} / {MEAS:temp} / {MEAS:rpm}",
    "Ersatzteilbestellung {ORDER} über {AMOUNT}, Liefertermin {DATE}.",
    "Gateway-Image {VER4} geflasht, Bootloader {VER}.",
    "Tagesproduktion {QTY:pcs}, Stillstand {QTY:h}.",
    "{MENTION} bitte Ersatzteil {PART} nachbestellen",
    "USV-Batterie getauscht, Kapazität {PCT}, Ladespannung {MEAS:volt}.",
    "Antrieb Achse 2: Umrichter-FW {VER4}, Parametersatz {VER}.",
    "Seriennummer {SERIAL} laut Typenschild, Baujahr unbekannt.",
    "Fehlerbild siehe Kap. {SECTION} der Betriebsanleitung.",
    "Lizenzdongle {HEX} abgelaufen am {DATE}.",
    "Nach Einspielen von {VER4} Kalibrierwerte weg, neu eingemessen.",
    "Garantiefall, Rechnung {INVOICE} vom {DATE}, Kunde {CUST}.",
    "Störung quittiert {TIME}, Ticket {TICKET} geschlossen.",
]

T["de", "maintenance", "real"] = [
    "SPS ist unter {IP} erreichbar, Port 502 offen.",
    "Ansprechpartner vor Ort: {NAME}, {MOBILE}.",
    "Fernwartungszugriff von {IP} um {TIME} protokolliert.",
    "src={IP} dst={IP} proto=tcp dport=443 action=DROP",
    "Wartungsbericht an {EMAIL} gesendet.",
    "Techniker {NAME} ({EMAIL}, {MOBILE}) übernimmt ab morgen.",
    "HMI bekommt keine Adresse per DHCP, statisch {IP} gesetzt.",
    "Login fehlgeschlagen für Benutzer wartung von {IP}",
    "Rückfragen Schichtleiter: {PHONE}",
    "Client {IP6} verbunden, Sitzung gestartet.",
    "Ersatzteilrechnung bitte an {EMAIL}, Kosten trägt Kunde.",
    "Kunde bittet um Rückruf: {PHONE}",
    "Kamera antwortet nicht auf Ping an {IP}.",
    "Neue IP der Waage: {IP}",
    "Bereitschaft diese Woche: {MOBILE}",
    "VPN-Verbindung kam von {IP} (Homeoffice Hr. {LAST}).",
    "Alarm-SMS geht an {MOBILE} und {MOBILE}.",
    "Zugangsdaten an {EMAIL} geschickt.",
    "Servicetechniker des Herstellers direkt: {PHONE_INTL}",
    "Drucker im Büro hat jetzt die Adresse {IP}.",
]

T["de", "maintenance", "mixed"] = [
    "{DATE:iso} {TIME:log} sshd: Failed password for root from {IP} port 52344",
    "FW {VER4} eingespielt, Gerät danach unter {IP} erreichbar.",
    "Firmware {VER4}; IP {IP}; Maske {MASK}",
    "Auftrag {ORDER} erledigt, Bericht an {EMAIL}.",
    "S/N {SERIAL}, Kontakt Betreiber {PHONE}.",
    "Rollback auf {VER4}, Rückmeldung an {NAME} unter {MOBILE}.",
    "{DATE:iso} {TIME:log} WARN plc fw={VER4} peer={IP} temp={MEAS:temp}",
    "MAC {MAC} hat per DHCP {IP} bekommen.",
    "Treiber {VER4}, Zugriff von {IP6} erlaubt.",
    "Teil {PART} bestellt, Rückfragen an {EMAIL} oder {PHONE}.",
    "Stand {VER4}, Hotline-Rückruf an {MOBILE}, Ticket {TICKET}.",
]

T["en", "support", "trap"] = [
    "After updating to {VER4} the app crashes on launch.",
    "Since version {VER4} the CSV export is broken.",
    "updated to {VER4} yesterday and now nothing works lol",
    "My laptop is still on {VER4}, the tablet already runs {VER}.",
    "Driver {VER4} won't install, error {ERR}.",
    "The modem updated itself to firmware {VER4} and keeps dropping the connection.",
    "My order {ORDER} placed on {DATE} still hasn't arrived.",
    "Order no. {ORDER}: I received {QTY:pcs} instead of {QTY:pcs}.",
    "Invoice {INVOICE} for {AMOUNT} was charged twice.",
    "Invoice number {INVOICE}, amount {AMOUNT}, due {DATE}.",
    "Re: ticket {TICKET}",
    "Regarding your letter dated {DATE}, reference {AZ}.",
    "Tracking ({TRACKING}) hasn't updated since {DATE}.",
    "Customer number {CUST}, contract number {CONTRACT}.",
    "Please add our VAT ID {VAT} to the invoice.",
    "Shipping address is still 1200 Industrial Pkwy, {CITY} {PLZ}.",
    "Section {SECTION} of the manual says something different from the app.",
    "The portal rejects IBAN {BADIBAN}, it says the check digits are wrong.",
    "Gift card code {BADCARD} is not accepted at checkout.",
    "The appointment on {DATE} at {TIME} doesn't work for me, could we do {TIME}?",
    "Device S/N {SERIAL} shows only {PCT} battery after {QTY:h}.",
    "The router shows subnet mask {MASK}, is that right?",
    "App version {SEMVER} (build {BUILD}) on Android 14.",
    "Spare part {PART} has been out of stock for weeks.",
    "Device ID from the settings page: {UUID}",
    "MAC address of the extender: {MAC}",
    "License ID {HEX} shows as expired although it's paid until {DATE}.",
    "The book with ISBN {ISBN} was missing from the parcel.",
    "Item {PRODUCT} was marked {PCT} off but I was charged the full {AMOUNT}.",
    "Does this only affect versions {VRANGE}?",
    "The tracking map shows the parcel at {COORD}.",
    "We were billed for {MEAS:kwh}, that can't be right.",
    "Uploading {AT_FILE} always fails.",
    "{MENTION} can you take this one?",
    "The payment of {AMOUNT} left my account on {DATE} at {TIME}.",
    "My card is valid until {EXPIRY} but I still get error {ERR}.",
    "been a customer since {DATE} and never had this!!! order {ORDER}",
    "After the firmware update {VER4} the wifi password was reset.",
    "The till now runs {VER4}, before that we had {VER4} on it.",
    "Downgrading to {VER4} didn't help either.",
    "Contract {CONTRACT} says the term ends {DATE}, but you still take {AMOUNT} a month.",
    "Return for order {ORDER}, label {TRACKING}.",
    "The tax number {VAT} on the credit note is wrong.",
    "The printer is in room {ROOM} if the technician comes by.",
    "Router reports OS {VER4}, the update to {VER} stops at {PCT}.",
    "Your colleague said {VER4} fixes it. It doesn't.",
    "running build {VER4} on the kiosk, same issue",
    "Meter says {MEAS:kwh}, you billed {MEAS:kwh}. please check!",
    "The heating won't go above {MEAS:temp}, pressure is at {MEAS:bar}.",
]

T["en", "support", "real"] = [
    "You can reach me at {PHONE}.",
    "Please call me back: {MOBILE}",
    "Call back on {MOBILE}, I'm home after {TIME}.",
    "My new email address is {EMAIL}, please update my account.",
    "Please send the refund to IBAN {IBAN}.",
    "New bank details from {DATE}: {IBAN}",
    "The charge went to my credit card {CARD}.",
    "Card number {CARD}, expires {EXPIRY}.",
    "The login page showed IP {IP}, that wasn't me!",
    "Your warning email says the access came from {IP}.",
    "Questions to {EMAIL} or by phone on {PHONE}.",
    "Daytime {PHONE}, evenings {MOBILE}",
    "Account holder {NAME}, IBAN {IBAN}, please update the direct debit.",
    "Please send the confirmation to {EMAIL}, not to the old address.",
    "My husband is abroad right now, he's on {PHONE_INTL}.",
    "The security notice listed the sender IP as {IP}.",
    "Emails from {EMAIL} always end up in my spam folder.",
    "The router shows {IP6} as public IPv6 address, is that normal?",
    "I accidentally wrote to {EMAIL}, please ignore that.",
    "Please debit {IBAN} from now on, not the old account.",
    "my number changed: {MOBILE}",
    "Fax: {PHONE}",
    "Contact: {NAME} <{EMAIL}>",
    "Card {CARD} was charged twice.",
    "The account settings still show {EMAIL}, that mailbox no longer exists.",
    "According to the log the sign-in came from {IP} but I was on holiday.",
    "My daughter placed the order, her email is {EMAIL}.",
    "Refund to: {NAME}, {IBAN}",
    "My landline {PHONE} is disconnected since the move, please only use {MOBILE}.",
]

T["en", "support", "mixed"] = [
    "Version {VER4}, call back on {MOBILE}",
    "Order {ORDER}, questions to {EMAIL}.",
    "Invoice {INVOICE} ({AMOUNT}) please refund to {IBAN}.",
    "After updating to {VER4} there was a login from {IP} - please check!",
    "Cust. no. {CUST} / tel {PHONE} / mail {EMAIL}",
    "Ticket {TICKET}: IBAN {BADIBAN} was a typo, the correct one is {IBAN}.",
    "Card {CARD} charged {AMOUNT} on {DATE} at {TIME}.",
    "The system won't take {BADCARD}, please charge card {CARD} instead.",
    "Please call on {DATE} between {TIME} and {TIME} on {PHONE}.",
    "App {VER4}, sender IP {IP}, time {DATE} {TIME}.",
    "Contract {CONTRACT}, new IBAN {IBAN}, valid from {DATE}.",
    "Tel {MOBILE} / order {ORDER} / delivery {DATE}",
    "Installed driver {VER4}, afterwards a sign-in from {IP6} in the log.",
    "Parcel {TRACKING} never arrived, please reply to {EMAIL}.",
    "VAT ID {VAT}, accounts {EMAIL}, phone {PHONE}",
    "Firmware {VER4}, callback {PHONE}",
    "Credit note {INVOICE} for {AMOUNT} to {IBAN} please, not {BADIBAN}.",
]

T["en", "maintenance", "trap"] = [
    "Controller updated to FW {VER4}, reboot ok.",
    "modem {VER4} - no cloud connection, LED blinking red.",
    "Installed driver {VER4} for the frame grabber, camera ok.",
    "Robot controller runs {VER4}, teach pendant {VER}.",
    "Fault {ERR} after update {VER4}, rolled back to {VER4}.",
    "HMI software {SEMVER} deployed, build {BUILD}.",
    "Hydraulic pressure {MEAS:bar}, setpoint {MEAS:bar}.",
    "S/N {SERIAL}, operating hours {QTY:h}.",
    "Replaced part {PART}, old part to stores.",
    "Meter reading {MEAS:kwh} on {DATE}.",
    "PM hall 3, room {ROOM}, {DATE} {TIME}.",
    "Work order {ORDER}, labour {QTY:h}, travel {QTY:km}.",
    "{DATE:iso} {TIME:log} WARN spindle temp={MEAS:temp} fw={VER4}",
    "{DATE:iso} {TIME:log} INFO job {HEX} finished cycles={QTY:cycles}",
    "Netmask {MASK} per network drawing sect. {SECTION}.",
    "Oil change {QTY:l} ISO VG 46, filter {PART}.",
    "Vendor says the bug only affects {VRANGE}.",
    "Controller MAC {MAC}, device ID {UUID}.",
    "Delivery note {ORDER}, parcel {TRACKING}.",
    "Vibration {MEAS:mms} at {MEAS:rpm}, limit {MEAS:mms}.",
    "Location pump P-12: {COORD}.",
    "OEE {PCT}, scrap {PCT}.",
    "PLC program build {BUILD}, checksum {HEX}.",
    "SNMP OID {OID} returns no value anymore.",
    "Materials {AMOUNT}, labour {QTY:h}, cost centre {CUST}.",
    "Cabinet {ROOM}: replaced fuse, voltage {MEAS:volt}.",
    "Test report filed under ref. {AZ}.",
    "REBOOT at {TIME}, total cycles {QTY:cycles}",
    "Line down since {DATE} {TIME}, fault {ERR}.",
    "Inspection report {INVOICE} for service contract {CONTRACT} done.",
    "FW before {VER4}, after {VER4}",
    "Operator reports {MEAS:temp} at bearing, setpoint {MEAS:temp}.",
    "Fitted data logger {PRODUCT}, S/N {SERIAL}.",
    "Calibrated on {DATE}, deviation {PCT}.",
    "inverter still on {VER4}, update to {VER4} planned",
    "compressor {MEAS:bar} / {MEAS:temp} / {MEAS:rpm}",
    "Spares order {ORDER} for {AMOUNT}, ETA {DATE}.",
    "Flashed gateway image {VER4}, bootloader {VER}.",
    "Output today {QTY:pcs}, downtime {QTY:h}.",
    "{MENTION} pls reorder spare {PART}",
    "UPS battery replaced, capacity {PCT}, float voltage {MEAS:volt}.",
    "Axis 2 drive: inverter FW {VER4}, parameter set {VER}.",
    "Serial number {SERIAL} per nameplate, year unknown.",
    "Symptoms match section {SECTION} of the operating manual.",
    "License dongle {HEX} expired on {DATE}.",
    "After loading {VER4} the calibration was gone, re-measured.",
    "Warranty claim, invoice {INVOICE} dated {DATE}, customer {CUST}.",
    "Fault acknowledged {TIME}, ticket {TICKET} closed.",
    "scanner running build {VER4}, reflashed, same fault",
]

T["en", "maintenance", "real"] = [
    "PLC reachable at {IP}, port 502 open.",
    "On-site contact: {NAME}, {MOBILE}.",
    "Remote access from {IP} logged at {TIME}.",
    "src={IP} dst={IP} proto=tcp dport=443 action=DROP",
    "Service report sent to {EMAIL}.",
    "Technician {NAME} ({EMAIL}, {MOBILE}) takes over tomorrow.",
    "HMI gets no DHCP lease, set static address {IP}.",
    "Login failed for user maint from {IP}",
    "Shift lead for questions: {PHONE}",
    "Client {IP6} connected, session started.",
    "Spares invoice to {EMAIL}, customer pays.",
    "Customer asks for a call back: {PHONE}",
    "Camera does not answer ping to {IP}.",
    "New IP of the scale: {IP}",
    "On call this week: {MOBILE}",
    "VPN connection came from {IP} (Mr {LAST} working from home).",
    "Alarm texts go to {MOBILE} and {MOBILE}.",
    "Credentials sent to {EMAIL}.",
    "Vendor field engineer direct line: {PHONE_INTL}",
    "Office printer now has address {IP}.",
]

T["en", "maintenance", "mixed"] = [
    "{DATE:iso} {TIME:log} sshd: Failed password for root from {IP} port 52344",
    "Loaded FW {VER4}, device reachable at {IP} afterwards.",
    "firmware {VER4}; ip {IP}; mask {MASK}",
    "Work order {ORDER} done, report to {EMAIL}.",
    "S/N {SERIAL}, operator contact {PHONE}.",
    "Rolled back to {VER4}, feedback to {NAME} on {MOBILE}.",
    "{DATE:iso} {TIME:log} WARN plc fw={VER4} peer={IP} temp={MEAS:temp}",
    "MAC {MAC} got {IP} via DHCP.",
    "Driver {VER4}, access from {IP6} allowed.",
    "Ordered part {PART}, questions to {EMAIL} or {PHONE}.",
    "Running {VER4}, hotline callback to {MOBILE}, ticket {TICKET}.",
]

GREETING = {
    "de": ["Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,", "Hallo zusammen,", "Hi,",
           "Moin,", "Guten Tag Frau {LAST},", "Hallo Herr {LAST},", "Liebes Support-Team,",
           "Servus,"],
    "en": ["Hello,", "Hi there,", "Dear Sir or Madam,", "Hi team,", "Hey,", "Good morning,",
           "Dear Ms {LAST},", "Hello Mr {LAST},", "To whom it may concern,"],
}
CLOSING = {
    "de": ["Viele Grüße\n{NAME}", "MfG {NAME}", "Danke im Voraus!", "Mit freundlichen Grüßen\n"
           "{NAME}", "Gruß {FIRST}", "LG {FIRST}", "Beste Grüße aus {CITY}\n{NAME}"],
    "en": ["Best regards,\n{NAME}", "Thanks, {FIRST}", "Cheers\n{FIRST}", "Kind regards\n{NAME}",
           "Thanks in advance!", "Regards, {NAME}, {COMPANY}"],
}
CLOSING_TRAP = {
    "de": ["Mit freundlichen Grüßen\n{NAME}\nKundennr. {CUST}",
           "Viele Grüße, {NAME} (Bestellung {ORDER})",
           "Gruß {FIRST}\n{COMPANY}, USt-IdNr. {VAT}",
           "--\nGesendet mit App {VER4} am {DATE} um {TIME}"],
    "en": ["Kind regards\n{NAME}\nCustomer no. {CUST}",
           "Thanks, {NAME} (order {ORDER})",
           "Regards\n{FIRST}\n{COMPANY}, VAT {VAT}",
           "--\nSent from app {VER4} on {DATE} at {TIME}"],
}
SIGNATURE_REAL = {
    "de": ["Mit freundlichen Grüßen\n{NAME}\nTel. {PHONE}\n{EMAIL}",
           "Gruß {FIRST}\nMobil: {MOBILE}",
           "--\n{NAME}\n{COMPANY}\nTelefon {PHONE}\nE-Mail {EMAIL}",
           "Viele Grüße\n{NAME}\nTel.: {PHONE} | Fax: {PHONE}",
           "LG {FIRST} ({MOBILE})"],
    "en": ["Best regards,\n{NAME}\nTel. {PHONE}\n{EMAIL}",
           "Cheers, {FIRST}\nMobile: {MOBILE}",
           "--\n{NAME}\n{COMPANY}\nPhone {PHONE}\nEmail {EMAIL}",
           "Regards\n{NAME}\nT: {PHONE} | F: {PHONE}",
           "Thanks, {FIRST} ({MOBILE})"],
}
MAINT_HEADER = {
    "de": ["Serviceeinsatz {DATE}, {MACHINE}:", "Störung {MACHINE}", "Techniker-Notiz:",
           "Wartungsprotokoll {MACHINE}", "Schichtbuch Spätschicht:", "TODO {MACHINE}"],
    "en": ["Service visit {DATE}, {MACHINE}:", "Fault {MACHINE}", "Tech note:",
           "PM log {MACHINE}", "Shift log, late shift:", "TODO {MACHINE}"],
}

PLACEHOLDER = re.compile(r"\{([A-Z0-9_]+)(?::([a-z0-9_]+))?\}")


def placeholders(tpl: str) -> list[str]:
    """Names of the placeholders in ``tpl``."""
    return [m.group(1) for m in PLACEHOLDER.finditer(tpl)]


# --------------------------------------------------------------------------------------
# value generators
# --------------------------------------------------------------------------------------

DE_AREAS = ["30", "40", "89", "69", "221", "211", "711", "911", "351", "341", "511", "421",
            "201", "231", "6221", "7531", "8821", "4321", "2331", "3641", "371", "381", "431",
            "621", "721", "761", "228", "5251"]
DE_MOBILE = ["151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173",
             "174", "175", "176", "177", "178", "179"]
US_AREAS = ["212", "415", "312", "617", "206", "512", "303", "404", "503", "615", "919",
            "720", "646", "213"]
IP_PUBLIC_FIRST = [31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 84, 85, 87, 88, 89, 91, 93, 94, 95,
                   109, 130, 134, 141, 145, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217]


class Gen:
    """All value generators, sharing one seeded ``random.Random``."""

    def __init__(self, rng: random.Random):
        self.r = rng
        self.phone_meta: dict[str, tuple[int, str]] = {}

    # ---------------------------------------------------------------- helpers
    def digits(self, n: int, first_nonzero: bool = False) -> str:
        r = self.r
        s = "".join(r.choice("0123456789") for _ in range(n))
        if first_nonzero and s and s[0] == "0":
            s = r.choice("123456789") + s[1:]
        return s

    def pick(self, seq):
        return self.r.choice(seq)

    def fillers(self, name: str, lang: str) -> str:
        r = self.r
        if name == "NAME":
            return f"{r.choice(FIRST[lang])} {r.choice(LAST[lang])}"
        if name == "FIRST":
            return r.choice(FIRST[lang])
        if name == "LAST":
            return r.choice(LAST[lang])
        if name == "CITY":
            return r.choice(CITY[lang])
        if name == "COMPANY":
            return r.choice(COMPANY[lang])
        return r.choice(MACHINE[lang])

    # ---------------------------------------------------------------- real: e-mail
    def email(self, lang: str) -> str:
        r = self.r
        first = r.choice(FIRST[lang]).translate(TRANSLIT)
        last = r.choice(LAST[lang]).translate(TRANSLIT)
        f, la = first.lower(), last.lower()
        style = r.randrange(9)
        local = [f"{f}.{la}", f"{f[0]}.{la}", f"{f}{la}", f"{f}_{la}", f"{la}.{f}",
                 f"{f}.{la}{r.randint(1, 99)}", f"{f}-{la[0]}", f"{la}{r.randint(60, 99)}",
                 f"{f[0]}{la}"][style]
        if r.random() < 0.15:
            local += "+" + r.choice(EMAIL_TAGS)
        domain = r.choice(EMAIL_DOMAINS[lang] + EMAIL_DOMAINS["de" if lang == "en" else "en"][:3])
        if r.random() < 0.15:
            domain = f"{r.choice(EMAIL_SUBDOMAINS)}.{domain}"
        addr = f"{local}@{domain}"
        u = r.random()
        if u < 0.06:
            addr = addr.upper()
        elif u < 0.16:
            local = ".".join(p[:1].upper() + p[1:] for p in local.split("."))
            addr = f"{local}@{domain[:1].upper()}{domain[1:]}"
        return addr

    # ---------------------------------------------------------------- real: phones
    def _valid(self, cc: int, nsn: str) -> bool:
        num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(nsn))
        return phonenumbers.is_valid_number(num)

    def _remember(self, value: str, cc: int, nsn: str) -> str:
        self.phone_meta[value] = (cc, nsn)
        return value

    def phone_de_landline(self) -> str:
        r = self.r
        while True:
            a = r.choice(DE_AREAS)
            sub_len = r.randint(max(5, 9 - len(a)), 11 - len(a))
            s = self.digits(sub_len, first_nonzero=True)
            style = r.randrange(18)
            if style >= 15:
                s = s[:-1] + "0"  # switchboard number written with "-0"
            if self._valid(49, a + s):
                break
        grouped = s[:3] + " " + " ".join(s[i:i + 2] for i in range(3, len(s), 2))
        forms = [f"0{a} {s}", f"0{a}/{s}", f"0{a}-{s}", f"(0{a}) {s}", f"0{a} {grouped}",
                 f"0{a}.{s}", f"0{a} / {s}", f"+49 {a} {s}", f"+49 (0){a} {s}",
                 f"+49-{a}-{s}", f"0049 {a} {s}", f"+49{a}{s}", f"+49.{a}.{s}",
                 f"+49 {a} {grouped}", f"+49 (0) {a} {s}",
                 f"+49 {a} {s[:-1]}-{s[-1]}", f"+49 (0){a} {s[:3]} {s[3:-1]}-{s[-1]}",
                 f"(0){a} {s[:3]} {s[3:-1]}-{s[-1]}"]
        return self._remember(forms[style], 49, a + s)

    def phone_de_mobile(self) -> str:
        r = self.r
        while True:
            p = r.choice(DE_MOBILE)
            s = self.digits(r.choice([7, 8]), first_nonzero=True)
            if self._valid(49, p + s):
                break
        forms = [f"0{p} {s}", f"0{p}/{s}", f"0{p}-{s}", f"0{p}{s}", f"+49 {p} {s}",
                 f"+49 (0){p} {s}", f"+49{p} {s}", f"+49{p}{s}",
                 f"0{p} {s[:3]} {s[3:5]} {s[5:]}", f"0049 {p} {s}", f"0{p}.{s}",
                 f"+49 {p} {s[:3]} {s[3:]}", f"(0{p}) {s}"]
        return self._remember(r.choice(forms), 49, p + s)

    def phone_us(self) -> str:
        r = self.r
        while True:
            a = r.choice(US_AREAS)
            e = r.choice("23456789") + self.digits(2)
            ln = self.digits(4)
            if self._valid(1, a + e + ln):
                break
        forms = [f"+1 ({a}) {e}-{ln}", f"({a}) {e}-{ln}", f"{a}-{e}-{ln}", f"+1 {a} {e} {ln}",
                 f"+1-{a}-{e}-{ln}", f"{a}.{e}.{ln}", f"1-{a}-{e}-{ln}", f"+1 {a}-{e}-{ln}"]
        return self._remember(r.choice(forms), 1, a + e + ln)

    def phone_uk(self, mobile: bool = False, intl_only: bool = False) -> str:
        r = self.r
        while True:
            kind = "m" if mobile else r.choice(["lon", "lon", "man"])
            if kind == "lon":
                a, rest = "20", r.choice(["7946", "3", "7", "8"])
                rest = rest + self.digits(8 - len(rest))
                nsn = a + rest
                parts = (a, rest[:4], rest[4:])
            elif kind == "man":
                a, rest = "161", r.choice("24789") + self.digits(6)
                nsn = a + rest
                parts = (a, rest[:3], rest[3:])
            else:
                rest = "7" + r.choice("4589") + self.digits(8)
                nsn = rest
                parts = (rest[:4], rest[4:], "")
            if self._valid(44, nsn):
                break
        x, y, z = parts
        tail = f"{y} {z}".strip()
        forms_intl = [f"+44 {x} {tail}", f"+44 (0){x} {tail}", f"0044 {x} {tail}"]
        forms_nat = [f"0{x} {tail}", f"(0{x}) {tail}"]
        forms = forms_intl if intl_only else forms_intl + forms_nat * 2
        return self._remember(r.choice(forms), 44, nsn)

    def phone_other_intl(self) -> str:
        r = self.r
        while True:
            c = r.choice(["at", "at_m", "ch", "ch_m", "fr", "nl", "us", "uk", "de", "de_m"])
            if c == "us":
                v = self.phone_us()
                if v.startswith("+"):
                    return v
                continue
            if c == "uk":
                return self.phone_uk(intl_only=True)
            if c in ("de", "de_m"):
                v = self.phone_de_landline() if c == "de" else self.phone_de_mobile()
                if v.startswith(("+", "00")):
                    return v
                continue
            if c == "at":
                cc, nsn = 43, "1" + self.digits(7, True)
                val = f"+43 1 {nsn[1:]}"
                if r.random() < 0.4:
                    val = f"+43 (0)1 {nsn[1:4]} {nsn[4:]}"
            elif c == "at_m":
                cc, nsn = 43, r.choice(["664", "650", "676", "699"]) + self.digits(7, True)
                val = f"+43 {nsn[:3]} {nsn[3:]}"
            elif c == "ch":
                cc, nsn = 41, r.choice(["44", "31", "61", "21"]) + self.digits(7, True)
                val = f"+41 {nsn[:2]} {nsn[2:5]} {nsn[5:7]} {nsn[7:]}"
                if r.random() < 0.3:
                    val = "0041" + val[3:]
            elif c == "ch_m":
                cc, nsn = 41, r.choice(["76", "77", "78", "79"]) + self.digits(7, True)
                val = f"+41 {nsn[:2]} {nsn[2:5]} {nsn[5:7]} {nsn[7:]}"
            elif c == "fr":
                cc, nsn = 33, r.choice("1234567") + self.digits(8)
                val = "+33 " + nsn[0] + " " + " ".join(nsn[i:i + 2] for i in range(1, 9, 2))
            else:
                cc, nsn = 31, r.choice(["20", "10", "30", "70"]) + self.digits(7, True)
                val = f"+31 {nsn[:2]} {nsn[2:5]} {nsn[5:]}"
            if self._valid(cc, nsn):
                return self._remember(val, cc, nsn)

    def phone(self, lang: str) -> str:
        if lang == "de":
            return self.phone_de_landline() if self.r.random() < 0.75 else self.phone_de_mobile()
        return self.phone_us() if self.r.random() < 0.55 else self.phone_uk()

    def mobile(self, lang: str) -> str:
        if lang == "de":
            return self.phone_de_mobile()
        return self.phone_uk(mobile=True) if self.r.random() < 0.5 else self.phone_us()

    # ---------------------------------------------------------------- real: IBAN
    def _bban(self, cc: str) -> str:
        r = self.r
        up = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if cc == "DE":
            return self.digits(8, True) + self.digits(10)
        if cc == "AT":
            return self.digits(5, True) + self.digits(11)
        if cc == "CH":
            return self.digits(5) + self.digits(12)
        if cc == "NL":
            return r.choice(["ABNA", "INGB", "RABO", "TRIO", "SNSB"]) + self.digits(10)
        if cc == "GB":
            return r.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + self.digits(14)
        if cc == "FR":
            return self.digits(10) + self.digits(11) + self.digits(2)
        if cc == "IT":
            return r.choice(up) + self.digits(10) + self.digits(12)
        if cc == "LU":
            return self.digits(3) + self.digits(13)
        if cc == "PL":
            return self.digits(24)
        # BE: 10 digits plus mod-97 national check
        body = self.digits(10)
        chk = int(body) % 97 or 97
        return body + f"{chk:02d}"

    def iban_compact(self) -> str:
        cc = self.r.choice(["DE"] * 10 + ["AT"] * 3 + ["CH"] * 2 + ["NL", "GB", "FR", "IT",
                                                                      "LU", "PL", "BE"])
        while True:
            bban = self._bban(cc)
            compact = cc + iban_check_digits(cc, bban) + bban
            if stdnum_iban.is_valid(compact):
                return compact

    def format_iban(self, compact: str) -> str:
        r = self.r
        u = r.random()
        groups = [compact[i:i + 4] for i in range(0, len(compact), 4)]
        if u < 0.45:
            s = " ".join(groups)
        elif u < 0.75:
            s = compact
        elif u < 0.9:
            s = "-".join(groups)
        else:
            s = " ".join(groups)
        if r.random() < 0.04:
            s = s.lower()
        return s

    def iban(self) -> str:
        return self.format_iban(self.iban_compact())

    def bad_iban(self) -> str:
        r = self.r
        while True:
            c = self.iban_compact()
            mode = r.randrange(4)
            if mode == 0:  # wrong check digits
                c = c[:2] + f"{(int(c[2:4]) + r.randint(1, 95)) % 100:02d}" + c[4:]
            elif mode == 1:  # one digit mistyped
                idxs = [i for i in range(4, len(c)) if c[i].isdigit()]
                i = r.choice(idxs)
                c = c[:i] + str((int(c[i]) + r.randint(1, 9)) % 10) + c[i + 1:]
            elif mode == 2:  # two neighbours swapped
                idxs = [i for i in range(4, len(c) - 1)
                        if c[i].isdigit() and c[i + 1].isdigit() and c[i] != c[i + 1]]
                i = r.choice(idxs)
                c = c[:i] + c[i + 1] + c[i] + c[i + 2:]
            else:  # one digit dropped
                idxs = [i for i in range(4, len(c)) if c[i].isdigit()]
                i = r.choice(idxs)
                c = c[:i] + c[i + 1:]
            if iban_mod97(c) == 1:
                continue
            s = self.format_iban(c)
            if trap_clean(s):
                return s

    # ---------------------------------------------------------------- real: cards
    def card_digits(self) -> str:
        r = self.r
        u = r.random()
        if u < 0.45:
            body = "4" + self.digits(14)
        elif u < 0.7:
            body = r.choice(["51", "52", "53", "54", "55"]) + self.digits(13)
        elif u < 0.8:
            body = str(r.randint(2221, 2720)) + self.digits(11)
        elif u < 0.95:
            body = r.choice(["34", "37"]) + self.digits(12)
        else:
            body = "6011" + self.digits(11)
        return body + luhn_digit(body)

    def format_card(self, d: str) -> str:
        r = self.r
        u = r.random()
        g = [d[:4], d[4:10], d[10:]] if len(d) == 15 else [d[i:i + 4] for i in range(0, len(d), 4)]
        if u < 0.55:
            return " ".join(g)
        if u < 0.8:
            return d
        return "-".join(g)

    def card(self) -> str:
        d = self.card_digits()
        assert luhn_ok(d)
        return self.format_card(d)

    def bad_card(self) -> str:
        while True:
            d = self.card_digits()
            d = d[:-1] + str((int(d[-1]) + self.r.randint(1, 9)) % 10)
            assert not luhn_ok(d)
            s = self.format_card(d)
            if trap_clean(s):
                return s

    # ---------------------------------------------------------------- real: IPs
    def ip(self) -> str:
        r = self.r
        u = r.random()
        if u < 0.3:
            return f"192.168.{r.choice([0, 1, 2, 10, 100, 178, r.randint(3, 254)])}." \
                   f"{r.randint(2, 254)}"
        if u < 0.5:
            return f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        if u < 0.6:
            return f"172.{r.randint(16, 31)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        if u < 0.68:
            return f"{r.choice(['203.0.113', '198.51.100', '192.0.2'])}.{r.randint(1, 254)}"
        return (f"{r.choice(IP_PUBLIC_FIRST)}.{r.randint(0, 255)}.{r.randint(0, 255)}."
                f"{r.randint(1, 254)}")

    def ip6(self) -> str:
        r = self.r
        prefix = r.choice(["2001:db8", "2a02:8108", "2a01:c22", "2003:e2", "2001:16b8",
                           "fe80:0", "2a00:1450"])
        groups = prefix.split(":") + [f"{r.randrange(0x10000):x}" for _ in range(6)]
        if prefix.startswith("fe80"):
            groups[1:4] = ["0", "0", "0"]
        text = ":".join(groups[:8])
        if r.random() < 0.5:
            addr = ipaddress.IPv6Address(text)
            text = addr.compressed
        return text

    # ---------------------------------------------------------------- traps
    def ver4(self) -> str:
        r = self.r
        u = r.random()
        if u < 0.55:  # every part <= 255: an IP look-alike
            v = f"{r.randint(1, 20)}.{r.randint(0, 30)}.{r.randint(0, 255)}.{r.randint(0, 255)}"
        elif u < 0.75:
            v = f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(10000, 22631)}." \
                f"{r.randint(1, 4000)}"
        elif u < 0.9:
            v = f"{r.randint(1, 40)}.{r.randint(0, 9)}.{r.randint(0, 300)}.{r.randint(0, 9999)}"
        else:
            v = f"{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}"
        if r.random() < 0.08:
            v = r.choice(["v", "V"]) + v
        return v

    def ver(self) -> str:
        r = self.r
        if r.random() < 0.6:
            return f"{r.randint(1, 20)}.{r.randint(0, 30)}.{r.randint(0, 40)}"
        return r.choice(["", "v"]) + f"{r.randint(1, 12)}.{r.randint(0, 99)}"

    def semver(self) -> str:
        r = self.r
        base = f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}"
        suf = r.choice([f"-rc{r.randint(1, 5)}", f"-beta.{r.randint(1, 9)}", "-SNAPSHOT",
                        f"+build.{r.randint(1, 999)}", f"-alpha{r.randint(1, 3)}",
                        f"-hotfix.{r.randint(1, 4)}",
                        f"-{r.randint(1, 40)}-g{r.getrandbits(28):07x}"])
        return r.choice(["v", "", ""]) + base + suf

    def build(self) -> str:
        r = self.r
        return r.choice([f"2026{r.randint(1, 12):02d}{r.randint(1, 28):02d}.{r.randint(1, 9)}",
                         str(r.randint(10000, 99999)), f"b{r.randint(100, 9999)}",
                         f"{r.randint(2019, 2026)}.{r.randint(1, 52)}.{r.randint(1, 999)}",
                         f"#{r.randint(100, 9999)}"])

    def date(self, lang: str, arg: str | None) -> str:
        r = self.r
        y, m, d = r.randint(2019, 2027), r.randint(1, 12), r.randint(1, 28)
        if arg == "iso":
            return f"{y}-{m:02d}-{d:02d}"
        months_de = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                     "September", "Oktober", "November", "Dezember"]
        months_en = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                     "Nov", "Dec"]
        if lang == "de":
            forms = [f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y % 100:02d}", f"{d:02d}.{m:02d}.",
                     f"{y}-{m:02d}-{d:02d}", f"{d}. {months_de[m - 1]} {y}", f"{d}.{m}.{y}"]
        else:
            forms = [f"{m:02d}/{d:02d}/{y}", f"{d:02d}/{m:02d}/{y}",
                     f"{months_en[m - 1]} {d}, {y}", f"{y}-{m:02d}-{d:02d}",
                     f"{d} {months_en[m - 1]} {y}", f"{d:02d}.{m:02d}.{y}", f"{m}/{d}/{y % 100}"]
        return r.choice(forms)

    def time_(self, lang: str, arg: str | None) -> str:
        r = self.r
        h, mi, s = r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)
        if arg == "log":
            return f"{h:02d}:{mi:02d}:{s:02d}"
        if lang == "de":
            return r.choice([f"{h:02d}:{mi:02d}", f"{h}.{mi:02d} Uhr", f"{h:02d}:{mi:02d} Uhr",
                             f"{h}:{mi:02d}:{s:02d}", f"{h} Uhr"])
        h12 = h % 12 or 12
        return r.choice([f"{h:02d}:{mi:02d}", f"{h12}:{mi:02d} {'pm' if h >= 12 else 'am'}",
                         f"{h12}{'PM' if h >= 12 else 'AM'}", f"{h:02d}:{mi:02d}:{s:02d}"])

    def order(self) -> str:
        r = self.r
        return r.choice([f"{r.choice(['45', '30', '12'])}{self.digits(8)}",
                         f"A-{r.randint(2019, 2026)}-{self.digits(6)}",
                         f"#{r.randint(100000, 999999)}", f"WEB-{self.digits(5)}-DE",
                         f"{r.randint(2019, 2026)}/{self.digits(4)}",
                         f"0{r.choice('123456789')}{self.digits(8)}",
                         f"{self.digits(3, True)}-{self.digits(7)}-{self.digits(7)}",
                         f"PO {self.digits(4, True)}-{self.digits(4)}"])

    def invoice(self) -> str:
        r = self.r
        return r.choice([f"RE-{r.randint(2019, 2026)}-{self.digits(5)}",
                         f"{r.randint(2019, 2026)}/{self.digits(5)}", f"INV-{self.digits(5)}",
                         f"R{self.digits(9, True)}", f"{self.digits(10, True)}"])

    def ticket(self) -> str:
        r = self.r
        return r.choice([f"#{self.digits(4, True)}-{self.digits(4)}", f"INC{self.digits(7)}",
                         f"T-{r.randint(2019, 2026)}-{self.digits(6)}",
                         f"#{self.digits(5, True)}", f"CS-{self.digits(7, True)}",
                         f"[#{self.digits(6, True)}]"])

    def az(self) -> str:
        r = self.r
        return r.choice([f"{r.randint(1, 40)} O {r.randint(1, 999)}/{r.randint(19, 26)}",
                         f"{r.randint(1, 99)}-{r.randint(2019, 2026)}/{self.digits(4)}",
                         f"AZ-{r.randint(2019, 2026)}-{self.digits(4)}",
                         f"VII ZR {r.randint(1, 300)}/{r.randint(19, 26)}",
                         f"{self.digits(3, True)}/{self.digits(3)}/{self.digits(5)}"])

    def serial(self) -> str:
        r = self.r
        up = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        return r.choice([f"{self.digits(4, True)}-{self.digits(4)}-{self.digits(4)}",
                         self.digits(14, True),
                         f"{r.choice(up)}{r.randint(1, 9)}{r.choice(up)}{r.randint(1, 9)}-"
                         f"{self.digits(4)}-{r.choice(up)}{r.choice(up)}",
                         f"SN{self.digits(4)}-{self.digits(2)}-{self.digits(3)}",
                         " ".join([self.digits(4, True)] + [self.digits(4) for _ in range(3)]),
                         f"{r.getrandbits(40):010X}"])

    def part(self) -> str:
        r = self.r
        return r.choice([f"6ES7 {self.digits(3)}-{r.randint(1, 9)}AG40-0XB0",
                         f"{self.digits(3)}-{self.digits(4)}-{self.digits(2)}",
                         f"{self.digits(3, True)}.{self.digits(3)}.{self.digits(2)}",
                         f"A2C-{self.digits(5)}-{self.digits(2)}",
                         f"P/N {self.digits(4)}-{self.digits(4)}",
                         f"{r.choice(['VK', 'FL', 'DR', 'KM'])}{self.digits(6)}"])

    def tracking(self) -> str:
        r = self.r
        alnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
        return r.choice(["00340434" + self.digits(12),
                         "1Z" + "".join(r.choice(alnum) for _ in range(16)),
                         "JJD" + self.digits(18), self.digits(14, True),
                         f"{r.choice(['RR', 'LX', 'CX'])}{self.digits(9)}DE",
                         f"H{self.digits(19)}"])

    def amount(self, lang: str) -> str:
        r = self.r
        euros = r.choice([r.randint(1, 99), r.randint(100, 999), r.randint(1000, 99999)])
        cents = r.randint(0, 99)
        de = f"{euros:,}".replace(",", ".") + f",{cents:02d}"
        en = f"{euros:,}.{cents:02d}"
        if lang == "de":
            return r.choice([f"{de} EUR", f"{de} €", f"€ {de}", f"EUR {de}",
                             f"{euros:,}".replace(",", ".") + ",- €", f"CHF {euros:,}".replace(
                                 ",", "'") + f".{cents:02d}", f"{de} Euro"])
        return r.choice([f"${en}", f"€{en}", f"£{en}", f"USD {euros:,}", f"{en} EUR",
                         f"GBP {en}", f"${euros:,}"])

    def qty(self, lang: str, arg: str | None) -> str:
        r = self.r
        arg = arg or r.choice(["pcs", "h", "km", "l", "cycles"])
        dec = "," if lang == "de" else "."
        th = "." if lang == "de" else ","
        if arg == "pcs":
            n = r.randint(1, 5000)
            return f"{n} Stk." if lang == "de" else f"{n} pcs"
        if arg == "h":
            if r.random() < 0.5:
                return f"{r.randint(1, 9)}{dec}{r.choice([25, 5, 75])} " + \
                    ("Std." if lang == "de" else "h")
            return f"{r.randint(100, 60000):,}".replace(",", th) + " h"
        if arg == "km":
            return f"{r.randint(5, 480)} km"
        if arg == "l":
            unit = "Liter" if lang == "de" else "l"
            return f"{r.randint(1, 200)}{dec}{r.randint(0, 9)} {unit}"
        n = r.randint(10_000, 9_999_999_999)
        word = "Zyklen" if lang == "de" else "cycles"
        if r.random() < 0.3:
            return str(n)
        return f"{n:,}".replace(",", th) + " " + word

    def meas(self, lang: str, arg: str | None) -> str:
        r = self.r
        dec = "," if lang == "de" else "."
        arg = arg or r.choice(["bar", "temp", "kwh", "volt", "rpm", "mms"])
        if arg == "bar":
            return f"{r.randint(1, 250)}{dec}{r.randint(0, 9)} bar"
        if arg == "temp":
            return f"{r.randint(-20, 180)}{dec}{r.randint(0, 9)} °C"
        if arg == "kwh":
            n = r.randint(100, 999_999)
            th = "." if lang == "de" else ","
            return f"{n:,}".replace(",", th) + f"{dec}{r.randint(0, 9)} kWh"
        if arg == "volt":
            return r.choice([f"{r.randint(12, 400)} V",
                             f"{r.randint(11, 28)}{dec}{r.randint(0, 9)} V"])
        if arg == "rpm":
            return f"{r.randint(300, 24000)} " + ("U/min" if lang == "de" else "rpm")
        return f"{r.randint(0, 20)}{dec}{r.randint(0, 9)} mm/s"

    def plz(self, lang: str) -> str:
        r = self.r
        if lang == "de":
            return f"{r.randint(1067, 99998):05d}"
        if r.random() < 0.5:
            z = f"{r.randint(10001, 99950):05d}"
            return z if r.random() < 0.7 else f"{z}-{self.digits(4)}"
        up = "ABCDEFGHJKLMNPRSTUWYZ"
        return f"{r.choice(up)}{r.choice(up)}{r.randint(1, 20)} {r.randint(1, 9)}" \
               f"{r.choice(up)}{r.choice(up)}"

    def room(self) -> str:
        r = self.r
        return r.choice([f"{r.randint(0, 5)}.{r.randint(1, 40):02d}", f"B-{r.randint(100, 499)}",
                         f"E.{r.randint(0, 4):02d}.{r.randint(100, 299)}",
                         f"{r.randint(1, 9)}{r.choice('ABCD')}", f"{r.randint(100, 599)}"])

    def pct(self, lang: str) -> str:
        r = self.r
        dec = "," if lang == "de" else "."
        return r.choice([f"{r.randint(1, 99)} %", f"{r.randint(1, 99)}{dec}{r.randint(1, 9)} %",
                         f"{r.randint(90, 99)}{dec}{r.randint(10, 99)}%", f"{r.randint(1, 100)}%"])

    def vat(self, lang: str) -> str:
        r = self.r
        return r.choice([f"DE{self.digits(9, True)}", f"ATU{self.digits(8)}",
                         f"GB{self.digits(9, True)}",
                         f"CHE-{self.digits(3)}.{self.digits(3)}.{self.digits(3)} MWST",
                         f"{self.digits(3)}/{self.digits(3)}/{self.digits(5)}",
                         f"DE {self.digits(3, True)} {self.digits(3)} {self.digits(3)}",
                         f"{self.digits(2)}/{self.digits(3)}/{self.digits(5)}"])

    def cust(self) -> str:
        r = self.r
        return r.choice([self.digits(9, True), f"{self.digits(4, True)}-{self.digits(4)}",
                         f"K-{r.randint(2019, 2026)}-{self.digits(4)}",
                         f"KD {self.digits(6, True)}",
                         self.digits(6, True)])

    def contract(self) -> str:
        r = self.r
        return r.choice([f"V-{r.randint(2019, 2026)}-{self.digits(5)}",
                         f"{self.digits(10, True)}-{self.digits(2)}",
                         f"SV {self.digits(2, True)}-{self.digits(6)}",
                         f"C{self.digits(8, True)}"])

    def mask(self) -> str:
        return self.r.choice(["255.255.255.0", "255.255.0.0", "255.255.255.128",
                              "255.255.252.0", "255.255.255.240", "255.255.255.192",
                              "255.0.0.0", "255.255.248.0"])

    def vrange(self, lang: str) -> str:
        r = self.r
        a = f"{r.randint(1, 12)}.{r.randint(0, 20)}.{r.randint(0, 99)}"
        b1, b2 = r.randint(0, 200), r.randint(0, 200)
        lo, hi = min(b1, b2), max(b1, b2) + 1
        sep = r.choice([" bis ", " - ", "–"] if lang == "de" else [" through ", " to ", " - "])
        return r.choice([f"{a}.{lo}{sep}{a}.{hi}",
                         f">={r.randint(1, 5)}.{r.randint(0, 9)}.0,<{r.randint(6, 9)}.0",
                         f"{r.randint(1, 4)}.{r.randint(0, 9)}.x{sep}"
                         f"{r.randint(5, 8)}.{r.randint(0, 9)}.x",
                         f"{a}.{lo}{sep}{a}.{hi}", f"<= {a}.{hi}"])

    def hexid(self) -> str:
        r = self.r
        return r.choice([f"0x{r.getrandbits(32):08X}", f"{r.getrandbits(64):016x}",
                         f"{r.getrandbits(28):07x}", f"{r.getrandbits(48):012X}"])

    def uuid_(self) -> str:
        u = str(uuid.UUID(int=self.r.getrandbits(128), version=4))
        return u.upper() if self.r.random() < 0.2 else u

    def mac(self) -> str:
        r = self.r
        b = [r.randrange(256) for _ in range(6)]
        u = r.random()
        if u < 0.5:
            return ":".join(f"{x:02X}" for x in b)
        if u < 0.7:
            return ":".join(f"{x:02x}" for x in b)
        if u < 0.9:
            return "-".join(f"{x:02X}" for x in b)
        h = "".join(f"{x:02x}" for x in b)
        return f"{h[:4]}.{h[4:8]}.{h[8:]}"

    def coord(self) -> str:
        r = self.r
        la, lo = r.uniform(47.3, 54.9), r.uniform(5.9, 15.0)
        u = r.random()
        if u < 0.5:
            return f"{la:.6f}, {lo:.6f}"
        if u < 0.75:
            return f"{la:.4f}° N, {lo:.4f}° E"
        dla, dlo = int(la), int(lo)
        mla, mlo = (la - dla) * 60, (lo - dlo) * 60
        return f"N {dla}° {mla:06.3f}' E {dlo:03d}° {mlo:06.3f}'"

    def isbn(self) -> str:
        r = self.r
        pub = self.digits(r.randint(2, 5), True)
        title = self.digits(8 - len(pub))
        body12 = "9783" + pub + title
        s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body12))
        chk = (10 - s % 10) % 10
        return f"978-3-{pub}-{title}-{chk}"

    def product(self) -> str:
        r = self.r
        body = "40" + self.digits(10)
        s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
        ean = body + str((10 - s % 10) % 10)
        return r.choice([f"EAN {ean}", f"SKU {r.choice(['MX', 'TR', 'KL'])}-{self.digits(4)}-B",
                         f"XR-{r.randint(100, 990)}",
                         f"Art.-Nr. {self.digits(3, True)}.{self.digits(3)}",
                         f"GTIN {ean}", f"Modell {r.choice('ABCDEFG')}{r.randint(100, 999)}"])

    def section(self) -> str:
        r = self.r
        return r.choice([".".join(str(r.randint(1, 12 if i == 0 else 9)) for i in range(4)),
                         f"{r.randint(1, 12)}.{r.randint(1, 9)}.{r.randint(1, 9)}",
                         f"{r.randint(1, 12)}.{r.randint(1, 9)}"])

    def oid(self) -> str:
        r = self.r
        return r.choice([f"1.3.6.1.4.1.{r.randint(2, 60000)}.{r.randint(1, 30)}.{r.randint(0, 9)}",
                         f"1.3.6.1.2.1.{r.randint(1, 30)}.{r.randint(1, 9)}.0",
                         "1.3.6.1.2.1.1.3.0"])

    def err(self) -> str:
        r = self.r
        return r.choice([f"E-{r.randint(100, 9999)}", f"0x{r.getrandbits(32):08X}",
                         f"F{r.randint(1, 9999):04d}", "ERR_CONNECTION_RESET",
                         f"{r.randint(400, 599)}", f"A{r.randint(1000, 9999)}"])

    def expiry(self) -> str:
        r = self.r
        m, y = r.randint(1, 12), r.randint(26, 31)
        return r.choice([f"{m:02d}/{y}", f"{m:02d}/20{y}"])

    def at_file(self) -> str:
        r = self.r
        return f"{r.choice(['logo', 'icon', 'banner', 'header', 'avatar'])}@" \
               f"{r.choice(['2x', '3x'])}.{r.choice(['png', 'webp', 'jpg'])}"

    def mention(self, lang: str) -> str:
        r = self.r
        f, la = r.choice(FIRST[lang]).translate(TRANSLIT).lower(), \
            r.choice(LAST[lang]).translate(TRANSLIT).lower()
        return r.choice([f"@{f[0]}{la}", f"@{f}.{la}", "@team-instandhaltung", "@support-l2",
                         f"@{f}"])

    def trap(self, name: str, arg: str | None, lang: str) -> str:
        simple = {"VER4": self.ver4, "VER": self.ver, "SEMVER": self.semver,
                  "BUILD": self.build, "ORDER": self.order, "INVOICE": self.invoice,
                  "TICKET": self.ticket, "AZ": self.az, "SERIAL": self.serial,
                  "PART": self.part, "TRACKING": self.tracking, "ROOM": self.room,
                  "CUST": self.cust, "CONTRACT": self.contract, "BADIBAN": self.bad_iban,
                  "BADCARD": self.bad_card, "MASK": self.mask, "HEX": self.hexid,
                  "UUID": self.uuid_, "MAC": self.mac, "COORD": self.coord, "ISBN": self.isbn,
                  "PRODUCT": self.product, "SECTION": self.section, "OID": self.oid,
                  "ERR": self.err, "EXPIRY": self.expiry, "AT_FILE": self.at_file}
        for _ in range(100):
            if name in simple:
                v = simple[name]()
            elif name == "DATE":
                v = self.date(lang, arg)
            elif name == "TIME":
                v = self.time_(lang, arg)
            elif name == "QTY":
                v = self.qty(lang, arg)
            elif name == "MEAS":
                v = self.meas(lang, arg)
            elif name == "AMOUNT":
                v = self.amount(lang)
            elif name == "PLZ":
                v = self.plz(lang)
            elif name == "PCT":
                v = self.pct(lang)
            elif name == "VAT":
                v = self.vat(lang)
            elif name == "VRANGE":
                v = self.vrange(lang)
            elif name == "MENTION":
                v = self.mention(lang)
            else:
                raise KeyError(name)
            if trap_clean(v):
                return v
        raise AssertionError(f"could not make a clean {name}")

    def real(self, name: str, lang: str) -> str:
        if name == "EMAIL":
            return self.email(lang)
        if name == "PHONE":
            return self.phone(lang)
        if name == "MOBILE":
            return self.mobile(lang)
        if name == "PHONE_INTL":
            return self.phone_other_intl()
        if name == "IBAN":
            return self.iban()
        if name == "CARD":
            return self.card()
        if name == "IP":
            return self.ip()
        return self.ip6()


# --------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]{4,}")


class Renderer:
    """Builds one text piece by piece and keeps the offsets of values and traps."""

    def __init__(self, gen: Gen, lang: str, typo_rate: float, case_mode: str):
        self.g = gen
        self.r = gen.r
        self.lang = lang
        self.typo_rate = typo_rate
        self.case_mode = case_mode
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[dict] = []
        self.traps: list[tuple[str, int, int, str]] = []

    def _typo(self, m: re.Match) -> str:
        w = m.group()
        if self.r.random() >= self.typo_rate:
            return w
        i = self.r.randrange(1, len(w) - 1)
        op = self.r.randrange(3)
        if op == 0:
            return w[:i] + w[i + 1] + w[i] + w[i + 2:]
        if op == 1:
            return w[:i] + w[i + 1:]
        return w[:i] + w[i] + w[i:]

    def _literal(self, s: str) -> str:
        if self.typo_rate:
            s = WORD.sub(self._typo, s)
        if self.case_mode == "lower":
            s = s.lower()
        elif self.case_mode == "upper":
            s = s.upper()
        elif self.case_mode == "random":
            s = WORD.sub(lambda m: m.group().upper() if self.r.random() < 0.12 else
                         (m.group().lower() if self.r.random() < 0.2 else m.group()), s)
        return s

    def literal(self, s: str) -> None:
        s = self._literal(s)
        if s.startswith(".") and self.parts and self.parts[-1].endswith("."):
            s = s[1:]  # "4388 Stk." + "." -> one full stop
        self.add(s)

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def template(self, tpl: str) -> None:
        last = 0
        for m in PLACEHOLDER.finditer(tpl):
            if m.start() > last:
                self.literal(tpl[last:m.start()])
            name, arg = m.group(1), m.group(2)
            start = self.pos
            if name in REAL_KIND:
                v = self.g.real(name, self.lang)
                self.add(v)
                self.spans.append({"start": start, "end": self.pos, "kind": REAL_KIND[name],
                                   "value": v})
            elif name in FILLERS:
                self.add(self.g.fillers(name, self.lang))
            else:
                v = self.g.trap(name, arg, self.lang)
                self.add(v)
                self.traps.append((TRAP_KIND[name], start, self.pos, v))
            last = m.end()
        if last < len(tpl):
            self.literal(tpl[last:])

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------------------
# whole-text checks
# --------------------------------------------------------------------------------------

EMAILISH = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
DOTTED_QUAD = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d])")
IP_SHAPED_TRAPS = {"version_4part", "version_range", "subnet_mask", "section_number",
                   "snmp_oid", "quantity"}


def masked(text: str, spans: list[dict]) -> str:
    """``text`` with every span replaced by '#' characters."""
    chars = list(text)
    for s in spans:
        for i in range(s["start"], s["end"]):
            chars[i] = "#"
    return "".join(chars)


def inside(traps, kinds, a: int, b: int) -> bool:
    """True if [a, b) lies inside a trap of one of ``kinds``."""
    return any(k in kinds and s <= a and b <= e for k, s, e, _ in traps)


def text_ok(text: str, spans: list[dict], traps) -> bool:
    """Reject texts where the parts outside the spans accidentally form real data."""
    m = masked(text, spans)
    if has_card_like(m) or has_valid_iban(m):
        return False
    if re.search(r"\+\d", m):
        return False
    for e in EMAILISH.finditer(m):
        if not inside(traps, {"at_filename"}, e.start(), e.end()):
            return False
    for q in DOTTED_QUAD.finditer(m):
        if all(int(x) <= 255 for x in q.groups()) and not inside(
                traps, IP_SHAPED_TRAPS, q.start(), q.end()):
            return False
    for s in spans:
        a, b = s["start"], s["end"]
        if a > 0 and (text[a - 1].isalnum() or text[a - 1] in "+."):
            return False
        if b < len(text) and (text[b].isalnum() or text[b] in "@" or
                              (text[b] == "." and b + 1 < len(text) and text[b + 1].isalnum())):
            return False
    return True


# --------------------------------------------------------------------------------------
# text assembly
# --------------------------------------------------------------------------------------

REAL_WEIGHTS = {"EMAIL": 22, "PHONE": 14, "MOBILE": 8, "PHONE_INTL": 5, "IBAN": 22,
                "CARD": 16, "IP": 18, "IP6": 4}
TRAP_WEIGHTS = {k: 3 for k in TRAP_KIND}
TRAP_WEIGHTS.update({"VER4": 14, "BADIBAN": 4, "BADCARD": 4, "DATE": 2, "TIME": 2,
                     "MASK": 3, "VRANGE": 3})
CATEGORIES = [("trap_only", 45), ("real_and_traps", 30), ("adjacent", 15), ("real_only", 10)]


def weighted(r: random.Random, weights: dict[str, int]) -> str:
    keys = sorted(weights)
    return r.choices(keys, weights=[weights[k] for k in keys])[0]


class Pools:
    """Templates indexed by the placeholders they contain."""

    def __init__(self):
        self.by = {}
        for (lang, domain, group), tpls in T.items():
            for tpl in tpls:
                names = set(placeholders(tpl))
                unknown = names - set(REAL_KIND) - set(TRAP_KIND) - FILLERS
                assert not unknown, (tpl, unknown)
                has_real = bool(names & set(REAL_KIND))
                has_trap = bool(names & set(TRAP_KIND))
                if group == "trap":
                    assert has_trap and not has_real, tpl
                elif group == "real":
                    assert has_real, tpl
                else:
                    assert has_real and has_trap, tpl
                self.by.setdefault((lang, domain, group), []).append((tpl, names))

    def choose(self, r, lang, domain, groups, weights, want=None):
        cands = [(t, n) for g in groups for (t, n) in self.by.get((lang, domain, g), [])]
        if want is not None:
            cands = [(t, n) for (t, n) in cands if want(n)]
        kinds = {k: w for k, w in weights.items() if any(k in n for _, n in cands)}
        k = weighted(r, kinds)
        return r.choice([t for t, n in cands if k in n])


def build_text(gen: Gen, pools: Pools, lang: str, domain: str, cat: str):
    r = gen.r
    u = r.random()
    typo_rate = 0.0 if u < 0.7 else r.choice([0.03, 0.06, 0.1])
    u = r.random()
    case_mode = ("normal" if u < 0.85 else "lower" if u < 0.93 else
                 "upper" if u < 0.96 else "random")
    if domain == "maintenance" and case_mode == "normal" and r.random() < 0.1:
        case_mode = "lower"
    rend = Renderer(gen, lang, typo_rate, case_mode)

    def trap_sentence():
        return pools.choose(r, lang, domain, ["trap"], TRAP_WEIGHTS)

    def real_sentence(no_traps=False):
        want = (lambda n: not (n & set(TRAP_KIND))) if no_traps else None
        return pools.choose(r, lang, domain, ["real"], REAL_WEIGHTS, want)

    def mixed_sentence():
        return pools.choose(r, lang, domain, ["mixed"], REAL_WEIGHTS)

    body: list[str] = []
    signature = None
    if cat == "trap_only":
        body = [trap_sentence() for _ in range(r.choice([1, 1, 2, 2, 3, 4]))]
    elif cat == "real_and_traps":
        body = [trap_sentence() for _ in range(r.choice([1, 1, 2, 3]))]
        body += [real_sentence() for _ in range(r.choice([1, 1, 1, 2]))]
        r.shuffle(body)
    elif cat == "adjacent":
        body = [mixed_sentence() for _ in range(r.choice([1, 1, 2]))]
        body += [trap_sentence() for _ in range(r.choice([0, 1, 1, 2]))]
        r.shuffle(body)
    else:
        body = [real_sentence(no_traps=True) for _ in range(r.choice([1, 1, 2]))]

    if domain == "support":
        greet = r.choice(GREETING[lang]) if r.random() < 0.6 else None
        close_r = r.random()
        if cat != "trap_only" and close_r < 0.2:
            signature = r.choice(SIGNATURE_REAL[lang])
        elif cat != "real_only" and close_r < 0.35:
            signature = r.choice(CLOSING_TRAP[lang])
        elif close_r < 0.7:
            signature = r.choice(CLOSING[lang])
        joiner = r.choice([" ", " ", "\n", "\n\n"])
        if greet:
            rend.template(greet)
            rend.add(r.choice(["\n\n", "\n", " "]))
        for i, tpl in enumerate(body):
            if i:
                rend.add(joiner)
            rend.template(tpl)
        if signature:
            rend.add(r.choice(["\n\n", "\n"]))
            rend.template(signature)
    else:
        joiner = r.choice(["\n", "\n", "; ", " | ", " "])
        if r.random() < 0.35:
            rend.template(r.choice(MAINT_HEADER[lang]))
            rend.add("\n" if joiner == "\n" else " ")
        for i, tpl in enumerate(body):
            if i:
                rend.add(joiner)
            rend.template(tpl)
    return rend


def template_count(lang: str) -> int:
    n = sum(len(v) for (lg, _, _), v in T.items() if lg == lang)
    return n + len(GREETING[lang]) + len(CLOSING[lang]) + len(CLOSING_TRAP[lang]) + \
        len(SIGNATURE_REAL[lang]) + len(MAINT_HEADER[lang])


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------


def generate():
    rng = random.Random(SEED)
    gen = Gen(rng)
    pools = Pools()
    records = []
    all_traps = []
    cats = Counter()
    retries = 0
    cat_names = [c for c, _ in CATEGORIES]
    cat_w = [w for _, w in CATEGORIES]
    for i in range(N_TEXTS):
        lang = rng.choice(["de", "en"])
        domain = rng.choice(["support", "maintenance"])
        cat = rng.choices(cat_names, weights=cat_w)[0]
        for _ in range(200):
            rend = build_text(gen, pools, lang, domain, cat)
            text = rend.text()
            if text_ok(text, rend.spans, rend.traps):
                break
            retries += 1
        else:
            raise AssertionError("no clean text after 200 attempts")
        cats[cat] += 1
        records.append({"id": i, "lang": lang, "domain": domain, "text": text,
                        "spans": rend.spans})
        all_traps.append(rend.traps)
    return records, all_traps, cats, retries, gen


def self_check(records, all_traps, gen: Gen) -> None:
    email_re = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
    for rec, traps in zip(records, all_traps, strict=True):
        text = rec["text"]
        prev_end = -1
        for s in sorted(rec["spans"], key=lambda s: s["start"]):
            assert text[s["start"]:s["end"]] == s["value"], (rec["id"], s)
            assert s["start"] >= prev_end, ("overlap", rec["id"])
            prev_end = s["end"]
            v = s["value"]
            if s["kind"] == "iban":
                assert iban_mod97(stdnum_iban.compact(v)) == 1, v
                assert stdnum_iban.is_valid(v), v
            elif s["kind"] == "card":
                d = re.sub(r"[ -]", "", v)
                assert d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d), v
            elif s["kind"] == "email":
                assert email_re.match(v), v
            elif s["kind"] == "ip":
                ipaddress.ip_address(v)
            elif s["kind"] == "phone":
                cc, nsn = gen.phone_meta[v]
                assert re.sub(r"\D", "", v.replace("(0)", "")).endswith(nsn), v
                num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(nsn))
                assert phonenumbers.is_valid_number(num), v
        for s in rec["spans"]:
            for _kind, a, b, _ in traps:
                assert b <= s["start"] or a >= s["end"], ("trap overlaps span", rec["id"])
        for kind, a, b, v in traps:
            assert text[a:b] == v
            if kind == "invalid_iban":
                assert iban_mod97(stdnum_iban.compact(v)) != 1, v
                assert not stdnum_iban.is_valid(v), v
            if kind == "luhn_failing_card":
                assert not luhn_ok(re.sub(r"[ -]", "", v)), v
            assert trap_clean(v), (kind, v)
        assert text_ok(text, rec["spans"], traps), rec["id"]


def main() -> int:
    t0 = time.perf_counter()
    records, all_traps, cats, retries, gen = generate()
    self_check(records, all_traps, gen)
    buf = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    with open(OUT, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0,
                                              compresslevel=9) as gz:
        gz.write(buf)
    elapsed = time.perf_counter() - t0

    real = Counter(s["kind"] for r in records for s in r["spans"])
    trap = Counter(k for ts in all_traps for k, *_ in ts)
    shape = Counter((bool(r["spans"]), bool(ts))
                    for r, ts in zip(records, all_traps, strict=True))
    no_pii_with_trap = shape[False, True]
    with_pii_and_trap = shape[True, True]
    real_only = shape[True, False]
    ld = Counter((r["lang"], r["domain"]) for r in records)
    print(f"texts: {len(records)}  ({OUT.name}, {OUT.stat().st_size:,} bytes)")
    print("lang/domain: " + ", ".join(f"{lg}/{d} {n}" for (lg, d), n in sorted(ld.items())))
    print(f"templates: de {template_count('de')}, en {template_count('en')}")
    print("categories: " + ", ".join(f"{c} {cats[c]}" for c, _ in CATEGORIES))
    print(f"texts without personal data but with >=1 trap: {no_pii_with_trap}")
    print(f"texts with personal data and traps: {with_pii_and_trap}")
    print(f"texts with personal data and no trap: {real_only}")
    print(f"real values: {sum(real.values())}")
    for k, n in sorted(real.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<8} {n}")
    spans = [s for r in records for s in r["spans"]]
    ip6 = sum(1 for s in spans if s["kind"] == "ip" and ":" in s["value"])
    intl = sum(1 for s in spans if s["kind"] == "phone" and s["value"].startswith(("+", "00")))
    ungrouped = sum(1 for s in spans if s["kind"] in ("iban", "card") and " " not in s["value"]
                    and "-" not in s["value"])
    print(f"  (ip: {ip6} IPv6; phone: {intl} in international form; "
          f"iban+card without separators: {ungrouped})")
    print(f"traps: {sum(trap.values())}")
    for k, n in sorted(trap.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {k:<20} {n}")
    print(f"rejected drafts (accidental real data outside spans): {retries}")
    print(f"self-check passed; {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
