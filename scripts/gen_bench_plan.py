#!/usr/bin/env python3
"""Generates a large plan for the validate benchmark: a Stack, credentials, two schedules and
TASKS tasks spread over FILES files (multi-document), of every task type, with labels,
descriptions, options and dependsOn chains.

Usage: python3 scripts/gen_bench_plan.py DIR [TASKS=10000] [FILES=100]
"""
import pathlib
import sys

HEADER = "# yaml-language-server: $schema=../schemas/plan.schema.json\n"


def main():
    out = pathlib.Path(sys.argv[1])
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    files = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    out.mkdir(parents=True, exist_ok=True)
    (out / "stack.yaml").write_text("""apiVersion: oms-plan/v1
kind: Stack
metadata: {name: bench}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  variables: {dst: bench-obs}
  defaults:
    destination: {bucket: "${var:dst}", credentials: obs}
    bandwidth: office-hours
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: src}
spec: {accessKey: "${env:BENCH_AK}", secretKey: "${env:BENCH_SK}"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: obs}
spec: {accessKey: "${env:BENCH_OBS_AK}", secretKey: "${env:BENCH_OBS_SK}"}
---
apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata: {name: office-hours}
spec:
  windows:
    - {start: "08:00", end: "19:00", limit: 20MiB/s}
    - {start: "19:00", end: "08:00", limit: 200MiB/s}
---
apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata: {name: weekend}
spec:
  timezone: Europe/Berlin
  windows:
    - {start: "09:00", end: "18:00", limit: 10MiB/s, days: [mon, tue, wed, thu, fri]}
    - {start: "00:00", end: "24:00", limit: 100MiB/s, days: [sat, sun]}
""")
    per_file = (tasks + files - 1) // files
    n = 0
    for f in range(files):
        docs = []
        for _ in range(per_file):
            if n >= tasks:
                break
            kind = n % 4
            lines = [
                "apiVersion: oms-plan/v1",
                "kind: MigrationTask",
                "metadata:",
                f"  name: task-{n:05d}",
                f"  labels: {{team: team-{n % 17}, wave: \"{n % 5}\"}}",
                "spec:",
            ]
            if kind == 0:
                lines += ["  type: prefix", "  source:", "    cloud: Aliyun", "    region: cn-hangzhou",
                          f"    bucket: bucket-{n % 300}", "    credentials: src", f"    prefixes: [\"{n}/\", \"{n}-b/\"]"]
            elif kind == 1:
                lines += ["  type: object", "  source:", "    cloud: AWS", "    region: us-east-1",
                          f"    bucket: bucket-{n % 300}", "    credentials: src",
                          "    objects:", f"      - data/{n}.bin", f"      - data/{n}/"]
            elif kind == 2:
                lines += ["  type: list", "  source:", "    cloud: Tencent", "    region: ap-guangzhou",
                          f"    bucket: bucket-{n % 300}-1254563210", "    appId: \"1254563210\"", "    credentials: src",
                          f"    listFile: {{bucket: lists, key: list-{n}.txt}}"]
            else:
                lines += ["  type: url_list", "  source:", "    cloud: URLSource",
                          f"    listFile: {{bucket: lists, key: urls-{n}.txt, count: \"1\"}}"]
            lines += ["  destination:", f"    savePrefix: migrated/{n}/",
                      f"  description: Benchmark task number {n} of the generated plan"]
            if n % 10 == 0:
                lines += ["  bandwidth: weekend"]
            if n % 3 == 0 and n > 0:
                lines += [f"  dependsOn: [MigrationTask/task-{n - 1:05d}]"]
            if n % 2 == 0:
                lines += ["  onFailure: {action: retryFailedObjects, maxAttempts: 3}",
                          "  options:", "    priority: LOW", "    enableKms: false",
                          "    migrateSince: 2024-01-01T00:00:00Z", "    consistencyCheck: crc64"]
            docs.append("\n".join(lines) + "\n")
            n += 1
        (out / f"tasks-{f:03d}.yaml").write_text(HEADER + "---\n".join(docs))
    print(f"{n} tasks in {files} files under {out}")


if __name__ == "__main__":
    main()
