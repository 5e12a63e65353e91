#!/usr/bin/env python3
"""Writes docs/plan-reference.md, the plan format's reference, from schemas/plan.schema.json:
every kind, every field with its type, default, what a change does in OMS and an example.

The schema is the source: descriptions and types are scripts/gen_plan_schema.py's, change
behaviour, defaults and examples scripts/plan_schema_notes.py's. Never edit the page by hand:
change those, then run
    python3 scripts/gen_plan_schema.py && python3 scripts/gen_plan_reference.py
`--check` writes nothing and exits 1 when the page is not what this script would write.
Tests/ShippingTests/test_plan_reference.py checks the same, and that every property is on the page.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schemas" / "plan.schema.json"
PAGE = ROOT / "docs" / "plan-reference.md"
# A task set's template is a MigrationTask spec whose values may all be ${item...} references:
# its fields are those of MigrationTask, described there once.
TEMPLATE = "/$defs/taskSetSpec/properties/template"
# Which kind describes a shared definition (source, options, windows, ...) in full: the first
# in this order that uses it. The page itself lists kinds in the schema's order.
CLAIM_ORDER = ["MigrationTask", "MigrationTaskGroup", "MigrationSyncTask", "BandwidthSchedule"]


def anchor(text):
    """GitHub's heading anchor."""
    return re.sub(r"[^a-z0-9 _-]", "", text.lower()).replace(" ", "-")


