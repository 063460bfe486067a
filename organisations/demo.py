"""Dutch demo data for `manage.py loaddemo`: regions, companies, schools and the demo logins.

Everything below is invented: companies, schools, people, KvK numbers, vestigingscodes, phone
numbers (06-1234xxxx and 0xx-123xxxx style) and e-mail addresses (on example.nl and
example.com). Towns, postcodes and street names are real-looking so the demo routes like
production does. Two companies lie outside every region on purpose: they are the national
desk's work.

`demo_load()` is idempotent: it looks rows up by slug, KvK number, vestigingscode, username and
(organisation, e-mail), saves a row only when a demo field differs, and so a second run writes
nothing. Passwords are set when an account is created (or with `reset_passwords=True`).
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction

from techportal.choices import Level, Province, World
from techportal.fields import normalise_kvk_number, normalise_vestigingscode

from .models import Contact, Coordinator, Organisation, PostcodeArea, PostcodeRange, Region
from .pc4 import offers_follow_centres
from .services import (
    coordinator_group_ensure,
    organisations_assign_regions,
    programme_lead_group_ensure,
)

DEMO_PASSWORD = "techportal-demo"  # noqa: S105 -- public on purpose: demo accounts only
SUPERUSER_USERNAME = "beheerder"
NATIONAL_DESK_USERNAME = "landelijke-desk"
PROGRAMME_LEAD_USERNAME = "programmaleider"


class DemoRegion(NamedTuple):
    slug: str
    name: str
    province: Province
    ranges: tuple[tuple[int, int], ...]  # PC4 start–end, both inclusive
    coordinator: tuple[str, str]  # first and last name of its coordinator


class DemoContact(NamedTuple):
    name: str
    role: str
    mailbox: str  # the part before the @; the domain is the organisation's
    phone: str


class DemoCompany(NamedTuple):
    kvk_number: str
    name: str
    worlds: tuple[World, ...]
    street_address: str
    postcode: str
    city: str
    domain: str  # https://<domain>.example.nl/, and contacts' e-mail domain
    contacts: tuple[DemoContact, ...]


class DemoSchool(NamedTuple):
    vestigingscode: str
    name: str
    levels: tuple[Level, ...]
    street_address: str
    postcode: str
    city: str
    domain: str
    contacts: tuple[DemoContact, ...]


NH, UT, DR, ZH = Province.NOORD_HOLLAND, Province.UTRECHT, Province.DRENTHE, Province.ZUID_HOLLAND
HEALTH, FOOD, ENERGY, LIVING = World.HEALTH, World.FOOD, World.ENERGY, World.LIVING
DESIGN, DIGITAL, HITECH = World.DESIGN, World.DIGITAL, World.HITECH
PO, PRO, HAVO, VWO, HBO, WO = Level.PO, Level.PRO, Level.HAVO, Level.VWO, Level.HBO, Level.WO
BB, KB, GL, TL = Level.VMBO_BB, Level.VMBO_KB, Level.VMBO_GL, Level.VMBO_TL
MBO_1, MBO_2, MBO_3, MBO_4 = Level.MBO_1, Level.MBO_2, Level.MBO_3, Level.MBO_4
MBO = (MBO_1, MBO_2, MBO_3, MBO_4)

# fmt: off
REGIONS: tuple[DemoRegion, ...] = (
    DemoRegion("zaanstreek-waterland", "Zaanstreek-Waterland", NH,
               ((1120, 1159), (1440, 1479), (1500, 1567)), ("Marloes", "Zwaneveld")),
    DemoRegion("noord-holland-noord", "Noord-Holland Noord", NH,
               ((1600, 1899),), ("Jeroen", "Kaagman")),
    DemoRegion("amsterdam", "Amsterdam", NH,
               ((1000, 1109),), ("Samira", "Benhaddou")),
    DemoRegion("utrecht", "Utrecht", UT,
               ((3430, 3439), (3500, 3585), (3600, 3608)), ("Thijs", "Oudeweg")),
    DemoRegion("zuidwest-drenthe", "Zuidwest-Drenthe", DR,
               ((7900, 7999), (8380, 8389)), ("Gerda", "Hulshof")),
    DemoRegion("rijnmond", "Rijnmond", ZH,
               ((3000, 3199),), ("Dewi", "Kartosen")),
)

NATIONAL_DESK_NAME = ("Evelien", "Brakenhoff")

COMPANIES: tuple[DemoCompany, ...] = (
    # Zaanstreek-Waterland
    DemoCompany("90412873", "Zaanse Installatietechniek B.V.", (ENERGY, LIVING),
                "Hoogtij 21", "1505 HT", "Zaandam", "zaanse-installatietechniek", (
                    DemoContact("Noor Hoekman", "Opleidingscoördinator", "n.hoekman",
                                "06-12345101"),
                    DemoContact("Bram Zaagman", "Directeur-eigenaar", "bram", "075 123 4510"),
                )),
    DemoCompany("91583306", "Wormerveerse Voedingstechniek B.V.", (FOOD, DESIGN),
                "Industrieweg 14", "1521 ND", "Wormerveer", "wormerveerse-voedingstechniek", (
                    DemoContact("Ilse Kaptein", "HR-adviseur", "i.kaptein", "06 1234 5102"),
                )),
    DemoCompany("92046715", "Monnickendammer Jachtbouw B.V.", (DESIGN,),
                "Zuideinde 7", "1141 AG", "Monnickendam", "monnickendammer-jachtbouw", (
                    DemoContact("Jurre Blokzijl", "Praktijkopleider", "jurre", "06-1234 5103"),
                    DemoContact("Fatima Ait Lahcen", "Office manager", "info",
                                "+31 6 1234 5104"),
                )),
    DemoCompany("93318420", "Purmerendse Zorgtechniek B.V.", (HEALTH,),
                "Flevostraat 30", "1442 PR", "Purmerend", "purmerendse-zorgtechniek", (
                    DemoContact("Wessel Tuinman", "Teamleider werkplaats", "w.tuinman",
                                "0612345105"),
                )),
    DemoCompany("94720051", "Zaan Digitaal Mediahuis", (DIGITAL,),
                "Provincialeweg 5", "1506 MA", "Zaandam", "zaan-digitaal", (
                    DemoContact("Lotte Plasmeijer", "Creatief directeur", "lotte",
                                "06 12 34 51 06"),
                    DemoContact("Rachid Bouhali", "Lead developer", "rachid", "06-12345107"),
                )),
    DemoCompany("95104482", "Krommenie Kunststofverwerking B.V.", (DESIGN, HITECH),
                "Vlasakker 12", "1561 RB", "Krommenie", "krommenie-kunststof", (
                    DemoContact("Sanne Kroeskop", "Opleidingsadviseur", "s.kroeskop",
                                "06-12345108"),
                )),
    # Noord-Holland Noord
    DemoCompany("90837164", "Den Helder Maritieme Techniek B.V.", (ENERGY, DESIGN),
                "Werfweg 3", "1781 AZ", "Den Helder", "dh-maritieme-techniek", (
                    DemoContact("Gert-Jan Wiersum", "Technisch directeur", "gj.wiersum",
                                "0223 123 456"),
                    DemoContact("Anouk Dellebeke", "Recruiter", "werken", "06-12345110"),
                )),
    DemoCompany("91172538", "Noordkop Windservice B.V.", (ENERGY,),
                "Lagedijkerweg 40", "1742 NJ", "Schagen", "noordkop-windservice", (
                    DemoContact("Pieter-Bas Hofstee", "Servicecoördinator", "pb.hofstee",
                                "06-12345111"),
                )),
    DemoCompany("92663019", "Alkmaarse Zuiveltechniek B.V.", (FOOD,),
                "Nijverheidsweg 9", "1812 PZ", "Alkmaar", "alkmaarse-zuiveltechniek", (
                    DemoContact("Esmée Vlietstra", "Kwaliteitsmanager", "e.vlietstra",
                                "072 123 4512"),
                    DemoContact("Tim Oudejans", "Praktijkopleider", "t.oudejans",
                                "06-12345113"),
                )),
    DemoCompany("93450872", "Hoornse Bouw & Infra B.V.", (LIVING,),
                "Dampten 18", "1624 NK", "Hoorn", "hoornse-bouw-infra", (
                    DemoContact("Chantal Roodbeen", "HR-adviseur", "c.roodbeen", "06-12345114"),
                )),
    DemoCompany("94085316", "Westfriese Zaadtechniek B.V.", (FOOD, HITECH),
                "Dijk 5", "1601 GJ", "Enkhuizen", "westfriese-zaadtechniek", (
                    DemoContact("Koen Brandsma", "Onderzoeker plantveredeling", "k.brandsma",
                                "06-12345115"),
                    DemoContact("Mirjam Scheltema", "Communicatieadviseur", "communicatie",
                                "0228 123 451"),
                )),
    DemoCompany("95276640", "Heerhugowaard Data & Cloud B.V.", (DIGITAL,),
                "Zandhorstlaan 2", "1703 RK", "Heerhugowaard", "hhw-data-cloud", (
                    DemoContact("Daan Verweij-Kok", "Teamlead infrastructuur", "daan",
                                "06-12345117"),
                )),
    # Amsterdam
    DemoCompany("90253749", "Amsterdamse Bruggen & Kademuren B.V.", (LIVING, DESIGN),
                "Kabelweg 51", "1014 BA", "Amsterdam", "bruggen-kademuren", (
                    DemoContact("Yara Lindeboom", "Projectleider", "y.lindeboom", "020 123 4518"),
                    DemoContact("Hamza El Kaddouri", "Werkvoorbereider", "h.elkaddouri",
                                "06-12345119"),
                )),
    DemoCompany("91738265", "Westpoort Energieopslag B.V.", (ENERGY,),
                "Australiëhavenweg 100", "1045 BA", "Amsterdam", "westpoort-energieopslag", (
                    DemoContact("Ingrid Bakkenes", "HR-manager", "i.bakkenes", "06-12345120"),
                )),
    DemoCompany("92318847", "Sloterdijk Game Studio B.V.", (DIGITAL,),
                "Orlyplein 10", "1043 DP", "Amsterdam", "sloterdijk-games", (
                    DemoContact("Stijn Poelman", "Game designer", "stijn", "06-12345121"),
                    DemoContact("Manon Heijstek", "Studio manager", "manon", "020 123 4522"),
                )),
    DemoCompany("93807152", "Amstel Medische Robotica B.V.", (HEALTH, HITECH),
                "Paasheuvelweg 25", "1105 BP", "Amsterdam", "amstel-medische-robotica", (
                    DemoContact("Ruben Kaastra", "Hoofd R&D", "r.kaastra", "06-12345123"),
                )),
    DemoCompany("94592036", "Noord Fotonica Lab B.V.", (HITECH,),
                "NDSM-plein 28", "1033 WB", "Amsterdam", "noord-fotonica", (
                    DemoContact("Priya Ramsaran", "Labmanager", "p.ramsaran", "06-12345124"),
                    DemoContact("Thomas Drijfhout", "Onderzoeker", "t.drijfhout", "06-12345125"),
                )),
    DemoCompany("95061374", "Mokum Vertical Farming B.V.", (FOOD, ENERGY),
                "Buiksloterweg 85", "1031 CE", "Amsterdam", "mokum-vertical-farming", (
                    DemoContact("Femke Wolters-Brink", "Teeltspecialist", "femke", "06-12345126"),
                )),
    # Utrecht
    DemoCompany("90718426", "Utrechtse Robotica Groep B.V.", (HITECH, DESIGN),
                "Atoomweg 50", "3542 AB", "Utrecht", "utrechtse-robotica", (
                    DemoContact("Joris Kalkman", "Engineeringmanager", "j.kalkman",
                                "030 123 4527"),
                    DemoContact("Nadia Boukhari", "Opleidingscoördinator", "n.boukhari",
                                "06-12345128"),
                )),
    DemoCompany("91326650", "Domstad Spoortechniek B.V.", (LIVING,),
                "Europalaan 40", "3526 KS", "Utrecht", "domstad-spoortechniek", (
                    DemoContact("Erik-Jan Stoffers", "Praktijkopleider", "ej.stoffers",
                                "06-12345129"),
                )),
    DemoCompany("92849173", "Vechtstroom Watertechniek B.V.", (ENERGY,),
                "Nijverheidsweg 20", "3534 AM", "Utrecht", "vechtstroom-watertechniek", (
                    DemoContact("Hilde Zonneveld", "Procesingenieur", "h.zonneveld",
                                "06-12345130"),
                    DemoContact("Mees Jorritsma", "Monteur en leermeester", "m.jorritsma",
                                "06-12345131"),
                )),
    DemoCompany("93170582", "Nieuwegeinse Medische Apparatuur B.V.", (HEALTH,),
                "Ravenswade 54", "3439 LD", "Nieuwegein", "nieuwegeinse-medische-apparatuur", (
                    DemoContact("Aylin Korkmaz", "HR-adviseur", "a.korkmaz", "06-12345132"),
                )),
    DemoCompany("94634218", "Maarssen Verpakkingsindustrie B.V.", (DESIGN,),
                "Industrieweg 21", "3606 AS", "Maarssen", "maarssen-verpakking", (
                    DemoContact("Lucas van Dalfsen", "Productieleider", "l.vandalfsen",
                                "06-12345133"),
                    DemoContact("Roos Terpstra", "Stagebegeleider", "r.terpstra", "06-12345134"),
                )),
    DemoCompany("95982307", "Utrecht Digital Health Lab B.V.", (DIGITAL, HEALTH),
                "Catharijnesingel 60", "3511 GH", "Utrecht", "digital-health-lab", (
                    DemoContact("Vincent Hogenelst", "Product owner", "vincent", "06-12345135"),
                )),
    # Zuidwest-Drenthe
    DemoCompany("90562198", "Hoogeveen Laswerken", (DESIGN, LIVING),
                "Industrieweg 41", "7903 AH", "Hoogeveen", "hoogeveen-laswerken", (
                    DemoContact("Marit Scholtens", "Bedrijfsleider", "marit", "0528 123 436"),
                    DemoContact("Jesse Oosterhuis", "Lasinstructeur", "jesse", "06-12345137"),
                )),
    DemoCompany("91604435", "Meppeler Drukkerij & Media B.V.", (DIGITAL, DESIGN),
                "Blankenstein 300", "7943 PE", "Meppel", "meppeler-drukkerij", (
                    DemoContact("Sophie Brinkman-Lely", "Vormgever", "s.brinkman",
                                "0522 123 438"),
                )),
    DemoCompany("92275860", "Drentse Melkveetechniek B.V.", (FOOD,),
                "Oosterweg 12", "7963 PB", "Ruinen", "drentse-melkveetechniek", (
                    DemoContact("Mohamed Ait Haddou", "Servicemonteur", "m.aithaddou",
                                "06-12345139"),
                    DemoContact("Karin Dekema", "Eigenaar", "karin", "06-12345140"),
                )),
    DemoCompany("93916274", "Dwingeloo Radio-Instrumenten B.V.", (HITECH,),
                "Lhee 45", "7991 PD", "Dwingeloo", "dwingeloo-radio-instrumenten", (
                    DemoContact("Niels Hartogs", "Elektronicaontwerper", "n.hartogs",
                                "06-12345141"),
                )),
    DemoCompany("94358601", "Westerveld Zonne-energie B.V.", (ENERGY,),
                "Vledderweg 8", "8381 AB", "Vledder", "westerveld-zonne-energie", (
                    DemoContact("Eva Smeenge", "Planner", "eva", "06-12345142"),
                    DemoContact("Dirk-Jan Rozendaal", "Installateur", "dj.rozendaal",
                                "06-12345143"),
                )),
    DemoCompany("95745023", "Zuidwolde Zorghulpmiddelen B.V.", (HEALTH, DESIGN),
                "Hoogeveenseweg 17", "7921 PA", "Zuidwolde", "zuidwolde-zorghulpmiddelen", (
                    DemoContact("Demi Hulsebos", "Ergotherapeut en productspecialist", "demi",
                                "06-12345144"),
                )),
    # Rijnmond
    DemoCompany("90987635", "Maasvlakte Havenautomatisering B.V.", (DIGITAL, DESIGN),
                "Waalhaven Zuidzijde 19", "3089 JH", "Rotterdam", "havenautomatisering", (
                    DemoContact("Sven Meijerink", "Softwarearchitect", "s.meijerink",
                                "010 123 4545"),
                    DemoContact("Laura Kwakernaak", "Recruiter", "l.kwakernaak", "06-12345146"),
                )),
    DemoCompany("91845091", "Schiedamse Procestechniek B.V.", (ENERGY, HITECH),
                "'s-Gravelandseweg 300", "3125 BK", "Schiedam", "schiedamse-procestechniek", (
                    DemoContact("Gijs Veldkamp", "Procesoperator en leermeester", "g.veldkamp",
                                "06-12345147"),
                )),
    DemoCompany("92514768", "Vlaardingse Visverwerking B.V.", (FOOD,),
                "Westhavenkade 80", "3131 AG", "Vlaardingen", "vlaardingse-visverwerking", (
                    DemoContact("Naomi Latuheru", "Productieleider", "n.latuheru",
                                "06-12345148"),
                    DemoContact("Bart Spijkerman", "Technische dienst", "td", "06-12345149"),
                )),
    DemoCompany("93721956", "Rotterdamse Tandtechniek B.V.", (HEALTH,),
                "Schiedamse Vest 120", "3011 BH", "Rotterdam", "rotterdamse-tandtechniek", (
                    DemoContact("Iris Groeneveld-Maas", "Tandtechnicus", "iris", "06-12345150"),
                )),
    # Outside every region, on purpose: the national desk handles these.
    DemoCompany("94406187", "Maastrichtse Medische Technologie B.V.", (HEALTH, HITECH),
                "Randwycksingel 20", "6229 EG", "Maastricht", "maastrichtse-medtech", (
                    DemoContact("Arjen Dijkhuis", "Clinical engineer", "a.dijkhuis",
                                "043 123 4551"),
                    DemoContact("Tess Wijnbergen", "HR-adviseur", "t.wijnbergen",
                                "06-12345152"),
                )),
    DemoCompany("95613840", "Groningse Waterstoftechniek B.V.", (ENERGY,),
                "Rouaanstraat 41", "9723 CC", "Groningen", "groningse-waterstof", (
                    DemoContact("Olaf Hengeveld", "Projectingenieur", "o.hengeveld",
                                "050 123 4553"),
                )),
)

OUT_OF_REGION_KVK_NUMBERS = frozenset({"94406187", "95613840"})

SCHOOLS: tuple[DemoSchool, ...] = (
    # Zaanstreek-Waterland
    DemoSchool("91XA00", "OBS De Windwijzer", (PO,),
               "Lindenlaan 12", "1505 GB", "Zaandam", "obs-dewindwijzer", (
                   DemoContact("Monique Vreeswijk", "Leerkracht groep 7/8", "m.vreeswijk",
                               "06-12345201"),
               )),
    DemoSchool("91XB00", "Zaanlands Technisch College", (BB, KB, GL),
               "Heijermansstraat 40", "1505 HR", "Zaandam", "zaanlands-technisch", (
                   DemoContact("Harm Bosklopper", "Teamleider techniek", "h.bosklopper",
                               "06-12345202"),
               )),
    DemoSchool("91XC00", "Praktijkcollege Waterland", (PRO,),
               "Waterlandlaan 90", "1441 RW", "Purmerend", "praktijkcollege-waterland", (
                   DemoContact("Jolanda Kuipers-Ree", "Stagecoördinator", "j.kuipers",
                               "0299 123 403"),
               )),
    DemoSchool("91XD00", "Lyceum aan de Zaan", (TL, HAVO, VWO),
               "Zaanweg 8", "1521 DM", "Wormerveer", "lyceum-aan-de-zaan", (
                   DemoContact("Youssef Lamrini", "Coördinator technasium", "y.lamrini",
                               "06-12345204"),
               )),
    DemoSchool("91XE00", "MBO Zaan Techniek Campus", MBO,
               "Westzijde 180", "1506 EK", "Zaandam", "zaan-techniek-campus", (
                   DemoContact("Wendy Sijbrandij", "Coördinator bedrijfscontacten",
                               "w.sijbrandij", "06-12345205"),
               )),
    DemoSchool("91XF00", "IKC De Uitvinder", (PO,),
               "Beemsterlaan 3", "1447 BX", "Purmerend", "ikc-deuitvinder", (
                   DemoContact("Martijn Eikelboom", "Directeur", "directie", "06-12345206"),
               )),
    # Noord-Holland Noord
    DemoSchool("92XA00", "OBS De Vuurtoren", (PO,),
               "Kanaalweg 50", "1782 AB", "Den Helder", "obs-devuurtoren", (
                   DemoContact("Petra Doornbos", "Wetenschap- en techniekcoördinator",
                               "p.doornbos", "06-12345207"),
               )),
    DemoSchool("92XB00", "Vakcollege Noordkop", (BB, KB),
               "Middenweg 150", "1782 BJ", "Den Helder", "vakcollege-noordkop", (
                   DemoContact("Emre Aksoy", "Docent PIE", "e.aksoy", "06-12345208"),
               )),
    DemoSchool("92XC00", "Technasium Westfriesland", (HAVO, VWO),
               "Berkhouterweg 11", "1624 NB", "Hoorn", "technasium-westfriesland", (
                   DemoContact("Ellen Brouwer-Stam", "Docent O&O", "e.brouwer", "06-12345209"),
               )),
    DemoSchool("92XD00", "Techniek College Alkmaar-Noord", (MBO_2, MBO_3, MBO_4),
               "Bergerweg 200", "1817 ML", "Alkmaar", "techniekcollege-alkmaar", (
                   DemoContact("Rik ten Hove", "Praktijkbegeleider BBL", "r.tenhove",
                               "072 123 4210"),
               )),
    DemoSchool("92XE00", "Hogeschool Noordkwartier, locatie Alkmaar", (HBO,),
               "Kanaalkade 75", "1811 LN", "Alkmaar", "hs-noordkwartier", (
                   DemoContact("Saskia Mooij", "Stagebureau Techniek", "stagebureau",
                               "06-12345211"),
               )),
    DemoSchool("92XF00", "Scholengemeenschap Schagen-Oost", (GL, TL, HAVO),
               "Muggenburg 12", "1741 XK", "Schagen", "sg-schagen-oost", (
                   DemoContact("Joost Reitsma", "Decaan", "decaan", "06-12345212"),
               )),
    # Amsterdam
    DemoSchool("93XA00", "OBS Het Tandwiel", (PO,),
               "Javaplein 20", "1094 HX", "Amsterdam", "obs-hettandwiel", (
                   DemoContact("Lieke Boonstra", "Leerkracht groep 6", "l.boonstra",
                               "06-12345213"),
               )),
    DemoSchool("93XB00", "Praktijkschool Amsterdam-Noord", (PRO,),
               "Meeuwenlaan 100", "1021 JN", "Amsterdam", "praktijkschool-noord", (
                   DemoContact("Sem Overdijk", "Stagecoördinator", "s.overdijk",
                               "06-12345214"),
               )),
    DemoSchool("93XC00", "Vakcollege IJ-oevers", (BB, KB),
               "Distelweg 80", "1031 HD", "Amsterdam", "vakcollege-ij-oevers", (
                   DemoContact("Anja Hazelhoff", "Teamleider BWI", "a.hazelhoff",
                               "020 123 4215"),
               )),
    DemoSchool("93XD00", "Technisch Lyceum Zuidas", (HAVO, VWO),
               "Fred. Roeskestraat 60", "1076 EE", "Amsterdam", "technisch-lyceum-zuidas", (
                   DemoContact("Wouter Klaassens", "Coördinator bètatechniek", "w.klaassens",
                               "06-12345216"),
               )),
    DemoSchool("93XE00", "Amsterdams Technisch MBO, locatie Sloterdijk", MBO,
               "Radarweg 40", "1043 NX", "Amsterdam", "atmbo", (
                   DemoContact("Kim Vermeulen-Tol", "Bedrijfscontactfunctionaris",
                               "k.vermeulen", "06-12345217"),
               )),
    DemoSchool("93XF00", "Hogeschool van de Amstel, Faculteit Techniek", (HBO,),
               "Pieter Calandlaan 100", "1069 KM", "Amsterdam", "hs-amstel", (
                   DemoContact("Dennis Harmsen", "Coördinator werkveld", "d.harmsen",
                               "06-12345218"),
               )),
    DemoSchool("93XG00", "Universiteit Amstelland, Faculteit Bètawetenschappen", (WO,),
               "Gustav Mahlerlaan 500", "1082 MK", "Amsterdam", "uni-amstelland", (
                   DemoContact("Nicole Bijl", "Beleidsmedewerker onderwijs", "n.bijl",
                               "020 123 4219"),
               )),
    # Utrecht
    DemoSchool("94XA00", "OBS De Molenwiek", (PO,),
               "Vleutenseweg 300", "3532 HM", "Utrecht", "obs-demolenwiek", (
                   DemoContact("Mustafa Erdem", "Leerkracht groep 8", "m.erdem", "06-12345220"),
               )),
    DemoSchool("94XB00", "Domstad Vakcollege", (BB, KB, GL),
               "Briljantlaan 50", "3523 AX", "Utrecht", "domstad-vakcollege", (
                   DemoContact("Hanneke Zwiers", "Teamleider techniek", "h.zwiers",
                               "06-12345221"),
               )),
    DemoSchool("94XC00", "Praktijkschool Overvecht", (PRO,),
               "Tigrisdreef 10", "3562 JA", "Utrecht", "praktijkschool-overvecht", (
                   DemoContact("Jan-Willem Tiemens", "Stagecoördinator", "jw.tiemens",
                               "06-12345222"),
               )),
    DemoSchool("94XD00", "Technasium Nieuwegein", (TL, HAVO, VWO),
               "Zuidstedeweg 40", "3438 BT", "Nieuwegein", "technasium-nieuwegein", (
                   DemoContact("Carla Huisman-Eggink", "Docent O&O", "c.huisman",
                               "030 123 4223"),
               )),
    DemoSchool("94XE00", "Utrechts Techniek College, locatie Lage Weide", MBO,
               "Proostwetering 90", "3543 AE", "Utrecht", "utrechts-techniek-college", (
                   DemoContact("Erwin Lamberts", "Praktijkbegeleider BBL", "e.lamberts",
                               "06-12345224"),
               )),
    DemoSchool("94XF00", "Hogeschool Domstad, Instituut voor Engineering", (HBO,),
               "Koningsweg 200", "3582 GE", "Utrecht", "hs-domstad", (
                   DemoContact("Ilona Dijkstra-Hoeve", "Stagecoördinator", "i.dijkstra",
                               "06-12345225"),
               )),
    DemoSchool("94XG00", "Domstad Universiteit, Departement Scheikunde", (WO,),
               "Padualaan 30", "3584 CH", "Utrecht", "domstad-universiteit", (
                   DemoContact("Tijmen Slot", "Coördinator science outreach", "t.slot",
                               "06-12345226"),
               )),
    # Zuidwest-Drenthe
    DemoSchool("95XA00", "OBS Het Kompas", (PO,),
               "Alteveerstraat 20", "7907 BW", "Hoogeveen", "obs-hetkompas", (
                   DemoContact("Floor Ameling", "Intern begeleider", "f.ameling",
                               "06-12345227"),
               )),
    DemoSchool("95XB00", "CBS De Zonnewijzer", (PO,),
               "Brink 3", "8381 BE", "Vledder", "cbs-dezonnewijzer", (
                   DemoContact("Hans Wolthuis", "Directeur", "directie", "0521 123 428"),
               )),
    DemoSchool("95XC00", "Vakcollege Meppel", (BB, KB, GL, TL),
               "Werkhorst 40", "7944 AT", "Meppel", "vakcollege-meppel", (
                   DemoContact("Bregje Mulderij", "Decaan", "b.mulderij", "06-12345229"),
               )),
    DemoSchool("95XD00", "Techniek College Drenthe, locatie Hoogeveen", MBO,
               "Schutstraat 150", "7901 EE", "Hoogeveen", "techniek-college-drenthe", (
                   DemoContact("Maarten Vos-Lingen", "Coördinator bedrijfscontacten",
                               "m.vos", "0528 123 430"),
               )),
    DemoSchool("95XE00", "Scholengemeenschap Het Drentse Veld", (TL, HAVO, VWO),
               "Van Echtenstraat 30", "7902 EM", "Hoogeveen", "sg-drentseveld", (
                   DemoContact("Shanti Jagessar", "Coördinator technasium", "s.jagessar",
                               "06-12345231"),
               )),
    DemoSchool("95XF00", "Praktijkschool De Wolden", (PRO,),
               "Dorpsstraat 80", "7921 AM", "Zuidwolde", "praktijkschool-dewolden", (
                   DemoContact("Frank Hoogendijk", "Stagecoördinator", "f.hoogendijk",
                               "06-12345232"),
               )),
    # Rijnmond
    DemoSchool("96XA00", "OBS De Havenkraan", (PO,),
               "Katendrechtse Lagedijk 100", "3082 GC", "Rotterdam", "obs-dehavenkraan", (
                   DemoContact("Annemiek Stegeman", "Leerkracht groep 7", "a.stegeman",
                               "06-12345233"),
               )),
    DemoSchool("96XB00", "Vakcollege Maashaven", (BB, KB, GL),
               "Brede Hilledijk 80", "3072 KG", "Rotterdam", "vakcollege-maashaven", (
                   DemoContact("Ricardo Martina", "Docent PIE", "r.martina", "06-12345234"),
               )),
    DemoSchool("96XC00", "Maasstad Vakcollege mbo, locatie Schiedam", (MBO_2, MBO_3, MBO_4),
               "Nieuwe Damlaan 600", "3116 BC", "Schiedam", "maasstad-vakcollege", (
                   DemoContact("Judith Versteeg-Post", "Praktijkbegeleider BBL", "j.versteeg",
                               "010 123 4235"),
               )),
    DemoSchool("96XD00", "Hogeschool Maasmond, Techniek & Maritiem", (HBO,),
               "Zuidplein 200", "3083 CW", "Rotterdam", "hs-maasmond", (
                   DemoContact("Ferry Boomsma", "Stagecoördinator", "f.boomsma", "06-12345236"),
               )),
    DemoSchool("96XE00", "Technische Universiteit Maasmond, Faculteit Havenlogistiek", (WO,),
               "Marconistraat 10", "3029 AK", "Rotterdam", "tu-maasmond", (
                   DemoContact("Lisa Groenhof", "Coördinator scholierenprogramma",
                               "l.groenhof", "06-12345237"),
               )),
    DemoSchool("96XF00", "Lyceum Vlaardingen-West", (HAVO, VWO),
               "Van Hogendorplaan 40", "3135 BD", "Vlaardingen", "lyceum-vlaardingen", (
                   DemoContact("Stefan Hoogkamer", "Docent natuurkunde", "s.hoogkamer",
                               "06-12345238"),
               )),
)

# The centres of the PC4 areas the demo uses (rounded, from public maps), so distances in the
# catalogue work without importing a national file (`manage.py import_pc4` does that).
PC4_CENTRES: dict[int, tuple[float, float, str]] = {
    1014: (52.3890, 4.8540, "Amsterdam"), 1021: (52.3920, 4.9170, "Amsterdam"),
    1031: (52.3960, 4.9000, "Amsterdam"), 1033: (52.4040, 4.8930, "Amsterdam"),
    1043: (52.3850, 4.8330, "Amsterdam"), 1045: (52.3880, 4.8130, "Amsterdam"),
    1069: (52.3540, 4.7930, "Amsterdam"), 1076: (52.3460, 4.8620, "Amsterdam"),
    1082: (52.3350, 4.8700, "Amsterdam"), 1094: (52.3610, 4.9370, "Amsterdam"),
    1105: (52.3100, 4.9720, "Amsterdam"), 1141: (52.4590, 5.0370, "Monnickendam"),
    1441: (52.5020, 4.9520, "Purmerend"), 1442: (52.5060, 4.9650, "Purmerend"),
    1447: (52.4900, 4.9700, "Purmerend"), 1505: (52.4480, 4.8120, "Zaandam"),
    1506: (52.4390, 4.8350, "Zaandam"), 1521: (52.4900, 4.7900, "Wormerveer"),
    1561: (52.5020, 4.7630, "Krommenie"), 1601: (52.7030, 5.2910, "Enkhuizen"),
    1624: (52.6490, 5.0640, "Hoorn"), 1703: (52.6650, 4.8250, "Heerhugowaard"),
    1741: (52.7870, 4.7990, "Schagen"), 1742: (52.7820, 4.8100, "Schagen"),
    1781: (52.9560, 4.7600, "Den Helder"), 1782: (52.9500, 4.7700, "Den Helder"),
    1811: (52.6310, 4.7480, "Alkmaar"), 1812: (52.6250, 4.7650, "Alkmaar"),
    1817: (52.6420, 4.7310, "Alkmaar"), 3011: (51.9220, 4.4830, "Rotterdam"),
    3029: (51.9130, 4.4280, "Rotterdam"), 3072: (51.9040, 4.5070, "Rotterdam"),
    3082: (51.8840, 4.4720, "Rotterdam"), 3083: (51.8830, 4.4930, "Rotterdam"),
    3089: (51.8850, 4.4280, "Rotterdam"), 3116: (51.9170, 4.3960, "Schiedam"),
    3125: (51.9300, 4.3950, "Schiedam"), 3131: (51.9080, 4.3410, "Vlaardingen"),
    3135: (51.9200, 4.3300, "Vlaardingen"), 3438: (52.0280, 5.0900, "Nieuwegein"),
    3439: (52.0150, 5.0950, "Nieuwegein"), 3511: (52.0920, 5.1170, "Utrecht"),
    3523: (52.0730, 5.1080, "Utrecht"), 3526: (52.0730, 5.1230, "Utrecht"),
    3532: (52.0950, 5.0880, "Utrecht"), 3534: (52.1010, 5.0830, "Utrecht"),
    3542: (52.1150, 5.0650, "Utrecht"), 3543: (52.1100, 5.0400, "Utrecht"),
    3562: (52.1060, 5.1170, "Utrecht"), 3582: (52.0880, 5.1350, "Utrecht"),
    3584: (52.0860, 5.1750, "Utrecht"), 3606: (52.1320, 5.0480, "Maarssen"),
    6229: (50.8370, 5.7130, "Maastricht"), 7901: (52.7240, 6.4760, "Hoogeveen"),
    7902: (52.7300, 6.4900, "Hoogeveen"), 7903: (52.7150, 6.4950, "Hoogeveen"),
    7907: (52.7280, 6.5170, "Hoogeveen"), 7921: (52.6690, 6.4240, "Zuidwolde"),
    7943: (52.6950, 6.1860, "Meppel"), 7944: (52.7020, 6.2070, "Meppel"),
    7963: (52.7680, 6.3520, "Ruinen"), 7991: (52.8320, 6.3770, "Dwingeloo"),
    8381: (52.8590, 6.2460, "Vledder"), 9723: (53.2080, 6.5790, "Groningen"),
}
# fmt: on


# --- loading ----------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"


class DemoLogin(NamedTuple):
    username: str
    description: str  # Dutch, shown to the developer


@dataclass
class DemoReport:
    """What `demo_load()` did: per kind of row how many were created, updated and unchanged."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    passwords_reset: bool = False

    def tally(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())


