"""A grammar of news pages for the generated test of how the text rules combine (docs/extraction.md,
"Twenty-eighth pass, text (issue 15): the rules combined, generated"; `tests/test_text_rules_combined.py`).

A page is a story plus independent furniture parts. The story (en, de, fr, es, it or nl) has a headline, maybe a
standfirst, 3 to 15 paragraphs of one to six sentences (most of a news paragraph's length, some short, some long),
maybe subheads, a list, a blockquote, a short last paragraph that looks like a signature (a city's or an agency's
name in a sentence of its own) and a paragraph that says "newsletter" or "read more" in plain prose. Its layout is
an `<article>`, a `<main>` without one, site-like `<div>` soup, or the story split over two containers. Furniture
(`FURNITURE`), each part written from how its class is built, not copied from a site: a navigation menu,
breadcrumbs, a share bar, a tags list, related teasers with headlines and links, a newsletter or donation appeal,
readers' comments, a cookie banner, a footer, a photo with caption and credit, an author box, a table of contents of
jump links, a "continue reading" link, an ad label, a "most read" sidebar, and over the story a field's label
(`div.field-label`, whole or split by inline tags) and a fact box of figures with a year (one column or two). The
story's list may be of few words under a lead-in line (thirty-third pass, text: the thirty-second pass's classes).

Every sentence carries a number no other sentence has, so each paragraph is findable on its own. `render` gives
(html, url); `story_lines` the lines a reader must find in the stored text, in order; `furniture_lines` each part's
visible texts.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, replace

from hypothesis import strategies as st

LANGS = ("en", "de", "fr", "es", "it", "nl")
LAYOUTS = ("article", "main", "soup", "split")

SUBJECTS = {
    "en": ["The city council", "A spokeswoman for the ministry", "The regional hospital", "Local farmers",
           "The harbour authority", "Several residents", "The fire brigade", "A local shopkeeper"],
    "de": ["Der Stadtrat", "Eine Sprecherin des Ministeriums", "Das Kreiskrankenhaus", "Ein Landwirt der Region",
           "Die Hafenbehörde", "Ein Anwohner", "Die Feuerwehr", "Eine Ladenbesitzerin"],
    "fr": ["Le conseil municipal", "Une porte-parole du ministère", "L'hôpital régional", "Un agriculteur du canton",
           "L'autorité portuaire", "Un habitant du quartier", "Le chef des pompiers", "Une commerçante"],
    "es": ["El ayuntamiento", "Una portavoz del ministerio", "El hospital comarcal", "Un agricultor de la zona",
           "La autoridad portuaria", "Un vecino", "El jefe de bomberos", "Una comerciante"],
    "it": ["Il consiglio comunale", "Una portavoce del ministero", "L'ospedale regionale", "Un agricoltore della zona",
           "L'autorità portuale", "Un residente", "Il comandante dei vigili del fuoco", "Una negoziante"],
    "nl": ["De gemeenteraad", "Een woordvoerster van het ministerie", "Het regionale ziekenhuis",
           "Een boer uit de regio", "Het havenbedrijf", "Een bewoner", "De brandweer", "Een winkelierster"],
}
VERBS = {
    "en": ["said on Tuesday that", "warned on Monday that", "confirmed on Friday that", "argued last week that"],
    "de": ["sagte am Dienstag, dass", "warnte am Montag, dass", "bestätigte am Freitag, dass",
           "erklärte vergangene Woche, dass"],
    "fr": ["a déclaré mardi que", "a averti lundi que", "a confirmé vendredi que", "a estimé la semaine dernière que"],
    "es": ["dijo el martes que", "advirtió el lunes que", "confirmó el viernes que", "explicó la semana pasada que"],
    "it": ["ha detto martedì che", "ha avvertito lunedì che", "ha confermato venerdì che",
           "ha spiegato la settimana scorsa che"],
    "nl": ["zei dinsdag dat", "waarschuwde maandag dat", "bevestigde vrijdag dat", "stelde vorige week dat"],
}
CLAUSES = {
    "en": ["the new bus routes would cost {n} million pounds over the next five years",
           "about {n} families had asked for help with their heating bills this winter",
           "the repairs to the old bridge would take at least {n} more weeks to finish",
           "{n} new teachers would be hired before the start of the autumn term",
           "the price of grain had risen by {n} percent since the beginning of the season",
           "the waiting list for a flat in the town had grown to {n} names",
           "the library would open on Sundays from March, staffed by {n} volunteers",
           "police had stopped {n} drivers for speeding near the primary school since January",
           "the storm in October had flooded {n} cellars along the river",
           "tourist numbers at the castle had fallen to {n} a month during the roadworks",
           "the water company planned to replace {n} metres of lead pipes by the summer",
           "the sports hall needed a new roof that would cost around {n} thousand pounds",
           "market traders paid {n} pounds a day for a stall, twice the rate of the next town",
           "solar panels on {n} council buildings now covered a third of their electricity",
           "the ambulance service answered {n} calls over the long weekend",
           "a survey of {n} shopkeepers found most of them in favour of the pedestrian zone"],
    "de": ["die neuen Buslinien in den nächsten fünf Jahren {n} Millionen Euro kosten würden",
           "rund {n} Familien in diesem Winter um Hilfe bei den Heizkosten gebeten hätten",
           "die Reparatur der alten Brücke noch mindestens {n} Wochen dauern werde",
           "vor Beginn des Herbstsemesters {n} neue Lehrkräfte eingestellt würden",
           "der Getreidepreis seit Beginn der Saison um {n} Prozent gestiegen sei",
           "die Warteliste für eine Wohnung in der Stadt auf {n} Namen gewachsen sei",
           "die Bibliothek ab März auch sonntags öffne, betreut von {n} Ehrenamtlichen",
           "die Polizei seit Januar {n} Raser vor der Grundschule angehalten habe",
           "das Unwetter im Oktober {n} Keller entlang des Flusses überflutet habe",
           "die Burg während der Bauarbeiten nur noch {n} Besucher im Monat gezählt habe",
           "die Stadtwerke bis zum Sommer {n} Meter alte Bleirohre ersetzen wollten",
           "die Sporthalle ein neues Dach brauche, das rund {n} Tausend Euro koste",
           "Markthändler für einen Stand {n} Euro am Tag zahlten, doppelt so viel wie im Nachbarort",
           "Solaranlagen auf {n} städtischen Gebäuden inzwischen ein Drittel des Stroms lieferten",
           "der Rettungsdienst am langen Wochenende {n} Einsätze gefahren sei",
           "eine Umfrage unter {n} Ladenbesitzern eine Mehrheit für die Fußgängerzone ergeben habe"],
    "fr": ["les nouvelles lignes de bus coûteraient {n} millions d'euros sur cinq ans",
           "près de {n} familles avaient demandé une aide pour payer le chauffage cet hiver",
           "la réparation du vieux pont prendrait encore au moins {n} semaines",
           "{n} nouveaux enseignants seraient recrutés avant la rentrée d'automne",
           "le prix du blé avait augmenté de {n} pour cent depuis le début de la saison",
           "la liste d'attente pour un logement en ville comptait désormais {n} noms",
           "la bibliothèque ouvrirait le dimanche dès mars, tenue par {n} bénévoles",
           "la police avait contrôlé {n} conducteurs trop rapides devant l'école depuis janvier",
           "la tempête d'octobre avait inondé {n} caves le long de la rivière",
           "le château n'accueillait plus que {n} visiteurs par mois pendant les travaux",
           "la régie des eaux voulait remplacer {n} mètres de vieux tuyaux en plomb d'ici l'été",
           "le gymnase avait besoin d'un nouveau toit qui coûterait près de {n} mille euros",
           "les commerçants du marché payaient {n} euros par jour pour un stand, deux fois plus qu'à côté",
           "des panneaux solaires sur {n} bâtiments communaux fournissaient déjà un tiers de leur électricité",
           "le Samu avait répondu à {n} appels pendant le long week-end",
           "un sondage auprès de {n} commerçants montrait une majorité favorable à la zone piétonne"],
    "es": ["las nuevas líneas de autobús costarían {n} millones de euros en los próximos cinco años",
           "unas {n} familias habían pedido ayuda para pagar la calefacción este invierno",
           "la reparación del viejo puente duraría al menos {n} semanas más",
           "se contratarían {n} nuevos profesores antes del comienzo del curso",
           "el precio del cereal había subido un {n} por ciento desde el inicio de la temporada",
           "la lista de espera para una vivienda en la ciudad había llegado a {n} nombres",
           "la biblioteca abriría los domingos desde marzo, atendida por {n} voluntarios",
           "la policía había parado a {n} conductores por exceso de velocidad junto al colegio desde enero",
           "la tormenta de octubre había inundado {n} sótanos a lo largo del río",
           "el castillo solo recibía {n} visitantes al mes durante las obras",
           "la empresa de aguas quería cambiar {n} metros de tuberías de plomo antes del verano",
           "el polideportivo necesitaba un tejado nuevo que costaría unos {n} mil euros",
           "los vendedores del mercado pagaban {n} euros al día por un puesto, el doble que en el pueblo vecino",
           "las placas solares de {n} edificios municipales cubrían ya un tercio de su electricidad",
           "el servicio de ambulancias atendió {n} llamadas durante el puente",
           "una encuesta a {n} comerciantes mostró una mayoría a favor de la zona peatonal"],
    "it": ["le nuove linee di autobus costerebbero {n} milioni di euro nei prossimi cinque anni",
           "circa {n} famiglie avevano chiesto aiuto per pagare il riscaldamento quest'inverno",
           "la riparazione del vecchio ponte richiederà almeno altre {n} settimane",
           "{n} nuovi insegnanti sarebbero stati assunti prima dell'inizio dell'anno scolastico",
           "il prezzo del grano era salito del {n} per cento dall'inizio della stagione",
           "la lista d'attesa per un alloggio in città era arrivata a {n} nomi",
           "la biblioteca aprirà la domenica da marzo, gestita da {n} volontari",
           "la polizia aveva fermato {n} automobilisti per eccesso di velocità davanti alla scuola da gennaio",
           "il temporale di ottobre aveva allagato {n} cantine lungo il fiume",
           "il castello contava solo {n} visitatori al mese durante i lavori",
           "l'azienda dell'acqua voleva sostituire {n} metri di vecchi tubi di piombo entro l'estate",
           "la palestra aveva bisogno di un tetto nuovo che costerebbe circa {n} mila euro",
           "gli ambulanti del mercato pagavano {n} euro al giorno per un banco, il doppio del paese vicino",
           "i pannelli solari su {n} edifici comunali coprivano già un terzo della loro elettricità",
           "il servizio di ambulanze aveva risposto a {n} chiamate durante il ponte",
           "un sondaggio tra {n} negozianti mostrava una maggioranza a favore dell'area pedonale"],
    "nl": ["de nieuwe buslijnen de komende vijf jaar {n} miljoen euro zouden kosten",
           "ongeveer {n} gezinnen deze winter om hulp bij hun stookkosten hadden gevraagd",
           "de reparatie van de oude brug nog minstens {n} weken zou duren",
           "er voor het begin van het najaar {n} nieuwe leraren zouden worden aangenomen",
           "de graanprijs sinds het begin van het seizoen met {n} procent was gestegen",
           "de wachtlijst voor een woning in de stad was gegroeid tot {n} namen",
           "de bibliotheek vanaf maart ook op zondag open zou gaan, bemand door {n} vrijwilligers",
           "de politie sinds januari {n} hardrijders bij de basisschool had aangehouden",
           "de storm in oktober {n} kelders langs de rivier had laten overstromen",
           "het kasteel tijdens de werkzaamheden nog maar {n} bezoekers per maand trok",
           "het waterbedrijf voor de zomer {n} meter oude loden leidingen wilde vervangen",
           "de sporthal een nieuw dak nodig had dat zo'n {n} duizend euro zou kosten",
           "marktkooplui {n} euro per dag voor een kraam betaalden, twee keer zoveel als in het buurdorp",
           "zonnepanelen op {n} gemeentelijke gebouwen inmiddels een derde van hun stroom leverden",
           "de ambulancedienst tijdens het lange weekend {n} meldingen had afgehandeld",
           "een enquête onder {n} winkeliers een meerderheid voor het voetgangersgebied liet zien"],
}
HEADLINES = {"en": "Council approves the new bus routes for the town",
             "de": "Stadtrat beschließt neue Buslinien für die Stadt",
             "fr": "Le conseil municipal adopte les nouvelles lignes de bus",
             "es": "El ayuntamiento aprueba las nuevas líneas de autobús",
             "it": "Il consiglio comunale approva le nuove linee di autobus",
             "nl": "Gemeenteraad keurt nieuwe buslijnen voor de stad goed"}
STANDFIRSTS = {
    "en": "After months of debate the town will get four new bus routes, paid for by a higher "
          "parking fee in the centre.",
    "de": "Nach monatelanger Debatte bekommt die Stadt vier neue Buslinien, bezahlt mit höheren "
          "Parkgebühren im Zentrum.",
    "fr": "Après des mois de débat, la ville aura quatre nouvelles lignes de bus, financées par un "
          "stationnement plus cher.",
    "es": "Tras meses de debate, la ciudad tendrá cuatro nuevas líneas de autobús, pagadas con un "
          "aparcamiento más caro.",
    "it": "Dopo mesi di dibattito la città avrà quattro nuove linee di autobus, pagate con parcheggi "
          "più cari in centro.",
    "nl": "Na maanden van debat krijgt de stad vier nieuwe buslijnen, betaald uit hogere "
          "parkeertarieven in het centrum.",
}
SUBHEADS = {
    "en": ["What the plan costs", "Who pays for the buses", "The next steps", "What residents say"],
    "de": ["Was der Plan kostet", "Wer die Busse bezahlt", "Die nächsten Schritte", "Was die Anwohner sagen"],
    "fr": ["Ce que coûte le projet", "Qui paie les bus", "Les prochaines étapes", "Ce que disent les habitants"],
    "es": ["Lo que cuesta el plan", "Quién paga los autobuses", "Los próximos pasos", "Lo que dicen los vecinos"],
    "it": ["Quanto costa il piano", "Chi paga gli autobus", "I prossimi passi", "Cosa dicono i residenti"],
    "nl": ["Wat het plan kost", "Wie de bussen betaalt", "De volgende stappen", "Wat bewoners zeggen"],
}
LIST_ITEMS = {  # a story's own list: short items of plain text, no links
    "en": ["A night bus to the hospital every {n} minutes", "Cheaper tickets for pupils under {n}",
           "Four new stops near the market, open from week {n}"],
    "de": ["Ein Nachtbus zum Krankenhaus alle {n} Minuten", "Günstigere Tickets für Schüler unter {n}",
           "Vier neue Haltestellen am Markt ab Woche {n}"],
    "fr": ["Un bus de nuit vers l'hôpital toutes les {n} minutes", "Des billets moins chers pour les moins de {n} ans",
           "Quatre nouveaux arrêts près du marché dès la semaine {n}"],
    "es": ["Un autobús nocturno al hospital cada {n} minutos", "Billetes más baratos para menores de {n} años",
           "Cuatro paradas nuevas junto al mercado desde la semana {n}"],
    "it": ["Un autobus notturno per l'ospedale ogni {n} minuti", "Biglietti più economici per i minori di {n} anni",
           "Quattro nuove fermate vicino al mercato dalla settimana {n}"],
    "nl": ["Een nachtbus naar het ziekenhuis elke {n} minuten", "Goedkopere kaartjes voor scholieren onder de {n}",
           "Vier nieuwe haltes bij de markt vanaf week {n}"],
}
QUOTES = {
    "en": "We have waited {n} years for a bus that stops at our door, and now it finally comes.",
    "de": "Wir haben {n} Jahre auf einen Bus gewartet, der vor unserer Tür hält, und jetzt kommt er endlich.",
    "fr": "Nous attendons depuis {n} ans un bus qui s'arrête devant chez nous, et enfin il arrive.",
    "es": "Llevamos {n} años esperando un autobús que pare en nuestra puerta, y por fin llega.",
    "it": "Abbiamo aspettato {n} anni un autobus che si fermi davanti a casa, e finalmente arriva.",
    "nl": "We hebben {n} jaar gewacht op een bus die voor onze deur stopt, en nu komt hij eindelijk.",
}
LAST_LINES = {  # a short last paragraph that looks like a signature: a city's or an agency's name
    "en": ["The first bus leaves from Leeds.", "Reuters first reported the figures."],
    "de": ["Der erste Bus fährt in Kassel ab.", "Zuerst berichtete die dpa über die Zahlen."],
    "fr": ["Le premier bus part de Lyon.", "L'AFP a d'abord publié les chiffres."],
    "es": ["El primer autobús sale de Burgos.", "Efe adelantó primero las cifras."],
    "it": ["Il primo autobus parte da Parma.", "L'Ansa ha diffuso per prima le cifre."],
    "nl": ["De eerste bus vertrekt uit Zwolle.", "Het ANP meldde de cijfers als eerste."],
}
MENTIONS = {  # plain prose that says "newsletter" or "read more"
    "en": ["The council's newsletter, sent to every household in the town, will explain the {n} changes in detail.",
           "The mayor said she had read more than {n} letters from parents before the vote."],
    "de": ["Der Newsletter der Stadt, den jeder Haushalt bekommt, soll die {n} Änderungen genau erklären.",
           "Die Bürgermeisterin sagte, sie habe vor der Abstimmung mehr als {n} Briefe von Eltern gelesen; "
           "read more, schrieb einer, auf Englisch."],
    "fr": ["La newsletter de la mairie, envoyée à chaque foyer, expliquera en détail les {n} changements.",
           "La maire a dit avoir lu plus de {n} lettres de parents avant le vote."],
    "es": ["La newsletter del ayuntamiento, que llega a cada hogar, explicará en detalle los {n} cambios.",
           "La alcaldesa dijo que había leído más de {n} cartas de padres antes de la votación."],
    "it": ["La newsletter del comune, inviata a ogni famiglia, spiegherà nel dettaglio le {n} modifiche.",
           "La sindaca ha detto di aver letto più di {n} lettere di genitori prima del voto."],
    "nl": ["De nieuwsbrief van de gemeente, die elk huishouden krijgt, legt de {n} wijzigingen uit.",
           "De burgemeester zei dat ze voor de stemming meer dan {n} brieven van ouders had gelezen."],
}
# Furniture words, by language: (menu, share, tags, related, appeal, comments, cookie, most read, continue, ad)
WORDS = {
    "en": ("Home|News|Sport|Culture|Opinion", "Share|Share on Facebook|Share on X|Email", "Tags", "Related stories",
           "Sign up for our morning newsletter and get the day's news in your inbox.|Subscribe",
           "Comments", "We use cookies to improve your experience on our site.|Accept all", "Most read",
           "Continue reading", "Advertisement"),
    "de": ("Startseite|Nachrichten|Sport|Kultur|Meinung", "Teilen|Auf Facebook teilen|Auf X teilen|E-Mail",
           "Schlagwörter", "Mehr zum Thema",
           "Abonnieren Sie unseren Newsletter und erhalten Sie die Nachrichten des Tages per E-Mail.|Jetzt abonnieren",
           "Kommentare", "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.|Alle akzeptieren",
           "Meistgelesen", "Weiterlesen", "Anzeige"),
    "fr": ("Accueil|Actualités|Sport|Culture|Opinions", "Partager|Partager sur Facebook|Partager sur X|E-mail",
           "Mots-clés", "À lire aussi",
           "Inscrivez-vous à notre newsletter et recevez l'actualité du jour par e-mail.|S'inscrire",
           "Commentaires", "Nous utilisons des cookies pour améliorer votre expérience.|Tout accepter",
           "Les plus lus", "Lire la suite", "Publicité"),
    "es": ("Inicio|Noticias|Deportes|Cultura|Opinión", "Compartir|Compartir en Facebook|Compartir en X|Correo",
           "Etiquetas", "Noticias relacionadas",
           "Suscríbete a nuestro boletín y recibe las noticias del día en tu correo.|Suscribirme",
           "Comentarios", "Utilizamos cookies para mejorar su experiencia en nuestro sitio.|Aceptar todo",
           "Lo más leído", "Seguir leyendo", "Publicidad"),
    "it": ("Home|Notizie|Sport|Cultura|Opinioni", "Condividi|Condividi su Facebook|Condividi su X|Email", "Tag",
           "Articoli correlati",
           "Iscriviti alla nostra newsletter e ricevi le notizie del giorno via email.|Iscriviti",
           "Commenti", "Utilizziamo i cookie per migliorare la tua esperienza sul sito.|Accetta tutti",
           "I più letti", "Continua a leggere", "Pubblicità"),
    "nl": ("Home|Nieuws|Sport|Cultuur|Opinie", "Delen|Delen op Facebook|Delen op X|E-mail", "Tags",
           "Meer over dit onderwerp",
           "Schrijf je in voor onze nieuwsbrief en ontvang het nieuws van de dag in je mailbox.|Inschrijven",
           "Reacties", "Wij gebruiken cookies om uw ervaring op onze site te verbeteren.|Alles accepteren",
           "Meest gelezen", "Lees verder", "Advertentie"),
}
TEASERS = {  # other stories' headlines and summaries, for related and most read
    "en": ["Police close the ring road after a lorry fire", "Museum reopens its Roman hall after repairs",
           "Football club signs a young striker from Lisbon"],
    "de": ["Polizei sperrt den Ring nach Lastwagenbrand", "Museum öffnet römische Halle nach Sanierung",
           "Fußballklub holt jungen Stürmer aus Lissabon"],
    "fr": ["La police ferme le périphérique après un incendie", "Le musée rouvre sa salle romaine après travaux",
           "Le club de football recrute un jeune attaquant de Lisbonne"],
    "es": ["La policía cierra la circunvalación tras un incendio", "El museo reabre su sala romana tras las obras",
           "El club de fútbol ficha a un joven delantero de Lisboa"],
    "it": ["La polizia chiude la tangenziale dopo un incendio", "Il museo riapre la sala romana dopo i lavori",
           "La squadra di calcio ingaggia un giovane attaccante di Lisbona"],
    "nl": ["Politie sluit de ringweg na brand in vrachtwagen", "Museum opent Romeinse zaal weer na verbouwing",
           "Voetbalclub haalt jonge spits uit Lissabon"],
}
CAPTIONS = {"en": "Buses wait at the depot on the edge of the town", "de": "Busse warten im Depot am Stadtrand",
            "fr": "Des bus attendent au dépôt en périphérie", "es": "Autobuses esperan en las cocheras de la ciudad",
            "it": "Autobus in attesa al deposito alla periferia", "nl": "Bussen wachten in de stalling aan de rand"}
AUTHOR_BOXES = {
    "en": "Jane Carter covers the town hall and transport for the paper.",
    "de": "Jana Keller berichtet für die Zeitung über das Rathaus und den Verkehr.",
    "fr": "Jeanne Caron suit la mairie et les transports pour le journal.",
    "es": "Juana Cortés cubre el ayuntamiento y el transporte para el diario.",
    "it": "Giovanna Conti segue il comune e i trasporti per il giornale.",
    "nl": "Jans Koster volgt het stadhuis en het vervoer voor de krant.",
}
COMMENTS = {"en": "About time, the old timetable was a joke for anyone working shifts.",
            "de": "Wurde auch Zeit, der alte Fahrplan war ein Witz für alle, die Schicht arbeiten.",
            "fr": "Il était temps, l'ancien horaire était une blague pour qui travaille en équipe.",
            "es": "Ya era hora, el horario antiguo era una broma para quien trabaja por turnos.",
            "it": "Era ora, il vecchio orario era uno scherzo per chi lavora a turni.",
            "nl": "Werd tijd, de oude dienstregeling was een grap voor iedereen die in ploegen werkt."}
LEAD_INS = {  # a story's line that announces its list (thirty-second pass, text: `newsflow.leadins`)
    "en": "The first buses of line {n} will stop in these towns:",
    "de": "Die ersten Busse der Linie {n} halten in diesen Orten:",
    "fr": "Les premiers bus de la ligne {n} s'arrêteront dans ces villes :",
    "es": "Los primeros autobuses de la línea {n} pararán en estos pueblos:",
    "it": "I primi autobus della linea {n} fermeranno in questi paesi:",
    "nl": "De eerste bussen van lijn {n} stoppen in deze plaatsen:",
}
PLACES = (("Kiel", "Laboe", "Eckernförde"), ("Leeds", "York", "Hull", "Selby"), ("Lyon", "Vienne"))
"""A list of few words under a lead-in line: readability-lxml leaves such a list out (under 25 characters)."""
FIELD_LABELS = {  # a template's label over the story's field (Drupal's `div.field-label`; thirty-first pass)
    "en": "Episode Description:", "de": "Beschreibung der Folge:", "fr": "Description de l'épisode :",
    "es": "Descripción del episodio:", "it": "Descrizione della puntata:", "nl": "Beschrijving van aflevering:"}
FACTS = {  # a fact box of figures of many forms, one a year, over the story (thirty-first and -second passes)
    "en": (("Line opened", "1998"), ("Single fare", "€2.40"), ("Buses", "6/hour"), ("Stops", "14-22")),
    "de": (("Linie seit", "1998"), ("Einzelfahrt", "2,40 €"), ("Takt", "6/Stunde"), ("Haltestellen", "14-22")),
    "fr": (("Ligne ouverte", "1998"), ("Ticket", "2,40 €"), ("Bus", "6/heure"), ("Arrêts", "14-22")),
    "es": (("Línea abierta", "1998"), ("Billete", "2,40 €"), ("Autobuses", "6/hora"), ("Paradas", "14-22")),
    "it": (("Linea aperta", "1998"), ("Biglietto", "2,40 €"), ("Autobus", "6/ora"), ("Fermate", "14-22")),
    "nl": (("Lijn sinds", "1998"), ("Kaartje", "€ 2,40"), ("Bussen", "6/uur"), ("Haltes", "14-22")),
}

MAX_SENTENCES = 16
"""A story repeats no clause (`CLAUSES` has 16 a language): a real story's paragraphs share words, not sentences, and
the rules that ask whether a paragraph is in the text already count shared words (`continuation.LineIndex`)."""
CRUMB = " \u203a "  # a breadcrumb's separator
FURNITURE = ("menu", "breadcrumbs", "share", "tags", "related", "appeal", "comments", "cookie", "footer", "photo",
             "author", "contents", "continue", "ad", "most_read", "label", "facts")
UNWANTED = ("menu", "breadcrumbs", "share", "tags", "related", "appeal", "comments", "cookie", "footer", "continue",
            "ad", "most_read", "label", "facts")
"""Parts a reader never wants in the story's text. A photo's caption and credit and an author's box may be kept or
dropped (the fifteenth and seventeenth passes drop them when the page names them so); a table of contents's link
texts are the subheads', so it is checked by the story's lines being there once."""
AFTER_STORY = ("tags", "share", "author", "related", "appeal", "comments")
"""Sibling blocks after the story, in the page's order (shuffled by the fourth invariant)."""


