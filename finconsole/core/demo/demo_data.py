"""Word pools for the demo register: Finnish names, real postcodes, anime goods, carrier codes.

Weights follow rough real frequencies (Virtanen and Korhonen are common, Åberg is rare), so
searches hit realistic result counts. Nothing here is a real person: names are combined at
random, street numbers and phone numbers are drawn at random.
"""

from __future__ import annotations

# fmt: off

# (name, weight)
FEMALE_FIRST = [
    ("Anna", 30), ("Aino", 22), ("Maria", 20), ("Helmi", 14), ("Emma", 18), ("Sofia", 16),
    ("Laura", 18), ("Johanna", 16), ("Liisa", 10), ("Minna", 12), ("Niina", 10), ("Päivi", 10),
    ("Riikka", 9), ("Sanna", 12), ("Satu", 10), ("Tiina", 12), ("Venla", 12), ("Ella", 14),
    ("Siiri", 10), ("Iida", 11), ("Aada", 9), ("Anni", 12), ("Katja", 9), ("Jenna", 9),
    ("Eveliina", 7), ("Hanna", 14), ("Kaisa", 7), ("Elina", 11), ("Noora", 9), ("Pihla", 6),
    ("Sää", 1), ("Märta", 2), ("Åsa", 2), ("Linnéa", 3), ("Hilkka", 3), ("Sirkka", 3),
    ("Tuulikki", 2), ("Ilona", 6), ("Oona", 8), ("Veera", 9), ("Milla", 8), ("Essi", 6),
    ("Kerttu", 4), ("Lotta", 7), ("Saara", 8), ("Nelli", 6), ("Krista", 6), ("Heidi", 8),
]
MALE_FIRST = [
    ("Aleksi", 16), ("Antti", 18), ("Eero", 12), ("Heikki", 12), ("Janne", 14), ("Jari", 12),
    ("Juha", 16), ("Jukka", 14), ("Kalle", 12), ("Lauri", 12), ("Matti", 16), ("Mikko", 18),
    ("Onni", 10), ("Pekka", 14), ("Sami", 12), ("Teemu", 12), ("Tuomas", 11), ("Väinö", 6),
    ("Ville", 14), ("Eino", 8), ("Oskari", 8), ("Joel", 8), ("Jyrki", 5), ("Björn", 3),
    ("Göran", 2), ("Sölve", 1), ("Jönssi", 1), ("Petteri", 8), ("Markus", 10), ("Jani", 10),
    ("Toni", 9), ("Timo", 12), ("Kari", 10), ("Risto", 5), ("Olli", 9), ("Henri", 8),
    ("Niko", 10), ("Arttu", 8), ("Elias", 10), ("Leo", 10), ("Veeti", 6), ("Paavo", 5),
    ("Kaj", 2), ("Jääskö", 1), ("Tapio", 6), ("Esa", 6), ("Ilkka", 5), ("Severi", 5),
]
LAST = [
    ("Korhonen", 22), ("Virtanen", 22), ("Mäkinen", 20), ("Nieminen", 19), ("Mäkelä", 18),
    ("Hämäläinen", 17), ("Laine", 17), ("Heikkinen", 16), ("Koskinen", 16), ("Järvinen", 15),
    ("Lehtonen", 15), ("Lehtinen", 14), ("Saarinen", 14), ("Salminen", 13), ("Heinonen", 13),
    ("Niemi", 13), ("Heikkilä", 12), ("Kinnunen", 12), ("Salonen", 12), ("Turunen", 12),
    ("Salo", 11), ("Laitinen", 11), ("Tuominen", 11), ("Rantanen", 11), ("Karjalainen", 10),
    ("Jokinen", 10), ("Mattila", 10), ("Savolainen", 10), ("Lahtinen", 9), ("Ahonen", 9),
    ("Kärkkäinen", 7), ("Pääkkönen", 4), ("Väisänen", 7), ("Hyvönen", 7), ("Räsänen", 7),
    ("Törmänen", 3), ("Lönnqvist", 2), ("Sjöberg", 2), ("Ström", 2), ("Söderholm", 2),
    ("Öhman", 2), ("Åberg", 2), ("Östman", 2), ("Lindström", 3), ("Björklund", 3),
    ("Virta", 6), ("Kallio", 8), ("Leppänen", 8), ("Hiltunen", 7), ("Miettinen", 7),
    ("Pitkänen", 7), ("Aaltonen", 7), ("Manninen", 7), ("Hakala", 6), ("Koivisto", 7),
    ("Anttila", 6), ("Lindqvist", 3), ("Peltonen", 6), ("Nurmi", 6), ("Seppälä", 6),
    ("Halonen", 6), ("Ketola", 4), ("Kivelä", 4), ("Ylönen", 3), ("Äijälä", 2), ("Ärölä", 1),
]

