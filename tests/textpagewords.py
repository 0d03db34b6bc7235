"""The words of the text page generator's pages (`tests/textpageworld.py`), by language: the story's sentences,
headline, standfirst, subheads, list, quote and signature lines, and each furniture part's texts. Written from how
each class is built, not copied from a site.
"""

from __future__ import annotations

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

FARES = ("€2.40", "2,40 €", "€ 2,40", "R$ 2,40", "US$ 2.40", "EUR 2,40", "2,40 EUR", "CHF 2.40", "USD2.40",
         "2,40\u00a0€", "EUR\u202f2,40", "2,40\u2009CHF", "2,40 zł", "24 kr", "HK$2.40", "2,- €", "RM 2.40", "RM2.40",
         "2,40 TL", "S/ 2.40", "KSh 2.40", "₹2.40")
"""A fare as a fact box may write it (`TextPage.fare`, 1 on; 0 is the language's own in `FACTS`): a sign joined or
apart, before or after, a currency's letters with a sign, an ISO code apart or joined, a no-break, narrow or thin
space, a local currency in letters, a sign's letters joined, a no-cents dash (thirty-third and thirty-fourth passes,
text, and its review), a country's letters apart or joined (the ringgit's, the lira's, the sol's, the shilling's)
and the rupee's sign (thirty-fifth pass); the reduced fare of a form `REDUCED` lacks is halved in place."""
REDUCED = {"€2.40": "€1.20", "2,40 €": "1,20 €", "€ 2,40": "€ 1,20", "R$ 2,40": "R$ 1,20", "US$ 2.40": "US$ 1.20",
           "EUR 2,40": "EUR 1,20", "2,40 EUR": "1,20 EUR", "CHF 2.40": "CHF 1.20", "USD2.40": "USD1.20",
           "2,40\u00a0€": "1,20\u00a0€", "EUR\u202f2,40": "EUR\u202f1,20", "2,40\u2009CHF": "1,20\u2009CHF",
           "2,40 zł": "1,20 zł", "24 kr": "12 kr", "HK$2.40": "HK$1.20", "2,- €": "1,- €"}
"""The reduced fare beside each fare, in its form."""
EVENT_BOXES = {  # an event's box: its day, the fare, the reduced fare (thirty-fourth pass: two prices of one form)
    "en": ("First day", "12/03/2026", "Single fare", "Reduced fare"),
    "de": ("Erster Tag", "12.03.2026", "Einzelfahrt", "Ermäßigt"),
    "fr": ("Premier jour", "12/03/2026", "Ticket", "Tarif réduit"),
    "es": ("Primer día", "12/03/2026", "Billete", "Reducido"),
    "it": ("Primo giorno", "12/03/2026", "Biglietto", "Ridotto"),
    "nl": ("Eerste dag", "12-03-2026", "Kaartje", "Korting"),
}
EVENT_TIMES = ("19:30", "7.30pm", "7 pm", "19h30", "19.30 Uhr", "7:30 p.m.", "20 h 30", "19:30h", "kl. 19.30")
"""The event's time of day as a box may write it (`TextPage.event_time`, 1 on; thirty-fifth pass: a form of its own,
not the year's; French print's, Spanish and a clock's word before it: its review)."""
EVENT_TIME_LABELS = {"en": "Doors", "de": "Einlass", "fr": "Ouverture", "es": "Apertura", "it": "Apertura",
                     "nl": "Zaal open"}