def _write(instance: models.Model, values: dict) -> str:
    """Give `instance` these values, normalised by its model fields; save it if anything differs.

    A new or changed row goes through `full_clean()` first, so the demo data obeys the same
    validation and constraints as a form. Returns CREATED, UPDATED or UNCHANGED.
    """
    adding = instance._state.adding
    changed = False
    for name, value in values.items():
        value = cast(models.Field, instance._meta.get_field(name)).to_python(value)
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if not (adding or changed):
        return UNCHANGED
    instance.full_clean()
    instance.save()
    return CREATED if adding else UPDATED


def _email(contact: DemoContact, domain: str) -> str:
    return f"{contact.mailbox}@{domain}.example.nl"


def _load_regions(report: DemoReport) -> dict[str, Region]:
    existing = {r.slug: r for r in Region.objects.filter(slug__in=[r.slug for r in REGIONS])}
    regions = {}
    for demo in REGIONS:
        region = existing.get(demo.slug) or Region(slug=demo.slug)
        report.tally("regions", _write(region, {"name": demo.name, "province": demo.province}))
        regions[demo.slug] = region
    return regions


def _load_postcode_ranges(report: DemoReport, regions: dict[str, Region]) -> None:
    """Add the demo ranges that are missing; never remove or shrink a range.

    A demo range that overlaps a range someone added by hand is skipped with a warning, so a
    dev database with its own regions still loads.
    """
    existing = set(PostcodeRange.objects.values_list("region_id", "start", "end"))
    for demo in REGIONS:
        region = regions[demo.slug]
        for start, end in demo.ranges:
            if (region.pk, start, end) in existing:
                report.tally("postcode_ranges", UNCHANGED)
                continue
            try:
                outcome = _write(PostcodeRange(region=region), {"start": start, "end": end})
            except ValidationError as error:
                report.tally("postcode_ranges", SKIPPED)
                report.warnings.append(
                    f"Postcodegebied {start}–{end} van {region.name} overgeslagen: "
                    + " ".join(error.messages)
                )
                continue
            report.tally("postcode_ranges", outcome)
    if report.counts.get("postcode_ranges", Counter())[CREATED]:
        organisations_assign_regions()  # existing organisations in the new ranges