# city -> (weight, real postcodes of that city, a few real street names)
CITIES = {
    "Helsinki": (30, "00100 00120 00130 00140 00150 00160 00170 00180 00200 00210 00250 00260 "
                 "00280 00300 00320 00330 00340 00350 00370 00400 00420 00500 00510 00530 00550 "
                 "00560 00570 00580 00600 00610 00640 00650 00660 00680 00700 00710 00730 00740 "
                 "00750 00760 00780 00800 00810 00820 00840 00850 00870 00900 00910 00920 00930 "
                 "00940 00950 00960 00970 00980 00990",
                 ["Mannerheimintie", "Hämeentie", "Fredrikinkatu", "Runeberginkatu",
                  "Mechelininkatu", "Kaisaniemenkatu", "Sturenkatu", "Itäkatu", "Mäkelänkatu",
                  "Joutsentie", "Kulosaarentie", "Vuosaarentie", "Pihlajamäentie"]),
    "Espoo": (12, "02100 02110 02120 02130 02140 02150 02160 02170 02180 02200 02210 02230 "
              "02240 02250 02260 02270 02280 02300 02320 02330 02340 02360 02380 02600 02610 "
              "02620 02630 02650 02660 02680 02700 02710 02720 02730 02740 02750 02760 02770",
              ["Leppävaarankatu", "Tapiolantie", "Länsiväylä", "Kauklahdenväylä", "Otaniementie",
               "Espoonlahdentie", "Matinkatu", "Soukantie"]),
    "Vantaa": (10, "01200 01260 01280 01300 01350 01360 01370 01380 01390 01400 01420 01450 "
               "01480 01510 01520 01530 01600 01610 01620 01630 01640 01650 01660 01670 01680 "
               "01690 01700 01710 01720 01730 01740 01750 01760 01770",
               ["Tikkurilantie", "Myyrmäentie", "Martinlaaksontie", "Koivukyläntie",
                "Hakunilantie", "Kuninkaalantie"]),
    "Tampere": (12, "33100 33180 33200 33210 33230 33240 33250 33270 33300 33310 33330 33340 "
                "33400 33410 33420 33470 33500 33520 33530 33540 33560 33580 33610 33700 33710 "
                "33720 33730 33800 33820 33900",
                ["Hämeenkatu", "Itsenäisyydenkatu", "Pispalanvaltatie", "Sammonkatu",
                 "Hervannan valtaväylä", "Teiskontie", "Näsilinnankatu"]),
    "Oulu": (8, "90100 90120 90130 90140 90150 90220 90230 90240 90250 90400 90420 90500 90510 "
             "90520 90530 90540 90550 90560 90570 90580 90620 90630 90650 90670",
             ["Isokatu", "Kirkkokatu", "Kajaanintie", "Pohjantie", "Nokelantie", "Rantakatu"]),
    "Turku": (9, "20100 20200 20210 20240 20250 20300 20320 20360 20380 20400 20460 20500 20520 "
              "20540 20610 20700 20720 20740 20750 20760 20780 20810 20880 20900",
              ["Yliopistonkatu", "Aurakatu", "Humalistonkatu", "Uudenmaankatu", "Hämeenkatu",
               "Itäinen Rantakatu", "Skarppakullantie"]),
    "Jyväskylä": (6, "40100 40200 40250 40320 40340 40400 40500 40520 40530 40600 40620 40630 "
                  "40640 40700",
                  ["Kauppakatu", "Väinönkatu", "Vaajakoskentie", "Keskussairaalantie"]),
    "Lahti": (5, "15100 15110 15140 15150 15200 15210 15240 15300 15500 15700 15800 15900",
              ["Aleksanterinkatu", "Vesijärvenkatu", "Hämeenlinnantie", "Mukkulankatu"]),
    "Kuopio": (5, "70100 70110 70150 70200 70300 70340 70420 70460 70500 70600 70620 70780 "
               "70800 70820",
               ["Puijonkatu", "Savonkatu", "Tulliportinkatu", "Petosentie"]),
    "Rovaniemi": (2, "96100 96190 96200 96300 96400 96440 96460 96500",
                  ["Koskikatu", "Rovakatu", "Ounasvaarantie", "Santamäentie"]),
    "Vaasa": (3, "65100 65200 65230 65280 65300 65320 65350 65370 65380 65410",
              ["Hovioikeudenpuistikko", "Vaasanpuistikko", "Gerbynväylä"]),
    "Pori": (3, "28100 28120 28130 28190 28200 28220 28300 28400 28500 28600",
             ["Yrjönkatu", "Itsenäisyydenkatu", "Tiilimäentie"]),
    "Joensuu": (2, "80100 80110 80130 80140 80200 80220 80230",
                ["Siltakatu", "Kirkkokatu", "Karjalankatu"]),
    "Hämeenlinna": (3, "13100 13130 13200 13210 13270 13500 13600",
                    ["Raatihuoneenkatu", "Parolantie", "Tampereentie"]),
}
# Street names made from common parts, for variety beyond the named streets above.
STREET_STEMS = [
    "Koivu", "Kuusi", "Mänty", "Pihlaja", "Tammi", "Vaahtera", "Haapa", "Kataja", "Rauta",
    "Myllyn", "Kirkko", "Ranta", "Pelto", "Niitty", "Kallio", "Mäki", "Järven", "Lähde",
    "Sepän", "Kivi", "Metsä", "Ahven", "Hauki", "Kuikka", "Joutsen", "Tähti", "Sävel", "Räystäs",
]
STREET_ENDS = ["tie", "katu", "kuja", "polku", "rinne", "kaari", "raitti", "piha"]

