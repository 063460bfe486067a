"""National-scale data for benchmarks: PC4 centres, regions, companies, schools and offers.

    .venv/bin/python bench/catalogue_data.py               (create it when missing)
    .venv/bin/python bench/catalogue_data.py --regenerate  (drop the database and start over)

`catalogue_data_ensure()` keeps the data of `bench.catalogue_settings` (its own database,
`techportal_bench_catalogue`) between runs: a marker table records the generator's version and
the sizes, and the data is generated again only when the marker is missing or differs, or when
asked. `catalogue_data_generate()` fills any migrated, empty database over a psycopg connection,
so another benchmark (match suggestions, say) can reuse the same national picture.

What it writes, deterministically for one seed:

- about 4,000 PC4 centres (`PostcodeArea`): for each two-digit postcode area 10–99 the place it
  roughly belongs to, and about 45 of its hundred PC4 codes scattered around that place inside
  the Dutch bounding box; the demo's real centres (organisations/demo.py) are kept as they are;
- the six demo regions with their real PC4 ranges and ~25 more that cover most of the country,
  leaving a few gaps for the national desk;
- 90,000 companies (8-digit KvK numbers, postcodes in known PC4 areas, 1–2 worlds) and 10,000
  school locations (vestigingscodes, realistic level combinations); organisations' regions are
  computed from the ranges, as `Organisation.save()` would;
- 200,000 offers: ~90 % published over three years, kinds, 1–3 levels in combinations that go
  together, 1–2 worlds, Dutch titles and descriptions built from a few hundred technical words
  per world with a Zipf-like frequency: the most common word is in about 12 % of the offers, the
  median one in 0.5 %, the rarest in 0.1 % (a few hundred).

Rows go in with COPY. The offers' search projection (search vector, pc4, coordinates, region)
is filled by the database trigger of offers/migrations/0003 on the way in; the time of that COPY
is reported on its own. VACUUM ANALYZE ends the run.
"""

import argparse
import itertools
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

GENERATOR_VERSION = 2
MARKER_TABLE = "bench_catalogue_data"
NL_LATITUDES = (50.75, 53.55)
NL_LONGITUDES = (3.35, 7.23)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # fixed, so a seed always gives the same data
POSTCODE_LETTERS = "ABCDEFGHJKLMNPRTVWXZ"
ZIPF_EXPONENT = 1.0  # of the words of a world: the k-th is 1/k^s as common as the first


@dataclass(frozen=True)
class Sizes:
    companies: int = 90_000
    schools: int = 10_000
    offers: int = 200_000
    pc4_per_area: int = 45  # of the 100 PC4 codes of each two-digit area 10–99

    def scaled(self, fraction: float) -> "Sizes":
        """Smaller data of the same shape, for a quick try or a test."""
        return Sizes(
            companies=max(1, round(self.companies * fraction)),
            schools=max(1, round(self.schools * fraction)),
            offers=max(1, round(self.offers * fraction)),
            pc4_per_area=self.pc4_per_area,
        )


@dataclass
class DataReport:
    version: int
    seed: int
    sizes: Sizes
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per step
    generated_at: str = ""
    reused: bool = False

    def summary(self) -> str:
        counts = ", ".join(f"{n:,} {name}" for name, n in self.counts.items())
        steps = ", ".join(f"{name} {s:.1f} s" for name, s in self.seconds.items())
        total = sum(self.seconds.values())
        when = "kept from" if self.reused else "generated"
        return f"{counts}\n  {when} {self.generated_at}: {total:.1f} s ({steps})"


# --- places: one town per two-digit postcode area, roughly where it lies -------------------------