@dataclass(frozen=True)
class TextPage:
    """One generated page: the story's shape, its layout, and its furniture parts in their order."""

    lang: str = "en"
    sizes: tuple[int, ...] = (3, 2, 3)  # sentences per paragraph
    variant: int = 0  # which subject, verb and clause each sentence starts from
    standfirst: bool = False
    subheads: tuple[int, ...] = ()  # before these paragraphs (never the first)
    list_at: int | None = None  # a list after this paragraph
    lead_in: bool = False  # the list is of few words (PLACES), under a lead-in line (LEAD_INS)
    quote_at: int | None = None  # a blockquote after this paragraph
    last_line: int | None = None  # a short last paragraph (LAST_LINES index)
    mention_at: int | None = None  # this paragraph is a MENTIONS one
    layout: str = "article"
    body_class: int = 0  # BODY_CLASSES index: how the story's container is named
    hashed: bool = False  # furniture named by a build tool's hashed classes, not by what it is
    inside: bool = False  # the blocks after the story sit inside its container (related and appeal mid-story)
    furniture: tuple[str, ...] = ()  # in their order on the page (AFTER_STORY ones after the story)

    def without(self, part: str) -> TextPage:
        return replace(self, furniture=tuple(kind for kind in self.furniture if kind != part))

    def shown(self) -> str:
        return repr(self)