DATA_TABLES = {  # a table of the story's data, one form, opening the story (thirty-third pass: the standfirst over it)
    "en": ("Line", "{}.{}%"), "de": ("Linie", "{},{} %"), "fr": ("Ligne", "{},{} %"), "es": ("Línea", "{},{} %"),
    "it": ("Linea", "{},{}%"), "nl": ("Lijn", "{},{}%"),
}
SHARES = ((41, 2), (30, 5), (8, 0))
"""The data table's rows' shares of riders, one a line (`DATA_TABLES`' label with 40 + the row's number)."""
SUMMARY_BOXES = {  # a summary box above the story: a label over the story's points (thirty-sixth pass, text: the
    # page marks the box as a summary by its class; thirty-seventh pass: drawn here)
    "en": ("In short", ["The council approves {n} new bus routes.", "A single fare stays at the old price.",
                        "The first night buses run from next month."]),
    "de": ("Kurz gefasst", ["Der Rat billigt {n} neue Buslinien.", "Die Einzelfahrt bleibt beim alten Preis.",
                            "Die ersten Nachtbusse fahren ab dem nächsten Monat."]),
    "fr": ("En bref", ["Le conseil approuve {n} nouvelles lignes de bus.", "Le ticket garde son ancien prix.",
                       "Les premiers bus de nuit roulent dès le mois prochain."]),
    "es": ("En resumen", ["El consejo aprueba {n} nuevas líneas de autobús.", "El billete sencillo mantiene su precio.",
                          "Los primeros autobuses nocturnos circulan desde el mes que viene."]),
    "it": ("In breve", ["Il consiglio approva {n} nuove linee di autobus.", "Il biglietto resta al vecchio prezzo.",
                        "I primi autobus notturni partono dal mese prossimo."]),
    "nl": ("In het kort", ["De raad keurt {n} nieuwe buslijnen goed.", "Een los kaartje blijft even duur.",
                           "De eerste nachtbussen rijden vanaf volgende maand."]),
}
SUMMARY_CLASSES = ("article-summary", "tldr-box", "story__summary")
"""How a template names its summary box (`newsflow.summarybox._SUMMARY_MARK`: "summary", "tldr")."""
READ_ALSO = {  # an inline link to another story between the story's paragraphs (thirty-eighth pass, text)
    "en": "Read also", "de": "Lesen Sie auch", "fr": "Lire aussi", "es": "Lea también", "it": "Leggi anche",
    "nl": "Lees ook",
}
EDITOR_NOTES = {  # an editor's note or a correction after the story: the reader's, kept (thirty-eighth pass, text)
    "en": ("Correction:", "An earlier version of this story gave the number of new routes as {n}; the council "
           "approved four."),
    "de": ("Korrektur:", "In einer früheren Version dieses Artikels hieß es, der Rat habe {n} neue Linien "
           "beschlossen; es sind vier."),
    "fr": ("Rectificatif :", "Une version précédente de cet article indiquait {n} nouvelles lignes ; le conseil "
           "en a adopté quatre."),
    "es": ("Fe de errores:", "Una versión anterior de esta noticia daba {n} nuevas líneas; el ayuntamiento "
           "aprobó cuatro."),
    "it": ("Rettifica:", "Una versione precedente di questo articolo indicava {n} nuove linee; il consiglio ne ha "
           "approvate quattro."),
    "nl": ("Correctie:", "In een eerdere versie van dit artikel stond dat de raad {n} nieuwe lijnen goedkeurde; het "
           "zijn er vier."),
}
SOCIAL_PLATFORMS = ("twitter", "instagram", "facebook", "bluesky", "mastodon")
"""The platforms whose embed code the generator draws a social post in (thirty-ninth pass, text): each platform's own
markup, its chrome in English, as its embed code is pasted."""
SOCIAL_CHROME = {
    "twitter": (),
    "instagram": ("View this post on Instagram",),
    "facebook": (),
    "bluesky": (),
    "mastodon": ("View on Mastodon",),
}
"""The platform's own words in its embed code, which a reader never wants in the story: in English, or in the
language of the account that copied the code (`SOCIAL_CHROME_LOCAL`, fortieth pass, text)."""
SOCIAL_CHROME_LOCAL = {  # Instagram's "View this post" link and Mastodon's "View on Mastodon" in each language
    "en": {"instagram": "View this post on Instagram", "mastodon": "View on Mastodon"},
    "de": {"instagram": "Sieh dir diesen Beitrag auf Instagram an", "mastodon": "Auf Mastodon ansehen"},
    "fr": {"instagram": "Voir cette publication sur Instagram", "mastodon": "Voir sur Mastodon"},
    "es": {"instagram": "Ver esta publicación en Instagram", "mastodon": "Ver en Mastodon"},
    "it": {"instagram": "Visualizza questo post su Instagram", "mastodon": "Visualizza su Mastodon"},
    "nl": {"instagram": "Bekijk dit bericht op Instagram", "mastodon": "Bekijken op Mastodon"},
}
PULL_QUOTE_CLASSES = ("pull-quote", "pullquote", "article__quote--pull")
"""How a template names a pull quote: a sentence of the story repeated large in its middle (thirty-eighth pass)."""
SOCIAL_POSTS = {  # an embedded social post the story quotes: the post, its author and handle, its day (thirty-eighth
    # pass, text: the post is what the story quotes, so the reader wants its words)
    "en": ("From Monday the night buses stop at the hospital every {n} minutes. Timetables are online now.",
           "Town Transport", "@towntransport", "March 12, 2026"),
    "de": ("Ab Montag halten die Nachtbusse alle {n} Minuten am Krankenhaus. Die Fahrpläne sind jetzt online.",
           "Stadtverkehr", "@stadtverkehr", "12. März 2026"),
    "fr": ("Dès lundi, les bus de nuit desservent l'hôpital toutes les {n} minutes. Les horaires sont en ligne.",
           "Transports de la Ville", "@transportsville", "12 mars 2026"),
    "es": ("Desde el lunes los autobuses nocturnos paran en el hospital cada {n} minutos. Los horarios ya están en "
           "la web.", "Transporte Municipal", "@transportemuni", "12 de marzo de 2026"),
    "it": ("Da lunedì gli autobus notturni fermano all'ospedale ogni {n} minuti. Gli orari sono già online.",
           "Trasporti Comunali", "@trasporticomune", "12 marzo 2026"),
    "nl": ("Vanaf maandag stoppen de nachtbussen elke {n} minuten bij het ziekenhuis. De dienstregeling staat online.",
           "Stadsvervoer", "@stadsvervoer", "12 maart 2026"),
}
VIDEO_BOXES = {  # a video player mid-story (fortieth pass, text): its label, its play button, its title (a caption)
    "en": ("Video", "Play video", "Watch: how night bus line {n} runs through the old town"),
    "de": ("Video", "Video abspielen", "Sehen Sie: So fährt die Nachtbuslinie {n} durch die Altstadt"),
    "fr": ("Vidéo", "Lire la vidéo", "Regarder : le trajet du bus de nuit {n} dans la vieille ville"),
    "es": ("Vídeo", "Reproducir vídeo", "Vea: así recorre el casco antiguo la línea nocturna {n}"),
    "it": ("Video", "Riproduci video", "Guarda: il percorso della linea notturna {n} nel centro storico"),
    "nl": ("Video", "Video afspelen", "Bekijk: zo rijdt nachtbuslijn {n} door de oude binnenstad"),
}
VIDEO_DURATION = "2:14"
"""A video's running time as its player prints it, on its own or in brackets after its title."""
