"""The Dutch words the assistant reads by: every word list in one place.

What a visitor means is carried first by data: the NLU examples (data/nlu), the entities and
the knowledge file's `words`, `denies` and aliases. These lists are the rest: the small
closed classes of Dutch (question words, pronouns, negations, particles) that decide the
form of a message rather than its subject. Add a word here only when no example, entity or
knowledge entry can carry it.
"""

import re

# ---- direct: the form of a question (yes/no, which, who, open) and what it weighs ----------

# Words that open an open question ("wat doet ...", "hoe ...").
QUESTION_WORDS = {
    "wat",
    "welke",
    "welk",
    "wie",
    "hoe",
    "waar",
    "waarom",
    "wanneer",
    "hoeveel",
    "waarmee",
    "waarvoor",
    "waardoor",
    "waarin",
    "wiens",
}

# Words that may come before the question itself: "en", "oke, ...", "zeg, ...".
LEAD_WORDS = {
    "en",
    "maar",
    "ok",
    "oke",
    "okay",
    "dus",
    "he",
    "hey",
    "hoi",
    "hallo",
    "zeg",
    "nou",
    "vraagje",
    "trouwens",
    "eigenlijk",
    "ook",
    "nog",
    "even",
    "ja",
    "nee",
    "top",
    "goed",
    "wacht",
    "dan",
    "thnx",
    "thx",
    "bedankt",
    "dank",
    "dankje",
    "prima",
    "helder",
    "duidelijk",
}

# A sentence that starts with one of these is a statement, not a yes/no question.
NOT_A_VERB = {
    "ik",
    "wij",
    "we",
    "jij",
    "je",
    "u",
    "hij",
    "zij",
    "ze",
    "het",
    "de",
    "een",
    "dit",
    "dat",
    "die",
    "deze",
    "mijn",
    "ons",
    "onze",
    "jullie",
    "er",
    "hier",
    "daar",
    "als",
    "omdat",
    "want",
    "voor",
    "bij",
    "met",
    "van",
    "in",
    "op",
    "over",
    "verschil",
    "qua",
    "wat",
    "graag",
    "alle",
    "taken",
    "welke",
    "zo",
    "please",
}

# The subject that follows the verb of a yes/no question ("stelt een secretaresse ...?").
SUBJECTS = {"een", "de", "ze", "zij", "hij", "die", "je", "jij", "u"}

# "kun je me vertellen wat ...": a verb that asks for an answer, not a yes/no question.
ASKING_VERBS = {"kun", "kunt", "kan", "wil", "wilt", "weet", "zou", "mag"}

# Finite verbs that open a yes/no question; any inflected verb the lemma table knows counts too.
YES_NO_VERBS = {
    "is",
    "zijn",
    "heeft",
    "hebben",
    "heb",
    "moet",
    "moeten",
    "kan",
    "kun",
    "kunnen",
    "mag",
    "mogen",
    "doet",
    "doen",
    "wordt",
    "worden",
    "hoort",
    "horen",
    "zorgt",
    "maakt",
    "regelt",
    "geeft",
    "stuurt",
    "denkt",
    "werkt",
    "neemt",
    "houdt",
    "beheert",
    "plant",
    "gaat",
    "krijgt",
    "zit",
    "valt",
    "vraagt",
    "verwacht",
    "klopt",
    "beslist",
    "bepaalt",
    "schrijft",
    "draagt",
    "spreekt",
    "ben",
    "hoeft",
    "hoeven",
    "zou",
    "organiseert",
    "coordineert",
    "leidt",
    "notuleert",
    "beantwoordt",
    "verzorgt",
    "onderhoudt",
    "voert",
}

# "welke functie ...", "wie van ...": the noun after a question word that asks for a role.
# "welke van de twee / van beide ...": the words between the question word and the verb.
WHICH_OF_THE_TWO = {"de", "die", "twee", "beide", "beiden"}

ROLE_NOUNS = {"functie", "rol", "baan", "beroep", "van"}

# "welke functie raad je aan?" asks for advice, not for whose fact something is.
ADVICE_WORDS = {
    "raad",
    "raden",
    "aanraden",
    "adviseer",
    "adviseren",
    "advies",
    "past",
    "passen",
    "kiezen",
    "kies",
    "nodig",
    "aannemen",
    "zoek",
    "zoeken",
    "solliciteren",
    "mij",
    "ik",
    "wij",
    "we",
    "ons",
}

