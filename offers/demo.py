"""Published demo offers for `manage.py loaddemo`, so the catalogue has something to show.

Each is written directly as a coordinator would publish it (no sign-up behind it). Looked up by
company and title, so a second run adds nothing; a demo offer someone edited gets its demo
values back, but its publication date stays.
"""

from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from organisations.demo import CREATED, UNCHANGED, UPDATED, DemoReport, _write
from organisations.models import Organisation
from techportal.choices import Level

from .models import Location, Offer, OfferKind


class DemoOffer(NamedTuple):
    kvk_number: str
    kind: OfferKind
    title: str
    description: str
    levels: tuple[Level, ...]
    group_size: int | None
    location: Location
    days_ago: int  # published this many days ago


K = OfferKind
PO, BB, KB = Level.PO, Level.VMBO_BB, Level.VMBO_KB
GL, TL, HAVO, VWO = Level.VMBO_GL, Level.VMBO_TL, Level.HAVO, Level.VWO
MBO_2, MBO_3, MBO_4 = Level.MBO_2, Level.MBO_3, Level.MBO_4
AT_COMPANY, AT_SCHOOL, ONLINE = Location.COMPANY, Location.SCHOOL, Location.ONLINE

# fmt: off
OFFERS: tuple[DemoOffer, ...] = (
    DemoOffer("90562198", K.WORKSHOP, "Workshop lassen voor beginners",
              "Leerlingen lassen onder begeleiding van een lasser hun eerste naad. Veiligheid "
              "voorop: we zorgen voor laskappen, handschoenen en overalls.",
              (BB, KB), 12, AT_COMPANY, 3),
    DemoOffer("90562198", K.BEDRIJFSBEZOEK, "Kijkje in de laswerkplaats",
              "Rondleiding door onze werkplaats voor laswerk en constructie: van tekening tot "
              "gelaste stalen trap.", (BB, KB, GL), 25, AT_COMPANY, 20),
    DemoOffer("90412873", K.GASTLES, "Gastles: hoe werkt een warmtepomp?",
              "Een monteur vertelt over installatietechniek, warmtepompen en het werk in de "
              "installatiebranche, met een werkend demomodel.", (GL, TL), 30, AT_SCHOOL, 5),
    DemoOffer("90412873", K.STAGE, "Stage installatietechniek (mbo)",
              "Meewerken met onze monteurs aan elektrotechniek, sanitair en klimaatsystemen in "
              "woningen en kantoren.", (MBO_2, MBO_3), 2, AT_COMPANY, 40),
    DemoOffer("91583306", K.BEDRIJFSBEZOEK, "Van graan tot koek: bezoek onze fabriek",
              "Zie hoe een voedingsmiddelenfabriek werkt: procestechniek, hygiëne en "
              "verpakkingsrobots.", (PO, BB, KB), 30, AT_COMPANY, 11),
    DemoOffer("92046715", K.WORKSHOP, "Workshop: bouw een zeilbootmodel",
              "Leerlingen ontwerpen en bouwen een klein zeilbootje en testen het in onze "
              "jachthaven.", (PO,), 28, AT_COMPANY, 16),
    DemoOffer("93318420", K.GASTLES, "Techniek in de zorg: tilliften en sensoren",
              "Hoe helpen hulpmiddelen en slimme sensoren verpleegkundigen? Een gastles met "
              "materialen om zelf te proberen.", (KB, GL, TL), 30, AT_SCHOOL, 8),
    DemoOffer("94720051", K.WORKSHOP, "Workshop: maak je eigen game",
              "In twee uur programmeren leerlingen een eenvoudige game. Laptops nemen we mee.",
              (TL, HAVO), 24, AT_SCHOOL, 2),
    DemoOffer("94720051", K.GASTLES, "Gastles online: werken in de mediasector",
              "Een live gastles via video over animatie, geluid en webdesign.",
              (GL, TL, HAVO), None, ONLINE, 30),
    DemoOffer("95104482", K.BEDRIJFSBEZOEK, "Rondleiding kunststofverwerking",
              "Spuitgieten, 3D-printen en recyclen van kunststof: zie de machines in bedrijf.",
              (KB, GL, TL), 20, AT_COMPANY, 14),
    DemoOffer("90837164", K.STAGE, "Stage maritieme techniek",
              "Werken aan scheepsmotoren en elektrotechniek aan boord, in de haven van "
              "Den Helder.", (MBO_2, MBO_3, MBO_4), 3, AT_COMPANY, 25),
    DemoOffer("91172538", K.GASTLES, "Windenergie: gastles van een windturbinetechnicus",
              "Hoe komt stroom van een windturbine in je stopcontact? Met filmpjes van het werk "
              "op hoogte.", (GL, TL, HAVO), 32, AT_SCHOOL, 6),
    DemoOffer("91172538", K.DOCENTSTAGE, "Docentstage onderhoud windturbines",
              "Een dag meelopen met een servicemonteur: voor docenten techniek en natuurkunde.",
              (), 2, AT_COMPANY, 45),
    DemoOffer("92663019", K.WORKSHOP, "Workshop kaas maken en meten",
              "Leerlingen maken kaas en meten zuurgraad en temperatuur zoals in ons lab.",
              (PO, BB), 20, AT_COMPANY, 9),
    DemoOffer("93450872", K.BEDRIJFSBEZOEK, "Bouwplaatsbezoek: een brug in aanbouw",
              "Met helm en hesje over de bouwplaats: beton, staal, landmeten en planning.",
              (BB, KB, GL), 20, AT_COMPANY, 18),
    DemoOffer("94085316", K.TECHNASIUM, "Technasium: het zaad van de toekomst",
              "Onderzoeksopdracht over veredeling en kiemproeven in de kas, met begeleiding door "
              "onze onderzoekers.", (HAVO, VWO), 30, AT_SCHOOL, 22),
    DemoOffer("95276640", K.GASTLES, "Gastles: wat gebeurt er in een datacenter?",
              "Servers, koeling en cybersecurity uitgelegd door een netwerkbeheerder.",
              (TL, HAVO, VWO), 30, AT_SCHOOL, 4),
    DemoOffer("90253749", K.TECHNASIUM, "Technasium: ontwerp een nieuwe kademuur",
              "Opdracht over constructie en onderhoud van historische kademuren in Amsterdam.",
              (HAVO, VWO), 30, AT_SCHOOL, 12),
    DemoOffer("91738265", K.BEDRIJFSBEZOEK, "Bezoek aan een batterijpark",
              "Hoe slaan we zonne- en windenergie op? Rondleiding langs de batterijcontainers.",
              (TL, HAVO, VWO), 25, AT_COMPANY, 10),
    DemoOffer("92318847", K.WORKSHOP, "Game-design workshop",
              "Van idee tot speelbaar prototype: leerlingen werken in teams zoals onze studio.",
              (GL, TL, HAVO), 24, AT_COMPANY, 1),
    DemoOffer("93807152", K.GASTLES, "Robotica in het ziekenhuis",
              "Een engineer laat zien hoe operatierobots werken en wat je ervoor leert.",
              (HAVO, VWO), 30, AT_SCHOOL, 7),
    DemoOffer("94592036", K.TECHNASIUM, "Technasium: licht als informatiedrager",
              "Fotonica-opdracht: leerlingen bouwen een eenvoudige glasvezelverbinding.",
              (HAVO, VWO), 28, AT_SCHOOL, 35),
    DemoOffer("95061374", K.BEDRIJFSBEZOEK, "Verticale landbouw: groenten zonder grond",
              "Rondleiding door onze kweektoren met ledverlichting en sensoren.",
              (PO, KB, GL, TL), 25, AT_COMPANY, 13),
    DemoOffer("90718426", K.WORKSHOP, "Workshop robots programmeren",
              "Leerlingen programmeren een robotarm om blokjes te sorteren.",
              (TL, HAVO, VWO), 16, AT_COMPANY, 3),
    DemoOffer("91326650", K.STAGE, "Stage spoortechniek",
              "Meewerken aan onderhoud van wissels, bovenleiding en seinen.",
              (MBO_2, MBO_3, MBO_4), 2, AT_COMPANY, 28),
    DemoOffer("92849173", K.GASTLES, "Schoon water uit de kraan",
              "Gastles over waterzuivering en waterbouw, met een proef om water te filteren.",
              (PO, BB, KB), 30, AT_SCHOOL, 12),
    DemoOffer("93170582", K.BEDRIJFSBEZOEK, "Hoe maak je een medisch apparaat?",
              "Bezoek aan onze cleanroom en testafdeling voor medische apparatuur.",
              (TL, HAVO), 20, AT_COMPANY, 19),
    DemoOffer("94634218", K.WORKSHOP, "Workshop verpakking ontwerpen",
              "Ontwerp een duurzame verpakking en test hem op onze valtoren.",
              (BB, KB, GL), 24, AT_SCHOOL, 26),
    DemoOffer("95982307", K.GASTLES, "Apps voor je gezondheid",
              "Een developer en een verpleegkundige vertellen hoe zorgapps worden gebouwd.",
              (TL, HAVO, VWO), 30, ONLINE, 15),
    DemoOffer("91604435", K.BEDRIJFSBEZOEK, "Rondleiding drukkerij",
              "Van digitaal ontwerp tot drukpers: zie hoe een boek wordt gemaakt.",
              (BB, KB, GL), 20, AT_COMPANY, 21),
    DemoOffer("92275860", K.BEDRIJFSBEZOEK, "Melkrobot op de boerderij",
              "Hoe melkt een robot 200 koeien? Bezoek aan een moderne melkveehouderij.",
              (PO, BB, KB), 30, AT_COMPANY, 17),
    DemoOffer("93916274", K.WORKSHOP, "Workshop: bouw een radio-ontvanger",
              "Solderen en meten: leerlingen bouwen een eenvoudige radio.",
              (TL, HAVO, VWO), 16, AT_COMPANY, 5),
    DemoOffer("94358601", K.GASTLES, "Zonnepanelen: van licht naar stroom",
              "Gastles over zonne-energie met een zonnepaneel om zelf mee te meten.",
              (PO, BB, KB, GL), 30, AT_SCHOOL, 2),
    DemoOffer("94358601", K.STAGE, "Stage zonnepanelen installeren",
              "Meewerken aan het monteren en aansluiten van zonnepanelen op daken.",
              (MBO_2, MBO_3), 2, AT_COMPANY, 33),
    DemoOffer("95745023", K.DOCENTSTAGE, "Docentstage zorgtechniek",
              "Twee dagen meekijken bij het ontwerpen en aanpassen van hulpmiddelen.",
              (), 2, AT_COMPANY, 50),
    DemoOffer("90987635", K.GASTLES, "Automatisering in de haven",
              "Hoe rijden containers zonder chauffeur over de kade? Een gastles over "
              "havenautomatisering.",
              (GL, TL, HAVO), 30, AT_SCHOOL, 6),
    DemoOffer("91845091", K.BEDRIJFSBEZOEK, "Procestechniek in de praktijk",
              "Bezoek aan onze fabriek: pompen, kleppen, regeltechniek en veiligheid.",
              (KB, GL, TL), 20, AT_COMPANY, 23),
    DemoOffer("92514768", K.WORKSHOP, "Workshop vis fileren met techniek",
              "Van ambacht tot machine: leerlingen zien en proberen hoe vis wordt verwerkt.",
              (BB, KB), 15, AT_COMPANY, 29),
    DemoOffer("93721956", K.GASTLES, "Tandtechniek: een kroon uit de 3D-printer",
              "Hoe maakt een tandtechnicus een kroon? Met scans en geprinte modellen.",
              (GL, TL, HAVO), 30, AT_SCHOOL, 9),
    DemoOffer("94406187", K.GASTLES, "Medische technologie in Maastricht",
              "Een onderzoeker vertelt over implantaten en medische beeldvorming.",
              (HAVO, VWO), 30, AT_SCHOOL, 11),
    DemoOffer("95613840", K.BEDRIJFSBEZOEK, "Waterstof: de brandstof van morgen",
              "Rondleiding langs onze elektrolyser en waterstoftankstation.",
              (TL, HAVO, VWO), 25, AT_COMPANY, 4),
)
# fmt: on


