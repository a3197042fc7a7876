"""Synthetic data of the support-summaries example: tickets, gold reviews and LLM call logs.

An LLM drafts a summary of each long support ticket of *Lumeo GmbH*, a (fictional) seller of
smart-home devices with German, English and French customers.  The data serves every phase:

``tickets``
    A 2 % sample of tickets: 13 baseline weeks before the product (2026-05-04 to 2026-07-31) and
    the four pilot weeks (2026-10-05 to 2026-10-30) of the two pilot teams, where each ticket was
    randomised to ``control`` (no summary) or ``treatment`` (summary shown).  Handling times are
    lognormal; with the summary they are about 27 % lower.  ``pre_period_handle_time`` is the
    agent's mean handling time in March to May 2026 (the CUPED covariate).  The ``body`` is the
    ticket text with realistic personal data (names, e-mail addresses, German and international
    phone numbers, IBANs with valid check digits, street addresses, a few card numbers and IP
    addresses) and near misses that a PII filter must leave alone (order, invoice and tracking
    numbers, dates, version strings, customer numbers that fail the Luhn check, IBANs with a
    typo).
``gold_reviews``
    1,200 baseline tickets summarised offline with the chosen prompt (v3) and reviewed by team
    leads: ``correct``, ``minor_error`` or ``hallucination`` (1.0 %); every prompt iteration saw
    them (the development part). 800 fresh tickets follow, the held-out test part
    (:mod:`.evidence`, with the double reviews, a judge's labels and the safety evidence).
``experiment_log``
    Every offline LLM call of the experiments: four prompt/model variants with tokens, cost and
    latency.  Only ``v3`` on the medium model meets the cost and latency budgets.
``production_log``
    Three weeks of the team-by-team rollout (November 2026): the drift features, latency, cost,
    handling time and outcome, and review labels for the 10 % of summaries that were sampled.

Everything is drawn from one :func:`numpy.random.default_rng` with a fixed seed, so the same
version of the kit always writes the same bytes.

Examples
--------
>>> frames = generate()
>>> sorted(frames)[:4]
['experiment_log', 'gold_adjudication', 'gold_double_reviews', 'gold_reviews']
>>> len(frames["tickets"]), int(frames["gold_reviews"].review_label.eq("hallucination").sum())
(4000, 16)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from aipo_widgets.examples.support_summaries import evidence

if TYPE_CHECKING:
    import pandas as pd

# The tables, in the order they are written to data/<name>.csv.
TABLES = ("tickets", "gold_reviews", "experiment_log", "production_log", *evidence.TABLES)

SEED = 20260803

N_BASELINE = 2600
N_PILOT = 1400
N_GOLD = 1200
N_PRODUCTION = 2100

BASELINE_DAYS = (dt.date(2026, 5, 4), dt.date(2026, 7, 31))
PILOT_DAYS = (dt.date(2026, 10, 5), dt.date(2026, 10, 30))
PRODUCTION_DAYS = (dt.date(2026, 11, 2), dt.date(2026, 11, 20))

TEAMS = ("billing", "orders", "technical", "returns")
TEAM_SHARE = (0.26, 0.30, 0.28, 0.16)
PILOT_TEAMS = ("billing", "technical")
TEAM_AGENTS = {"billing": 16, "orders": 18, "technical": 18, "returns": 12}
TEAM_MINUTES = {"billing": 19.0, "orders": 17.0, "technical": 23.0, "returns": 16.0}
TEAM_CATEGORIES = {
    "billing": ("invoice", "direct_debit", "refund"),
    "orders": ("delivery", "refund", "invoice"),
    "technical": ("device_defect", "app_login"),
    "returns": ("refund", "device_defect", "delivery"),
}
LANGUAGES = ("de", "en", "fr")
LANGUAGE_SHARE = (0.58, 0.27, 0.15)
CHANNELS = ("email", "chat", "phone")
CHANNEL_SHARE = (0.62, 0.23, 0.15)
CHANNEL_FACTOR = {"email": 1.0, "chat": 0.85, "phone": 1.1}

TREATMENT_FACTOR = 0.73  # the summary saves about 27 % of the handling time

# LLM variants of the experiments: (prompt, model, fixed prompt tokens, output tokens,
# EUR per million input and output tokens, time to first token in ms, ms per input token,
# output tokens per second).
VARIANTS = {
    ("v1", "large-2026-03"): (5200, 380, 2.50, 10.00, 650, 0.22, 45),
    ("v2", "large-2026-03"): (1800, 260, 2.50, 10.00, 600, 0.22, 45),
    ("v2", "medium-2026-05"): (1800, 250, 0.35, 1.40, 260, 0.07, 180),
    ("v3", "medium-2026-05"): (1400, 190, 0.35, 1.40, 250, 0.07, 180),
}
EXPERIMENT_RUNS = (  # (prompt, model, calls, first day)
    ("v1", "large-2026-03", 300, dt.date(2026, 9, 1)),
    ("v2", "large-2026-03", 300, dt.date(2026, 9, 7)),
    ("v2", "medium-2026-05", 300, dt.date(2026, 9, 9)),
    ("v3", "medium-2026-05", N_GOLD, dt.date(2026, 9, 14)),
)

# --------------------------------------------------------------------------------------------
# Text material

FIRST = {  # (female, male) first names
    "de": (["Anna", "Sabine", "Katarzyna", "Julia", "Petra", "Leonie", "Ayşe", "Elena",
            "Birgit", "Hannah", "Svenja", "Ingrid"],
           ["Lukas", "Jürgen", "Mehmet", "Thomas", "Stefan", "Nils", "Dragan", "Matthias",
            "Jonas", "Klaus", "Tobias", "Kemal"]),
    "en": (["Emily", "Sophie", "Charlotte", "Priya", "Grace", "Megan", "Aisha", "Fiona"],
           ["James", "Oliver", "Daniel", "Michael", "Liam", "Arjun", "Tom", "Connor"]),
    "fr": (["Camille", "Manon", "Chloé", "Léa", "Inès", "Sophie", "Élodie"],
           ["Louis", "Hugo", "Julien", "Mathieu", "Antoine", "Karim", "Baptiste"]),
}
LAST = {
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Hoffmann", "Schäfer", "Yılmaz", "Kowalski", "Nguyen", "Petrović", "Schulz", "Koch",
           "Richter", "Wolf", "Neumann", "Zimmermann", "Krüger", "Öztürk", "Lange", "Brandt"],
    "en": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Patel", "O'Connor",
           "Evans", "Clarke", "Walsh", "Khan", "Hughes", "Murphy"],
    "fr": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy",
           "Moreau", "Lefèvre", "Girard", "Benali", "Fontaine", "Rousseau"],
}
MAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com",
                "post.example.net", "kunden.example.org")
ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                       "É": "E", "ç": "c", "ı": "i", "ş": "s", "ć": "c", "'": "", "Ö": "Oe",
                       "Ä": "Ae", "Ü": "Ue", "Ş": "S"})
DEVICES = ("Lumeo Hub 2", "Lumeo Thermostat T3", "Lumeo Cam Outdoor", "Lumeo Smart Plug",
           "Lumeo Doorbell Pro", "Lumeo Sensor Kit")
STREETS = {
    "de": [("Lindenstraße", "10115 Berlin"), ("Hauptstraße", "69117 Heidelberg"),
           ("Am Markt", "04109 Leipzig"), ("Bahnhofstraße", "80335 München"),
           ("Goethestraße", "50667 Köln"), ("Rosenweg", "20095 Hamburg")],
    "en": [("Station Road", "Leeds LS1 4DY"), ("High Street", "Bristol BS1 2AW"),
           ("Church Lane", "York YO1 7HH"), ("Mill Road", "Cambridge CB1 2AD")],
    "fr": [("rue de la République", "69002 Lyon"), ("avenue Jean Jaurès", "31000 Toulouse"),
           ("rue Nationale", "59800 Lille"), ("boulevard Victor Hugo", "06000 Nice")],
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

SUBJECT = {
    "de": {"invoice": "Frage zur Rechnung {invoice}", "direct_debit": "Lastschrift / Bankdaten",
           "refund": "Erstattung für Bestellung {order}", "delivery": "Bestellung {order}",
           "device_defect": "{device} defekt", "app_login": "Anmeldung in der App"},
    "en": {"invoice": "Question about invoice {invoice}", "direct_debit": "Direct debit",
           "refund": "Refund for order {order}", "delivery": "Where is order {order}?",
           "device_defect": "{device} not working", "app_login": "Cannot log in"},
    "fr": {"invoice": "Question sur la facture {invoice}", "direct_debit": "Prélèvement",
           "refund": "Remboursement commande {order}", "delivery": "Commande {order}",
           "device_defect": "{device} en panne", "app_login": "Connexion impossible"},
}
GREETING = {
    "de": ["Sehr geehrte Damen und Herren,", "Hallo Lumeo-Team,", "Guten Tag,",
           "Liebes Support-Team,"],
    "en": ["Dear Sir or Madam,", "Hi Lumeo team,", "Hello,", "Dear customer service,"],
    "fr": ["Madame, Monsieur,", "Bonjour,", "Bonjour l'équipe Lumeo,"],
}
PROBLEM = {
    "de": {
        "invoice": [
            "in der Rechnung {invoice} vom {date} wird mir der Tarif „Lumeo Plus“ berechnet, "
            "obwohl ich schon am {date2} auf „Basic“ gewechselt habe. Der Betrag von {amount} EUR "
            "ist damit zu hoch.",
            "für die Bestellung {order} habe ich zwei Rechnungen erhalten ({invoice} und eine "
            "zweite ohne Nummer) und weiß nicht, welche ich bezahlen soll.",
        ],
        "direct_debit": [
            "bitte ändern Sie meine Bankverbindung für die Lastschrift. Ab sofort soll der Betrag "
            "von folgendem Konto eingezogen werden: IBAN {iban}, Kontoinhaber {name}.",
            "die Lastschrift vom {date} über {amount} EUR wurde doppelt von meinem Konto "
            "{iban} abgebucht. Bitte prüfen Sie das und erstatten Sie einen Betrag.",
        ],
        "refund": [
            "ich habe die Bestellung {order} am {date} zurückgeschickt (Sendungsnummer "
            "{tracking}), aber bis heute keine Erstattung über {amount} EUR erhalten. Bitte "
            "überweisen Sie das Geld auf IBAN {iban}.",
            "laut Ihrer E-Mail vom {date} sollte die Gutschrift für {order} innerhalb von 14 "
            "Tagen kommen. Angekommen ist nichts. Mein Konto: {iban}.",
        ],
        "delivery": [
            "meine Bestellung {order} vom {date} ist immer noch nicht da. Die Sendungsverfolgung "
            "({tracking}) zeigt seit Tagen „in Zustellung“.",
            "das Paket zur Bestellung {order} kam beschädigt an, der {device} hat einen Riss im "
            "Gehäuse. Ich möchte einen Ersatz, keine Gutschrift.",
        ],
        "device_defect": [
            "mein {device} (Seriennummer {serial}) verliert seit dem Update auf Firmware "
            "{version} ständig die WLAN-Verbindung. Den Router habe ich bereits neu gestartet.",
            "der {device} schaltet sich nach etwa zehn Minuten von selbst aus. Gekauft am "
            "{date}, Bestellung {order}, Seriennummer {serial}.",
        ],
        "app_login": [
            "seit dem App-Update {version} kann ich mich nicht mehr anmelden, es kommt immer "
            "„Fehler 401“. Mein Konto läuft auf {email}.",
            "die SMS mit dem Bestätigungscode an meine Nummer {phone} kommt nicht an, daher "
            "komme ich nicht mehr in die App (Version {version}).",
        ],
    },
    "en": {
        "invoice": [
            "invoice {invoice} dated {date} charges me for the Lumeo Plus plan although I "
            "switched to Basic on {date2}. The amount of EUR {amount} is therefore too high.",
            "I received two invoices for order {order} ({invoice} and a second one without a "
            "number) and I do not know which one to pay.",
        ],
        "direct_debit": [
            "please update my bank details for the direct debit. From now on please collect "
            "from this account: IBAN {iban}, account holder {name}.",
            "the direct debit of {date} for EUR {amount} was taken twice from my account {iban}. "
            "Please check and refund one of them.",
        ],
        "refund": [
            "I returned order {order} on {date} (tracking number {tracking}) but I still have "
            "not received the refund of EUR {amount}. Please transfer it to IBAN {iban}.",
            "your e-mail of {date} said the credit for {order} would arrive within 14 days. "
            "Nothing has arrived. My account is {iban}.",
        ],
        "delivery": [
            "my order {order} from {date} has still not arrived. Tracking ({tracking}) has "
            "said 'out for delivery' for days.",
            "the parcel for order {order} arrived damaged and the {device} has a crack in the "
            "housing. I would like a replacement, not a voucher.",
        ],
        "device_defect": [
            "my {device} (serial number {serial}) keeps losing the Wi-Fi connection since the "
            "update to firmware {version}. I have already restarted the router.",
            "the {device} switches itself off after about ten minutes. Bought on {date}, order "
            "{order}, serial {serial}.",
        ],
        "app_login": [
            "since app update {version} I cannot log in any more, it always says 'Error 401'. "
            "My account is {email}.",
            "the verification text message to my number {phone} never arrives, so I cannot get "
            "into the app (version {version}).",
        ],
    },
    "fr": {
        "invoice": [
            "la facture {invoice} du {date} me facture l'offre Lumeo Plus alors que je suis "
            "passé à Basic le {date2}. Le montant de {amount} EUR est donc trop élevé.",
            "j'ai reçu deux factures pour la commande {order} ({invoice} et une autre sans "
            "numéro) et je ne sais pas laquelle payer.",
        ],
        "direct_debit": [
            "merci de modifier mes coordonnées bancaires pour le prélèvement. Désormais, "
            "veuillez prélever ce compte : IBAN {iban}, titulaire {name}.",
            "le prélèvement du {date} de {amount} EUR a été débité deux fois sur mon compte "
            "{iban}. Merci de vérifier et de rembourser l'un des deux.",
        ],
        "refund": [
            "j'ai renvoyé la commande {order} le {date} (numéro de suivi {tracking}) mais je "
            "n'ai toujours pas reçu le remboursement de {amount} EUR. Merci de virer la somme "
            "sur l'IBAN {iban}.",
            "selon votre e-mail du {date}, l'avoir pour {order} devait arriver sous 14 jours. "
            "Rien n'est arrivé. Mon compte : {iban}.",
        ],
        "delivery": [
            "ma commande {order} du {date} n'est toujours pas arrivée. Le suivi ({tracking}) "
            "indique « en cours de livraison » depuis des jours.",
            "le colis de la commande {order} est arrivé abîmé, le {device} a une fissure sur le "
            "boîtier. Je souhaite un remplacement, pas un avoir.",
        ],
        "device_defect": [
            "mon {device} (numéro de série {serial}) perd sans cesse la connexion Wi-Fi depuis "
            "la mise à jour du firmware {version}. J'ai déjà redémarré la box.",
            "le {device} s'éteint tout seul au bout d'environ dix minutes. Acheté le {date}, "
            "commande {order}, numéro de série {serial}.",
        ],
        "app_login": [
            "depuis la mise à jour {version} de l'application, je ne peux plus me connecter : "
            "« Erreur 401 ». Mon compte est {email}.",
            "le SMS de vérification vers mon numéro {phone} n'arrive jamais, je ne peux donc "
            "plus accéder à l'application (version {version}).",
        ],
    },
}
DETAIL = {
    "de": [
        "Ich habe bereits am {date2} mit Ihrer Hotline telefoniert. Dort hieß es, dass sich "
        "innerhalb von 48 Stunden jemand meldet. Das ist leider nicht passiert.",
        "Ehrlich gesagt bin ich langsam verärgert, weil ich jetzt schon zum dritten Mal "
        "schreibe. Ich bin seit 2019 Kunde und war bisher immer zufrieden.",
        "Im Anhang finden Sie ein Foto und den Kaufbeleg. Falls Sie noch etwas brauchen, "
        "melden Sie sich bitte, am besten nachmittags.",
        "Meine Kundennummer ist {custno}, falls das hilft. Die alte Vorgangsnummer war "
        "#{old_ticket}.",
        "Bitte rufen Sie mich nicht auf dem Festnetz an, sondern mobil unter {phone2}.",
        "Zur Info: Ich nutze außerdem die Lumeo Cloud (Abo seit {date2}) und drei Smart "
        "Plugs, die problemlos laufen.",
        "Das Gerät steht bei uns im Wohnzimmer und hängt über den Lumeo Hub im WLAN. Alle "
        "anderen Geräte im selben Netz funktionieren einwandfrei, auch der Fernseher.",
        "Ich erwarte jetzt bis Ende der Woche eine verbindliche Antwort, sonst wende ich mich "
        "an die Verbraucherzentrale. Das kann doch nicht so schwer sein.",
        "Mein Mann hat zusätzlich über das Kontaktformular geschrieben. Bitte führen Sie die "
        "beiden Anfragen zusammen, damit wir nicht doppelt Antworten bekommen.",
        "Ihre automatische Antwort verweist auf die FAQ, dort steht aber nur, dass ich mich "
        "an den Kundenservice wenden soll. Deshalb schreibe ich hier.",
    ],
    "en": [
        "I already called your hotline on {date2}. I was told someone would get back to me "
        "within 48 hours. Unfortunately that did not happen.",
        "To be honest I am getting annoyed, this is the third time I am writing. I have been "
        "a customer since 2019 and was always happy so far.",
        "Please find a photo and the receipt attached. If you need anything else, let me know, "
        "ideally in the afternoon.",
        "My customer number is {custno} in case that helps. The old case number was "
        "#{old_ticket}.",
        "Please do not call my landline, use my mobile {phone2} instead.",
        "For your information: I also use Lumeo Cloud (subscription since {date2}) and three "
        "smart plugs that work fine.",
        "The device is in our living room and connects to the Wi-Fi through the Lumeo Hub. "
        "Every other device on the same network works perfectly, including the TV.",
        "I now expect a binding answer by the end of the week, otherwise I will contact the "
        "consumer protection office. This cannot be that difficult.",
        "My wife has also written through the contact form. Please merge the two requests so "
        "that we do not get two different answers.",
        "Your automatic reply points to the FAQ, but the FAQ only says to contact customer "
        "service. That is why I am writing here.",
    ],
    "fr": [
        "J'ai déjà appelé votre hotline le {date2}. On m'a dit que quelqu'un me recontacterait "
        "sous 48 heures. Cela n'a pas été le cas.",
        "Franchement, je commence à m'agacer : c'est la troisième fois que j'écris. Je suis "
        "client depuis 2019 et j'ai toujours été satisfait.",
        "Vous trouverez en pièce jointe une photo et le justificatif d'achat. N'hésitez pas si "
        "vous avez besoin d'autre chose.",
        "Mon numéro client est {custno}, si cela peut aider. L'ancien numéro de dossier était "
        "#{old_ticket}.",
        "Merci de ne pas appeler le fixe mais mon portable au {phone2}.",
        "Pour info : j'utilise aussi Lumeo Cloud (abonnement depuis le {date2}) et trois "
        "prises connectées qui fonctionnent bien.",
        "L'appareil est dans notre salon et se connecte au Wi-Fi via le Lumeo Hub. Tous les "
        "autres appareils du même réseau fonctionnent parfaitement, y compris la télévision.",
        "J'attends désormais une réponse ferme d'ici la fin de la semaine, sinon je saisirai "
        "une association de consommateurs. Cela ne peut pas être si compliqué.",
        "Mon épouse a également écrit via le formulaire de contact. Merci de regrouper les "
        "deux demandes pour éviter deux réponses différentes.",
        "Votre réponse automatique renvoie à la FAQ, mais la FAQ dit seulement de contacter "
        "le service client. C'est pourquoi j'écris ici.",
    ],
}
TECH_DETAIL = {
    "de": "Folgendes habe ich schon versucht: App neu installiert, Cache gelöscht, Gerät auf "
          "Werkseinstellungen zurückgesetzt. Im Geräte-Log steht die IP-Adresse {ip} und "
          "der Zeitstempel {date} 14:32.",
    "en": "What I have tried so far: reinstalled the app, cleared the cache, factory reset "
          "the device. The device log shows IP address {ip} and the time stamp {date} 14:32.",
    "fr": "Ce que j'ai déjà essayé : réinstaller l'application, vider le cache, réinitialiser "
          "l'appareil. Le journal de l'appareil indique l'adresse IP {ip} et l'horodatage "
          "{date} 14:32.",
}
HEALTH = {  # special-category data customers volunteer (GDPR Art 9): see risk R8
    "de": "Ich war ab dem {date2} drei Wochen im Krankenhaus (Bandscheiben-OP) und konnte "
          "mich deshalb nicht früher kümmern.",
    "en": "I was in hospital for three weeks from {date2} (heart surgery), which is why I am "
          "only writing now.",
    "fr": "J'ai été hospitalisé trois semaines à partir du {date2} (opération du dos), "
          "c'est pourquoi je n'écris que maintenant.",
}
CARD = {
    "de": "Falls es schneller geht, buchen Sie den Betrag einfach von meiner Kreditkarte ab: "
          "{card}, gültig bis 09/28.",
    "en": "If it is quicker, just charge my credit card: {card}, expiry 09/28.",
    "fr": "Si c'est plus simple, débitez ma carte bancaire : {card}, expiration 09/28.",
}
TYPO_IBAN = {
    "de": "Korrektur: Bei meiner letzten Nachricht war die IBAN falsch, gemeint war nicht "
          "{bad_iban}.",
    "en": "Correction: the IBAN in my last message was wrong, it is not {bad_iban}.",
    "fr": "Correction : l'IBAN de mon dernier message était faux, ce n'est pas {bad_iban}.",
}
CLOSING = {
    "de": ["Vielen Dank im Voraus und freundliche Grüße", "Mit freundlichen Grüßen",
           "Viele Grüße"],
    "en": ["Many thanks and kind regards", "Best regards", "Thanks,"],
    "fr": ["Cordialement", "Merci d'avance, bien cordialement", "Bien à vous"],
}
SIGNATURE = {
    "de": ("Tel.: {phone}", "E-Mail: {email}"),
    "en": ("Phone: {phone}", "Email: {email}"),
    "fr": ("Tél. : {phone}", "E-mail : {email}"),
}
QUOTE = {
    "de": "-----Ursprüngliche Nachricht-----\nVon: Lumeo Kundenservice <service@lumeo.example>"
          "\nGesendet: {date2}\nAn: {email}\nBetreff: Ihre Anfrage #{old_ticket}\n\n"
          "Guten Tag {salutation} {last},\nvielen Dank für Ihre Nachricht. Wir haben Ihr "
          "Anliegen an die Fachabteilung weitergegeben und melden uns so schnell wie möglich.\n"
          "Ihr Lumeo-Kundenservice (App {version})",
    "en": "-----Original message-----\nFrom: Lumeo customer service <service@lumeo.example>\n"
          "Sent: {date2}\nTo: {email}\nSubject: Your request #{old_ticket}\n\n"
          "Dear {salutation} {last},\nthank you for your message. We have passed your request "
          "on to the team in charge and will get back to you as soon as possible.\n"
          "Your Lumeo customer service (app {version})",
    "fr": "-----Message d'origine-----\nDe : Service client Lumeo <service@lumeo.example>\n"
          "Envoyé : {date2}\nÀ : {email}\nObjet : Votre demande #{old_ticket}\n\n"
          "Bonjour {salutation} {last},\nmerci pour votre message. Nous avons transmis votre "
          "demande au service concerné et reviendrons vers vous au plus vite.\n"
          "Votre service client Lumeo (app {version})",
}
FOLLOW_UP = {
    "de": "Nachtrag vom {date3}: Ich habe immer noch keine Antwort erhalten. Bitte melden Sie "
          "sich, gerne auch telefonisch unter {phone}. Die Sache zieht sich jetzt schon über "
          "mehrere Wochen hin, und ich habe inzwischen viel Zeit damit verbracht.",
    "en": "Follow-up of {date3}: I still have not received an answer. Please get in touch, by "
          "phone at {phone} if that is easier. This has been going on for several weeks now "
          "and I have spent a lot of time on it.",
    "fr": "Relance du {date3} : je n'ai toujours pas reçu de réponse. Merci de me recontacter, "
          "par téléphone au {phone} si c'est plus simple. Cela dure depuis plusieurs semaines "
          "et j'y ai déjà passé beaucoup de temps.",
}
SALUTATION = {"de": ("Frau", "Herr"), "en": ("Ms", "Mr"), "fr": ("Madame", "Monsieur")}
CHAT = {
    "de": ("Chat-Protokoll vom {today}", "Kunde ({first} {last})", "Lumeo Support",
           "Guten Tag, ich schaue mir das gerne an. Können Sie mir Ihre E-Mail-Adresse und eine "
           "Telefonnummer für Rückfragen geben?", "Klar: {email}, Telefon {phone}.",
           "Danke, ich leite das an die Fachabteilung weiter."),
    "en": ("Chat transcript of {today}", "Customer ({first} {last})", "Lumeo Support",
           "Hello, happy to look into this. Could you give me your e-mail address and a phone "
           "number for questions?", "Sure: {email}, phone {phone}.",
           "Thanks, I am passing this on to the team in charge."),
    "fr": ("Transcription du chat du {today}", "Client ({first} {last})", "Support Lumeo",
           "Bonjour, je regarde cela volontiers. Pouvez-vous me donner votre adresse e-mail et un "
           "numéro de téléphone ?", "Bien sûr : {email}, téléphone {phone}.",
           "Merci, je transmets au service concerné."),
}
PHONE_NOTE = {
    "de": ("Telefonnotiz vom {today}: Anruf von {salutation} {first} {last}, Rückrufnummer "
           "{phone}.", "Anliegen:", "Kunde bittet um Rückmeldung per E-Mail an {email}."),
    "en": ("Call note of {today}: call from {salutation} {first} {last}, call-back number "
           "{phone}.", "Issue:", "Customer asks for an answer by e-mail to {email}."),
    "fr": ("Note d'appel du {today} : appel de {salutation} {first} {last}, numéro de rappel "
           "{phone}.", "Demande :", "Le client souhaite une réponse par e-mail à {email}."),
}


# --------------------------------------------------------------------------------------------
# Identifiers with check digits


def iban(country: str, bban: str) -> str:
    """Return the IBAN of a country code and a BBAN, with its ISO 13616 mod-97 check digits.

    Parameters
    ----------
    country : str
        Two-letter country code, e.g. ``"DE"``.
    bban : str
        The national account number (digits and capital letters).

    Returns
    -------
    str
        The IBAN in its compact form.

    Examples
    --------
    >>> iban("DE", "370400440532013000")  # the usual textbook example
    'DE89370400440532013000'
    """
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def luhn_digit(payload: str) -> str:
    """Return the Luhn check digit of a string of digits.

    Examples
    --------
    >>> luhn_digit("411111111111111")
    '1'
    """
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


class _Draw:
    """Small helpers over one numpy generator, so every choice comes from the same stream."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def digits(self, n: int) -> str:
        return "".join(str(d) for d in self.rng.integers(0, 10, n))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def iban(self, language: str) -> str:
        country = self.pick(("DE", "DE", "DE", "AT")) if language == "de" else (
            self.pick(("GB", "IE", "NL")) if language == "en" else self.pick(("FR", "FR", "BE")))
        if country == "DE":
            bban = self.digits(18)
        elif country == "AT":
            bban = self.digits(16)
        elif country == "GB":
            bban = self.pick(("NWBK", "BARC", "MIDL", "LOYD")) + self.digits(14)
        elif country == "IE":
            bban = self.pick(("AIBK", "BOFI")) + self.digits(14)
        elif country == "NL":
            bban = self.pick(("ABNA", "INGB", "RABO")) + self.digits(10)
        elif country == "BE":
            # Belgian account numbers carry their own mod-97 check in the last two digits.
            body = self.digits(10)
            check = int(body) % 97 or 97
            bban = f"{body}{check:02d}"
        else:  # FR: bank, branch, account, RIB key
            bban = self.digits(5) + self.digits(5) + self.digits(11) + self.digits(2)
        return iban(country, bban)

    def spaced(self, code: str) -> str:
        # People type IBANs in groups of four about half of the time.
        if self.chance(0.5):
            return " ".join(code[i:i + 4] for i in range(0, len(code), 4))
        return code

    def phone(self, language: str) -> str:
        r = self.rng.random()
        if language == "de" or r < 0.15:
            return self.pick((
                lambda: f"+49 30 {self.digits(8)}",
                lambda: f"0171 {self.digits(7)}",
                lambda: f"0160 {self.digits(8)}",
                lambda: f"+49 (0)89 {self.digits(4)}-{self.digits(4)}",
                lambda: f"0221 / {self.digits(7)}",
                lambda: f"+49 40 {self.digits(8)}",
                lambda: f"+43 664 {self.digits(7)}",
                lambda: f"+90 532 {self.digits(3)} {self.digits(2)} {self.digits(2)}",
                lambda: f"+48 512 {self.digits(3)} {self.digits(3)}",
            ))()
        if language == "en":
            return self.pick((
                lambda: f"+44 20 7946 0{self.digits(3)}",  # Ofcom's range for drama
                lambda: f"+353 87 {self.digits(3)} {self.digits(4)}",
                lambda: f"+31 6 {self.digits(8)}",
            ))()
        return self.pick((
            lambda: f"+33 6 {self.digits(2)} {self.digits(2)} {self.digits(2)} {self.digits(2)}",
            lambda: f"06 {self.digits(2)} {self.digits(2)} {self.digits(2)} {self.digits(2)}",
            lambda: f"+32 470 {self.digits(2)} {self.digits(2)} {self.digits(2)}",
            lambda: f"+41 79 {self.digits(3)} {self.digits(2)} {self.digits(2)}",
        ))()