# Comparatives that ask which role has more of something ("wie heeft de zwaardere functie?").
MORE = {
    "meer",
    "meest",
    "meeste",
    "hoger",
    "hoogst",
    "hoogste",
    "hogere",
    "zwaarder",
    "zwaardere",
    "zwaarste",
    "breder",
    "bredere",
    "vaker",
    "groter",
    "grotere",
    "grootste",
    "zelfstandiger",
    "strategischer",
    "belangrijker",
    "belangrijkere",
    "verantwoordelijker",
    "uitgebreider",
    "beter",
    "moeilijker",
    "moeilijkere",
    "complexer",
    "complexere",
    "hoofdrol",
}

# ... or less of it.
LESS = {
    "minder",
    "minst",
    "minste",
    "lager",
    "laagst",
    "laagste",
    "lagere",
    "eenvoudiger",
    "makkelijker",
    "kleiner",
    "kleinste",
}

# Words that compare: with one of these a question naming one role still asks for a comparison
# ("wat is het verschil met een secretaresse?").
COMPARING = {
    "verschil",
    "verschillen",
    "verschilt",
    "vergelijk",
    "vergelijken",
    "vergeleken",
    "vergelijking",
    "anders",
    "ander",
    "andere",
    "tussen",
    "versus",
    "vs",
    "tegenover",
    "overeenkomst",
    "overeenkomsten",
    "gemeen",
    "hetzelfde",
    "zelfde",
    "dezelfde",
    "lijkt",
    "lijken",
    "gelijk",
    "evenveel",
    "beide",
    "allebei",
    "verhoudt",
    "verhouden",
}

# Words of a question that say nothing about which fact decides it ("is X belangrijk voor een
# secretaresse?", "hoort X bij het werk van ...").
QUESTION_FILLER = {
    "belangrijk",
    "nodig",
    "goed",
    "vaak",
    "veel",
    "echt",
    "ook",
    "eigenlijk",
    "moeten",
    "hoeven",
    "mogen",
    "kunnen",
    "verwachten",
    "vereisen",
    "vereist",
    "horen",
    "hoort",
    "bezig",
    "werk",
    "taak",
    "taken",
    "functie",
    "rol",
    "baan",
    "beroep",
    "iets",
    "wel",
    "meer",
    "meest",
    "meeste",
    "minder",
    "twee",
    "beide",
    "allebei",
    "welk",
    "vrij",
    "rondom",
    "erbij",
    "daarbij",
    "algemeen",
    "normaal",
    "gewoon",
    "zich",
    "heel",
    "rekenen",
    "behoren",
    "onderdeel",
    "sterk",
    "handig",
    "kennis",
    "kunde",
    "ding",
    "dingen",
    "slag",
    "gat",
    "gaten",
    "oog",
    "soort",
    "manier",
    "altijd",
    "meestal",
    "soms",
    "staat",
    "staan",
    "zit",
    "zitten",
    "ligt",
    "komt",
    "gaat",
    "werkt",
    "werken",
    "doet",
    "maakt",
    "iemand",
    "houdt",
    "heeft",
    "krijgt",
    "neemt",
    "gedaan",
    "gehad",
    "geweest",
    "gekregen",
    "gevolgd",
    "gemaakt",
    "mens",
    "mensen",
    "persoon",
    "personen",
    # words of degree: "helemaal zelfstandig" asks about zelfstandig
    "helemaal",
    "volledig",
    "compleet",
    "totaal",
    "erg",
    "zeer",
    "nogal",
    "behoorlijk",
    "redelijk",
    "vooral",
    "voornamelijk",
    "grotendeels",
    "deels",
    "alle",
    "allerlei",
    # determiners that say nothing about what is asked: "een bepaalde opleiding"
    "bepaald",
    "bepaalde",
    "zekere",
    "zeker",
}

# Prepositions that open a phrase placing the question: "bij een advocatenkantoor", "met clienten".
SETTING_PREPOSITIONS = {"bij", "met", "voor", "in", "op", "van", "tijdens", "binnen", "buiten"}

# The particle of a separable verb closes the question: "stuurt ... aan?" is "aansturen".
PARTICLES = {"aan", "op", "af", "in", "uit", "mee", "door", "over", "bij", "toe", "na", "terug", "weg"}

