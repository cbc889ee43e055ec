"""The README shows the console's pages as the browser tests took them: every picture it names
in docs/console/ exists, and every picture there is shown."""

from __future__ import annotations

import re

from tests.console.browser import ROOT, SCREENSHOTS


def test_every_screenshot_is_shown_and_every_shown_one_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(docs/console/([\w-]+\.png)\)", readme))
    taken = {path.name for path in SCREENSHOTS.glob("*.png")}
    assert shown and shown == taken