def yaml_flow(value):
    """A value as YAML flow text, quoting strings only where plain YAML would read them otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./-]*", value) and value.lower() not in (
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~")
    return value if plain else json.dumps(value, ensure_ascii=False)


def code(text):
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def number(n):
    return f"{n:,}"


class Reference:
    def __init__(self, schema):
        self.schema = schema
        self.defs = schema["$defs"]
        self.kinds = [(rule["if"]["properties"]["kind"]["const"], rule["then"]["properties"]["spec"]["$ref"].split("/")[-1])
                      for rule in schema["allOf"]]
        self.homes = {}          # definition name -> (kind, field path) where it is described
        self.documented = set()  # JSON pointers of the properties on the page
        self.lines = []
        for kind in ["document"] + CLAIM_ORDER + [k for k, _ in self.kinds if k not in CLAIM_ORDER]:
            self.claim(kind)

    # ---- which kind describes each shared definition ----

    def spec_of(self, kind):
        if kind == "document":
            return self.schema, ""
        return self.defs[dict(self.kinds)[kind]], f"/$defs/{dict(self.kinds)[kind]}"

    def claim(self, kind):
        node, pointer = self.spec_of(kind)
        for _ in self.walk(node, pointer, "", lambda name, path, _: self.homes.setdefault(name, (kind, path)) == (kind, path)):
            pass

    def walk(self, node, pointer, prefix, expand):
        """Calls expand(definition, field path, pointer) for every shared object definition a field
        uses, and goes into it when expand says so; yields (path, pointer, property, required)."""
        required = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            path, ptr = prefix + name, f"{pointer}/properties/{name}"
            yield path, ptr, prop, name in required
            if ptr == TEMPLATE:
                continue
            if "properties" in prop:
                yield from self.walk(prop, ptr, path + ".", expand)
                continue
            target, suffix = self.object_ref(prop)
            if target and expand(target, path + suffix, ptr):
                yield from self.walk(self.defs[target], f"/$defs/{target}", path + suffix + ".", expand)

    def object_ref(self, prop):
        """The shared object definition a field holds (or a list of), with '[]' for a list."""
        for schema, suffix in ((prop, ""), (prop.get("items", {}), "[]")):
            name = schema.get("$ref", "").split("/")[-1]
            if name in self.defs and "properties" in self.defs[name]:
                return name, suffix
        return None, ""

    # ---- text ----

    def link(self, definition):
        kind, path = self.homes[definition]
        title = "Every document" if kind == "document" else kind
        return f"[`{path}` of {title}](#{anchor(title)})"

    def type_text(self, s, here=None):
        """The type in words; `here` is (kind, path) of the field, to tell a shared definition
        described right below from one described elsewhere."""
        if "$ref" in s:
            name = s["$ref"].split("/")[-1]
            if name == "secret":
                return "a secret: one `${env:NAME}` or `${file:PATH}` reference (`${env:NAME:-}` when it may be unset)"
            if name == "interpolated":
                return "a `${...}` reference"
            if "properties" in self.defs[name]:
                if self.homes.get(name) == here:
                    return "object (its fields follow)"
                return f"object with the fields of {self.link(name)}"
            return self.type_text(self.defs[name])
        if "const" in s:
            return code(str(s["const"]))
        if "enum" in s:
            return "one of " + ", ".join(code(str(v)) for v in s["enum"])
        if "anyOf" in s:
            parts = [self.type_text(x, here) for x in s["anyOf"] if x.get("$ref") != "#/$defs/interpolated"]
            return " or ".join(dict.fromkeys(parts)) or "a `${...}` reference"
        t = s.get("type")
        if isinstance(t, list):
            return ", ".join(t[:-1]) + " or " + t[-1]
        if t == "string":
            lo, hi = s.get("minLength"), s.get("maxLength")
            if lo and hi:
                return f"string of {number(lo)} to {number(hi)} characters"
            if hi:
                return f"string of at most {number(hi)} characters"
            return "non-empty string" if lo else "string"
        if t == "integer":
            lo, hi = s.get("minimum"), s.get("maximum")
            return "integer" + (f" {number(lo)}..{number(hi)}" if lo is not None and hi is not None
                                else f" of at least {number(lo)}" if lo is not None else "")
        if t == "array":
            items = self.type_text(s.get("items", {}), here and (here[0], here[1] + "[]")) if s.get("items") else "values"
            items = items.replace("object (", "objects (").replace("object with", "objects, each with")
            items = "strings" + items[len("string"):] if items.startswith("string") else items
            count = ""
            if s.get("minItems") and s.get("maxItems"):
                count = f", {number(s['minItems'])} to {number(s['maxItems'])} items"
            elif s.get("minItems"):
                count = f", at least {number(s['minItems'])}"
            return f"list of {items}{count}" + (", each once" if s.get("uniqueItems") else "")
        if t == "object":
            extra = s.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"map of names to {self.type_text(extra)}"
            return "object"
        return t or "any value"

    def default_text(self, prop, required):
        if "default" in prop:
            return code(yaml_flow(prop["default"]))
        if "x-oms-plan-default" in prop:
            return prop["x-oms-plan-default"]
        return "none, required" if required else "none"

    def field(self, kind, path, ptr, prop, required):
        self.documented.add(ptr)
        key = path.split(".")[-1].removesuffix("[]")
        target = prop.get("$ref", "").split("/")[-1]
        description = (prop.get("description") or self.defs.get(target, {}).get("description", "")).strip()
        change = prop.get("x-oms-plan-change", "UNDOCUMENTED")
        note = prop.get("x-oms-plan-change-note")
        details = [f"Type: {self.type_text(prop, (kind, path))}.", f"Default: {self.default_text(prop, required)}.",
                   f"On change: **{change}**." + (f" {note}" if note else "")]
        details += [f"Example: {code(f'{key}: {yaml_flow(e)}')}" for e in prop.get("examples", [])]
        self.lines.append(f"- **`{path}`**: {description}\\")
        self.lines.append("  " + " ".join(details))
        if ptr == TEMPLATE:
            self.lines.append(f"  Its fields are those of a [MigrationTask spec](#migrationtask); any value may be "
                              "`${item.KEY}` (or `${item}` for scalar items).")

    def fields(self, kind):
        node, pointer = self.spec_of(kind)
        # A shared definition is described where it has its home; elsewhere its type links there.
        for path, ptr, prop, required in self.walk(node, pointer, "", lambda name, path, _: self.homes.get(name) == (kind, path)):
            self.field(kind, path, ptr, prop, required)

    # ---- the page ----

    def page(self):
        s = self.schema
        out = self.lines
        out += [
            "# Plan format reference",
            "",
            "<!-- Generated by scripts/gen_plan_reference.py from schemas/plan.schema.json. Do not edit: change "
            "scripts/gen_plan_schema.py or scripts/plan_schema_notes.py and run both scripts. -->",
            "",
            f"Every kind and every field of an oms-plan plan (`{s['properties']['apiVersion']['const']}`), generated "
            "from the plan's JSON Schema, `schemas/plan.schema.json` (also printed by `oms-plan schema`). "
            "For how oms-plan reads the places the format leaves open (YAML typing, references, defaults, "
            "bandwidth compilation) see [plan-format-notes.md](plan-format-notes.md); for examples, "
            "[examples/quickstart](../examples/quickstart).",
            "",
            s["description"],
            "",
            "## How to read this page",
            "",
            "Fields are written relative to the document's `spec` (the envelope's own fields under "
            "[Every document](#every-document)); `a.b` is field `b` inside object `a`, `a[].b` field `b` of "
            "each item of list `a`. For each field:",
            "",
            "- **Type**: what YAML value it takes. " + self.defs["interpolated"]["description"] +
            " Any value may be given so, also numbers, booleans and choices: the resolved text is checked.",
            "- **Default**: what oms-plan sends or assumes when the field is left out.",
            "- **On change**: what happens in OMS when you change the value of a resource that exists:",
            "",
        ]
        out += [f"  - **{name}**: {text}" for name, text in s["x-oms-plan-change-values"].items()]
        out += ["", "- **Example**: the field as you would write it.", "", "## Kinds", ""]
        out += [f"- [{kind}](#{anchor(kind)}): {self.defs[d].get('description', '')}" for kind, d in self.kinds]
        out += ["", "## Every document", "", s["properties"]["kind"]["description"] + " Every document of a plan "
                "has these four fields; its address is `Kind/name`.", ""]
        self.fields("document")
        for kind, definition in self.kinds:
            out += ["", f"## {kind}", "", self.defs[definition].get("description", ""), ""]
            self.fields(kind)
        return "\n".join(out) + "\n"


def render(schema):
    reference = Reference(schema)
    return reference.page(), reference.documented


def main(argv):
    text, _ = render(json.loads(SCHEMA_FILE.read_text()))
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text() != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python3 scripts/gen_plan_reference.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
