#!/usr/bin/env python3
"""Refreshes Sources/OMSModels/Regions/oms-regions.json from a real OMS.

The file is OMS's answer to GET /v2/{project_id}/objectstorage/data-center (API reference
6.6.1, "Querying Regions Supported for a Cloud Vendor"), kept as it is: `validate` checks every
region of a plan against it and the sandbox answers data-center with it. See docs/regions.md.

Authentication is an IAM token, from the environment (never from arguments, so it stays out of
shell history and process lists):

  OMS_AUTH_TOKEN                     an IAM token (X-Auth-Token) for the project, or
  OMS_IAM_USER, OMS_IAM_PASSWORD,    an IAM user's name and password and its account (domain)
  OMS_IAM_DOMAIN                     name, exchanged for a token at IAM (POST /v3/auth/tokens)
  OMS_PROJECT_ID                     the project id (required)
  OMS_REGION                         the OMS region, e.g. cn-north-4 (required unless both
                                     endpoints are given)
  OMS_ENDPOINT, OMS_IAM_ENDPOINT     optional: default https://oms.<region>.myhuaweicloud.com
                                     and https://iam.<region>.myhuaweicloud.com

Run:  python3 scripts/refresh_regions.py            (writes the file and prints what changed)
      python3 scripts/refresh_regions.py --check    (prints what changed; exit 1 if anything did)
Then: swift test --filter RegionTableTests, and commit the file with the OMS region you asked.
"""
import argparse
import json
import os
import pathlib
import sys
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "Sources" / "OMSModels" / "Regions" / "oms-regions.json"


def env(name, required=True):
    value = os.environ.get(name, "")
    if required and not value:
        sys.exit(f"refresh_regions: set {name} (see docs/regions.md)")
    return value


def request(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json;charset=UTF-8", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        # The error body names OMS's or IAM's code; it never holds the password or the token.
        sys.exit(f"refresh_regions: {method} {url}: HTTP {e.code}: {e.read()[:500].decode('utf-8', 'replace')}")
    except urllib.error.URLError as e:
        sys.exit(f"refresh_regions: {method} {url}: {e.reason}")


def token(region, project):
    given = env("OMS_AUTH_TOKEN", required=False)
    if given:
        return given
    iam = env("OMS_IAM_ENDPOINT", required=False) or f"https://iam.{region}.myhuaweicloud.com"
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": env("OMS_IAM_USER"), "password": env("OMS_IAM_PASSWORD"), "domain": {"name": env("OMS_IAM_DOMAIN")}}}},
        "scope": {"project": {"id": project}}}}
    headers, _ = request(iam.rstrip("/") + "/v3/auth/tokens", "POST", body)
    subject = headers.get("X-Subject-Token")
    if not subject:
        sys.exit("refresh_regions: IAM answered without X-Subject-Token")
    return subject


def checked(answer):
    """OMS's answer, refused unless it has 6.6.1's shape and lists some regions."""
    if not isinstance(answer, list) or not answer:
        sys.exit("refresh_regions: the answer is not a non-empty list; the table is left as it is")
    for service in answer:
        if not isinstance(service, dict) or not isinstance(service.get("region_list"), list):
            sys.exit(f"refresh_regions: unexpected element {json.dumps(service)[:200]}; the table is left as it is")
        for region in service["region_list"]:
            if not isinstance(region, dict) or not isinstance(region.get("value"), str) or not region["value"]:
                sys.exit(f"refresh_regions: unexpected region {json.dumps(region)[:200]}; the table is left as it is")
    return answer


def pairs(answer):
    return {(r.get("cloud_type") or s.get("service_name"), r["value"]) for s in answer for r in s["region_list"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what would change (exit 1 if anything would)")
    args = parser.parse_args()
    project = env("OMS_PROJECT_ID")
    endpoint = env("OMS_ENDPOINT", required=False)
    region = env("OMS_REGION", required=not (endpoint and env("OMS_IAM_ENDPOINT", required=False) or os.environ.get("OMS_AUTH_TOKEN")))
    endpoint = endpoint or f"https://oms.{region}.myhuaweicloud.com"
    auth = token(region, project)
    _, raw = request(f"{endpoint.rstrip('/')}/v2/{project}/objectstorage/data-center", headers={"X-Auth-Token": auth})
    answer = checked(json.loads(raw))
    old = json.loads(TABLE.read_text()) if TABLE.exists() else []
    added, removed = sorted(pairs(answer) - pairs(old)), sorted(pairs(old) - pairs(answer))
    for cloud, value in added:
        print(f"+ {cloud} {value}")
    for cloud, value in removed:
        print(f"- {cloud} {value}")
    print(f"{len(pairs(answer))} regions in OMS's answer: {len(added)} new, {len(removed)} gone")
    if args.check:
        return 1 if added or removed else 0
    TABLE.write_text(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
