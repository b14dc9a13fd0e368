#!/usr/bin/env python3
"""Fails when Cargo.toml's rust-version is below a dependency's: the stated minimum must be real.

Reads `cargo metadata` for the resolved graph (every package the build, tests and benches use),
takes the highest rust-version any of them declares, and compares it with ours.
"""
import json
import subprocess
import sys


def version(v):
    return tuple(int(x) for x in v.split(".")) + (0,) * (3 - len(v.split(".")))


meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
used = {node["id"] for node in meta["resolve"]["nodes"]}
packages = [p for p in meta["packages"] if p["id"] in used]
ours = next(p for p in packages if p["id"] in meta["workspace_members"])
needed = max(
    (p for p in packages if p.get("rust_version") and p is not ours),
    key=lambda p: version(p["rust_version"]),
)
stated = ours.get("rust_version")
if stated is None or version(stated) < version(needed["rust_version"]):
    sys.exit(
        f"rust-version in Cargo.toml is {stated}, but {needed['name']} {needed['version']} "
        f"needs {needed['rust_version']}: raise it"
    )
print(f"rust-version {stated} covers every dependency (highest: {needed['name']} {needed['rust_version']})")