# Words that turn a clause around: "geen leidinggevende taken", "leidinggeven lijkt me niks".
NEGATIONS = {"geen", "niet", "niks", "niets", "nooit", "zonder", "hekel"}

# Where one statement ends and the next begins: "ik plan graag, maar leidinggeven lijkt me niks".
CLAUSE_BREAK = re.compile(r"[.;!?]|,|\bmaar\b|\ben\b")

# Both roles at once: "moeten ze allebei kunnen plannen?".
BOTH_ROLES = re.compile(r"\b(allebei|beide|beiden|alle twee|die twee|ze twee)\b")

# A short question opening with one of these goes on from the last answer: "en voor klanten?".
CONTINUING = {"en", "ook", "maar", "dus"}

# "welke functie is dit?" after a pasted vacancy text: which role fits what was told.
WHICH_ROLE_IS_THIS = re.compile(
    r"\b(welke|wat voor( een)?)( van (de|die) twee| van beide)? (functie|functies|rol|baan|beroep)\b"
    r".*\b(is|zou|past|hoort)\b"
    r"|\bwelke van (de|die) twee\b.*\bpast\b"
    r"|\bwaarom (geen|niet)\b|^\W*(en |maar )?waarom( dan| precies| dan precies)?\W*$"
)

# "doet de office manager dat ook?": the question just answered, asked about another role.
SAME_QUESTION = re.compile(
    r"\b(dat|dit|het|daar|hetzelfde) ook\b|\book zo\b|\bhetzelfde\b" r"|^\W*(en )?(de |een )?[\w-]+ ook\W*$"
)

# "spreek ik met een medewerker of met een bot?": asked who is answering, not for a person.
ASKS_WHO_ANSWERS = re.compile(
    r"\b(spreek|praat|chat) ik\b.*\b(bot|robot|chatbot|computer|mens|medewerker)\b.*\?"
    r"|\bben ik (nu )?aan het (chatten|praten)\b.*\?"
)

# Pointing at the role not in focus: "en de ander?", "hoe zit dat bij de andere functie?".
# "andere" before another noun is an adjective, not the role: "de andere afdelingen".
OTHER_ROLE = re.compile(
    r"\b(de|die|het|bij|voor) (ander\b|andere\s+(functie|rol|beroep|baan)\b"
    r"|andere\b(?!\s+(?!(eigenlijk|precies|daar|niet|even|juist)\b)[^\W\d_]{4,}))",
    re.I,
)


# ---- actions: advice and follow-ups ----------

# A candidate who asks about growing from one role into another.
GROWTH_WORDS = re.compile(
    r"\b(door\s?(te )?groei\w*|groei\w*|doorstro\w*|carriere\w*|volgende stap|"
    r"meer verantwoordelijkheid|promotie|hogerop|verder komen|omscholen|"
    r"overstap\w*|switch\w*|word ik|worden)\b"
)

# ... and the words that only say "I want to grow" without naming where to.
GROWING = re.compile(r"\b(door\s?(te )?groei\w*|carriere\w*|volgende stap|promotie|hogerop)\b")

# Words before a role that say where a candidate comes from ("ik ben nu secretaresse") ...
FROM_MARKERS = {"ben", "als", "van", "werk", "nu", "momenteel", "zelf"}

# ... and where they want to go ("naar office manager").
TO_MARKERS = {"naar", "tot", "word", "worden"}

# "wat doet die?", "heeft die ook ...?": "die" right after a verb is the role in focus, not a
# relative pronoun ("iemand die ...").
AFTER_VERB_DIE = re.compile(
    r"\b(doet|heeft|kan|moet|is|werkt|regelt|wil|mag|krijgt|zit|gaat|houdt|"
    r"stuurt|plant|maakt|neemt|verdient|beheert|zorgt) (die|deze)\b"
)

# Words that point back at the role in focus: a question with one of them is about that role,
# never about another job ("welke opleiding is daarvoor nodig?", "werkt zo iemand zelfstandig?").
REFERS_BACK = re.compile(
    r"\b(daar|hier|er)(voor|bij|in|mee|van|over)\b|\b(daar|hier)\b|\b(die|deze|zo'?n|dat|dit) "
    r"(functie|rol|baan|beroep|werk|positie)\b|\bzo iemand\b|"
    r"\b(ze|zij|hij|haar|hem)\b"
)

