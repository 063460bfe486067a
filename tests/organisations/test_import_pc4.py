"""`manage.py import_pc4`: PC4 centres from GeoNames' NL.txt or a CSV, for distances."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from offers.models import Offer
from organisations.models import PostcodeArea
from tests.factories import CompanyFactory


def geonames_line(postcode, place, latitude, longitude):
    return "\t".join(
        [
            "NL",
            postcode,
            place,
            "Noord-Holland",
            "07",
            "Amsterdam",
            "0363",
            "",
            "",
            latitude,
            longitude,
            "6",
        ]
    )


def write(tmp_path, *lines, encoding="utf-8", name="NL.txt"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def run_import(path, *args):
    out = StringIO()
    call_command("import_pc4", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


pytestmark = pytest.mark.django_db


def test_it_reads_the_geonames_layout(tmp_path):
    path = write(
        tmp_path,
        geonames_line("1011", "Amsterdam", "52.3713", "4.9001"),
        geonames_line("9711", "Groningen", "53.2194", "6.5665"),
    )

    output = run_import(path)

    assert "2 PC4-gebieden uit 2 regels: 2 nieuw, 0 bijgewerkt" in output
    amsterdam = PostcodeArea.objects.get(pc4=1011)
    assert (amsterdam.latitude, amsterdam.longitude, amsterdam.place) == (
        52.3713,
        4.9001,
        "Amsterdam",
    )


def test_full_postcodes_are_averaged_per_pc4(tmp_path):
    path = write(
        tmp_path,
        geonames_line("1011 AB", "Amsterdam", "52.37", "4.90"),
        geonames_line("1011 AC", "Amsterdam", "52.39", "4.92"),
    )

    run_import(path)

    area = PostcodeArea.objects.get(pc4=1011)
    assert area.latitude == pytest.approx(52.38)
    assert area.longitude == pytest.approx(4.91)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_it_reads_a_csv_with_named_columns_and_a_bom(tmp_path, delimiter):
    rows = ["Postcode;Woonplaats;Lat;Lon", "3511;Utrecht;52,092;5,117"]
    if delimiter == ",":
        rows = ["pc4,place,latitude,longitude", "3511,Utrecht,52.092,5.117"]
    path = write(tmp_path, *rows, encoding="utf-8-sig", name="pc4.csv")

    run_import(path)

    area = PostcodeArea.objects.get(pc4=3511)
    assert (area.latitude, area.longitude, area.place) == (52.092, 5.117, "Utrecht")


def test_importing_again_updates_centres_and_moves_the_offers_of_that_area(tmp_path):
    company = CompanyFactory(postcode="1011AB")
    offer = Offer.objects.create(organisation=company, kind="gastles", title="Gastles")
    offer.refresh_from_db()
    assert offer.latitude is None  # no centre known yet

    run_import(write(tmp_path, geonames_line("1011", "Amsterdam", "52.37", "4.90")))
    offer.refresh_from_db()
    assert (offer.latitude, offer.longitude) == (52.37, 4.90)

    output = run_import(write(tmp_path, geonames_line("1011", "Amsterdam", "52.38", "4.91")))
    offer.refresh_from_db()
    assert (offer.latitude, offer.longitude) == (52.38, 4.91)
    assert "0 nieuw, 1 bijgewerkt; 1 aanbiedingen" in output
    assert PostcodeArea.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (geonames_line("ABCD", "X", "52.1", "5.1"), "'ABCD' is geen postcode"),
        (geonames_line("0123", "X", "52.1", "5.1"), "'0123' is geen postcode"),
        (geonames_line("1011", "X", "noord", "5.1"), "de coördinaten zijn geen getallen"),
        (geonames_line("1011", "X", "40.7", "-74.0"), "liggen niet in Nederland"),
        (geonames_line("1011", "X", "", ""), "de coördinaten zijn geen getallen"),
        ("NL\t1011\tAmsterdam", "te weinig kolommen"),
        (geonames_line("<script>", "X", "52.1", "5.1"), "'<script>' is geen postcode"),
        (geonames_line("1011'; DROP TABLE x;--", "X", "52.1", "5.1"), "is geen postcode"),
    ],
)
def test_a_file_with_a_bad_row_stores_nothing_and_names_the_line(tmp_path, line, message):
    path = write(tmp_path, geonames_line("9711", "Groningen", "53.2", "6.5"), line)

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert "regel 2:" in str(error.value)
    assert message in str(error.value)
    assert "er is niets opgeslagen" in str(error.value)
    assert not PostcodeArea.objects.exists()


def test_skip_invalid_stores_the_good_rows_and_reports_the_bad(tmp_path):
    path = write(
        tmp_path,
        geonames_line("9711", "Groningen", "53.2", "6.5"),
        geonames_line("XXXX", "X", "52.1", "5.1"),
    )

    output = run_import(path, "--skip-invalid")

    assert "regel 2:" in output
    assert list(PostcodeArea.objects.values_list("pc4", flat=True)) == [9711]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "bevat geen PC4-gebieden"),
        ("naam,stad\nfoo,bar\n", "noemt geen kolommen voor postcode"),
    ],
)
def test_an_empty_or_unknown_file_is_refused(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        run_import(path)
    assert not PostcodeArea.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Kan .* niet lezen"):
        run_import(tmp_path / "nope.txt")


def test_a_latin_1_file_is_read(tmp_path):
    path = write(
        tmp_path, geonames_line("8939", "Leeuwarden – Ljouwert", "53.2", "5.8"), encoding="cp1252"
    )
    run_import(path)
    assert PostcodeArea.objects.get(pc4=8939).place.startswith("Leeuwarden")
