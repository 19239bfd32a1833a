"""The words of every message, in Finnish, Swedish and English.

Each kind has a subject, a body and the legal basis it rests on; ``COMMON`` holds what every
message shares (greeting, the controller and contact person, the person's rights). Placeholders
are ``str.format`` names filled by ``templates.render``; values are plain text, never
templates themselves.
"""

from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")

COMMON: dict[str, dict[str, str]] = {
    "fi": {
        "greeting": "Hei {name},",
        "greeting_plain": "Hei,",
        "controller": (
            "Rekisterinpitäjä: {controller} (Y-tunnus {business_id}), {street}, {postcode} "
            "{city}.\nYhteyshenkilö rekisteriasioissa: {contact_name}, {contact_email}, "
            "puh. {contact_phone}."
        ),
        "basis": "Oikeusperuste: {basis}",
        "rights": (
            "Oikeutesi: voit tarkastaa tietosi, vaatia niiden oikaisemista tai poistamista, "
            "rajoittaa tai vastustaa niiden käsittelyä (myös suoramarkkinointia) ja saada "
            "tietosi siirretyksi. Voit myös tehdä valituksen tietosuojavaltuutetun toimistolle "
            "(tietosuoja.fi)."
        ),
        "reply": "Voit vastata tähän viestiin tai ottaa yhteyttä yllä mainittuun henkilöön.",
        "signature": "Ystävällisin terveisin\n{short_name}",
    },
    "sv": {
        "greeting": "Hej {name},",
        "greeting_plain": "Hej,",
        "controller": (
            "Personuppgiftsansvarig: {controller} (FO-nummer {business_id}), {street}, "
            "{postcode} {city}.\nKontaktperson i registerärenden: {contact_name}, "
            "{contact_email}, tfn {contact_phone}."
        ),
        "basis": "Rättslig grund: {basis}",
        "rights": (
            "Dina rättigheter: du kan få tillgång till dina uppgifter, kräva rättelse eller "
            "radering, begränsa eller invända mot behandlingen (även direktmarknadsföring) och "
            "få dina uppgifter överförda. Du kan också lämna in ett klagomål till "
            "dataombudsmannens byrå (tietosuoja.fi)."
        ),
        "reply": "Du kan svara på detta meddelande eller kontakta personen ovan.",
        "signature": "Med vänliga hälsningar\n{short_name}",
    },
    "en": {
        "greeting": "Dear {name},",
        "greeting_plain": "Hello,",
        "controller": (
            "Controller: {controller} (business ID {business_id}), {street}, {postcode} {city}."
            "\nContact person for register matters: {contact_name}, {contact_email}, "
            "tel. {contact_phone}."
        ),
        "basis": "Legal basis: {basis}",
        "rights": (
            "Your rights: you may access your data, have it rectified or erased, restrict or "
            "object to its processing (direct marketing included) and have it transferred. You "
            "may also lodge a complaint with the Office of the Data Protection Ombudsman "
            "(tietosuoja.fi)."
        ),
        "reply": "You can reply to this message or contact the person named above.",
        "signature": "Kind regards\n{short_name}",
    },
}