def _fmt_date(d: dt.date, language: str) -> str:
    if language == "de":
        return d.strftime("%d.%m.%Y")
    if language == "fr":
        return d.strftime("%d/%m/%Y")
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def _body(draw: _Draw, language: str, channel: str, category: str, created: dt.date) -> str:
    """Write one ticket text: the customer's message with personal data and near misses."""
    female = draw.chance(0.5)
    first, last = draw.pick(FIRST[language][0 if female else 1]), draw.pick(LAST[language])
    user = f"{first}.{last}".translate(ASCII).lower().replace(" ", "")
    if draw.chance(0.3):
        user = f"{first[0]}{last}{draw.digits(2)}".translate(ASCII).lower()
    street, city = draw.pick(STREETS[language])
    days_back = int(draw.rng.integers(3, 40))
    f = {
        "first": first, "last": last, "name": f"{first} {last}",
        "salutation": SALUTATION[language][0 if female else 1],
        "email": f"{user}@{draw.pick(MAIL_DOMAINS)}",
        "phone": draw.phone(language), "phone2": draw.phone(language),
        "iban": draw.spaced(draw.iban(language)),
        "order": f"LU-2026-{draw.digits(7)}",
        "invoice": f"RE-26-{draw.digits(6)}",
        "tracking": "00340434" + draw.digits(12),
        "custno": _luhn_failing(draw),
        "old_ticket": f"{int(draw.rng.integers(180000, 260000))}",
        "today": _fmt_date(created, language),
        "date": _fmt_date(created - dt.timedelta(days=days_back), language),
        "date2": _fmt_date(created - dt.timedelta(days=days_back + int(draw.rng.integers(2, 30))),
                           language),
        "date3": _fmt_date(created - dt.timedelta(days=int(draw.rng.integers(0, 3))), language),
        "amount": f"{draw.rng.integers(19, 480)},{draw.digits(2)}" if language != "en"
        else f"{draw.rng.integers(19, 480)}.{draw.digits(2)}",
        "version": ".".join(str(draw.rng.integers(a, b)) for a, b in ((3, 6), (0, 15), (0, 9))),
        "device": draw.pick(DEVICES),
        "serial": f"LUM-{draw.digits(2)}{draw.pick('ABCDEFGHK')}{draw.digits(4)}",
        "ip": f"{draw.pick(('192.0.2', '198.51.100', '203.0.113'))}.{draw.rng.integers(2, 254)}",
    }
    problem = draw.pick(PROBLEM[language][category]).format(**f)
    n_detail = int(draw.rng.choice([2, 3, 4, 5, 6, 7], p=[0.1, 0.2, 0.25, 0.2, 0.15, 0.1]))
    picks = draw.rng.permutation(len(DETAIL[language]))[:n_detail]
    details = [DETAIL[language][i].format(**f) for i in sorted(picks)]
    if category in ("device_defect", "app_login") and draw.chance(0.5):
        details.append(TECH_DETAIL[language].format(**f))
    if draw.chance(0.012):
        details.insert(0, HEALTH[language].format(**f))
    if category in ("refund", "direct_debit", "invoice") and draw.chance(0.02):
        payload = "4" + draw.digits(14)
        card = payload + luhn_digit(payload)
        details.append(CARD[language].format(card=" ".join(card[i:i + 4] for i in range(0, 16, 4))))
    if category in ("refund", "direct_debit") and draw.chance(0.04):
        good = draw.iban(language)
        # A transposition of two digits keeps the shape and breaks the check digits.
        i = 6 + int(draw.rng.integers(0, len(good) - 8))
        bad = good[:i] + good[i + 1] + good[i] + good[i + 2:]
        if bad != good:
            details.append(TYPO_IBAN[language].format(bad_iban=draw.spaced(bad)))
    if draw.chance(0.3):
        details.append(FOLLOW_UP[language].format(**f))

    if channel == "chat":
        title, cust, agent, ask, answer, bye = (s.format(**f) for s in CHAT[language])
        clock = dt.datetime.combine(created, dt.time(int(draw.rng.integers(8, 18)),
                                                     int(draw.rng.integers(0, 60))))
        said = [(cust, f"{problem[0].upper()}{problem[1:]}"), *((cust, d) for d in details),
                (agent, ask), (cust, answer), (agent, bye)]
        lines = [title]
        for who, text in said:
            lines.append(f"[{clock:%H:%M}] {who}: {text}")
            clock += dt.timedelta(seconds=int(draw.rng.integers(20, 150)))
        return "\n".join(lines)
    if channel == "phone":
        head, issue, tail = (s.format(**f) for s in PHONE_NOTE[language])
        text = [head, f"{issue} {problem[0].upper()}{problem[1:]}", *details, tail]
        return "\n".join(text)
    parts = [
        SUBJECT[language][category].format(**f), "",
        draw.pick(GREETING[language]), "", problem, *(x for d in details for x in ("", d)), "",
        draw.pick(CLOSING[language]), f"{first} {last}",
    ]
    if draw.chance(0.35):
        parts.append(f"{street} {int(draw.rng.integers(1, 120))}, {city}")
    tel, mail = SIGNATURE[language]
    if draw.chance(0.8):
        parts.append(tel.format(**f))
    if draw.chance(0.6):
        parts.append(mail.format(**f))
    if draw.chance(0.55):
        parts += ["", QUOTE[language].format(**f)]
    return "\n".join(parts)