# fmt: off
PC2_PLACES: dict[int, tuple[str, float, float]] = {
    10: ("Amsterdam", 52.37, 4.90), 11: ("Amstelveen", 52.30, 4.86),
    12: ("Hilversum", 52.22, 5.17), 13: ("Almere", 52.37, 5.22),
    14: ("Purmerend", 52.50, 4.95), 15: ("Zaandam", 52.44, 4.83),
    16: ("Hoorn", 52.64, 5.06), 17: ("Schagen", 52.79, 4.80),
    18: ("Alkmaar", 52.63, 4.75), 19: ("Beverwijk", 52.48, 4.66),
    20: ("Haarlem", 52.38, 4.64), 21: ("Hoofddorp", 52.30, 4.69),
    22: ("Katwijk", 52.20, 4.41), 23: ("Leiden", 52.16, 4.49),
    24: ("Alphen aan den Rijn", 52.13, 4.66), 25: ("Den Haag", 52.07, 4.30),
    26: ("Delft", 52.01, 4.36), 27: ("Zoetermeer", 52.06, 4.49),
    28: ("Gouda", 52.01, 4.71), 29: ("Capelle aan den IJssel", 51.93, 4.58),
    30: ("Rotterdam", 51.92, 4.48), 31: ("Schiedam", 51.92, 4.40),
    32: ("Spijkenisse", 51.85, 4.33), 33: ("Dordrecht", 51.81, 4.67),
    34: ("Nieuwegein", 52.03, 5.09), 35: ("Utrecht", 52.09, 5.12),
    36: ("Maarssen", 52.14, 5.04), 37: ("Zeist", 52.09, 5.23),
    38: ("Amersfoort", 52.16, 5.39), 39: ("Veenendaal", 52.03, 5.56),
    40: ("Tiel", 51.89, 5.43), 41: ("Culemborg", 51.96, 5.23),
    42: ("Gorinchem", 51.83, 4.97), 43: ("Zierikzee", 51.65, 3.92),
    44: ("Goes", 51.50, 3.89), 45: ("Terneuzen", 51.33, 3.83),
    46: ("Bergen op Zoom", 51.49, 4.29), 47: ("Roosendaal", 51.53, 4.46),
    48: ("Breda", 51.59, 4.78), 49: ("Oosterhout", 51.64, 4.86),
    50: ("Tilburg", 51.56, 5.09), 51: ("Waalwijk", 51.69, 5.06),
    52: ("'s-Hertogenbosch", 51.69, 5.30), 53: ("Zaltbommel", 51.81, 5.25),
    54: ("Oss", 51.76, 5.52), 55: ("Veldhoven", 51.42, 5.40),
    56: ("Eindhoven", 51.44, 5.48), 57: ("Helmond", 51.48, 5.66),
    58: ("Venray", 51.53, 5.98), 59: ("Venlo", 51.37, 6.17),
    60: ("Weert", 51.25, 5.71), 61: ("Sittard", 51.00, 5.87),
    62: ("Maastricht", 50.85, 5.69), 63: ("Heerlen", 50.88, 5.98),
    64: ("Kerkrade", 50.87, 6.06), 65: ("Nijmegen", 51.84, 5.86),
    66: ("Wijchen", 51.81, 5.73), 67: ("Ede", 52.04, 5.67),
    68: ("Arnhem", 51.98, 5.91), 69: ("Zevenaar", 51.93, 6.07),
    70: ("Doetinchem", 51.96, 6.29), 71: ("Winterswijk", 51.97, 6.72),
    72: ("Zutphen", 52.14, 6.20), 73: ("Apeldoorn", 52.21, 5.97),
    74: ("Deventer", 52.25, 6.16), 75: ("Enschede", 52.22, 6.89),
    76: ("Almelo", 52.36, 6.66), 77: ("Hardenberg", 52.58, 6.62),
    78: ("Emmen", 52.79, 6.90), 79: ("Hoogeveen", 52.72, 6.48),
    80: ("Zwolle", 52.51, 6.09), 81: ("Raalte", 52.39, 6.28),
    82: ("Lelystad", 52.52, 5.47), 83: ("Emmeloord", 52.71, 5.75),
    84: ("Heerenveen", 52.96, 5.92), 85: ("Joure", 52.97, 5.79),
    86: ("Sneek", 53.03, 5.66), 87: ("Bolsward", 53.06, 5.53),
    88: ("Harlingen", 53.17, 5.42), 89: ("Leeuwarden", 53.20, 5.79),
    90: ("Grou", 53.09, 5.84), 91: ("Dokkum", 53.33, 6.00),
    92: ("Drachten", 53.11, 6.10), 93: ("Roden", 53.14, 6.43),
    94: ("Assen", 52.99, 6.56), 95: ("Stadskanaal", 52.99, 6.96),
    96: ("Hoogezand", 53.16, 6.76), 97: ("Groningen", 53.22, 6.57),
    98: ("Zuidhorn", 53.25, 6.40), 99: ("Delfzijl", 53.32, 6.86),
}