def _load_postcode_areas(report: DemoReport) -> None:
    existing = {a.pc4: a for a in PostcodeArea.objects.filter(pc4__in=PC4_CENTRES)}
    for pc4, (latitude, longitude, place) in PC4_CENTRES.items():
        area = existing.get(pc4) or PostcodeArea(pc4=pc4)
        values = {"latitude": latitude, "longitude": longitude, "place": place}
        report.tally("postcode_areas", _write(area, values))
    counts = report.counts.get("postcode_areas", Counter())
    if counts[CREATED] or counts[UPDATED]:
        offers_follow_centres()  # offers written before their centre was known


def _load_contacts(report: DemoReport, pairs: list[tuple[Organisation, DemoContact, str]]):
    existing = {
        (c.organisation_id, c.email.lower()): c
        for c in Contact.objects.filter(organisation__in=[org for org, _, _ in pairs])
    }
    for organisation, demo, email in pairs:
        contact = existing.get((organisation.pk, email.lower())) or Contact(
            organisation=organisation
        )
        values = {"name": demo.name, "role": demo.role, "email": email, "phone": demo.phone}
        report.tally("contacts", _write(contact, values))


def _load_organisations(report: DemoReport) -> None:
    contacts = []

    kvk_numbers = [normalise_kvk_number(c.kvk_number) for c in COMPANIES]
    existing = {o.kvk_number: o for o in Organisation.objects.filter(kvk_number__in=kvk_numbers)}
    for kvk_number, demo in zip(kvk_numbers, COMPANIES, strict=True):
        company = existing.get(kvk_number) or Organisation(kvk_number=kvk_number)
        values = {
            "kind": Organisation.Kind.COMPANY,
            "name": demo.name,
            "worlds": list(demo.worlds),
            "street_address": demo.street_address,
            "postcode": demo.postcode,
            "city": demo.city,
            "website": f"https://{demo.domain}.example.nl/",
        }
        report.tally("companies", _write(company, values))
        contacts += [(company, c, _email(c, demo.domain)) for c in demo.contacts]

    codes = [normalise_vestigingscode(s.vestigingscode) for s in SCHOOLS]
    existing = {o.vestigingscode: o for o in Organisation.objects.filter(vestigingscode__in=codes)}
    for code, school_demo in zip(codes, SCHOOLS, strict=True):
        school = existing.get(code) or Organisation(vestigingscode=code)
        values = {
            "kind": Organisation.Kind.SCHOOL,
            "name": school_demo.name,
            "school_levels": list(school_demo.levels),
            "street_address": school_demo.street_address,
            "postcode": school_demo.postcode,
            "city": school_demo.city,
            "website": f"https://{school_demo.domain}.example.nl/",
        }
        report.tally("schools", _write(school, values))
        contacts += [(school, c, _email(c, school_demo.domain)) for c in school_demo.contacts]

    _load_contacts(report, contacts)