EMAIL_DOMAINS = [
    ("gmail.com", 40), ("hotmail.com", 10), ("outlook.com", 9), ("yahoo.com", 3),
    ("luukku.com", 3), ("kolumbus.fi", 2), ("suomi24.fi", 3), ("elisanet.fi", 4),
    ("welho.com", 2), ("saunalahti.fi", 3), ("icloud.com", 6), ("live.fi", 3),
    ("protonmail.com", 2),
]
MOBILE_PREFIXES = [("40", 30), ("41", 8), ("44", 22), ("45", 12), ("46", 8), ("50", 24)]

# (product, unit price in cents incl. VAT, weight)
PRODUCTS = [
    ("Nendoroid Hatsune Miku", 5490, 8), ("figma Levi Ackerman", 8990, 4),
    ("One Piece 105 (suomeksi)", 1195, 20), ("Demon Slayer Tanjiro -figuuri", 3490, 8),
    ("Totoro-pehmolelu 30 cm", 3990, 10), ("Pokémon TCG Booster Box", 15990, 3),
    ("Sailor Moon Moon Stick -replika", 7490, 2), ("Naruto huppari L", 4990, 6),
    ("Chainsaw Man Pochita -pehmo", 2990, 9), ("Spy×Family Anya -avaimenperä", 990, 18),
    ("Jujutsu Kaisen Gojo -akryyliteline", 1990, 12), ("My Hero Academia -julistesetti", 1490, 8),
    ("Attack on Titan Survey Corps -viitta", 3990, 3), ("Dragon Ball Z Goku -figuuri", 4490, 6),
    ("Naruto-ramenkulho", 2490, 7), ("Japanilainen karkkilaatikko", 2990, 14),
    ("Gundam RX-78-2 HG 1/144", 2790, 7), ("Evangelion Unit-01 -pienoismalli", 6490, 3),
    ("Frieren 1 (suomeksi)", 1195, 12), ("Haikyuu!! -lentopallo", 3490, 2),
    ("Studio Ghibli -muistikirja", 1590, 9), ("Kimetsu no Yaiba -kangaskassi", 1790, 8),
    ("Genshin Impact Paimon -tyyny", 3290, 6), ("Matcha Kit Kat 12 kpl", 890, 15),
    ("Death Note -muistikirja", 1990, 7), ("Bleach Blu-ray box", 8990, 2),
]
SHIPPING_FEES = [(590, 5), (790, 4), (990, 2), (0, 2)]