# Regions beyond the demo's six (which keep their real ranges): (slug, name, province, ranges).
# Left out on purpose, for the national desk: 1110–1119, 1400–1439, 1480–1499, 1568–1599,
# 3586–3599 and 8390–8399.
EXTRA_REGIONS: tuple[tuple[str, str, str, tuple[tuple[int, int], ...]], ...] = (
    ("gooi-en-vechtstreek", "Gooi en Vechtstreek", "NH", ((1200, 1299), (1380, 1399))),
    ("amstelland-kennemerland", "Amstelland en Kennemerland", "NH",
     ((1160, 1199), (1900, 2159))),
    ("flevoland", "Flevoland", "FL", ((1300, 1379), (8200, 8259), (8300, 8379))),
    ("holland-rijnland", "Holland Rijnland", "ZH", ((2160, 2399),)),
    ("midden-holland", "Midden-Holland", "ZH", ((2400, 2489), (2800, 2899))),
    ("haaglanden", "Haaglanden", "ZH", ((2490, 2799),)),
    ("zuid-holland-zuid", "Zuid-Holland Zuid", "ZH", ((2900, 2999), (3200, 3399))),
    ("utrecht-west", "Utrecht-West", "UT", ((3400, 3429), (3440, 3499), (3609, 3699))),
    ("eemland", "Eemland en Heuvelrug", "UT", ((3700, 3899),)),
    ("foodvalley", "FoodValley", "GE", ((3900, 3999), (6700, 6739))),
    ("rivierenland", "Rivierenland", "GE", ((4000, 4299),)),
    ("zeeland", "Zeeland", "ZE", ((4300, 4599),)),
    ("west-brabant", "West-Brabant", "NB", ((4600, 4999),)),
    ("midden-brabant", "Midden-Brabant", "NB", ((5000, 5199),)),
    ("noordoost-brabant", "Noordoost-Brabant", "NB", ((5200, 5499),)),
    ("zuidoost-brabant", "Zuidoost-Brabant", "NB", ((5500, 5799),)),
    ("noord-limburg", "Noord-Limburg", "LI", ((5800, 5999), (6000, 6099))),
    ("zuid-limburg", "Zuid-Limburg", "LI", ((6100, 6499),)),
    ("rijk-van-nijmegen", "Rijk van Nijmegen", "GE", ((6500, 6699),)),
    ("arnhem-achterhoek", "Arnhem en de Achterhoek", "GE", ((6740, 7299),)),
    ("stedendriehoek", "Stedendriehoek", "GE", ((7300, 7499),)),
    ("twente", "Twente", "OV", ((7500, 7699),)),
    ("vechtdal-zuidoost-drenthe", "Vechtdal en Zuidoost-Drenthe", "OV", ((7700, 7899),)),
    ("regio-zwolle", "Regio Zwolle", "OV", ((8000, 8199), (8260, 8299))),
    ("fryslan", "Fryslân", "FR", ((8400, 9299),)),
    ("noord-drenthe", "Noord-Drenthe", "DR", ((9300, 9499),)),
    ("groningen", "Groningen", "GR", ((9500, 9999),)),
)

# --- words: per world of technique, most common first --------------------------------------------

