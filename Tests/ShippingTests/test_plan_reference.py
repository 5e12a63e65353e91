"""docs/plan-reference.md: generated from the plan schema, complete, and true to the differ.

- The committed schema is what scripts/gen_plan_schema.py writes now (its notes included), and
  the committed page what scripts/gen_plan_reference.py writes from it.
- Every property of the schema has a description, what a change does, and an example that the
  schema accepts; every property is on the page; every note names a property.
- What the differ compares as "cannot change in place" is `replace` on the page, and what it
  updates in place is `in-place`.
"""
import importlib
import json
import re
import sys

import jsonschema
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
notes = importlib.import_module("plan_schema_notes")
reference = importlib.import_module("gen_plan_reference")

SCHEMA_TEXT = (REPO / "schemas" / "plan.schema.json").read_text()
SCHEMA = json.loads(SCHEMA_TEXT)
TEMPLATE = "/$defs/taskSetSpec/properties/template"


def all_properties(node=SCHEMA, pointer=""):
    """(pointer, property) for every property the schema defines, found by walking the JSON itself
    (not the generator's walk): through definitions, items and alternatives, but not into the
    conditions of allOf/if/then/not (they restate properties defined elsewhere) nor into a task
    set's template (a MigrationTask spec)."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            ptr = f"{pointer}/properties/{name}"
            yield ptr, prop
            if ptr != TEMPLATE:
                yield from all_properties(prop, ptr)
        for key, value in node.items():
            if key not in ("properties", "allOf", "if", "then", "else", "not"):
                yield from all_properties(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from all_properties(value, f"{pointer}/{i}")


PROPERTIES = list(all_properties())


def test_the_schema_is_what_its_generator_writes_now():
    generator = importlib.import_module("gen_plan_schema")
    text = json.dumps(notes.annotate(json.loads(json.dumps(generator.SCHEMA))), indent=2, ensure_ascii=False) + "\n"
    assert SCHEMA_TEXT == text, "run python3 scripts/gen_plan_schema.py (then scripts/gen_plan_reference.py)"


def test_the_page_is_what_the_generator_writes_now():
    text, _ = reference.render(json.loads(SCHEMA_TEXT))
    page = REPO / "docs" / "plan-reference.md"
    assert page.exists() and page.read_text() == text, "run python3 scripts/gen_plan_reference.py"


def test_the_walk_finds_every_kind_and_nested_fields():
    pointers = {p for p, _ in PROPERTIES}
    assert len(pointers) > 150
    for expected in ["/properties/kind", "/$defs/stackSpec/properties/region",
                     "/$defs/taskSource/properties/cdn/properties/authKey",
                     "/$defs/syncSpec/properties/options/properties/consistencyCheck"]:
        assert expected in pointers


@pytest.mark.parametrize("pointer,prop", PROPERTIES, ids=[p for p, _ in PROPERTIES])
def test_every_property_says_what_it_is_what_a_change_does_and_shows_an_example(pointer, prop):
    target = prop.get("$ref", "").split("/")[-1]
    description = prop.get("description") or SCHEMA["$defs"].get(target, {}).get("description")
    assert description, f"{pointer}: no description (scripts/gen_plan_schema.py)"
    assert prop.get("x-oms-plan-change") in SCHEMA["x-oms-plan-change-values"], \
        f"{pointer}: no x-oms-plan-change: add a note to scripts/plan_schema_notes.py"
    assert prop.get("examples"), f"{pointer}: no example: add a note to scripts/plan_schema_notes.py"
    # The example is a value the schema accepts there ($refs resolve against the whole schema).
    validator = jsonschema.Draft202012Validator({**prop, "$defs": SCHEMA["$defs"]})
    for example in prop["examples"]:
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, f"{pointer}: example {example!r} is refused: {errors}"


def test_every_property_is_on_the_page():
    _, documented = reference.render(json.loads(SCHEMA_TEXT))
    missing = sorted({p for p, _ in PROPERTIES} - documented)
    assert not missing, f"not on docs/plan-reference.md: {missing}"


def test_every_note_names_a_property():
    keys = {key for key, _ in notes.schema_properties(SCHEMA)}
    assert not sorted(set(notes.NOTES) - keys), "scripts/plan_schema_notes.py has notes for fields the schema lacks"


def test_a_template_has_the_fields_of_a_task():
    template = SCHEMA["$defs"]["taskSetSpec"]["properties"]["template"]
    assert set(template["properties"]) == set(SCHEMA["$defs"]["taskSpec"]["properties"])


def task_field(path):
    """The property of a MigrationTask spec at a dotted path, through $refs."""
    node = SCHEMA["$defs"]["taskSpec"]
    for name in path.split("."):
        node = node["properties"][name]
        while "$ref" in node and "properties" not in node:
            node = SCHEMA["$defs"][node["$ref"].split("/")[-1]] | {k: v for k, v in node.items() if k != "$ref"}
    return node


def differ_paths(pattern):
    paths = set()
    for source in sorted((REPO / "Sources" / "Reconciler" / "Diff").glob("*.swift")):
        paths |= set(re.findall(pattern, source.read_text()))
    return paths


def test_what_the_differ_replaces_is_replace_on_the_page():
    # SpecView lists, as plan paths, the fields OMS cannot update; the options' rows come
    # from MigrationOptions.planFields.
    paths = differ_paths(r'(?:\bset\(|fields\[)"([a-zA-Z.]+)"')
    paths |= set(re.findall(r'\("(options\.[a-zA-Z]+)", \.', (REPO / "Sources/OMSModels/MigrationOptions.swift").read_text()))
    assert {"type", "source.bucket", "description", "options.enableKms"} <= paths, "the differ's fields were not found"
    for path in sorted(paths):
        prop = task_field(path)
        if prop["x-oms-plan-change"] == "fields":
            # An object compared whole: each of its fields is replaced, but secrets OMS never returns.
            for name, child in prop["properties"].items():
                assert child["x-oms-plan-change"] == "replace" or "secret" in child.get("$ref", ""), f"{path}.{name}"
        else:
            assert prop["x-oms-plan-change"] == "replace", f"{path}: the differ replaces on a change"


def test_what_the_differ_updates_in_place_is_in_place_on_the_page():
    # ("spec" is the row of a change only the ownership marker's fingerprint shows.)
    paths = differ_paths(r'FieldChange\(\s*path: "([a-zA-Z.]+)"') - {"spec"}
    assert "bandwidth" in paths and "options.priority" in paths, "the differ's in-place fields were not found"
    for path in sorted(paths):
        assert task_field(path)["x-oms-plan-change"] == "in-place", path


@pytest.mark.parametrize("document", ["README.md", "CONTRIBUTING.md"])
def test_the_reference_is_linked(document):
    assert "docs/plan-reference.md" in (REPO / document).read_text()
