#!/usr/bin/env python3
"""Issue 21's masking benchmark: does the cost of masking secrets grow with their number?

Generates one plan of N tasks, each with its own Credentials read with ${file:} (2 secrets
per Credentials, N * 2 secrets in all), and a twin plan that is the same except that every
Credentials file holds the same pair (2 secrets in all). Every task's description quotes
text, so the diff's output is as long in both. Times `oms-plan diff --output markdown` of
each against the embedded sandbox, alternating, RUNS times, and prints the medians and
their ratio (many secrets / two secrets). Before issue 21 each secret form was searched
for separately, so the cost grew with secrets x output length (the issue measured 141 s for
3,000 Credentials where 7.5 s was expected).

Usage: bench_masking.py BIN [--credentials 3000] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_plan(root: Path, count: int, distinct: bool) -> None:
    (root / ".git").mkdir(parents=True, exist_ok=True)  # the plan's repository: ${file:} stays inside
    (root / "keys").mkdir(exist_ok=True)
    docs = ["""apiVersion: oms-plan/v1
kind: Stack
metadata: {name: masking}
spec:
  region: cn-north-4
"""]
    for i in range(count):
        n = i if distinct else 0
        (root / "keys" / f"ak-{i}").write_text(f"AKBENCH{n:06d}ZZQX\n")
        (root / "keys" / f"sk-{i}").write_text(f"SKBENCH{n:06d}-secret-value-{n:06d}\n")
        docs.append(f"""apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: c-{i}}}
spec:
  accessKey: ${{file:keys/ak-{i}}}
  secretKey: ${{file:keys/sk-{i}}}
""")
        docs.append(f"""apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {{name: t-{i:05d}}}
spec:
  type: prefix
  description: task {i} copies the photos of shop {i} into the archive bucket
  source: {{cloud: Aliyun, region: cn-hangzhou, bucket: src-{i % 50}, credentials: c-{i}, prefixes: ["photos/{i}/"]}}
  destination: {{bucket: dst, credentials: c-{i}, savePrefix: "shop-{i}/"}}
""")
    (root / "plan.yaml").write_text("---\n".join(docs))


def run(binary: str, root: Path) -> float:
    started = time.monotonic()
    result = subprocess.run([binary, "diff", ".", "--output", "markdown", "--no-color"], cwd=root, capture_output=True, timeout=1800,
                            env={k: v for k, v in os.environ.items() if not k.startswith(("OMS_", "HUAWEICLOUD_"))})
    elapsed = time.monotonic() - started
    if result.returncode != 0 or b"AKBENCH" in result.stdout or b"SKBENCH" in result.stdout:
        sys.exit(f"diff failed or leaked (exit {result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--credentials", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        many, two = Path(tmp) / "many", Path(tmp) / "two"
        write_plan(many, a.credentials, distinct=True)
        write_plan(two, a.credentials, distinct=False)
        times: dict[str, list[float]] = {"many": [], "two": []}
        for r in range(a.runs):
            for name, root in (("many", many), ("two", two)):
                times[name].append(run(a.binary, root))
                print(f"run {r + 1}: {a.credentials} Credentials, {'%d' % (2 * a.credentials) if name == 'many' else '2'} distinct secrets: "
                      f"diff --output markdown {times[name][-1]:.2f} s", flush=True)
        m, t = statistics.median(times["many"]), statistics.median(times["two"])
        print(f"median: {2 * a.credentials} secrets {m:.2f} s, 2 secrets {t:.2f} s: {m / t:.2f}x "
              f"(masking cost does not grow with the number of secrets when this is near 1)")


if __name__ == "__main__":
    main()