WORLD_WORDS: dict[str, tuple[str, ...]] = {
    "mens_gezondheid": (
        "zorgtechniek", "ziekenhuis", "laboratorium", "medische", "revalidatie", "protheses",
        "hulpmiddelen", "sensoren", "diagnostiek", "biotechnologie", "microscopie", "hygiëne",
        "sterilisatie", "farmacie", "medicijnen", "tandtechniek", "hoortoestellen", "optiek",
        "orthopedie", "echografie", "röntgen", "beademing", "rolstoelen", "zorgrobots",
        "domotica", "fysiotherapie", "genetica", "vaccins", "anatomie", "exoskelet",
        "implantaten", "operatiekamer", "ambulance", "hartslag", "bloedonderzoek", "brillen",
        "sportgeneeskunde", "ergonomie", "thuiszorg", "cellen",
    ),
    "voeding_natuur": (
        "voedingstechniek", "tuinbouw", "glastuinbouw", "zuivel", "bakkerij", "kassen",
        "landbouwmachines", "verpakking", "voedselveiligheid", "melkrobot", "veehouderij",
        "akkerbouw", "koeltechniek", "kaasmakerij", "vleesverwerking", "groenteteelt",
        "bloembollen", "irrigatie", "drones", "bodem", "brouwerij", "chocolade", "visserij",
        "aquacultuur", "compost", "gewasbescherming", "zaadveredeling", "insecten", "bijen",
        "bosbouw", "natuurbeheer", "fermentatie", "smaakonderzoek", "graanverwerking",
        "loonwerk", "precisielandbouw", "stalklimaat", "fruitteelt", "champignons", "mest",
    ),
    "energie_water_veiligheid": (
        "installatietechniek", "zonnepanelen", "elektrotechniek", "warmtepompen",
        "energietransitie", "windturbines", "laadpalen", "waterstof", "isolatie", "batterijen",
        "netbeheer", "hoogspanning", "waterbeheer", "drinkwater", "brandveiligheid",
        "transformatoren", "dijken", "gemalen", "sluizen", "rioolwaterzuivering", "beveiliging",
        "alarmsystemen", "camerabewaking", "aardwarmte", "biogas", "meterkast", "verduurzaming",
        "stroomnet", "elektromonteur", "gasleidingen", "offshore", "getijdenenergie",
        "klimaatadaptatie", "stormvloedkering", "brandweer", "kerncentrale", "blusinstallaties",
        "noodstroom", "warmtenet", "zoutwater",
    ),
    "wonen_werken_verkeer": (
        "bouwkunde", "timmeren", "infra", "autotechniek", "logistiek", "wegenbouw", "metselen",
        "betonbouw", "bruggen", "spoorwegen", "architectuur", "loodgieter", "installateur",
        "ventilatie", "sanitair", "houtskeletbouw", "tunnels", "treinen", "bussen",
        "vrachtwagens", "heftrucks", "bouwtekening", "landmeten", "stukadoren", "schilderen",
        "dakdekker", "luchtvaart", "vliegtuigonderhoud", "scheepvaart", "binnenvaart",
        "mobiliteit", "asfalt", "grondwerk", "sloopwerk", "circulair", "prefab", "liften",
        "verkeerslichten", "fietsen", "havenkranen",
    ),
    "ontwerp_productie_wereldhandel": (
        "lassen", "metaalbewerking", "robotica", "automatisering", "cnc", "frezen", "draaien",
        "mechatronica", "werktuigbouwkunde", "plaatwerk", "constructiewerk", "productontwerp",
        "kunststof", "spuitgieten", "procestechniek", "assemblage", "kwaliteitscontrole",
        "productielijn", "onderhoudstechniek", "pneumatiek", "hydrauliek", "plc", "3d-printen",
        "industrieel", "scheepsbouw", "jachtbouw", "textiel", "meubelmaken", "houtbewerking",
        "export", "douane", "containers", "magazijn", "inkoop", "smeden", "gieterij",
        "lasrobot", "cad", "prototype", "verpakkingsmachines",
    ),
    "digitaal_media_entertainment": (
        "programmeren", "ict", "software", "apps", "websites", "cybersecurity", "netwerken",
        "elektronica", "gamedesign", "animatie", "data-analyse", "kunstmatige", "intelligentie",
        "virtual", "reality", "servers", "cloud", "fotografie", "video", "film", "podcast",
        "geluidstechniek", "lichttechniek", "podiumtechniek", "e-sports", "webdesign",
        "grafisch", "printplaten", "arduino", "raspberry", "databases", "chatbots",
        "telecom", "glasvezel", "privacy", "hacken", "machine", "learning", "mediatechniek",
        "blockchain",
    ),
    "hitech_science": (
        "chipmachines", "halfgeleiders", "fotonica", "lasers", "natuurkunde", "scheikunde",
        "chemie", "materiaalkunde", "precisietechniek", "meettechniek", "nanotechnologie",
        "ruimtevaart", "satellieten", "cleanroom", "optica", "sensortechniek", "kalibratie",
        "vacuümtechniek", "quantumcomputers", "raketten", "elektronenmicroscoop", "polymeren",
        "katalysatoren", "supergeleiding", "simulatie", "wiskunde", "statistiek",
        "proefopstelling", "experimenten", "astronomie", "telescopen", "kernfysica",
        "onderzoekslaboratorium", "batterijonderzoek", "research", "octrooien",
        "microchips", "lithografie", "spectroscopie", "metrologie",
    ),
}
WORLDS = tuple(WORLD_WORDS)
WORLD_WEIGHTS = (10, 8, 18, 18, 22, 14, 10)  # more energy/building/production than science

# The words of the titles and descriptions that every offer may use, besides its world's.
GENERIC_WORDS = (
    "techniek", "praktijk", "werkplaats", "vakmanschap", "monteur", "engineer", "machines",
    "duurzaamheid", "veiligheid", "innovatie", "project", "team", "ontwerpen", "bouwen",
    "onderzoeken", "meten", "repareren", "programma", "opdracht", "beroepen",
)

KIND_WEIGHTS = {
    "gastles": 30, "bedrijfsbezoek": 20, "stage": 20, "workshop": 15, "technasium": 5,
    "docentstage": 5, "event_workshop": 5,
}
USUAL_LOCATION = {
    "stage": "company", "gastles": "school", "workshop": "school", "bedrijfsbezoek": "company",
    "technasium": "school", "docentstage": "company", "event_workshop": "company",
}
TITLE_PATTERNS = {
    "gastles": ("Gastles {a}", "Gastles over {a} en {b}", "{A}: een vakman in de klas"),
    "bedrijfsbezoek": ("Bedrijfsbezoek {a}", "Kijkje achter de schermen: {a}",
                       "Rondleiding {a} en {b}"),
    "stage": ("Stage {a}", "Snuffelstage {a}", "Beroepspraktijkvorming {a} en {b}"),
    "workshop": ("Workshop {a}", "Doe-workshop {a} en {b}", "{A} zelf proberen"),
    "technasium": ("Technasium-opdracht {a}", "Ontwerpopdracht {a} en {b}"),
    "docentstage": ("Docentstage {a}", "Docenten op stage: {a}"),
    "event_workshop": ("Workshop {a} op het techniekevenement", "Demonstratie {a} en {b}"),
}
SENTENCES = (
    "Leerlingen maken kennis met {a} en {b}.",
    "Onze monteurs laten zien hoe {a} in de praktijk werkt.",
    "Je werkt mee aan een echt project rond {a}, {b} en {c}.",
    "Na afloop weten leerlingen wat een engineer in {a} doet.",
    "We beginnen met een korte uitleg over {a} en gaan dan zelf aan de slag.",
    "In onze werkplaats draait alles om {a} en {b}.",
    "Vakmanschap en veiligheid staan centraal; {a} is ons dagelijks werk.",
    "De opdracht gaat over {a}: leerlingen ontwerpen, bouwen en testen.",
    "Geschikt voor klassen die meer willen weten over {a} en duurzaamheid.",
    "Een team van jonge collega's vertelt over hun beroepen in {a} en {b}.",
)