# kind -> language -> (subject, body, legal basis)
KINDS: dict[str, dict[str, tuple[str, str, str]]] = {
    "request_received": {
        "fi": (
            "Pyyntösi on vastaanotettu ({reference})",
            "Olemme vastaanottaneet {received} pyyntösi: {request_kind}.\n"
            "Pyynnön viite: {reference}\nVastaamme viimeistään {due}.",
            "EU:n tietosuoja-asetuksen 12 artiklan 3 kohta: pyyntöön vastataan kuukauden "
            "kuluessa sen vastaanottamisesta.",
        ),
        "sv": (
            "Din begäran har tagits emot ({reference})",
            "Vi har tagit emot din begäran {received}: {request_kind}.\n"
            "Referens: {reference}\nVi svarar senast {due}.",
            "EU:s dataskyddsförordning artikel 12.3: en begäran besvaras inom en månad från "
            "mottagandet.",
        ),
        "en": (
            "Your request has been received ({reference})",
            "We received your request on {received}: {request_kind}.\n"
            "Reference: {reference}\nWe will answer by {due} at the latest.",
            "GDPR Article 12(3): a request is answered within one month of its receipt.",
        ),
    },
    "request_extended": {
        "fi": (
            "Pyyntösi {reference}: vastausaikaa jatketaan",
            "Emme pysty vastaamaan pyyntöösi ({request_kind}) kuukauden kuluessa.\n"
            "Syy: {reason}\nVastaamme viimeistään {due}.",
            "EU:n tietosuoja-asetuksen 12 artiklan 3 kohta: määräaikaa voidaan jatkaa enintään "
            "kahdella kuukaudella, kun pyyntöjä on paljon tai ne ovat monimutkaisia; syy "
            "kerrotaan ensimmäisen kuukauden aikana.",
        ),
        "sv": (
            "Din begäran {reference}: svarstiden förlängs",
            "Vi kan inte besvara din begäran ({request_kind}) inom en månad.\n"
            "Skäl: {reason}\nVi svarar senast {due}.",
            "EU:s dataskyddsförordning artikel 12.3: tidsfristen kan förlängas med högst två "
            "månader; skälen meddelas inom den första månaden.",
        ),
        "en": (
            "Your request {reference}: the answer will take longer",
            "We cannot answer your request ({request_kind}) within one month.\n"
            "Reason: {reason}\nWe will answer by {due} at the latest.",
            "GDPR Article 12(3): the period may be extended by up to two further months; the "
            "reasons are given within the first month.",
        ),
    },
    "request_answered": {
        "fi": (
            "Pyyntösi {reference} on käsitelty",
            "Pyyntösi ({request_kind}) on käsitelty {today}.\n{answer}",
            "EU:n tietosuoja-asetuksen 12 artikla ja {article}.",
        ),
        "sv": (
            "Din begäran {reference} har behandlats",
            "Din begäran ({request_kind}) har behandlats {today}.\n{answer}",
            "EU:s dataskyddsförordning artikel 12 och {article}.",
        ),
        "en": (
            "Your request {reference} has been handled",
            "Your request ({request_kind}) was handled on {today}.\n{answer}",
            "GDPR Article 12 and {article}.",
        ),
    },
    "export_ready": {
        "fi": (
            "Tietojesi kopio on valmis ({reference})",
            "Kopio kaikista sinusta tallennetuista tiedoista on valmis ({request_kind}, "
            "{today}). Emme lähetä tietojasi tavallisessa sähköpostissa: toimitamme kopion "
            "sinulle erikseen suojatusti. Ota yhteyttä, jos haluat sen jollakin tietyllä tavalla.",
            "EU:n tietosuoja-asetuksen 15 artikla (oikeus saada pääsy tietoihin) ja 20 artikla "
            "(oikeus siirtää tiedot järjestelmästä toiseen).",
        ),
        "sv": (
            "Kopian av dina uppgifter är klar ({reference})",
            "En kopia av alla uppgifter vi har om dig är klar ({request_kind}, {today}). Vi "
            "skickar inte dina uppgifter med vanlig e-post: kopian levereras till dig separat "
            "och skyddat. Kontakta oss om du vill ha den på ett visst sätt.",
            "EU:s dataskyddsförordning artikel 15 (rätt till tillgång) och artikel 20 (rätt till "
            "dataportabilitet).",
        ),
        "en": (
            "The copy of your data is ready ({reference})",
            "A copy of all the data we hold about you is ready ({request_kind}, {today}). We do "
            "not send your data by plain email: it is delivered to you separately and securely. "
            "Contact us if you want it in a particular way.",
            "GDPR Article 15 (right of access) and Article 20 (right to data portability).",
        ),
    },
    "erasure_done": {
        "fi": (
            "Tietosi on poistettu{ref_suffix}",
            "Olemme poistaneet {today} pysyvästi kaikki sinusta tallennetut henkilötiedot "
            "rekisteristä {register}.{recipients}\nTämä on viimeinen viestimme: "
            "osoitteesi poistetaan myös tämän viestin kirjauksesta heti lähetyksen jälkeen.",
            "EU:n tietosuoja-asetuksen 17 artikla (oikeus tietojen poistamiseen).",
        ),
        "sv": (
            "Dina uppgifter har raderats{ref_suffix}",
            "Vi har {today} permanent raderat alla personuppgifter om dig i registret "
            "{register}.{recipients}\nDetta är vårt sista meddelande: din adress "
            "raderas även ur vår logg över detta meddelande direkt efter att det skickats.",
            "EU:s dataskyddsförordning artikel 17 (rätt till radering).",
        ),
        "en": (
            "Your data has been erased{ref_suffix}",
            "On {today} we permanently erased all personal data about you from the {register}."
            "{recipients}\nThis is our last message: your address is erased from our record of "
            "this message as soon as it has been sent.",
            "GDPR Article 17 (right to erasure).",
        ),
    },
    "erasure_partial": {
        "fi": (
            "Tietosi on poistettu osittain{ref_suffix}",
            "Olemme poistaneet {today} sinusta tallennetut henkilötiedot rekisteristä "
            "{register}, lukuun ottamatta sitä, mitä laki velvoittaa säilyttämään:\n{holds}\n"
            "Säilytettävien tietojen käsittely on rajoitettu: niitä käytetään vain "
            "säilytysvelvoitteen täyttämiseen, ja ne poistetaan {completes}.{recipients}\n"
            "Osoitteesi poistetaan tämän viestin kirjauksesta heti lähetyksen jälkeen.",
            "EU:n tietosuoja-asetuksen 17 artiklan 3 kohdan b alakohta (lakisääteinen "
            "velvoite) ja 18 artikla (käsittelyn rajoittaminen).",
        ),
        "sv": (
            "Dina uppgifter har delvis raderats{ref_suffix}",
            "Vi har {today} raderat personuppgifterna om dig i registret {register}, utom det "
            "som lagen kräver att vi sparar:\n{holds}\nBehandlingen av det som sparas är "
            "begränsad: det används endast för att uppfylla skyldigheten och raderas "
            "{completes}.{recipients}\nDin adress raderas ur vår logg över detta meddelande "
            "direkt efter att det skickats.",
            "EU:s dataskyddsförordning artikel 17.3 b (rättslig förpliktelse) och artikel 18 "
            "(begränsning av behandling).",
        ),
        "en": (
            "Your data has been erased in part{ref_suffix}",
            "On {today} we erased the personal data about you from the {register}, except what "
            "the law requires us to keep:\n{holds}\nWhat is kept is restricted: it is used only "
            "to meet that obligation and is erased {completes}.{recipients}\nYour address is "
            "erased from our record of this message as soon as it has been sent.",
            "GDPR Article 17(3)(b) (legal obligation) and Article 18 (restriction).",
        ),
    },
    "disclosure_notice": {
        "fi": (
            "Ennakkoilmoitus tietojesi luovuttamisesta",
            "Luovutamme aikaisintaan {planned} seuraavat tietosi vastaanottajalle "
            "{recipient} ({purpose}): {fields}.\nKerromme tästä etukäteen, kuten "
            "rekisteriselosteessamme lupaamme. Ota yhteyttä ennen luovutusta, jos asiassa on "
            "jotain selvitettävää (esimerkiksi lasku on jo maksettu).",
            "EU:n tietosuoja-asetuksen 6 artiklan 1 kohdan b ja f alakohdat (sopimus ja "
            "oikeutettu etu saatavan perimisessä) sekä rekisteriselosteen luovutusperiaatteet.",
        ),
        "sv": (
            "Förhandsbesked om utlämnande av dina uppgifter",
            "Tidigast {planned} lämnar vi ut följande uppgifter om dig till {recipient} "
            "({purpose}): {fields}.\nVi meddelar detta i förväg, så som vår registerbeskrivning "
            "lovar. Kontakta oss före utlämnandet om något behöver redas ut (till exempel om "
            "fakturan redan är betald).",
            "EU:s dataskyddsförordning artikel 6.1 b och f (avtal och berättigat intresse vid "
            "indrivning) samt registerbeskrivningens principer för utlämnande.",
        ),
        "en": (
            "Advance notice: your data will be disclosed",
            "On {planned} at the earliest we will disclose the following data about you to "
            "{recipient} ({purpose}): {fields}.\nWe tell you in advance, as our register "
            "description promises. Contact us before then if anything needs clearing up (for "
            "example, the invoice has already been paid).",
            "GDPR Article 6(1)(b) and (f) (contract; legitimate interest in collecting a debt) "
            "and the disclosure rules of our register description.",
        ),
    },
    "inquiry_notice": {
        "fi": (
            "Viranomainen on tiedustellut tietojasi",
            "{authority} tiedusteli meiltä {received} sinua koskevia tietoja{inquiry_ref}."
            "{court_order}\nKerromme tästä heti, kuten rekisteriselosteessamme lupaamme. Emme "
            "luovuta tietojasi ilman tuomioistuimen lainvoimaista määräystä.",
            "Rekisteriselosteen lupaus ilmoittaa viranomaistiedusteluista heti; EU:n "
            "tietosuoja-asetuksen 5 artiklan 1 kohdan a alakohta (läpinäkyvyys).",
        ),
        "sv": (
            "En myndighet har frågat efter dina uppgifter",
            "{authority} frågade oss {received} efter uppgifter om dig{inquiry_ref}."
            "{court_order}\nVi berättar det genast, så som vår registerbeskrivning lovar. Vi "
            "lämnar inte ut dina uppgifter utan en domstols lagakraftvunna beslut.",
            "Registerbeskrivningens löfte att genast berätta om myndigheters förfrågningar; "
            "EU:s dataskyddsförordning artikel 5.1 a (öppenhet).",
        ),
        "en": (
            "An authority has asked about your data",
            "On {received} {authority} asked us about data concerning you{inquiry_ref}."
            "{court_order}\nWe tell you at once, as our register description promises. We do "
            "not disclose your data without a legally binding order of a court.",
            "Our register description's promise to tell you of authority inquiries at once; "
            "GDPR Article 5(1)(a) (transparency).",
        ),
    },
    "recipient_notice": {
        "fi": (
            "Ilmoitus: luovutettujen tietojen {change}",
            "Luovutimme teille {disclosed} henkilön {person} tietoja ({fields}).\n"
            "Rekisteröity on pyytänyt tietojensa {change}. Ilmoitamme tästä tietosuoja-asetuksen "
            "19 artiklan mukaisesti. {action}",
            "EU:n tietosuoja-asetuksen 19 artikla (ilmoitusvelvollisuus vastaanottajille).",
        ),
        "sv": (
            "Meddelande: {change} av utlämnade uppgifter",
            "Vi lämnade {disclosed} ut uppgifter om {person} till er ({fields}).\n"
            "Den registrerade har begärt {change} av sina uppgifter. Vi meddelar detta enligt "
            "artikel 19 i dataskyddsförordningen. {action}",
            "EU:s dataskyddsförordning artikel 19 (anmälningsskyldighet till mottagare).",
        ),
        "en": (
            "Notice: {change} of data disclosed to you",
            "On {disclosed} we disclosed data about {person} to you ({fields}).\n"
            "The data subject has asked for {change} of their data. We tell you so under "
            "Article 19 GDPR. {action}",
            "GDPR Article 19 (notification to recipients).",
        ),
    },
    "claim_update": {
        "fi": (
            "Lähetyksesi {tracking}: {claim_state}",
            "Lähetyksesi {tracking} (tilaus {order}, {carrier}): {claim_text}",
            "Tilaussopimus (EU:n tietosuoja-asetuksen 6 artiklan 1 kohdan b alakohta); "
            "kadonneiden lähetysten selvittäminen on rekisterin käyttötarkoitus.",
        ),
        "sv": (
            "Din försändelse {tracking}: {claim_state}",
            "Din försändelse {tracking} (beställning {order}, {carrier}): {claim_text}",
            "Köpeavtalet (dataskyddsförordningen artikel 6.1 b); att spåra försvunna "
            "försändelser är ett av registrets ändamål.",
        ),
        "en": (
            "Your parcel {tracking}: {claim_state}",
            "Your parcel {tracking} (order {order}, {carrier}): {claim_text}",
            "The contract of sale (GDPR Article 6(1)(b)); tracing lost parcels is one of the "
            "register's purposes.",
        ),
    },
}

