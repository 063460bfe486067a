"""What a browser would post from a page's form: for the refused POSTs of the permission matrix.

The refused changes post a complete, valid form (as the page renders it for someone allowed to
send it), so that a refusal is down to the permission and never to a half-filled form.
"""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "image", "file", "reset"}


class FormParser(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            return
        if tag == "option" and self._select is not None:
            selected = "selected" in attributes and "disabled" not in attributes
            self._options.append((attributes.get("value") or "", selected))
            return
        if not self.inside or "disabled" in attributes or not attributes.get("name"):
            return
        name = attributes["name"]
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._add(name, attributes.get("value") or "on")
                return
            self._add(name, attributes.get("value") or "")
        elif tag == "select":
            self._select = (name, "multiple" in attributes)
            self._options = []
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that directly follows <textarea>.
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of form `form_id` with the values a browser would submit unchanged."""
    parser = FormParser(form_id)
    parser.feed(html)
    assert parser.data, f"no form with id {form_id!r} on the page"
    return parser.data