def _load_accounts(report: DemoReport, regions: dict[str, Region], reset_passwords: bool):
    """The superuser, a programme lead, the national desk and a coordinator per region, all
    with DEMO_PASSWORD."""
    # (username, first name, last name, is superuser, regions or None for no coordinator,
    #  description)
    accounts: list[tuple[Any, ...]] = [
        (SUPERUSER_USERNAME, "Demo", "Beheerder", True, None, "superuser: ziet en mag alles"),
        (
            PROGRAMME_LEAD_USERNAME,
            "Demo",
            "Programmaleider",
            False,
            None,
            "programmaleider: de impactcijfers van alle regio's (/beheer/impact/)",
        ),
        (
            NATIONAL_DESK_USERNAME,
            *NATIONAL_DESK_NAME,
            False,
            [],
            "landelijke desk: postcodes buiten elke regio",
        ),
    ] + [
        (
            f"coordinator-{demo.slug}",
            *demo.coordinator,
            False,
            [regions[demo.slug]],
            f"coördinator {demo.name}",
        )
        for demo in REGIONS
    ]
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts])}
    coordinators = {
        c.user_id: c
        for c in Coordinator.objects.filter(user__in=users.values()).prefetch_related("regions")
    }
    # One slow hash for all accounts, and none at all when nothing needs a password.
    needs_password = reset_passwords or len(users) < len(accounts)
    password_hash = make_password(DEMO_PASSWORD) if needs_password else None
    group = coordinator_group_ensure()

    for username, first_name, last_name, is_superuser, coordinator_regions, description in accounts:
        user = users.get(username) or User(username=username)
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.com",
            "is_staff": True,
            "is_superuser": is_superuser,
            "is_active": True,
        }
        if user._state.adding or reset_passwords:
            values["password"] = password_hash
        outcome = _write(user, values)
        report.tally("users", outcome)
        report.logins.append(DemoLogin(username, description))
        if username == PROGRAMME_LEAD_USERNAME:
            user.groups.add(programme_lead_group_ensure())
        if coordinator_regions is None:
            continue

        user.groups.add(group)
        coordinator = coordinators.get(user.pk) or Coordinator(user=user)
        values = {"is_national_desk": not coordinator_regions, "is_active": True}
        outcome = _write(coordinator, values)
        if set(coordinator.regions.all()) != set(coordinator_regions):
            coordinator.regions.set(coordinator_regions)
            outcome = UPDATED if outcome == UNCHANGED else outcome
        report.tally("coordinators", outcome)


@transaction.atomic
def demo_load(*, reset_passwords: bool = False) -> DemoReport:
    """Load the demo data in one transaction; a second run changes nothing.

    Demo rows get their demo values back if someone edited them. Passwords are only set when
    an account is created, unless `reset_passwords`.
    """
    report = DemoReport(passwords_reset=reset_passwords)
    regions = _load_regions(report)
    _load_postcode_ranges(report, regions)  # before organisations: their region follows
    _load_postcode_areas(report)  # before offers: their distance follows
    _load_organisations(report)
    _load_accounts(report, regions, reset_passwords)
    return report
