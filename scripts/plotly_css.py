"""Write static/vendor/plotly/plotly.css: the stylesheet that plotly.js would inject inline.

plotly.js adds its library-wide CSS rules in a <style> element it creates at load, which a strict
Content-Security-Policy (style-src 'self') refuses: the charts' SVG layers then stack one below the
other instead of over each other. plotly.js skips that injection when the page already has an
element with id "plotly.js-style-global" and class "no-inline-styles" (plotly.js pull request 7109);
the dashboard links this file with them. The npm bundles no longer ship the file, so it is read
out of the vendored bundle's own rule table (keys use X for ".js-plotly-plot .plotly" and Y for
".plotly-notifier", as plotly's build does).

Run after updating the bundle: `.venv/bin/python scripts/plotly_css.py`; a test checks the file
matches the bundle.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "static" / "vendor" / "plotly" / "plotly-basic.min.js"
CSS = ROOT / "static" / "vendor" / "plotly" / "plotly.css"
FIRST_KEY = '"X,X div":'
STRING = r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\''
PAIR = re.compile(rf'(?:{STRING}):(?:{STRING})')


def _table(bundle: str) -> str:
    """The object literal of the rules ({"X,X div": "...", ...}), without its braces."""
    start = bundle.find(FIRST_KEY)
    if start < 0:
        raise SystemExit(f"no CSS rule table ({FIRST_KEY}) in {BUNDLE.name}")
    end = bundle.find("};", start)
    return bundle[start:end]


def css_of(bundle: str) -> str:
    lines = ["/* plotly.js's own stylesheet, read out of plotly-basic.min.js by scripts/plotly_css.py"
             " (do not edit). */"]
    for match in PAIR.finditer(_table(bundle)):
        key = match.group(1) if match.group(1) is not None else match.group(2)
        rules = match.group(3) if match.group(3) is not None else match.group(4)
        selector = (key.replace(",", ", ").replace("X", ".js-plotly-plot .plotly")
                    .replace("Y", ".plotly-notifier"))
        lines.append(f"{selector} {{ {rules} }}")
    return "\n".join(lines) + "\n"


def main() -> int:
    CSS.write_text(css_of(BUNDLE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {CSS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
