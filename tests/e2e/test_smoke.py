import re

from playwright.sync_api import expect


def test_the_home_page_speaks_dutch_and_its_navigation_works(site):
    site.goto_path("/")

    expect(site.locator("html")).to_have_attribute("lang", "nl")
    expect(site.get_by_role("heading", level=1)).to_contain_text("bedrijven en scholen")
    for audience in [
        "Voor bedrijven",
        "Voor scholen en docenten",
        "Voor regionale coördinatoren",
        "Voor organisatoren van evenementen",
    ]:
        expect(site.get_by_role("heading", name=audience)).to_be_visible()

    menu = site.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Aanbod").click()
    expect(site).to_have_url(re.compile(r"/aanbod/$"))
    expect(site.get_by_role("link", name="Aanbod")).to_have_attribute("aria-current", "page")

    menu.get_by_role("link", name="Evenementen").click()
    expect(site).to_have_url(re.compile(r"/evenementen/$"))

    menu.get_by_role("link", name="Aanmelden als bedrijf").click()
    expect(site).to_have_url(re.compile(r"/aanmelden/$"))
    expect(site.get_by_role("heading", level=1)).to_have_text("Aanmelden als bedrijf")


def test_the_skip_link_moves_focus_to_the_main_content(site):
    site.goto_path("/")

    site.keyboard.press("Tab")
    skip = site.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    site.keyboard.press("Enter")
    expect(site).to_have_url(re.compile(r"#inhoud$"))
    expect(site.locator("main")).to_be_focused()


def test_a_focused_menu_link_shows_a_clear_focus_ring(site):
    site.goto_path("/")

    site.keyboard.press("Tab")  # the skip link
    site.keyboard.press("Tab")  # the brand
    site.keyboard.press("Tab")  # the first menu link
    link = site.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanbod")
    expect(link).to_be_focused()
    outline = link.evaluate(
        "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth"
    )
    assert outline == "solid 3px"


def test_every_asset_is_served_by_the_site_itself(site, live_server):
    requested, failed = [], []
    site.on("request", lambda request: requested.append(request.url))
    site.on("requestfailed", lambda request: failed.append(request.url))
    site.goto_path("/")
    site.wait_for_load_state("networkidle")

    assert any(url.endswith("/bootstrap.min.css") for url in requested)
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert failed == []
