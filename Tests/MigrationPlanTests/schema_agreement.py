"""The JSON Schema (schemas/plan.schema.json) and the Swift validator agree.

For every invalid plan in Corpus/: when expect.json says the rule is schemaExpressible, the
schema rejects the document holding the problem and accepts the plan's other documents;
otherwise it accepts every document (the Swift validator alone catches the problem). Every
document of examples/ is accepted.

YAML is read with YAML 1.2 core-schema typing, as yaml-language-server and oms-plan do
(PyYAML's default is YAML 1.1, where `on` is a boolean and `19:00` a number).

Run with pytest (scripts/test.sh does) or directly: python Tests/MigrationPlanTests/schema_agreement.py
"""
import json
import pathlib
import re
import sys

import jsonschema
import pytest
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
CORPUS = HERE / "Corpus"


class Core12Loader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's implicit types."""


Core12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$",
     list("-+0123456789.")),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
]:
    Core12Loader.add_implicit_resolver(tag, re.compile(regexp), first)


def _int(loader, node):
    text = loader.construct_scalar(node)
    return int(text, 0) if text.lower().startswith(("0o", "0x")) else int(text, 10)


def _bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


Core12Loader.add_constructor("tag:yaml.org,2002:int", _int)
Core12Loader.add_constructor("tag:yaml.org,2002:bool", _bool)


def jsonable(value):
    """JSON has string keys only; oms-plan reads keys as their text."""
    if isinstance(value, dict):
        return {str(k).lower() if isinstance(k, bool) else str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def plan_files(directory):
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            yield path


def documents(path):
    """(start line, document) for each non-empty document; raises on YAML PyYAML refuses."""
    text = path.read_text(encoding="utf-8")
    nodes = list(yaml.compose_all(text, Loader=Core12Loader))
    docs = list(yaml.load_all(text, Loader=Core12Loader))
    return [(n.start_mark.line + 1, jsonable(d)) for n, d in zip(nodes, docs) if d is not None]


def errors(doc):
    return sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))


def cases():
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", cases())
def test_corpus_case(name):
    directory = CORPUS / name
    expect = json.loads((directory / "expect.json").read_text())
    parsed = {}
    try:
        for path in plan_files(directory):
            parsed[path.relative_to(directory).as_posix()] = documents(path)
    except (yaml.YAMLError, UnicodeDecodeError):
        if expect["schemaExpressible"]:
            pytest.fail(f"{name}: marked schemaExpressible but PyYAML cannot read it")
        pytest.skip("not YAML that PyYAML reads; the Swift validator reports it")
    target = None
    if expect["schemaExpressible"]:
        starts = [line for line, _ in parsed[expect["file"]] if line <= expect["line"]]
        target = (expect["file"], max(starts))
    for file, docs in parsed.items():
        for line, doc in docs:
            found = errors(doc)
            if (file, line) == target:
                assert found, f"{name}: the schema accepts {file}:{line}, the Swift validator says `{expect['message']}`"
            else:
                assert not found, f"{name}: the schema rejects {file}:{line}: {found[0].message}"


def example_plans():
    """Directories under examples/ that are plans (hold a Stack); examples/ci holds CI files."""
    plans = []
    for directory in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
        files = list(plan_files(directory))
        if any(isinstance(d, dict) and d.get("kind") == "Stack" for f in files for _, d in documents(f)):
            plans.append(directory)
    return plans


def test_examples_are_accepted():
    count = 0
    plans = example_plans()
    assert plans, "no example plans"
    for path in (f for plan in plans for f in plan_files(plan)):
        for line, doc in documents(path):
            found = errors(doc)
            assert not found, f"{path}:{line}: {found[0].message} at {list(found[0].path)}"
            count += 1
    assert count > 10


def test_examples_carry_the_modeline():
    for path in (f for plan in example_plans() for f in plan_files(plan)):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (ROOT / "schemas" / "plan.schema.json").resolve(), path


# Valid uses of acceptFailures (issue 24, part 4) the schema must accept; AcceptFailuresTests
# loads the same shapes in Swift, and the corpus holds one case per mistake.
ACCEPT_FAILURES_VALID = """\
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: photos}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: src, prefixes: ["2024/"]}
  destination: {bucket: photos-obs, credentials: obs}
  acceptFailures:
    - reason: "deleted at the source before the cut-over (ticket OPS-1234)"
      keys: ["photos/2023/broken.jpg"]
    - {reason: scratch files, prefix: "photos/tmp/"}
    - {reason: gone, codes: [NoSuchKey, OMS.0402]}
    - {reason: "${env:ACCEPT_REASON}", prefix: tmp/, keys: [tmp/a], codes: ["${env:CODE}"]}
---
apiVersion: oms-plan/v1
kind: MigrationTaskGroup
metadata: {name: archive}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: src, prefixes: [""]}
  destination: {bucket: photos-obs, credentials: obs}
  acceptFailures: []
---
apiVersion: oms-plan/v1
kind: MigrationTaskSet
metadata: {name: logs}
spec:
  forEach: [web, api]
  name: "logs-${item}"
  acceptFailures: [{reason: rotated away, codes: [NoSuchKey]}]
  template:
    type: prefix
    source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
    destination: {bucket: "${item}-obs", credentials: obs}
    acceptFailures: [{reason: "${item} scratch", prefix: tmp/}]
"""


def test_accept_failures_valid_documents_are_accepted():
    docs = [jsonable(d) for d in yaml.load_all(ACCEPT_FAILURES_VALID, Loader=Core12Loader)]
    assert len(docs) == 3
    for doc in docs:
        found = errors(doc)
        assert not found, f"{doc['kind']}: {found[0].message} at {list(found[0].path)}"


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