def _sentence(page: TextPage, index: int) -> str:
    lang, number = page.lang, 12 + 37 * index + page.variant  # distinct in one page
    subject = SUBJECTS[lang][(page.variant + index) % len(SUBJECTS[lang])]
    verb = VERBS[lang][(page.variant + index + index // 8) % len(VERBS[lang])]  # no subject and verb twice
    clause = CLAUSES[lang][(page.variant + index) % len(CLAUSES[lang])]  # none twice: MAX_SENTENCES
    return f"{subject} {verb} {clause.format(n=number)}."


def paragraphs(page: TextPage) -> list[str]:
    """The story's paragraphs as a reader sees them."""
    texts, start = [], 0
    for position, size in enumerate(page.sizes):
        if position == page.mention_at:
            mention = MENTIONS[page.lang][page.variant % 2].format(n=900 + position)
            texts.append(" ".join([mention] + [_sentence(page, start + k) for k in range(size - 1)]))
        else:
            texts.append(" ".join(_sentence(page, start + k) for k in range(size)))
        start += size
    return texts


def list_items(page: TextPage) -> list[str]:
    if page.lead_in:
        return list(PLACES[page.variant % len(PLACES)])
    return [item.format(n=7 + 3 * k + page.variant % 5) for k, item in enumerate(LIST_ITEMS[page.lang])]


def lead_in(page: TextPage) -> str:
    return LEAD_INS[page.lang].format(n=40 + page.variant % 50)


def quote(page: TextPage) -> str:
    return QUOTES[page.lang].format(n=20 + page.variant % 30)


def story_lines(page: TextPage) -> list[str]:
    """What a reader must find in the stored text, each whole, once, in this order (a list item as "- item")."""
    lines = [STANDFIRSTS[page.lang]] if page.standfirst else []
    for position, text in enumerate(paragraphs(page)):
        if position in page.subheads:
            lines.append(SUBHEADS[page.lang][page.subheads.index(position) % 4])
        lines.append(text)
        if position == page.list_at:
            lines += [lead_in(page)] if page.lead_in else []
            lines += [f"- {item}" for item in list_items(page)]
        if position == page.quote_at:
            lines.append(quote(page))
    if page.last_line is not None:
        lines.append(LAST_LINES[page.lang][page.last_line])
    return lines


def furniture_lines(page: TextPage, part: str) -> list[str]:
    """The visible texts of one furniture part (each a line a reader would see)."""
    menu, share, tags, related, appeal, comments, cookie, most_read, more, ad = WORDS[page.lang]
    teasers = TEASERS[page.lang]
    return {
        "menu": menu.split("|"),
        "breadcrumbs": [f"{CRUMB.join([*menu.split('|')[:2], SUBHEADS[page.lang][0]])}"],
        "share": share.split("|"),
        "tags": [tags, "Verkehr 2026" if page.lang == "de" else "Bus 2026", "Tram Nord"],
        "related": [related, *teasers],
        "appeal": appeal.split("|"),
        "comments": [comments, "anna_1987", COMMENTS[page.lang], "Reply"],
        "cookie": cookie.split("|"),
        "footer": ["© 2026 Example Media", "Impressum · Privacy · Contact"],
        "photo": [CAPTIONS[page.lang], "Photo: Lena Hart / Example"],
        "author": [AUTHOR_BOXES[page.lang]],
        "contents": [SUBHEADS[page.lang][k % 4] for k in range(len(page.subheads))],
        "continue": [more],
        "ad": [ad],
        "most_read": [most_read, *reversed(teasers)],
        "label": [FIELD_LABELS[page.lang]],
        "facts": [_fact_line(page, row) for row in FACTS[page.lang]],
    }[part]


def _fact_line(page: TextPage, row: tuple[str, str]) -> str:
    """A fact box's row as trafilatura writes it: one cell's text, or a Markdown table's row (two columns)."""
    return f"| {row[0]} | {row[1]} |" if page.variant % 2 else " ".join(row)


# --- rendering ----------------------------------------------------------------------------------------------

BODY_CLASSES = ("article-body", "entry-content", "story-text", "rich-text c-rte", "txt-block")
"""The story's container: names trafilatura's body XPaths know (the first two) and names they do not."""
UNNAMED_BODY_CLASS = 2
"""`BODY_CLASSES` from this index on are names no trafilatura body XPath knows."""
OUTER_CLASSES = {"article": "", "main": "", "soup": "col-md-8 content-area", "split": "story-wrap"}


def render(page: TextPage) -> tuple[str, str]:
    """The page's HTML and URL."""
    has = set(page.furniture)
    title = HEADLINES[page.lang]
    top = (_part(page, "cookie") if "cookie" in has else "") + '<header class="site-header"><a href="/" ' \
        'class="logo">Example</a>' + (_part(page, "menu") if "menu" in has else "") + "</header>"
    head = ((_part(page, "breadcrumbs") if "breadcrumbs" in has else "") + f"<h1>{title}</h1>"
            + (f'<p class="standfirst">{STANDFIRSTS[page.lang]}</p>' if page.standfirst else "")
            + '<div class="byline">By <a href="/authors/jane-carter">Jane Carter</a></div>'
            + (_part(page, "photo") if "photo" in has else ""))
    body = _body(page, has)
    after = "".join(_part(page, kind) for kind in page.furniture
                    if kind in AFTER_STORY and (not page.inside or kind == "comments"))  # comments: never inside
    aside = _part(page, "most_read") if "most_read" in has else ""
    footer = _part(page, "footer") if "footer" in has else ""
    outer = OUTER_CLASSES[page.layout]
    if page.layout == "article":
        story = f"<main><article><header>{head}</header>{body}{after}</article>{aside}</main>"
    elif page.layout == "main":
        story = f'<main id="main">{head}{body}{after}{aside}</main>'
    else:
        story = (f'<div class="page-wrapper"><div class="row"><div class="{outer}"><div class="post-header">{head}'
                 f'</div>{body}{after}</div><div class="col-md-4 sidebar">{aside}</div></div></div>')
    html = (f'<!DOCTYPE html><html lang="{page.lang}"><head><meta charset="utf-8"><title>{title} | Example</title>'
            f'</head><body>{top}{story}{footer}</body></html>')
    return html, "https://www.example.org/news/2026/council-bus-routes"


def _blocks(page: TextPage, has: set[str]) -> list[str]:
    """The story's blocks in order, with the in-story furniture (contents, ad label, continue link) among them."""
    texts = paragraphs(page)
    blocks = [_part(page, kind) for kind in ("label", "facts") if kind in has]
    blocks += [_part(page, "contents")] if "contents" in has and page.subheads else []
    for position, text in enumerate(texts):
        if position in page.subheads:
            number = page.subheads.index(position)
            blocks.append(f'<h2 id="part-{number}">{SUBHEADS[page.lang][number % 4]}</h2>')
        blocks.append(f"<p>{text}</p>")
        if position == page.list_at:
            blocks += [f"<p>{lead_in(page)}</p>"] if page.lead_in else []
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in list_items(page)) + "</ul>")
        if position == page.quote_at:
            blocks.append(f"<blockquote><p>{quote(page)}</p></blockquote>")
        if position == 1 and "ad" in has:
            blocks.append(_part(page, "ad"))
    if page.last_line is not None:
        blocks.append(f"<p>{LAST_LINES[page.lang][page.last_line]}</p>")
    if page.inside:  # a related box and an appeal mid-story, the other blocks at the container's end
        middle = [_part(page, kind) for kind in page.furniture if kind in ("related", "appeal")]
        blocks[min(len(blocks), 4):min(len(blocks), 4)] = middle
        blocks += [_part(page, kind) for kind in page.furniture if kind in AFTER_STORY and kind not in
                   ("related", "appeal", "comments")]
    if "continue" in has:
        blocks.insert(min(len(blocks), 3), _part(page, "continue"))
    return blocks