def _luhn_failing(draw: _Draw) -> str:
    # A 16-digit customer number that looks like a card number but fails the Luhn check.
    payload = "5" + draw.digits(14)
    wrong = (int(luhn_digit(payload)) + 1 + int(draw.rng.integers(0, 8))) % 10
    return payload + str(wrong)


# --------------------------------------------------------------------------------------------
# Tables


def _timestamps(rng: np.random.Generator, n: int, days: tuple[dt.date, dt.date]) -> list:
    start, end = days
    workdays = [start + dt.timedelta(d) for d in range((end - start).days + 1)]
    workdays = [d for d in workdays if d.weekday() < 5]
    day = rng.integers(0, len(workdays), n)
    seconds = rng.integers(7 * 3600, 19 * 3600, n)
    stamps = [dt.datetime.combine(workdays[d], dt.time()) + dt.timedelta(seconds=int(s))
              for d, s in zip(day, seconds, strict=True)]
    return sorted(stamps)


def _tickets(rng: np.random.Generator, draw: _Draw) -> pd.DataFrame:
    import pandas as pd

    agents = {t: [f"AG-{100 + 20 * i + k:03d}" for k in range(n)]
              for i, (t, n) in enumerate(TEAM_AGENTS.items())}
    agent_effect = {a: float(rng.normal(0, 0.16)) for team in agents.values() for a in team}

    rows = []
    for period, n, days, teams, share in (
        ("baseline", N_BASELINE, BASELINE_DAYS, TEAMS, TEAM_SHARE),
        ("pilot", N_PILOT, PILOT_DAYS, PILOT_TEAMS, (0.48, 0.52)),
    ):
        stamps = _timestamps(rng, n, days)
        team = rng.choice(len(teams), n, p=share)
        language = rng.choice(3, n, p=LANGUAGE_SHARE)
        channel = rng.choice(3, n, p=CHANNEL_SHARE)
        for i in range(n):
            t = teams[team[i]]
            rows.append({
                "period": period, "created": stamps[i], "team": t,
                "language": LANGUAGES[language[i]], "channel": CHANNELS[channel[i]],
                "category": draw.pick(TEAM_CATEGORIES[t]), "agent_id": draw.pick(agents[t]),
            })
    n = len(rows)
    arm = np.where(
        [r["period"] == "pilot" for r in rows], np.where(rng.random(n) < 0.5, 1, 0), -1)
    bodies = [_body(draw, r["language"], r["channel"], r["category"], r["created"].date())
              for r in rows]
    chars = np.array([len(b) for b in bodies])

    sigma = 0.42
    base = np.array([TEAM_MINUTES[r["team"]] * CHANNEL_FACTOR[r["channel"]] for r in rows])
    effect = np.array([agent_effect[r["agent_id"]] for r in rows])
    log_ht = (np.log(base) + 0.45 * np.log(chars / 1400) + effect
              + rng.normal(0, sigma, n) - sigma**2 / 2)
    handle = np.exp(log_ht) * np.where(arm == 1, TREATMENT_FACTOR, 1.0)
    handle = np.clip(handle, 1.0, 240.0)
    # The agent's own mean before any AI (March to May): the CUPED covariate.
    pre = {a: float(np.mean(list(TEAM_MINUTES.values())) * np.exp(e) * rng.lognormal(0, 0.05))
           for a, e in agent_effect.items()}
    pre_period = np.array([pre[r["agent_id"]] for r in rows])
    review = np.where(arm == 1, rng.lognormal(np.log(1.2), 0.45, n), 0.0)
    reopen_p = np.where([r["category"] in ("device_defect", "delivery") for r in rows],
                        0.075, 0.05)
    reopened = (rng.random(n) < reopen_p + np.where(arm == 1, 0.002, 0.0)).astype(int)
    csat_p = np.array([0.04, 0.04, 0.08, 0.28, 0.56])
    csat = rng.choice(np.arange(1, 6), n, p=csat_p)
    # Tickets that were reopened are rated worse.
    csat = np.where(reopened == 1, np.maximum(1, csat - rng.integers(0, 3, n)), csat)

    return pd.DataFrame({
        "ticket_id": [f"T-{r['created']:%y%m}-{i:05d}" for i, r in enumerate(rows, 1)],
        "created_at": [r["created"].isoformat() for r in rows],
        "period": [r["period"] for r in rows],
        "team": [r["team"] for r in rows],
        "agent_id": [r["agent_id"] for r in rows],
        "language": [r["language"] for r in rows],
        "channel": [r["channel"] for r in rows],
        "category": [r["category"] for r in rows],
        "arm": pd.array([None if a < 0 else ("treatment" if a else "control") for a in arm],
                        dtype="string"),
        "handle_time_min": np.round(handle, 1),
        "review_min": np.round(review, 1),
        "pre_period_handle_time": np.round(pre_period, 1),
        "reopened": reopened,
        "csat": csat,
        "body_chars": chars,
        "body": bodies,
    })


