"""Vocabularies shared by every app: education levels and the 7 worlds of technique."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Onderwijsniveaus, in the order a school career runs through them."""

    PO = "po", _("Basisonderwijs (po)")
    PRO = "pro", _("Praktijkonderwijs")
    VMBO_BB = "vmbo_bb", _("vmbo basisberoepsgerichte leerweg (BB)")
    VMBO_KB = "vmbo_kb", _("vmbo kaderberoepsgerichte leerweg (KB)")
    VMBO_GL = "vmbo_gl", _("vmbo gemengde leerweg (GL)")
    VMBO_TL = "vmbo_tl", _("vmbo theoretische leerweg (TL)")
    HAVO = "havo", _("havo")
    VWO = "vwo", _("vwo")
    MBO_1 = "mbo_1", _("mbo niveau 1")
    MBO_2 = "mbo_2", _("mbo niveau 2")
    MBO_3 = "mbo_3", _("mbo niveau 3")
    MBO_4 = "mbo_4", _("mbo niveau 4")
    HBO = "hbo", _("hbo")
    WO = "wo", _("wo")


# How a list of reasons names a level: short, as coordinators write it ("vmbo-TL", "mbo-2").
LEVEL_SHORT_LABELS = {
    Level.PO: "po",
    Level.PRO: "pro",
    Level.VMBO_BB: "vmbo-BB",
    Level.VMBO_KB: "vmbo-KB",
    Level.VMBO_GL: "vmbo-GL",
    Level.VMBO_TL: "vmbo-TL",
    Level.HAVO: "havo",
    Level.VWO: "vwo",
    Level.MBO_1: "mbo-1",
    Level.MBO_2: "mbo-2",
    Level.MBO_3: "mbo-3",
    Level.MBO_4: "mbo-4",
    Level.HBO: "hbo",
    Level.WO: "wo",
}


def short_levels(values) -> list[str]:
    """The short names of `values`, in school-career order."""
    present = set(values or ())
    return [LEVEL_SHORT_LABELS[level] for level in Level if level.value in present]


class World(models.TextChoices):
    """De 7 werelden van techniek."""

    HEALTH = "mens_gezondheid", _("Mens & Gezondheid")
    FOOD = "voeding_natuur", _("Voeding & Natuur")
    ENERGY = "energie_water_veiligheid", _("Energie, Water & Veiligheid")
    LIVING = "wonen_werken_verkeer", _("Wonen, Werken & Verkeer")
    DESIGN = "ontwerp_productie_wereldhandel", _("Ontwerp, Productie & Wereldhandel")
    DIGITAL = "digitaal_media_entertainment", _("Digitaal, Media & Entertainment")
    HITECH = "hitech_science", _("Hi-tech & Science")


class Province(models.TextChoices):
    GRONINGEN = "GR", "Groningen"
    FRIESLAND = "FR", "Fryslân"
    DRENTHE = "DR", "Drenthe"
    OVERIJSSEL = "OV", "Overijssel"
    FLEVOLAND = "FL", "Flevoland"
    GELDERLAND = "GE", "Gelderland"
    UTRECHT = "UT", "Utrecht"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"
    ZEELAND = "ZE", "Zeeland"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    LIMBURG = "LI", "Limburg"

    @classmethod
    def from_name(cls, name: str) -> "Province | None":
        """The province for a name as DUO writes it ("Noord-Holland", "Friesland", "FRYSLAN")."""
        wanted = _fold(name)
        for province in cls:
            if _fold(province.label) == wanted or _fold(province.value) == wanted:
                return province
        return cls.FRIESLAND if wanted == "friesland" else None


def labels_of(choices: type[models.TextChoices], values) -> list[str]:
    """The labels of `values` (any iterable, None too), in the order `choices` defines them."""
    present = set(values or ())
    return [str(choice.label) for choice in choices if choice.value in present]


def _fold(text: str) -> str:
    return text.strip().lower().replace("â", "a").replace(" ", "-")