def _body(page: TextPage, has: set[str]) -> str:
    blocks = _blocks(page, has)
    inner = BODY_CLASSES[page.body_class].split()[0] if page.layout == "split" else BODY_CLASSES[page.body_class]
    if page.layout != "split":
        return f'<div class="{inner}">{"".join(blocks)}</div>'
    half = max(1, len(blocks) // 2)  # furniture blocks count: taking one away moves the cut (invariant 3 skips splits)
    return (f'<div class="{inner}">{"".join(blocks[:half])}</div><div class="inline-promo">'
            f'<a href="/subscribe">{WORDS[page.lang][4].split("|")[1]}</a></div>'
            f'<div class="{inner} {inner}--continued">{"".join(blocks[half:])}</div>')


def _links(texts: list[str], prefix: str) -> str:
    return "".join(f'<li><a href="/{prefix}/{k}-story">{text}</a></li>' for k, text in enumerate(texts))


def _part(page: TextPage, kind: str) -> str:
    """One furniture part's HTML; with `hashed` its classes and id say nothing of what it is."""
    html = _named_part(page, kind)
    if not page.hashed:
        return html
    return re.sub(r'(class|id)="([^"]*)"', lambda m: f'{m[1]}="{_hashed(kind + m[2])}"', html)


def _hashed(name: str) -> str:
    """A class as a build tool names it ("sc-4821 x12"): stable for one name, saying nothing of what it is."""
    return f"sc-{zlib.crc32(name.encode()) % 9999:04d} x{len(name)}"


def _named_part(page: TextPage, kind: str) -> str:
    texts = furniture_lines(page, kind)
    if kind == "menu":
        return f'<nav class="main-nav"><ul class="menu">{_links(texts, "section")}</ul></nav>'
    if kind == "breadcrumbs":
        crumbs = texts[0].split(CRUMB)
        return ('<nav class="breadcrumb" aria-label="breadcrumb"><ol>' + _links(crumbs[:2], "section")
                + f"<li>{crumbs[2]}</li></ol></nav>")
    if kind == "share":
        buttons = "".join(f'<a class="share-button" href="https://share.example/{k}">{text}</a>'
                          for k, text in enumerate(texts[1:]))
        return f'<div class="share-bar"><span class="share-label">{texts[0]}</span>{buttons}</div>'
    if kind == "tags":
        return (f'<div class="article-tags"><span>{texts[0]}</span><ul class="tag-list">{_links(texts[1:], "tag")}'
                "</ul></div>")
    if kind in ("related", "most_read"):
        items = "".join(f'<li class="teaser"><a href="/news/{kind}-{k}"><h3>{text}</h3></a></li>'
                        for k, text in enumerate(texts[1:]))
        name = "related-articles" if kind == "related" else "most-read widget"
        return f'<section class="{name}"><h2>{texts[0]}</h2><ul>{items}</ul></section>'
    if kind == "appeal":
        return (f'<div class="newsletter-signup"><p>{texts[0]}</p><form action="/subscribe"><input type="email" '
                f'name="email"><button type="submit">{texts[1]}</button></form></div>')
    if kind == "comments":
        return (f'<section id="comments" class="comments-area"><h2>{texts[0]}</h2><ol class="comment-list">'
                f'<li class="comment"><div class="comment-author">{texts[1]}</div><div class="comment-content">'
                f'<p>{texts[2]}</p></div><a class="comment-reply-link" href="#respond">{texts[3]}</a></li>'
                "</ol></section>")
    if kind == "cookie":
        return (f'<div id="cookie-notice" class="cookie-banner"><p>{texts[0]}</p><button>{texts[1]}</button>'
                "</div>")
    if kind == "footer":
        return f'<footer class="site-footer"><p>{texts[0]}</p><p>{texts[1]}</p></footer>'
    if kind == "photo":
        return (f'<figure class="wp-caption"><img src="/img/depot.jpg" alt=""><figcaption>{texts[0]} '
                f'<span class="credit">{texts[1]}</span></figcaption></figure>')
    if kind == "author":
        return (f'<div class="author-box"><img src="/img/jane.jpg" alt=""><p class="author-bio">{texts[0]}</p>'
                "</div>")
    if kind == "contents":
        return ('<nav class="table-of-contents"><ul>' + "".join(
            f'<li><a href="#part-{k}">{text}</a></li>' for k, text in enumerate(texts)) + "</ul></nav>")
    if kind == "continue":
        return f'<p class="read-more-link"><a href="/news/2026/council-bus-routes?page=2">{texts[0]}</a></p>'
    if kind == "label":
        return _field_label(page)
    if kind == "facts":
        rows = FACTS[page.lang]
        cells = ("".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in rows) if page.variant % 2
                 else "".join(f"<tr><td>{label} {value}</td></tr>" for label, value in rows))
        return f'<table class="fact-box"><tbody>{cells}</tbody></table>'
    if kind == "ad":
        return f'<div class="ad-slot"><span class="ad-label">{texts[0]}</span><div class="ad-unit"></div></div>'
    raise ValueError(kind)


