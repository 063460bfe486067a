"""A valid aanmeldformulier of a new company, for the fault test and the load test.

No Django here: the load test's locust process imports it too. The caller adds the form's
hidden fields (`csrfmiddlewaretoken`, `form_token`), taken from the page as a browser would.
"""

LETTERS = "ABCEGHJKLMNPRTVWXZ"  # so that no letter pair is SA, SD or SS (not in use)
KINDS = ("gastles", "bedrijfsbezoek")


def signup_fields(n: int, *, pc4: int, kvk_base: int = 60_000_000) -> list[tuple[str, str]]:
    """Company n (KvK `kvk_base` + n) in PC4 area `pc4`, offering one or two things."""
    letters = LETTERS[n % len(LETTERS)] + LETTERS[n // len(LETTERS) % len(LETTERS)]
    fields = [
        ("company_name", f"Testbedrijf {n} B.V."),
        ("kvk_number", f"{kvk_base + n}"),
        ("street_address", f"Industrieweg {n % 200 + 1}"),
        ("postcode", f"{pc4} {letters}"),
        ("city", "Bankstad"),
        ("website", f"www.testbedrijf-{n}.example.nl"),
        ("worlds", "hitech_science"),
        ("contact_name", f"Sam Test {n}"),
        ("contact_role", "Opleidingscoördinator"),
        ("contact_email", f"sam.{n}@testbedrijf-{n}.example.nl"),
        ("contact_phone", "020 123 4567"),
        ("consent", "on"),
        ("fax", ""),  # the honeypot, left empty as people do
    ]
    for kind in KINDS[: 1 + n % 2]:
        fields += [
            ("kinds", kind),
            (f"{kind}-description", f"Leerlingen zien hoe wij werken ({kind}, {n})."),
            (f"{kind}-levels", "vmbo_bb"),
            (f"{kind}-levels", "havo"),
            (f"{kind}-availability", "op_aanvraag"),
            (f"{kind}-location", "school" if kind == "gastles" else "company"),
        ]
    return fields
