#!/usr/bin/python3
"""preset_table.py — the presets table of docs/configuration.md, from the programs.

Prints a markdown table, one row per configuration key and one column per
(preset, task), with the values `mimod-train --print-config` gives, so the
document shows what the code does rather than what someone typed.

  tools/preset_table.py [BUILD_DIR]      (default: build)
"""
import subprocess
import sys

COLUMNS = [("paper", "wm"), ("paper", "sep"), ("paper_single_run", "sep"), ("medium", "wm"),
           ("medium", "sep"), ("quick", "wm"), ("quick", "sep"), ("tiny", "wm"), ("tiny", "sep")]


def config(build, preset, task):
    out = subprocess.run([f"{build}/src/cli/mimod-train", "--set", f"task={task}", "--set",
                          f"preset={preset}", "--print-config"], check=True, capture_output=True,
                         text=True).stdout
    pairs = []
    for line in out.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(":")
        pairs.append((key.strip(), value.strip()))
    return pairs


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    cols = [config(build, p, t) for p, t in COLUMNS]
    keys = [k for k, _ in cols[0]]
    print("| key | " + " | ".join(f"{p} {t}" for p, t in COLUMNS) + " |")
    print("|---|" + "---|" * len(COLUMNS))
    for i, key in enumerate(keys):
        print(f"| `{key}` | " + " | ".join(c[i][1] for c in cols) + " |")


if __name__ == "__main__":
    main()