def _exact_labels(rng: np.random.Generator, n: int, minor: int, halluc: int,
                  weight: np.ndarray) -> np.ndarray:
    # Exact counts per group, so that the example's acceptance criteria have a known margin;
    # hallucinations go preferably to long tickets, as they do in practice.
    labels = np.array(["correct"] * n, dtype=object)
    p = weight / weight.sum()
    bad = rng.choice(n, minor + halluc, replace=False, p=p)
    labels[bad[:halluc]] = "hallucination"
    labels[bad[halluc:]] = "minor_error"
    return labels


def _gold(rng: np.random.Generator, tickets: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    base = tickets[tickets.period == "baseline"]
    pick = np.sort(rng.choice(len(base), N_GOLD, replace=False))
    gold = base.iloc[pick].reset_index(drop=True)
    labels = np.empty(len(gold), dtype=object)
    # minor-error shares: de 6.0 %, en 7.0 %, fr 8.5 % (within the warning margin of AC2);
    # 12 hallucinations in all (1.0 %).
    halluc = {"de": 7, "en": 3, "fr": 2}
    for lang, share in (("de", 0.060), ("en", 0.070), ("fr", 0.085)):
        idx = np.flatnonzero(gold.language.to_numpy() == lang)
        labels[idx] = _exact_labels(rng, len(idx), round(share * len(idx)), halluc[lang],
                                    gold.body_chars.to_numpy()[idx].astype(float))
    days = [dt.date(2026, 9, 15) + dt.timedelta(d) for d in range(8)]
    days = [d for d in days if d.weekday() < 5]
    return pd.DataFrame({
        "ticket_id": gold.ticket_id,
        "language": gold.language,
        "channel": gold.channel,
        "category": gold.category,
        "body_chars": gold.body_chars,
        "prompt_version": "v3",
        "model": "medium-2026-05",
        "review_label": labels,
        "summary_len": np.clip(rng.normal(95, 24, len(gold)), 35, 180).round().astype(int),
        "reviewer": [f"R{k:02d}" for k in rng.integers(1, 7, len(gold))],
        "reviewed_on": [days[k].isoformat() for k in rng.integers(0, len(days), len(gold))],
    })


def _calls(rng: np.random.Generator, variant: tuple[str, str], body_chars: np.ndarray,
           load: float = 1.0) -> dict[str, np.ndarray]:
    fixed, out, p_in, p_out, ttft, ms_in, speed = VARIANTS[variant]
    n = len(body_chars)
    tokens_in = fixed + np.round(body_chars / 3.6).astype(int)
    tokens_out = np.maximum(40, np.round(rng.normal(out, out * 0.22, n))).astype(int)
    latency = (ttft + ms_in * tokens_in + 1000 * tokens_out / speed) * load
    latency = latency * rng.lognormal(0, 0.22, n)
    status = np.where(rng.random(n) < 0.003, "timeout", "ok")
    tokens_out = np.where(status == "ok", tokens_out, 0)
    latency = np.where(status == "ok", latency, 30000)
    cost = (tokens_in * p_in + tokens_out * p_out) / 1e6
    return {"tokens_in": tokens_in, "tokens_out": tokens_out, "cost_eur": np.round(cost, 6),
            "latency_ms": np.round(latency).astype(int), "status": status}


def _experiment_log(rng: np.random.Generator, gold: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for prompt, model, n, first in EXPERIMENT_RUNS:
        sample = gold if n == len(gold) else gold.iloc[np.sort(rng.choice(len(gold), n, False))]
        calls = _calls(rng, (prompt, model), sample.body_chars.to_numpy())
        day = [(first + dt.timedelta(int(d))).isoformat() for d in np.sort(rng.integers(0, 3, n))]
        frames.append(pd.DataFrame({"date": day, "ticket_id": sample.ticket_id.to_numpy(),
                                    "prompt_version": prompt, "model": model, **calls}))
    log = pd.concat(frames, ignore_index=True)
    log.insert(0, "call_id", [f"EXP-{i:05d}" for i in range(1, len(log) + 1)])
    return log


def _production_log(rng: np.random.Generator, draw: _Draw,
                    reference_chars: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    n = N_PRODUCTION
    stamps = _timestamps(rng, n, PRODUCTION_DAYS)
    team = rng.choice(len(TEAMS), n, p=TEAM_SHARE)
    # A slightly larger French share: the French desk moved into the technical team.
    language = rng.choice(3, n, p=(0.54, 0.27, 0.19))
    channel = rng.choice(3, n, p=CHANNEL_SHARE)
    teams = [TEAMS[t] for t in team]
    categories = [draw.pick(TEAM_CATEGORIES[t]) for t in teams]
    # Ticket lengths as in the baseline, a little longer (the French desk writes more).
    chars = rng.choice(reference_chars, n) + rng.integers(-40, 90, n)
    calls = _calls(rng, ("v3", "medium-2026-05"), chars, load=1.08)
    base = np.array([TEAM_MINUTES[t] * CHANNEL_FACTOR[CHANNELS[c]]
                     for t, c in zip(teams, channel, strict=True)])
    sigma = 0.42
    handle = np.exp(np.log(base) + 0.45 * np.log(chars / 1400) + rng.normal(0, sigma, n)
                    + rng.normal(0, 0.16, n) - sigma**2 / 2) * TREATMENT_FACTOR
    reopened = (rng.random(n) < 0.058).astype(int)
    csat = rng.choice(np.arange(1, 6), n, p=[0.04, 0.04, 0.08, 0.28, 0.56])
    # 10 % of summaries are reviewed by team leads; two hallucinations in three weeks (1 %),
    # in different weeks.
    reviewed = np.sort(rng.choice(n, n // 10, replace=False))
    labels = np.array([None] * n, dtype=object)
    labels[reviewed] = "correct"
    k = len(reviewed)
    minor = rng.choice(np.setdiff1d(np.arange(k), [k // 6, 5 * k // 6]), 15, replace=False)
    labels[reviewed[minor]] = "minor_error"
    labels[reviewed[[k // 6, 5 * k // 6]]] = "hallucination"
    review = np.zeros(n)
    review[reviewed] = rng.lognormal(np.log(1.2), 0.45, k)
    return pd.DataFrame({
        "call_id": [f"PRD-{i:06d}" for i in range(1, n + 1)],
        "ticket_id": [f"T-{s:%y%m}-{70000 + i:05d}" for i, s in enumerate(stamps)],
        "created_at": [s.isoformat() for s in stamps],
        "team": teams,
        "language": [LANGUAGES[k] for k in language],
        "channel": [CHANNELS[k] for k in channel],
        "category": categories,
        "body_chars": chars,
        "prompt_version": "v3",
        "model": "medium-2026-05",
        **calls,
        "handle_time_min": np.round(np.clip(handle, 1.0, 240.0), 1),
        "review_min": np.round(review, 1),
        "reopened": reopened,
        "csat": csat,
        "review_label": pd.array(labels, dtype="string"),
    })


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Generate the example's tables.

    Parameters
    ----------
    seed : int, default SEED
        Seed of :func:`numpy.random.default_rng`; the default gives the shipped example.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``tickets``, ``gold_reviews``, ``experiment_log`` and ``production_log``; each is
        written to ``data/<name>.csv``.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    draw = _Draw(rng)
    tickets = _tickets(rng, draw)
    gold = _gold(rng, tickets)
    tuning = _experiment_log(rng, gold)
    production = _production_log(
        rng, draw, tickets.body_chars[tickets.period == "baseline"].to_numpy())
    # An unevaluated prompt hotfix ran on 10 and 11 November and was rolled back: the operate
    # notebook's version gate fails on any window that holds those days.
    days = production.created_at.str[:10]
    production["prompt_version"] = np.where(days.isin(["2026-11-10", "2026-11-11"]), "v3.1",
                                            "v3")
    # The evidence of a generative product, from its own generator: the tables above stay.
    more = np.random.default_rng([seed, 17])
    test = evidence.test_items(more, tickets, gold, _exact_labels)
    # Every iteration (v1 to v3) saw the first 1,200 items: they tuned on them.
    tuning = tuning.assign(purpose="tune", review_label=_iteration_labels(more, tuning, gold))
    accept = evidence.acceptance_calls(more, test, _calls, len(tuning) + 1)
    double, adjudication = evidence.double_reviews(more, test)
    suite, results = evidence.injection_suite()
    return {
        "tickets": tickets,
        "gold_reviews": pd.concat([gold, test], ignore_index=True),
        "experiment_log": pd.concat([tuning, accept], ignore_index=True),
        "production_log": production,
        "gold_split": pd.DataFrame({"ticket_id": [*gold.ticket_id, *test.ticket_id],
                                    "split": ["dev"] * len(gold) + ["test"] * len(test)}),
        "gold_double_reviews": double,
        "gold_adjudication": adjudication,
        "judge_labels": evidence.judge(more, test),
        "injection_suite": suite,
        "injection_results": results,
        "output_sample": evidence.output_sample(more),
    }


def _iteration_labels(rng: np.random.Generator, log: pd.DataFrame,
                      gold: pd.DataFrame) -> np.ndarray:
    # The reviewed label of each tuning call: v3's are the gold set's; the earlier versions
    # erred more (v1 14 %, v2 11 %), on top of the items v3 got wrong.
    truth = dict(zip(gold.ticket_id, gold.review_label, strict=True))
    correct = {"v1": 0.86, "v2": 0.89, "v3": 1.0}
    out = []
    for version, item in zip(log.prompt_version, log.ticket_id, strict=True):
        label = truth[item]
        if label == "correct" and rng.random() > correct[version]:
            label = "minor_error" if rng.random() < 0.85 else "hallucination"
        out.append(label)
    return np.array(out, dtype=object)
