"""The public items of the `flytekit` crate, read from rustdoc's index of them
(`target/doc/flytekit/all.html`, written by `cargo doc`), one `kind path` a line.

Usage:
  public_api.py ALL_HTML --check tests/public-api.txt   # fails when the surface changed
  public_api.py ALL_HTML --write tests/public-api.txt   # after a deliberate change

Every public item is a promise once the crate is published, so CI fails when the list
of items (their kinds and paths) differs from the checked-in one: adding, removing or
moving a public item is always done on purpose, with the list updated in the same
commit. It sees items, not their signatures, methods or fields: those changes show in
review and in the CHANGELOG. Items marked `#[doc(hidden)]` (the
macros' support module) are not in rustdoc's index, and so not in the list.
"""

import html
import pathlib
import re
import sys


def items(all_html: str) -> list[str]:
    out = []
    # Each kind is a heading followed by a list of links, one per item.
    for section in re.finditer(r'<h3 id="([a-z-]+)">.*?</h3>\s*<ul class="all-items">(.*?)</ul>', all_html, re.S):
        kind = section.group(1).rstrip("s") if section.group(1) != "unions" else "union"
        for link in re.finditer(r"<a href=\"[^\"]+\">(.*?)</a>", section.group(2)):
            out.append(f"{kind} {html.unescape(re.sub(r'<[^>]+>', '', link.group(1)))}")
    return sorted(set(out))


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[2] not in ("--check", "--write"):
        print(__doc__)
        return 2
    found = items(pathlib.Path(sys.argv[1]).read_text())
    if not found:
        print(f"no items found in {sys.argv[1]}: has rustdoc's page layout changed?")
        return 1
    listed = pathlib.Path(sys.argv[3])
    if sys.argv[2] == "--write":
        listed.write_text("".join(f"{line}\n" for line in found))
        print(f"public API: {len(found)} items written to {listed}")
        return 0
    before = listed.read_text().splitlines() if listed.exists() else []
    added = sorted(set(found) - set(before))
    removed = sorted(set(before) - set(found))
    for line in added:
        print(f"+ {line}")
    for line in removed:
        print(f"- {line}")
    if added or removed:
        print(
            f"public API: {len(added)} added, {len(removed)} removed against {listed}; if that is "
            f"meant, run `python3 tests/public_api.py {sys.argv[1]} --write {listed}` and commit it"
        )
        return 1
    print(f"public API: {len(found)} items, as {listed} lists them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
