"""Compile translations/*/LC_MESSAGES/messages.po to .mo, refusing any catalog that is not sound.

`pybabel compile` alone exits 0 on a line it cannot parse (it warns and drops it), and skips a
catalog whose header is marked fuzzy (that language then silently falls back to the source text).
This runs the same checks as `pybabel compile` (placeholders that do not match the source) plus
those two, prints every problem as `error: FILE:LINE: ...`, and writes no .mo unless every catalog
is clean. Fuzzy messages are unreviewed guesses: they are left out of the .mo, as pybabel does
without --use-fuzzy (tests/unit/test_translations.py requires none in Vietnamese).

Run: .venv/bin/python scripts/compile_translations.py translations  (what `make translations` does)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po


def problems_of(po_file: Path, locale: str) -> tuple[Catalog | None, list[str]]:
    try:
        with po_file.open("rb") as f:
            catalog = read_po(f, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        return None, [f"error: {po_file}:{exc.lineno + 1}: cannot parse {exc.line.strip()!r}"]
    problems = []
    if catalog.fuzzy:
        problems.append(f"error: {po_file}: the header is marked fuzzy (pybabel would skip the whole "
                        "catalog): review it and remove '#, fuzzy' above the first msgid")
    for message, errors in catalog.check():
        problems += [f"error: {po_file}:{message.lineno}: {error}" for error in errors]
    return catalog, problems


def main(directory: str) -> int:
    catalogs = sorted(Path(directory).glob("*/LC_MESSAGES/messages.po"))
    if not catalogs:
        print(f"error: no catalogs in {directory}/*/LC_MESSAGES/messages.po", file=sys.stderr)
        return 1
    compiled, problems = [], []
    for po_file in catalogs:
        catalog, found = problems_of(po_file, po_file.parent.parent.name)
        problems += found
        if catalog is not None:
            compiled.append((po_file, catalog))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} error(s): no catalog was compiled", file=sys.stderr)
        return 1
    for po_file, catalog in compiled:
        with po_file.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
        left_out = f", {fuzzy} fuzzy left out" if fuzzy else ""
        print(f"compiled {po_file.with_suffix('.mo')} ({len(catalog)} messages{left_out})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "translations"))