# Words filled into the bodies, per language.
WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "erasure": "tietojen poistaminen",
        "access": "tietojen tarkastaminen",
        "portability": "tietojen siirtäminen",
        "rectification": "tietojen oikaiseminen",
        "objection": "käsittelyn vastustaminen",
        "restriction": "käsittelyn rajoittaminen",
        "done": "Toimenpide: {outcome}",
        "refused": (
            "Emme voi toteuttaa pyyntöä. Syy: {reason}\nVoit tehdä asiasta valituksen "
            "tietosuojavaltuutetun toimistolle tai hakea oikeussuojaa tuomioistuimelta."
        ),
        "voucher": "kirjanpidon tosite (kirjanpitolaki 2:10) {until} asti",
        "open_invoice": "avoin lasku, kunnes se on maksettu",
        "collection": "perinnässä oleva saatava, kunnes perintä päättyy",
        "order": "tilaus",
        "when_cases_end": "kun avoimet asiat päättyvät",
        "recipients": "\nKerromme poistosta myös niille, joille tietojasi on luovutettu.",
        "erasure_change": "poistamista",
        "rectification_change": "oikaisemista",
        "erasure_action": (
            "Pyydämme poistamaan myös teille luovutetut tiedot, ellei laki velvoita teitä "
            "säilyttämään niitä."
        ),
        "rectification_action": "Pyydämme oikaisemaan tiedot ({changed}).",
        "court_order": "\nTiedustelun perusteena on tuomioistuimen määräys {ref}.",
        "inquiry_ref": " (viite {ref})",
        "claim_opened": "selvitys aloitettu",
        "claim_opened_text": (
            "lähetys ei ole saapunut perille. Teimme {day} kuljetusyhtiölle selvityspyynnön ja "
            "kerromme, kun asia ratkeaa."
        ),
        "claim_closed": "selvitys valmis",
        "claim_closed_text": "selvitys on valmis: {outcome}.",
        "found": "lähetys löytyi",
        "delivered_late": "lähetys toimitettiin myöhässä",
        "compensated": "kuljetusyhtiö korvasi lähetyksen",
        "reshipped": "lähetämme tilauksen uudelleen",
        "refunded": "palautamme maksun",
        "debt_collection": "perintä",
        "invoicing": "laskutus",
        "authority": "viranomainen",
        "other": "muu laissa säädetty peruste",
    },
    "sv": {
        "erasure": "radering av uppgifter",
        "access": "tillgång till uppgifter",
        "portability": "dataportabilitet",
        "rectification": "rättelse av uppgifter",
        "objection": "invändning mot behandling",
        "restriction": "begränsning av behandling",
        "done": "Åtgärd: {outcome}",
        "refused": (
            "Vi kan inte tillmötesgå begäran. Skäl: {reason}\nDu kan klaga hos "
            "dataombudsmannens byrå eller söka rättslig prövning i domstol."
        ),
        "voucher": "bokföringsverifikat (bokföringslagen 2:10) till och med {until}",
        "open_invoice": "obetald faktura, tills den är betald",
        "collection": "fordran under indrivning, tills indrivningen avslutas",
        "order": "beställning",
        "when_cases_end": "när de öppna ärendena avslutas",
        "recipients": "\nVi meddelar raderingen även till dem som fått ut dina uppgifter.",
        "erasure_change": "radering",
        "rectification_change": "rättelse",
        "erasure_action": (
            "Vi ber er radera även de uppgifter ni fått, om inte lagen ålägger er att spara dem."
        ),
        "rectification_action": "Vi ber er rätta uppgifterna ({changed}).",
        "court_order": "\nFörfrågan grundar sig på domstolens beslut {ref}.",
        "inquiry_ref": " (referens {ref})",
        "claim_opened": "utredning inledd",
        "claim_opened_text": (
            "försändelsen har inte kommit fram. Vi gjorde {day} en utredningsbegäran hos "
            "transportören och meddelar när saken är löst."
        ),
        "claim_closed": "utredningen är klar",
        "claim_closed_text": "utredningen är klar: {outcome}.",
        "found": "försändelsen hittades",
        "delivered_late": "försändelsen levererades försenad",
        "compensated": "transportören ersatte försändelsen",
        "reshipped": "vi skickar beställningen på nytt",
        "refunded": "vi återbetalar beloppet",
        "debt_collection": "indrivning",
        "invoicing": "fakturering",
        "authority": "myndighet",
        "other": "annan grund i lag",
    },
    "en": {
        "erasure": "erasure of your data",
        "access": "access to your data",
        "portability": "data portability",
        "rectification": "rectification of your data",
        "objection": "objection to processing",
        "restriction": "restriction of processing",
        "done": "What was done: {outcome}",
        "refused": (
            "We cannot carry out the request. Reason: {reason}\nYou may lodge a complaint with "
            "the Office of the Data Protection Ombudsman or seek a judicial remedy."
        ),
        "voucher": "bookkeeping voucher (Accounting Act 2:10) until {until}",
        "open_invoice": "open invoice, until it is paid",
        "collection": "debt in collection, until the collection ends",
        "order": "order",
        "when_cases_end": "when the open cases end",
        "recipients": "\nThose to whom your data was disclosed are told of the erasure too.",
        "erasure_change": "erasure",
        "rectification_change": "rectification",
        "erasure_action": (
            "Please erase the data disclosed to you too, unless the law requires you to keep it."
        ),
        "rectification_action": "Please rectify the data ({changed}).",
        "court_order": "\nThe inquiry rests on the court order {ref}.",
        "inquiry_ref": " (reference {ref})",
        "claim_opened": "we are tracing it",
        "claim_opened_text": (
            "the parcel has not arrived. On {day} we asked the carrier to trace it, and we will "
            "tell you when the case is resolved."
        ),
        "claim_closed": "case closed",
        "claim_closed_text": "the case is closed: {outcome}.",
        "found": "the parcel was found",
        "delivered_late": "the parcel was delivered late",
        "compensated": "the carrier compensated the parcel",
        "reshipped": "we are sending the order again",
        "refunded": "we are refunding the payment",
        "debt_collection": "debt collection",
        "invoicing": "invoicing",
        "authority": "authority",
        "other": "another ground laid down by law",
    },
}

