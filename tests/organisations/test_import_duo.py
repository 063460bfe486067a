"""`manage.py import_duo`: school locations from DUO's open-data CSV."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organisations.duo import parse_onderwijsstructuur
from organisations.models import Organisation
from techportal.choices import Level
from tests.factories import CompanyFactory, PostcodeRangeFactory, RegionFactory

HEADER = (
    "PEILDATUM;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;"
    "HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;PROVINCIE;ONDERWIJSSTRUCTUUR"
)
NOVA = (
    "20240101;12AB;12AB01;Nova College;Schoolstraat;12 a;1234 ab;AMSTERDAM;Noord-Holland;VMBO-B/K"
)
LYCEUM = (
    "20240101;34CD;34CD00;Stedelijk Lyceum;Lyceumlaan;3;5611 AA;EINDHOVEN;Noord-Brabant;HAVO/VWO"
)
PRAKTIJK = "20240101;56EF;56EF02;Praktijkschool De Brug;;;7741 AB;COEVORDEN;Drenthe;PRO"


def write_csv(tmp_path, *lines, encoding="latin-1", name="duo.csv"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def run_import(path, *args):
    out = StringIO()
    call_command("import_duo", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("value", "levels"),
    [
        ("VMBO-B/K", [Level.VMBO_BB, Level.VMBO_KB]),
        ("VMBO-G/T", [Level.VMBO_GL, Level.VMBO_TL]),
        ("VMBO-(G)T", [Level.VMBO_GL, Level.VMBO_TL]),
        ("VMBO-B/K/G/T", [Level.VMBO_BB, Level.VMBO_KB, Level.VMBO_GL, Level.VMBO_TL]),
        ("VMBO-T/HAVO/VWO", [Level.VMBO_TL, Level.HAVO, Level.VWO]),
        ("HAVO/VWO", [Level.HAVO, Level.VWO]),
        ("VWO/HAVO", [Level.HAVO, Level.VWO]),
        ("HAVO", [Level.HAVO]),
        ("VWO", [Level.VWO]),
        ("PRO", [Level.PRO]),
        (
            "VMBO-B/K/G/T/HAVO/VWO",
            [Level.VMBO_BB, Level.VMBO_KB, Level.VMBO_GL, Level.VMBO_TL, Level.HAVO, Level.VWO],
        ),
        ("VBO/MAVO", [Level.VMBO_BB, Level.VMBO_KB, Level.VMBO_GL, Level.VMBO_TL]),
        (" vmbo-b / k ", [Level.VMBO_BB, Level.VMBO_KB]),
        ("HAVO/ISK", [Level.HAVO]),
        ("ISK", []),
        ("", []),
    ],
)
def test_it_parses_an_onderwijsstructuur_into_levels(value, levels):
    assert parse_onderwijsstructuur(value) == levels


@pytest.mark.django_db
def test_it_imports_a_good_file(tmp_path):
    output = run_import(write_csv(tmp_path, HEADER, NOVA, LYCEUM, PRAKTIJK))

    assert "Aangemaakt: 3, bijgewerkt: 0, ongewijzigd: 0, afgewezen: 0." in output
    nova = Organisation.objects.get(vestigingscode="12AB01")
    assert nova.kind == Organisation.Kind.SCHOOL
    assert nova.name == "Nova College"
    assert nova.street_address == "Schoolstraat 12 a"
    assert nova.postcode == "1234AB"
    assert nova.city == "AMSTERDAM"
    assert nova.school_levels == [Level.VMBO_BB, Level.VMBO_KB]
    assert Organisation.objects.get(vestigingscode="34CD00").school_levels == [
        Level.HAVO,
        Level.VWO,
    ]
    praktijk = Organisation.objects.get(vestigingscode="56EF02")
    assert praktijk.street_address == ""
    assert praktijk.school_levels == [Level.PRO]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param(
            "20240101;78GH;78GH01;School met foute postcode;Weg;1;12345;ASSEN;Drenthe;HAVO",
            "Vul een geldige postcode in",
            id="bad postcode",
        ),
        pytest.param(
            "20240101;78GH;78GH01;School zonder postcode;Weg;1;;ASSEN;Drenthe;HAVO",
            "Vul een geldige postcode in",
            id="missing postcode",
        ),
        pytest.param(
            "20240101;78GH;7GH01;School met foute code;Weg;1;9401 AA;ASSEN;Drenthe;HAVO",
            "Een vestigingscode bestaat uit",
            id="bad vestigingscode",
        ),
        pytest.param(
            "20240101;78GH;78GH01;;Weg;1;9401 AA;ASSEN;Drenthe;HAVO",
            "De naam van de vestiging ontbreekt.",
            id="missing name",
        ),
        pytest.param(
            "20240101;78GH;78GH01;School zonder niveau;Weg;1;9401 AA;ASSEN;Drenthe;ISK",
            "Onbekende onderwijsstructuur: ISK.",
            id="unknown onderwijsstructuur",
        ),
        pytest.param(
            "20240101;12AB;12AB01;Nova College (dubbel);Weg;1;9401 AA;ASSEN;Drenthe;HAVO",
            "Vestigingscode 12AB01 staat al op regel 2.",
            id="duplicate vestigingscode",
        ),
    ],
)
def test_it_rejects_a_bad_row_with_a_reason_and_imports_the_good_rows(tmp_path, row, reason):
    output = run_import(write_csv(tmp_path, HEADER, NOVA, row, LYCEUM))

    assert "Aangemaakt: 2, bijgewerkt: 0, ongewijzigd: 0, afgewezen: 1." in output
    assert f"Regel 3: {reason}" in output
    assert set(Organisation.objects.values_list("vestigingscode", flat=True)) == {
        "12AB01",
        "34CD00",
    }


@pytest.mark.django_db
def test_it_rejects_a_row_whose_vestigingscode_belongs_to_another_kind_of_organisation(
    tmp_path,
):
    company = CompanyFactory(vestigingscode="12AB01", name="Bedrijf")

    output = run_import(write_csv(tmp_path, HEADER, NOVA))

    assert "afgewezen: 1." in output
    assert "Regel 2: Vestigingscode 12AB01 is al in gebruik" in output
    company.refresh_from_db()
    assert company.name == "Bedrijf"


@pytest.mark.django_db
def test_a_second_import_of_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path, HEADER, NOVA, LYCEUM, PRAKTIJK)
    run_import(path)
    updated_at = dict(Organisation.objects.values_list("vestigingscode", "updated_at"))

    output = run_import(path)

    assert "Aangemaakt: 0, bijgewerkt: 0, ongewijzigd: 3, afgewezen: 0." in output
    assert Organisation.objects.count() == 3
    assert dict(Organisation.objects.values_list("vestigingscode", "updated_at")) == updated_at


@pytest.mark.django_db
def test_it_updates_a_school_whose_row_changed(tmp_path):
    run_import(write_csv(tmp_path, HEADER, NOVA, LYCEUM))
    before = Organisation.objects.get(vestigingscode="12AB01").updated_at
    renamed = NOVA.replace("Nova College", "Nova College Zuid").replace("VMBO-B/K", "VMBO-G/T")

    output = run_import(write_csv(tmp_path, HEADER, renamed, LYCEUM))

    assert "Aangemaakt: 0, bijgewerkt: 1, ongewijzigd: 1, afgewezen: 0." in output
    nova = Organisation.objects.get(vestigingscode="12AB01")
    assert nova.name == "Nova College Zuid"
    assert nova.school_levels == [Level.VMBO_GL, Level.VMBO_TL]
    assert nova.updated_at > before


@pytest.mark.django_db
def test_it_reads_the_older_column_names(tmp_path):
    path = write_csv(
        tmp_path,
        "PROVINCIE;BEVOEGD GEZAG NUMMER;BRIN NUMMER;VESTIGINGSNUMMER;VESTIGINGSNAAM;"
        "STRAATNAAM;HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;ONDERWIJSSTRUCTUUR",
        "Noord-Holland;41000;12AB;01;Nova College;Schoolstraat;12;1234 AB;AMSTERDAM;VMBO-B/K",
        "Noord-Brabant;42000;34CD;34CD00;Stedelijk Lyceum;Lyceumlaan;3;5611AA;EINDHOVEN;HAVO",
    )

    output = run_import(path)

    assert "Aangemaakt: 2" in output
    assert Organisation.objects.get(vestigingscode="12AB01").name == "Nova College"
    assert Organisation.objects.get(vestigingscode="34CD00").name == "Stedelijk Lyceum"


@pytest.mark.django_db
def test_it_matches_headers_regardless_of_case_spaces_and_quotes(tmp_path):
    path = write_csv(
        tmp_path,
        ' "instellingscode" ; Vestigingscode ;"VESTIGINGSNAAM";postcode;Plaatsnaam',
        "12AB;12AB01;Nova College;1234 AB;AMSTERDAM",
    )

    run_import(path)

    assert Organisation.objects.get(vestigingscode="12AB01").name == "Nova College"


@pytest.mark.django_db
def test_the_level_option_gives_every_row_of_a_file_without_onderwijsstructuur_a_level(tmp_path):
    path = write_csv(
        tmp_path,
        "INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;POSTCODE;PLAATSNAAM",
        "12AB;12AB01;Basisschool De Regenboog;1234 AB;AMSTERDAM",
        "34CD;34CD00;Basisschool Het Anker;5611 AA;EINDHOVEN",
    )

    run_import(path, "--level", "po")

    assert list(Organisation.objects.values_list("school_levels", flat=True)) == [
        [Level.PO],
        [Level.PO],
    ]


@pytest.mark.django_db
def test_a_file_without_onderwijsstructuur_keeps_the_levels_of_existing_schools(tmp_path):
    header = "INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;POSTCODE;PLAATSNAAM"
    run_import(
        write_csv(tmp_path, header, "12AB;12AB01;De Regenboog;1234 AB;AMSTERDAM"), "--niveau", "po"
    )

    run_import(write_csv(tmp_path, header, "12AB;12AB01;De Regenboog Noord;1234 AB;AMSTERDAM"))

    school = Organisation.objects.get(vestigingscode="12AB01")
    assert school.name == "De Regenboog Noord"
    assert school.school_levels == [Level.PO]


@pytest.mark.django_db
def test_it_refuses_a_file_with_missing_columns_and_stores_nothing(tmp_path):
    path = write_csv(
        tmp_path,
        "INSTELLINGSCODE;VESTIGINGSCODE;PLAATSNAAM",
        "12AB;12AB01;AMSTERDAM",
    )

    with pytest.raises(
        CommandError, match="Verplichte kolommen ontbreken: VESTIGINGSNAAM, POSTCODE"
    ):
        run_import(path)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_separated_by_semicolons(tmp_path):
    path = write_csv(tmp_path, HEADER.replace(";", ","), NOVA.replace(";", ","))

    with pytest.raises(CommandError, match="niet gescheiden door puntkomma's"):
        run_import(path)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b" \r\n\r\n", b"\xef\xbb\xbf"])
def test_it_refuses_an_empty_file(tmp_path, content):
    path = tmp_path / "leeg.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError, match="Het bestand is leeg"):
        run_import(path)


@pytest.mark.django_db
def test_it_refuses_a_file_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        run_import(tmp_path / "bestaat-niet.csv")


@pytest.mark.django_db
def test_it_reads_latin_1_accents(tmp_path):
    row = "20240101;56EF;56EF01;Sint-Michaël College;Église-plein;1;7741 AB;Coevorden;Drenthe;HAVO"
    path = write_csv(tmp_path, HEADER, row, encoding="latin-1")
    assert "ë".encode("latin-1") in path.read_bytes()  # the file really is Latin-1

    run_import(path)

    school = Organisation.objects.get(vestigingscode="56EF01")
    assert school.name == "Sint-Michaël College"
    assert school.street_address == "Église-plein 1"
    assert school.city == "Coevorden"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_it_reads_utf_8_accents_with_or_without_a_bom(tmp_path, encoding):
    row = "20240101;56EF;56EF01;Sint-Michaël College;Église-plein;1;7741 AB;Coevorden;Drenthe;HAVO"
    run_import(write_csv(tmp_path, HEADER, row, encoding=encoding))

    school = Organisation.objects.get(vestigingscode="56EF01")
    assert school.name == "Sint-Michaël College"
    assert school.street_address == "Église-plein 1"


@pytest.mark.django_db
def test_the_encoding_option_overrides_the_detection(tmp_path):
    # "Ã«" is what the UTF-8 bytes of "ë" look like when read as Latin-1.
    row = "20240101;56EF;56EF01;Sint-Michaël College;;;7741 AB;Coevorden;Drenthe;HAVO"
    run_import(write_csv(tmp_path, HEADER, row, encoding="utf-8"), "--encoding", "latin-1")

    assert Organisation.objects.get().name == "Sint-MichaÃ«l College"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_it_refuses_a_utf_16_file_and_stores_nothing(tmp_path, encoding):
    path = write_csv(tmp_path, HEADER, NOVA, encoding=encoding)

    with pytest.raises(CommandError, match="NUL-tekens"):
        run_import(path)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_encoding(tmp_path):
    with pytest.raises(CommandError, match="Onbekende tekencodering: klingon"):
        run_import(write_csv(tmp_path, HEADER, NOVA), "--encoding", "klingon")


@pytest.mark.django_db
def test_it_assigns_the_region_that_covers_the_postcode(tmp_path):
    region = RegionFactory(name="Amsterdam", slug="amsterdam")
    PostcodeRangeFactory(region=region, start=1200, end=1299)

    run_import(write_csv(tmp_path, HEADER, NOVA, LYCEUM))

    assert Organisation.objects.get(vestigingscode="12AB01").region == region
    assert Organisation.objects.get(vestigingscode="34CD00").region is None


@pytest.mark.django_db
def test_it_moves_a_school_to_the_region_of_its_new_postcode(tmp_path):
    region = RegionFactory(name="Eindhoven", slug="eindhoven")
    PostcodeRangeFactory(region=region, start=5600, end=5699)
    run_import(write_csv(tmp_path, HEADER, NOVA))

    run_import(write_csv(tmp_path, HEADER, NOVA.replace("1234 ab", "5612 AB")))

    assert Organisation.objects.get(vestigingscode="12AB01").region == region


@pytest.mark.django_db
def test_it_stores_a_name_with_html_as_plain_text(tmp_path):
    row = NOVA.replace("Nova College", "<script>alert(1)</script>")

    run_import(write_csv(tmp_path, HEADER, row))

    assert Organisation.objects.get(vestigingscode="12AB01").name == "<script>alert(1)</script>"


@pytest.mark.django_db
def test_it_rejects_a_row_with_a_name_longer_than_200_characters(tmp_path):
    row = NOVA.replace("Nova College", "N" * 201)

    output = run_import(write_csv(tmp_path, HEADER, row, LYCEUM))

    assert "Regel 2: Naam is te lang: 201 tekens, maximaal 200." in output
    assert not Organisation.objects.filter(vestigingscode="12AB01").exists()
    assert Organisation.objects.filter(vestigingscode="34CD00").exists()


@pytest.mark.django_db
def test_it_uses_the_same_few_queries_however_many_rows_there_are(
    tmp_path, django_assert_max_num_queries
):
    rows = [
        f"20240101;{n}AB;{n}AB00;School {n};Weg;{n};{1000 + n} AB;ASSEN;Drenthe;HAVO"
        for n in range(10, 70)
    ]
    run_import(write_csv(tmp_path, HEADER, *rows[:30]))
    changed = [row.replace("HAVO", "VWO") for row in rows]

    with django_assert_max_num_queries(10):
        output = run_import(write_csv(tmp_path, HEADER, *changed))

    assert "Aangemaakt: 30, bijgewerkt: 30, ongewijzigd: 0, afgewezen: 0." in output
