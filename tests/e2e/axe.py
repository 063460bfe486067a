"""axe-core in the browser, for the accessibility tests: run the WCAG 2.1 A/AA rules on the page
as it is now, and check that nothing scrolls sideways.

axe is put into the page with `page.evaluate(source)`, not with `add_script_tag`: a script tag
is an inline script, which the site's Content-Security-Policy (script-src 'self') refuses,
while DevTools' evaluate is not subject to CSP. So the page is checked under its real policy
(no `bypass_csp`): whatever the policy blocks for a visitor is blocked here too.
"""

import functools
import time
from dataclasses import dataclass, field

from django.conf import settings

AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
WIDTHS = (1280, 320)
SKIP_AT = {320: ("color-contrast",)}
HEIGHT = 800

RUN_AXE = """async ([tags, skip]) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: Object.fromEntries(skip.map((rule) => [rule, {enabled: false}])),
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.flat().join(" ")),
  }));
}"""

# The page's width against the window's, and (when wider) the innermost elements that stick
# out of the window or whose content (a long word, say) sticks out of them.
MEASURE_WIDTH = """() => {
  const width = window.innerWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 1
    || (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
        && getComputedStyle(el).overflowX === "visible");
  const wide = [...document.querySelectorAll("body *")].filter(sticksOut);
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    wide: innermost.slice(0, 5).map(name),
  };
}"""


@functools.cache
def axe_source() -> str:
    # The trailing expression keeps the value evaluate returns a plain one.
    return AXE_JS.read_text(encoding="utf-8") + "\n;true"


@dataclass
class Violation:
    id: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        targets = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"[{self.impact}] {self.id}: {self.help} — {targets}"


@dataclass
class PageReport:
    """What one page state showed at each width."""

    name: str
    violations: dict[int, list[Violation]] = field(default_factory=dict)
    overflow: dict[int, dict] = field(default_factory=dict)
    seconds: float = 0.0

    def blocking(self) -> list[tuple[int, Violation]]:
        return [
            (width, violation)
            for width, found in self.violations.items()
            for violation in found
            if violation.impact in BLOCKING
        ]

    def rules(self, *impacts: str) -> set[str]:
        """The rules broken, at any width, with one of these impacts."""
        return {
            f"[{v.impact}] {v.id}"
            for found in self.violations.values()
            for v in found
            if v.impact in impacts
        }

    def count(self, *impacts: str) -> int:
        return len(self.rules(*impacts))


def run_axe(page, *, skip: tuple[str, ...] = ()) -> list[Violation]:
    """The WCAG 2.1 A/AA violations on the page as it is now (but for the rules in `skip`)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return [Violation(**found) for found in page.evaluate(RUN_AXE, [WCAG_21_AA, list(skip)])]


def measure_width(page) -> dict:
    return page.evaluate(MEASURE_WIDTH)


class Audit:
    """Collects a report per page state; `assert_clean` fails with all of them at once."""

    def __init__(self) -> None:
        self.reports: list[PageReport] = []

    def check(self, page, name: str) -> PageReport:
        """axe and the page's width, at 1280 and at 320 CSS pixels wide.

        Colour contrast, the slowest rule by far, is checked at 1280 only: no colour in the
        site's CSS depends on the width. What the layout changes (regions that scroll, hidden
        or reflowed content, names) is checked at both widths.
        """
        report = PageReport(name)
        started = time.perf_counter()
        original = page.viewport_size
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            report.violations[width] = run_axe(page, skip=SKIP_AT.get(width, ()))
            measured = measure_width(page)
            if measured["scrollWidth"] > measured["innerWidth"]:
                report.overflow[width] = measured
        if original:
            page.set_viewport_size(original)
        report.seconds = time.perf_counter() - started
        self.reports.append(report)
        return report

    def table(self) -> str:
        lines = [
            f"{'page':<52} {'serious+critical':>16} {'moderate+minor':>15} {'overflow':>9} "
            f"{'seconds':>8}"
        ]
        for report in self.reports:
            overflow = ",".join(str(width) for width in report.overflow) or "-"
            lines.append(
                f"{report.name:<52} {report.count(*BLOCKING):>16} "
                f"{report.count('moderate', 'minor'):>15} {overflow:>9} {report.seconds:>8.2f}"
            )
            for rule in sorted(report.rules("moderate", "minor")):
                lines.append(f"    (not failed) {rule}")
        return "\n".join(lines)

    def problems(self) -> list[str]:
        found = []
        for report in self.reports:
            for width, violation in report.blocking():
                found.append(f"{report.name} @{width}px: {violation}")
            for width, measured in report.overflow.items():
                found.append(
                    f"{report.name} @{width}px: scrolls sideways "
                    f"(scrollWidth {measured['scrollWidth']} > {measured['innerWidth']}); "
                    f"wide: {', '.join(measured['wide']) or '?'}"
                )
        return found

    def assert_clean(self) -> None:
        print("\n" + self.table())
        problems = self.problems()
        assert not problems, "\n".join(["", *problems])