# After one of these, a lower case "om" is the abbreviation of office manager ("een om"),
# not the everyday word ("om secretaresse te worden").
WORDS_BEFORE_OM = ("een", "de", "als", "naar", "tot", "die")

# "vast of tijdelijk?": a question about the kind of contract, which the agency answers.
CONTRACT_KINDS = re.compile(r"\b(vast|vaste|tijdelijk\w*)\b")

# After a role: "office manager worden", "om office manager te worden" names where to go.
GOAL_AFTER = {"worden", "te"}

# A question for an amount, a duration or a number ("hoe lang duurt de opleiding?"): a topic
# that gives no number does not answer it.
# "welke hbo-opleiding precies?": a specific study, where the article names only a level.
ASKS_SPECIFIC = re.compile(
    r"\b(precies|specifiek\w*|exact|welke richting|welke studie|welk diploma precies)\b"
)

ASKS_AMOUNT = re.compile(
    r"\b(hoe ?lang|hoe ?oud|wat kost\w*|hoeveel (jaar|jaren|maand\w*|weken|dagen|"
    r"vakantiedag\w*|uur|uren|euro|geld|procent|mensen|medewerkers|personen|"
    r"salaris|verdien\w*|krijg\w*|secretaresse\w*|werknemers|collega\w*))\b"
)

# Numbers written as words, besides digits: a text with one of these gives a number.
COUNT_WORDS = {
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "twintig",
    "dertig",
    "veertig",
    "vijftig",
    "honderd",
    "duizend",
    "half",
    "anderhalf",
}

# A statement with one of these is about the visitor herself ...
FIRST_PERSON_SINGULAR = {"ik", "me", "mij", "mijn"}
# ... or her organisation.
FIRST_PERSON_PLURAL = {"wij", "we", "ons", "onze"}
FIRST_PERSON = FIRST_PERSON_SINGULAR | FIRST_PERSON_PLURAL


# ---- knowledge: whether a job named in a message is the job asked about ----------

# Words around a job that tell whether it is the job asked about (see other_job_in_text).
INTRODUCERS = {"een", "als"}

# "mijn manager", "bij de directeur": a job that is someone else, not the job asked about.
POSSESSIVES = {"mijn", "je", "jouw", "zijn", "haar", "hun", "onze", "uw"}

# "bij de directeur": an article after a preposition before a job that is someone else.
DEFINITE = {"de", "het", "die", "deze"}

# "is ze een soort teamleider?": a job named only as a likeness.
LIKENESS = {"soort", "zoals", "net", "beetje"}

# Prepositions before such a person ("voor de directeur").
PREPOSITIONS = {"voor", "met", "aan", "bij", "naar", "door", "van", "tegen", "onder", "namens"}


# ---- search: search and language detection ----------

# Verbs and words that say nothing about the content of a question ("zorgt de secretaresse
# ook voor het archief?"): left out of the query so they cannot make a weak match look strong.
FILLER = {
    "zorgen",
    "doen",
    "hebben",
    "zijn",
    "worden",
    "gaan",
    "komen",
    "houden",
    "maken",
    "krijgen",
    "willen",
    "moeten",
    "kunnen",
    "mogen",
    "zitten",
    "staan",
    "vinden",
    "weten",
    "zeggen",
    "vertellen",
    "iemand",
    "ding",
    "dingen",
    "eigenlijk",
    "precies",
    "graag",
    "vraag",
    "vragen",
    "nodig",
    "allemaal",
    "zoal",
    "beetje",
    "soort",
    "qua",
    "denken",
    "kloppen",  # "klopt het dat we hbo vragen?"
    "blijken",  # "waar blijkt dat uit?"
    "bedoelen",
    "bezig",  # "waar is die mee bezig?" asks what she does, as "doen" does
    "mee",
    "jaar",
    "dag",
    "week",
    "betreffen",
    "betreft",
    "gebied",
    "vlak",
    "punt",
    # greetings: "goedemorgen" is no "goede" beslissing
    "goedemorgen",
    "goedemiddag",
    "goedenavond",
    "hallo",
    "hoi",
    "hey",
    "groet",
    "groeten",
}

# Stop words that carry meaning here: "zelf beslissen" is about autonomy.
MEANINGFUL = {"zelf"}

# Common English words: a question made mostly of these gets a note that the assistant speaks Dutch.
ENGLISH_WORDS = frozenset(
    """
a an the what whats is are do does did how which who why where when of to in on for with and or
between difference differences office manager managers secretary secretaries job jobs role
roles task tasks duties skills education degree need needs you your me my i it this that can
hi hello hey thanks thank bye goodbye please help bot human work works working
""".split()
)