# The GDPR article each request kind rests on (for the answer's legal basis line).
ARTICLES = {
    "fi": {
        "erasure": "17 artikla",
        "access": "15 artikla",
        "portability": "20 artikla",
        "rectification": "16 artikla",
        "objection": "21 artikla",
        "restriction": "18 artikla",
    },
    "sv": {
        "erasure": "artikel 17",
        "access": "artikel 15",
        "portability": "artikel 20",
        "rectification": "artikel 16",
        "objection": "artikel 21",
        "restriction": "artikel 18",
    },
    "en": {
        "erasure": "Article 17",
        "access": "Article 15",
        "portability": "Article 20",
        "rectification": "Article 16",
        "objection": "Article 21",
        "restriction": "Article 18",
    },
}


# The names of the fields a disclosure or a rectification names.
FIELD_WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "first_name": "etunimi",
        "last_name": "sukunimi",
        "email": "sähköpostiosoite",
        "phone": "puhelinnumero",
        "street": "katuosoite",
        "postcode": "postinumero",
        "city": "postitoimipaikka",
        "country": "maa",
        "order_number": "tilausnumero",
        "total_cents": "tilauksen summa",
        "billing_name": "laskutusnimi",
        "billing_street": "laskutusosoite",
        "billing_postcode": "laskutuspostinumero",
        "billing_city": "laskutuspostitoimipaikka",
        "invoice_status": "laskun tila",
    },
    "sv": {
        "first_name": "förnamn",
        "last_name": "efternamn",
        "email": "e-postadress",
        "phone": "telefonnummer",
        "street": "gatuadress",
        "postcode": "postnummer",
        "city": "postanstalt",
        "country": "land",
        "order_number": "ordernummer",
        "total_cents": "orderns belopp",
        "billing_name": "faktureringsnamn",
        "billing_street": "faktureringsadress",
        "billing_postcode": "faktureringspostnummer",
        "billing_city": "faktureringsort",
        "invoice_status": "fakturans status",
    },
    "en": {
        "first_name": "first name",
        "last_name": "last name",
        "email": "email address",
        "phone": "phone number",
        "street": "street address",
        "postcode": "postcode",
        "city": "city",
        "country": "country",
        "order_number": "order number",
        "total_cents": "order total",
        "billing_name": "billing name",
        "billing_street": "billing street",
        "billing_postcode": "billing postcode",
        "billing_city": "billing city",
        "invoice_status": "invoice status",
    },
}
for _lang, _words in FIELD_WORDS.items():
    WORDS[_lang].update(_words)