# Carrier -> share of parcels
CARRIERS = [("posti", 62), ("matkahuolto", 20), ("postnord", 9), ("dhl", 9)]

# Each carrier's own event code for a normalised status (Posti: IFTSTA-style codes).
EVENT_CODES = {
    "posti": {
        "info_received": "68", "picked_up": "13", "loaded": "48", "in_transit": "31",
        "out_for_delivery": "71", "attempt_failed": "56", "available_for_pickup": "91",
        "notice_sent": "45", "delivered": "22", "exception": "20", "returned_to_sender": "77",
    },
    "dhl": {
        "info_received": "PU0", "picked_up": "PU", "loaded": "PL", "in_transit": "AF",
        "out_for_delivery": "WC", "attempt_failed": "NH", "available_for_pickup": "AR",
        "notice_sent": "CM", "delivered": "OK", "exception": "MS", "returned_to_sender": "RT",
    },
    "postnord": {
        "info_received": "EE", "picked_up": "AA", "loaded": "AL", "in_transit": "UT",
        "out_for_delivery": "UD", "attempt_failed": "NA", "available_for_pickup": "AN",
        "notice_sent": "AV", "delivered": "UL", "exception": "ER", "returned_to_sender": "RE",
    },
    "matkahuolto": {
        "info_received": "ENN", "picked_up": "NOU", "loaded": "LAS", "in_transit": "KUL",
        "out_for_delivery": "JAK", "attempt_failed": "YRI", "available_for_pickup": "NOUD",
        "notice_sent": "ILM", "delivered": "LUO", "exception": "POIK", "returned_to_sender": "PAL",
    },
}
# event step -> (normalised status, description)
EVENT_TEXT = {
    "info_received": ("info_received", "Lähetyksen ennakkotiedot vastaanotettu"),
    "picked_up": ("in_transit", "Lähetys noudettu lähettäjältä"),
    "loaded": ("in_transit", "Lähetys lastattu"),
    "in_transit": ("in_transit", "Lähetys on kuljetuksessa"),
    "out_for_delivery": ("out_for_delivery", "Lähetys on jakelussa"),
    "attempt_failed": ("attempt_failed", "Jakeluyritys, vastaanottaja ei tavoitettu"),
    "available_for_pickup": ("available_for_pickup", "Lähetys noudettavissa"),
    "notice_sent": ("available_for_pickup", "Saapumisilmoitus lähetetty"),
    "delivered": ("delivered", "Lähetys luovutettu vastaanottajalle"),
    "exception": ("exception", "Poikkeama kuljetuksessa"),
    "returned_to_sender": ("returned_to_sender", "Lähetys palautetaan lähettäjälle"),
}
TERMINALS = [
    "Vantaa lajittelukeskus", "Tampere terminaali", "Oulu terminaali", "Turku terminaali",
    "Kuopio terminaali", "Jyväskylä terminaali", "Helsinki Pasila", "Espoo Suomenoja",
]
PICKUP_POINTS = [
    "K-Market", "S-Market", "Prisma", "R-kioski", "Pakettiautomaatti", "Posti", "Alepa",
]
# fmt: on