LEVEL_COMBINATIONS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("po",), 12), (("vmbo_bb", "vmbo_kb"), 10), (("vmbo_gl", "vmbo_tl"), 8),
    (("vmbo_bb", "vmbo_kb", "vmbo_gl"), 6), (("havo", "vwo"), 10), (("vwo",), 3),
    (("havo",), 3), (("vmbo_tl", "havo"), 4), (("mbo_2", "mbo_3"), 6),
    (("mbo_3", "mbo_4"), 10), (("mbo_4",), 4), (("mbo_1", "mbo_2"), 3),
    (("pro", "vmbo_bb"), 3), (("pro",), 1), (("hbo",), 4), (("mbo_4", "hbo"), 3),
    (("hbo", "wo"), 2),
)
# School locations: (name pattern, levels, weight). Most are primary schools.
SCHOOL_KINDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("Basisschool {x}", ("po",), 60),
    ("Praktijkschool {p}", ("pro",), 5),
    ("{p} Vakcollege", ("vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl"), 8),
    ("Mavo {x}", ("vmbo_gl", "vmbo_tl"), 5),
    ("{p} College", ("vmbo_tl", "havo", "vwo"), 7),
    ("Lyceum {x}", ("havo", "vwo"), 5),
    ("Gymnasium {p}", ("vwo",), 1),
    ("ROC {p} Techniek", ("mbo_1", "mbo_2", "mbo_3", "mbo_4"), 7),
    ("Vakschool {p}", ("mbo_2", "mbo_3", "mbo_4"), 2),
)
SCHOOL_NAMES = (
    "De Regenboog", "De Wereldwijzer", "Het Kompas", "De Vlinder", "De Sterrenwacht",
    "Het Palet", "De Springplank", "De Wilgenhoek", "Het Baken", "De Zonnewijzer",
    "Oranje Nassau", "Willem-Alexander", "De Klimop", "De Horizon", "Het Anker",
    "De Windroos", "Erasmus", "Spinoza", "Da Vinci", "Huygens",
)
SURNAMES = (
    "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder",
    "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer",
    "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer", "Van der Linden", "Kok",
    "Jacobs", "De Haan", "Vermeulen", "Van den Berg", "Van der Heijden", "Schouten",
    "Van Beek", "Willems", "Van Vliet", "Van de Ven", "Hoekstra", "Maas", "Verhoeven",
    "Koster", "Van Dam", "Prins", "Blom", "Huisman", "Peeters", "Kuipers", "Van Wijk",
    "Post", "Kuiper", "Veenstra", "Kramer", "Van den Brink", "Scholten",
)
COMPANY_TRADES = {
    "mens_gezondheid": ("Zorgtechniek", "Medical", "Orthopedie", "Labtechniek"),
    "voeding_natuur": ("Voedingstechniek", "Agritech", "Tuinbouwtechniek", "Zuivel"),
    "energie_water_veiligheid": ("Installatietechniek", "Elektrotechniek", "Energie",
                                 "Waterbouw"),
    "wonen_werken_verkeer": ("Bouw", "Infra", "Autotechniek", "Logistiek"),
    "ontwerp_productie_wereldhandel": ("Metaal", "Machinebouw", "Constructie",
                                       "Kunststoffen"),
    "digitaal_media_entertainment": ("ICT", "Media", "Software", "Elektronica"),
    "hitech_science": ("Precisietechniek", "Fotonica", "Systems", "Chemie"),
}
COMPANY_FORMS = ("B.V.", "B.V.", "B.V.", "", "Groep", "en Zonen", "Nederland")
STREETS = (
    "Industrieweg", "Nijverheidsweg", "Ambachtsweg", "Havenstraat", "Energieweg",
    "Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsweg", "Parallelweg", "Bedrijvenpark",
    "Techniekweg", "Schoolstraat", "Hoofdstraat", "Marktplein",
)
# fmt: on