def _field_label(page: TextPage) -> str:
    """A field's label, whole in one text node or split by inline tags (thirty-second pass, text)."""
    label = FIELD_LABELS[page.lang]
    first, rest = label.split(" ", 1)
    return ('<div class="field-label">' + (label, f"<b>{first}</b> {rest}",
            f"<span>{first}</span> <em>{rest.rstrip(' :')}</em>{rest[len(rest.rstrip(' :')):]}")[page.variant % 3]
            + "</div>")


# --- strategies ---------------------------------------------------------------------------------------------

@st.composite
def text_pages(draw: st.DrawFn, furniture: tuple[str, ...] = FURNITURE) -> TextPage:
    """A page: a story of 3-15 paragraphs (most of two to four sentences, some of one, some of five or six),
    its optional parts, a layout and a subset of the furniture in some order."""
    count = draw(st.integers(3, 15))
    sizes = list(draw(st.lists(st.sampled_from((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)), min_size=count, max_size=count)))
    while sum(sizes) > MAX_SENTENCES:  # no clause twice: trim the longest paragraph
        sizes[sizes.index(max(sizes))] -= 1
    inner = st.integers(1, count - 1)
    subheads = tuple(sorted(draw(st.sets(inner, max_size=min(3, count - 1)))))
    optional = st.one_of(st.none(), st.integers(0, count - 1))
    return TextPage(
        lang=draw(st.sampled_from(LANGS)), sizes=tuple(sizes), variant=draw(st.integers(0, 99)),
        standfirst=draw(st.booleans()), subheads=subheads, list_at=draw(optional), lead_in=draw(st.booleans()),
        quote_at=draw(optional),
        last_line=draw(st.one_of(st.none(), st.integers(0, 1))), mention_at=draw(optional),
        layout=draw(st.sampled_from(LAYOUTS)), body_class=draw(st.integers(0, len(BODY_CLASSES) - 1)),
        hashed=draw(st.booleans()), inside=draw(st.booleans()),
        furniture=tuple(draw(st.permutations(draw(st.lists(st.sampled_from(furniture), unique=True))))),
    )
