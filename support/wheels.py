"""Pins for carrying packages to a machine without a network (scripts/gpu-check --pack):
the named distributions and everything they need, in the versions this environment runs.

Run: .venv/bin/python -m support.wheels [--python-version 3.12] NAME...  (one pin a line)
"""

import argparse
import importlib.metadata as metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def closure(names: list[str], python_version: str) -> dict[str, str]:
    """Each distribution in `names` and its needs, recursively, as installed here; needs whose
    markers exclude `python_version` or that only an extra asks for are left out."""
    environment = {name: str(value) for name, value in default_environment().items()}
    environment |= {"python_version": python_version, "extra": ""}
    pins: dict[str, str] = {}
    wanted = list(names)
    while wanted:
        name = canonicalize_name(wanted.pop())
        if name in pins:
            continue
        distribution = metadata.distribution(name)
        pins[name] = distribution.version
        for line in distribution.requires or []:
            need = Requirement(line)
            if need.marker is None or need.marker.evaluate(environment):
                wanted.append(need.name)
    return pins


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--python-version", default="3.12")
    args.add_argument("names", nargs="+")
    options = args.parse_args()
    for name, version in sorted(closure(options.names, options.python_version).items()):
        print(f"{name}=={version}")


if __name__ == "__main__":
    main()
