"""requirements.lock still matches pyproject.toml: `make install` installs only from the lock, so a
dependency added or narrowed in pyproject.toml without `make lock` would otherwise go unnoticed
until a fresh install lacks it."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from feedback_app.config import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", re.MULTILINE)


def _locked() -> dict[str, str]:
    text = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def test_every_requirement_of_pyproject_is_locked_at_a_version_it_allows():
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        *pyproject["project"]["dependencies"],
        *pyproject["project"]["optional-dependencies"]["dev"],
        *pyproject["build-system"]["requires"],
    ]
    locked = _locked()
    stale = []
    for line in wanted:
        requirement = Requirement(line)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{line} (locked: {version})")
    assert stale == [], "pyproject.toml changed without `make lock`"