@transaction.atomic
def demo_offers_load(report: DemoReport) -> None:
    """Publish the demo offers; existing ones are brought back to their demo values."""
    companies = Organisation.objects.in_bulk(
        {spec.kvk_number for spec in OFFERS}, field_name="kvk_number"
    )
    existing = {
        (offer.organisation_id, offer.title): offer
        for offer in Offer.objects.filter(
            organisation__in=companies.values(), title__in=[spec.title for spec in OFFERS]
        )
    }
    now = timezone.now()
    for spec in OFFERS:
        company = companies.get(spec.kvk_number)
        if company is None:
            report.tally("offers", "skipped")
            continue
        offer = existing.get((company.pk, spec.title)) or Offer(organisation=company)
        values: dict[str, object] = {
            "kind": spec.kind,
            "title": spec.title,
            "description": spec.description,
            "levels": list(spec.levels),
            "worlds": list(company.worlds),
            "group_size": spec.group_size,
            "on_request": True,
            "location": spec.location,
            "status": Offer.Status.PUBLISHED,
        }
        if offer.published_at is None:
            values["published_at"] = now - timedelta(days=spec.days_ago)
        outcome = _write(offer, values)
        assert outcome in (CREATED, UPDATED, UNCHANGED)  # noqa: S101
        report.tally("offers", outcome)