# Words both languages use for our roles: they say nothing about the language of a question.
SHARED_WORDS = frozenset({"office", "manager", "managers", "officemanager", "hbo", "mbo", "ok"})


# ---- intake: answers inside the intake and the quiz ----------

# First words of a question typed inside the intake instead of an answer.
QUESTION_STARTS = (
    "wat",
    "welke",
    "welk",
    "hoe",
    "wie",
    "waar",
    "wanneer",
    "waarom",
    "is",
    "kan",
    "kun",
    "mag",
    "moet",
    "heeft",
    "hebben",
    "doet",
    "maakt",
    "zijn",
    "wordt",
)

# Leaving the intake or the quiz.
CANCEL = re.compile(
    r"^(stop|stoppen|laat maar( zitten)?|nee laat maar|annuleer|annuleren|cancel|"
    r"hou (maar )?op|ik wil stoppen|toch niet|vergeet het( maar)?|afbreken)\b"
)

# A quiz answer with one of these is a no.
QUIZ_NO = {"nee", "niet", "geen", "nooit", "niks", "niets", "hekel", "nope", "no", "saai", "liever"}

# A statement without a negation is a yes: "ik heb een hbo-diploma", "klopt".
QUIZ_YES = {
    "ja",
    "jawel",
    "jazeker",
    "graag",
    "zeker",
    "juist",
    "leuk",
    "fijn",
    "prima",
    "natuurlijk",
    "absoluut",
    "heerlijk",
    "wel",
    "tuurlijk",
    "yes",
    "zeer",
    "dol",
    "houd",
    "hou",
    "vaak",
    "altijd",
    "best",
    "enorm",
    "klopt",
    "heb",
    "ben",
    "doe",
    "kan",
    "wil",
    "werk",
}


# ---- vacancy: parsing the intake's answers ----------

# Month names and their abbreviations in a start date.
MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

# "As soon as possible" as a start date.
ASAP = (
    "zo snel mogelijk",
    "zsm",
    "per direct",
    "direct",
    "meteen",
    "asap",
    "zo spoedig mogelijk",
    "zo gauw mogelijk",
    "onmiddellijk",
    "per omgaande",
)

# Hours per week written as words.
NUMBER_WORDS = {
    "acht": 8,
    "twaalf": 12,
    "zestien": 16,
    "twintig": 20,
    "vierentwintig": 24,
    "achtentwintig": 28,
    "tweeendertig": 32,
    "zesendertig": 36,
    "achtendertig": 38,
    "veertig": 40,
}

# Consent and confirmation: yes ...
AGREE = {
    "ja",
    "jazeker",
    "jawel",
    "akkoord",
    "ik ga akkoord",
    "prima",
    "goed",
    "oke",
    "ok",
    "okay",
    "yes",
    "zeker",
    "natuurlijk",
    "dat mag",
    "is goed",
    "klopt",
    "ja hoor",
    "graag",
    "ja graag",
}

# ... and no.
DISAGREE = {
    "nee",
    "neen",
    "no",
    "liever niet",
    "niet akkoord",
    "ik ga niet akkoord",
    "nope",
    "nee hoor",
    "nee dank je",
    "nee bedankt",
}

# An optional intake answer that means "nothing".
NOTHING_TO_ADD = {
    "nee",
    "geen",
    "niets",
    "nvt",
    "n.v.t.",
    "-",
    "overslaan",
    "sla over",
    "geen omschrijving",
    "nee hoor",
    "nee dank je",
    "liever niet",
    "niet nodig",
}


# ---- unanswered: grouping unanswered questions ----------

# Words of a question that say little about what is asked; the rest decide whether two
# questions are nearly the same.
FUNCTION_WORDS = set(
    """
aan al als bij dan dat de den der des deze die dit doet doen een en er het hoe hoeveel hun ik
in is je jij jou jullie kan kun kunnen maar me met mij mijn moet naar niet nog of om ook op
over te tot u uw van veel voor waar wat we welk welke wie wij wil wordt worden zijn zo zou
eigenlijk graag even nou precies toch weet wel
""".split()
)


# ---- leads: dates in stored requests ----------

# Month names for dates shown to staff.
MONTH_NAMES = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