# --- the generator -------------------------------------------------------------------------------


def _zipf_weights(count: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


@dataclass
class _Place:
    pc4: int
    latitude: float
    longitude: float
    place: str
    region_id: int | None = None


def _postcode_areas(rng: random.Random, per_area: int) -> list[_Place]:
    """About `per_area` PC4 codes per two-digit area, scattered around its town."""
    from organisations.demo import PC4_CENTRES

    places: dict[int, _Place] = {}
    for pc2, (town, latitude, longitude) in PC2_PLACES.items():
        for pc4 in sorted(rng.sample(range(pc2 * 100, pc2 * 100 + 100), per_area)):
            # Low codes lie in the town, higher ones further out (roughly how PC4s run).
            km = 1.5 + (pc4 % 100) / 100 * 14 * rng.random()
            angle = rng.uniform(0, 2 * math.pi)
            lat = latitude + km * math.sin(angle) / 111.0
            lon = longitude + km * math.cos(angle) / (111.0 * math.cos(math.radians(latitude)))
            places[pc4] = _Place(
                pc4,
                round(min(max(lat, NL_LATITUDES[0]), NL_LATITUDES[1]), 5),
                round(min(max(lon, NL_LONGITUDES[0]), NL_LONGITUDES[1]), 5),
                town,
            )
    for pc4, (latitude, longitude, town) in PC4_CENTRES.items():
        places[pc4] = _Place(pc4, latitude, longitude, town)
    return [places[pc4] for pc4 in sorted(places)]


def _regions() -> list[tuple[str, str, str, tuple[tuple[int, int], ...]]]:
    from organisations.demo import REGIONS

    demo = [(r.slug, r.name, str(r.province), r.ranges) for r in REGIONS]
    return demo + list(EXTRA_REGIONS)


def _insert_regions(cursor: psycopg.Cursor) -> dict[int, int]:
    """The regions and their ranges; returns {pc4: region id} for every PC4 in a range."""
    region_of: dict[int, int] = {}
    for slug, name, province, ranges in _regions():
        cursor.execute(
            "INSERT INTO organisations_region (name, slug, province) VALUES (%s, %s, %s) "
            "RETURNING id",
            [name, slug, province],
        )
        (region_id,) = cursor.fetchone()
        for start, end in ranges:
            cursor.execute(
                'INSERT INTO organisations_postcoderange (region_id, start, "end") '
                "VALUES (%s, %s, %s)",
                [region_id, start, end],
            )
            region_of.update(dict.fromkeys(range(start, end + 1), region_id))
    return region_of


def _postcode(rng: random.Random, pc4: int) -> str:
    while True:
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        if letters not in ("SA", "SD", "SS"):
            return f"{pc4}{letters}"


def _worlds(rng: random.Random) -> list[str]:
    first = rng.choices(WORLDS, WORLD_WEIGHTS)[0]
    if rng.random() < 0.3:
        second = rng.choices(WORLDS, WORLD_WEIGHTS)[0]
        if second != first:
            return [first, second]
    return [first]


def _copy(cursor: psycopg.Cursor, table: str, columns: Sequence[str], rows: Iterator) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


ORGANISATION_COLUMNS = (
    "kind", "name", "kvk_number", "vestigingscode", "school_levels", "street_address",
    "postcode", "city", "region_id", "worlds", "website", "created_at", "updated_at",
)  # fmt: skip


def _companies(rng: random.Random, count: int, places: list[_Place], weights: list[float]):
    """Companies, KvK numbers 10000000–89999999 in a scrambled but unique order."""
    chosen = rng.choices(places, weights, k=count)
    for n, place in enumerate(chosen):
        worlds = _worlds(rng)
        trade = rng.choice(COMPANY_TRADES[worlds[0]])
        who = rng.choice(SURNAMES) if rng.random() < 0.6 else place.place
        name = f"{who} {trade} {rng.choice(COMPANY_FORMS)}".strip()
        kvk = f"{10_000_000 + (n * 7919 + 12345) % 80_000_000}"
        created = NOW - timedelta(days=rng.uniform(30, 6 * 365))
        yield (
            "company", name, kvk, None, [], f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
            _postcode(rng, place.pc4), place.place, place.region_id, worlds,
            "", created, created,
        )  # fmt: skip


def _schools(rng: random.Random, count: int, places: list[_Place], weights: list[float]):
    """School locations: BRIN (2 digits, 2 letters) plus a location number 00–09."""
    patterns, levels, kind_weights = zip(*SCHOOL_KINDS, strict=True)
    chosen = rng.choices(places, weights, k=count)
    for n, place in enumerate(chosen):
        kind = rng.choices(range(len(patterns)), kind_weights)[0]
        name = patterns[kind].format(x=rng.choice(SCHOOL_NAMES), p=place.place)
        brin = n // 10
        code = (
            f"{brin % 100:02d}{POSTCODE_LETTERS[brin // 100 % 20]}"
            f"{POSTCODE_LETTERS[brin // 2000 % 20]}{n % 10:02d}"
        )
        created = NOW - timedelta(days=rng.uniform(30, 6 * 365))
        yield (
            "school", name, None, code, list(levels[kind]),
            f"{rng.choice(STREETS)} {rng.randint(1, 250)}", _postcode(rng, place.pc4),
            place.place, place.region_id, [], "", created, created,
        )  # fmt: skip


OFFER_COLUMNS = (
    "organisation_id", "kind", "title", "description", "levels", "worlds", "group_size",
    "on_request", "available_from", "available_until", "location", "status", "published_at",
    "created_at", "updated_at",
)  # fmt: skip


class _Words:
    """Picks words of a world, the common ones more often (Zipf)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cumulative = {
            world: list(itertools.accumulate(_zipf_weights(len(words))))
            for world, words in WORLD_WORDS.items()
        }

    def pick(self, world: str, count: int) -> list[str]:
        words = WORLD_WORDS[world]
        return self.rng.choices(words, cum_weights=self.cumulative[world], k=count)


def _offer_text(rng: random.Random, words: _Words, kind: str, worlds: list[str]):
    """A title and 2–5 sentences about three or four topic words of the offer's worlds."""
    topic = words.pick(worlds[0], 3) + (words.pick(worlds[1], 1) if len(worlds) > 1 else [])
    title_words = {"a": topic[0], "b": topic[-1], "A": topic[0].capitalize()}
    title = rng.choice(TITLE_PATTERNS[kind]).format(**title_words)
    sentences = []
    for _ in range(rng.randint(2, 5)):
        a, b, c = rng.sample(topic, 3)
        sentences.append(rng.choice(SENTENCES).format(a=a, b=b, c=c))
    if rng.random() < 0.5:
        sentences.append(f"Denk ook aan {rng.choice(topic)} en {rng.choice(GENERIC_WORDS)}.")
    return title, " ".join(sentences)


def _offers(rng: random.Random, count: int, companies: list[tuple[int, list[str]]]):
    """Offers of random companies (some have many), mostly in the company's own worlds."""
    words = _Words(rng)
    kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
    level_sets, level_weights = zip(*LEVEL_COMBINATIONS, strict=True)
    company_weights = [rng.lognormvariate(0, 1) for _ in companies]
    owners = rng.choices(companies, company_weights, k=count)
    three_years = 3 * 365 * 24 * 3600
    for company_id, company_worlds in owners:
        kind = rng.choices(kinds, kind_weights)[0]
        worlds = company_worlds if rng.random() < 0.8 else _worlds(rng)
        title, description = _offer_text(rng, words, kind, worlds)
        roll = rng.random()
        status = (
            "published"
            if roll < 0.90
            else "draft"
            if roll < 0.94
            else "paused"
            if roll < 0.97
            else "archived"
        )
        published = NOW - timedelta(seconds=rng.uniform(0, three_years))
        created = published - timedelta(days=rng.uniform(0, 14))
        on_request = rng.random() < 0.7
        start = None if on_request else (published + timedelta(days=rng.randint(0, 300))).date()
        until = None if start is None else start + timedelta(days=rng.randint(1, 180))
        yield (
            company_id, kind, title, description, list(rng.choices(level_sets, level_weights)[0]),
            worlds, rng.choice((None, 8, 12, 15, 20, 25, 30)), on_request, start, until,
            USUAL_LOCATION[kind] if rng.random() < 0.85 else "online", status,
            None if status == "draft" else published, created, max(created, published),
        )  # fmt: skip


def catalogue_data_generate(
    conn: psycopg.Connection, *, sizes: Sizes = Sizes(), seed: int = 20250601
) -> DataReport:
    """Fill a migrated database that holds no regions, organisations or offers yet.

    Commits once at the end; `conn` must not be in autocommit mode (VACUUM ANALYZE is the
    caller's, as it cannot run in a transaction: see `catalogue_data_ensure`).
    """
    rng = random.Random(seed)  # noqa: S311 -- reproducible data, nothing secret
    report = DataReport(GENERATOR_VERSION, seed, sizes)
    step = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal step
        now = time.perf_counter()
        report.seconds[name] = now - step
        step = now

    with conn.cursor() as cursor:
        for table in ("organisations_region", "organisations_organisation", "offers_offer"):
            cursor.execute(f"SELECT EXISTS (SELECT FROM {table})")  # noqa: S608
            if cursor.fetchone()[0]:
                raise RuntimeError(f"{table} is not empty; generate into an empty database")
        region_of = _insert_regions(cursor)
        places = _postcode_areas(rng, sizes.pc4_per_area)
        for place in places:
            place.region_id = region_of.get(place.pc4)
        report.counts["PC4 areas"] = _copy(
            cursor,
            "organisations_postcodearea",
            ("pc4", "latitude", "longitude", "place"),
            ((p.pc4, p.latitude, p.longitude, p.place) for p in places),
        )
        report.counts["regions"] = len(_regions())
        lap("regions and PC4 areas")

        # Towns have more companies than villages: each PC4 gets a random weight.
        weights = [min(rng.paretovariate(1.5), 40.0) for _ in places]
        report.counts["companies"] = _copy(
            cursor,
            "organisations_organisation",
            ORGANISATION_COLUMNS,
            _companies(rng, sizes.companies, places, weights),
        )
        report.counts["school locations"] = _copy(
            cursor,
            "organisations_organisation",
            ORGANISATION_COLUMNS,
            _schools(rng, sizes.schools, places, weights),
        )
        lap("organisations")

        cursor.execute(
            "SELECT id, worlds FROM organisations_organisation WHERE kind = 'company' ORDER BY id"
        )
        companies = cursor.fetchall()
        rows = list(_offers(rng, sizes.offers, companies))
        lap("offers built in Python")
        report.counts["offers"] = _copy(cursor, "offers_offer", OFFER_COLUMNS, iter(rows))
        lap("offers COPY through the search trigger")
        cursor.execute("SELECT count(*) FROM offers_offer WHERE status = 'published'")
        report.counts["published offers"] = cursor.fetchone()[0]
    conn.commit()
    lap("commit")
    report.generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return report


# --- keeping the bench database ------------------------------------------------------------------


def _marker_read(conn: psycopg.Connection) -> DataReport | None:
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT report FROM {MARKER_TABLE} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    data = row[0]
    return DataReport(
        version=data["version"],
        seed=data["seed"],
        sizes=Sizes(**data["sizes"]),
        counts=data["counts"],
        seconds=dict(data["seconds"]),
        generated_at=data["generated_at"],
        reused=True,
    )


def _marker_write(conn: psycopg.Connection, report: DataReport) -> None:
    with conn.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(id bigserial PRIMARY KEY, report jsonb NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (report) VALUES (%s)",  # noqa: S608
            # The steps as pairs: a jsonb object would not keep their order.
            [json.dumps(asdict(report) | {"seconds": list(report.seconds.items())})],
        )
    conn.commit()


def catalogue_data_ensure(
    *, regenerate: bool = False, sizes: Sizes = Sizes(), seed: int = 20250601
) -> DataReport:
    """The data of the current settings' database: kept if current, else generated anew.

    Runs under `bench.catalogue_settings` (or settings that name a database of their own: the
    database is dropped and created again). Always migrates, so a new migration reaches the
    kept data. After generating: the "Bedoelde u …?" vocabulary (as the hourly task builds
    it) and VACUUM ANALYZE.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.common import connect, database_create
    from offers.services.search_words import search_words_rebuild

    name = settings.DATABASES["default"]["NAME"]
    if not name.startswith("techportal_bench"):
        raise RuntimeError(f"refusing to generate into {name!r}: not a bench database")
    with connect("postgres", autocommit=True) as maintenance:
        exists = maintenance.execute(
            "SELECT EXISTS (SELECT FROM pg_database WHERE datname = %s)", [name]
        ).fetchone()[0]
    kept = None
    if exists and not regenerate:
        with connect(name) as conn:
            kept = _marker_read(conn)
        if kept and (kept.version, kept.sizes, kept.seed) == (GENERATOR_VERSION, sizes, seed):
            call_command("migrate", "--no-input", verbosity=0)
            connection.close()
            return kept
    connection.close()
    database_create(name)
    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    connection.close()
    migrated = time.perf_counter() - started
    with connect(name) as conn:
        report = catalogue_data_generate(conn, sizes=sizes, seed=seed)
        report.seconds = {"migrate": migrated} | report.seconds
        started = time.perf_counter()
        report.counts["search words"] = search_words_rebuild()  # what the hourly task does
        connection.close()
        report.seconds["search words"] = time.perf_counter() - started
        conn.autocommit = True
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        report.seconds["VACUUM ANALYZE"] = time.perf_counter() - started
        conn.autocommit = False
        _marker_write(conn, report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regenerate", action="store_true", help="drop the data and start over")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the national sizes (for a try)"
    )
    args = parser.parse_args()
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.catalogue_settings"
    django.setup()
    report = catalogue_data_ensure(regenerate=args.regenerate, sizes=Sizes().scaled(args.scale))
    print(report.summary())


if __name__ == "__main__":
    main()
