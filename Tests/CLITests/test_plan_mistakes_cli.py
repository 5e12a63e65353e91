"""validate on the quickstart plan with one typical mistake: one error, where the mistake is
read, with a hint that names it (issue 23, part 3)."""
import re

PHOTOS = "tasks/photos.yaml"


def validate_with(run, workdir, old, new):
    path = workdir / "plan" / PHOTOS
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return run("validate", "plan")


def errors(stderr):
    """Each error as (location, message, hint or None)."""
    lines = stderr.splitlines()
    found = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\S+): error: (.*)$", line)
        if m:
            hint = lines[i + 1].strip()[len("hint: "):] if i + 1 < len(lines) and lines[i + 1].startswith("  hint: ") else None
            found.append((m.group(1), m.group(2), hint))
    return found


def only_error(result):
    assert result.returncode == 1, result.stderr
    found = errors(result.stderr)
    assert len(found) == 1, result.stderr
    assert "invalid: 1 error" in result.stderr
    return found[0]


def test_a_misspelt_kind_is_one_error_with_a_suggestion_not_a_cascade(run, workdir):
    # photos-2024 depends on photos-2023: without the kind, that reference is not reported too.
    result = validate_with(run, workdir, "kind: MigrationTask\nmetadata:\n  name: photos-2023",
                           "kind: MigrationTsk\nmetadata:\n  name: photos-2023")
    location, message, hint = only_error(result)
    assert location == f"plan/{PHOTOS}:4:7"
    assert message == "unknown kind `MigrationTsk`"
    assert hint == "did you mean `MigrationTask`?"
    assert "not declared" not in result.stderr


def test_a_kind_with_no_close_name_suggests_the_kinds_it_ends(run, workdir):
    result = validate_with(run, workdir, "kind: MigrationTask\nmetadata:\n  name: photos-2023",
                           "kind: Task\nmetadata:\n  name: photos-2023")
    location, message, hint = only_error(result)
    assert location == f"plan/{PHOTOS}:4:7"
    assert hint == "did you mean `MigrationTask` or `MigrationSyncTask`?"


def test_a_tab_in_indentation_is_named(run, workdir):
    result = validate_with(run, workdir, "    region: cn-hangzhou\n    bucket: photos\n    credentials: aliyun\n    prefixes: [\"2023/\"]",
                           "    region: cn-hangzhou\n\tbucket: photos\n    credentials: aliyun\n    prefixes: [\"2023/\"]")
    location, message, hint = only_error(result)
    assert location == f"plan/{PHOTOS}:13:1"
    assert message.startswith("invalid YAML: ")
    assert hint.startswith("line 13 is indented with a tab (column 1); YAML indents with spaces only")


def test_a_one_space_indentation_slip_names_the_key_and_its_sibling(run, workdir):
    result = validate_with(run, workdir, "    region: cn-hangzhou\n    bucket: photos\n    credentials: aliyun\n    prefixes: [\"2023/\"]",
                           "    region: cn-hangzhou\n     bucket: photos\n    credentials: aliyun\n    prefixes: [\"2023/\"]")
    location, message, hint = only_error(result)
    assert location == f"plan/{PHOTOS}:13:12"
    assert message == "invalid YAML: mapping values are not allowed in this context"
    assert hint.startswith("`bucket:` is indented 5 spaces and `region:` on line 12 is indented 4")
    assert hint.endswith("indent `bucket:` 4 spaces")


def test_an_unclosed_quote_points_at_the_quote(run, workdir):
    result = validate_with(run, workdir, "bucket: photos\n    credentials: aliyun\n    prefixes: [\"2023/\"]",
                           "bucket: \"photos\n    credentials: aliyun\n    prefixes: [\"2023/\"]")
    location, message, hint = only_error(result)
    assert location == f"plan/{PHOTOS}:15:17"
    assert hint.startswith("the `\"` at line 13, column 13 is not closed on its line")


def test_an_unclosed_bracket_points_at_the_bracket(run, workdir):
    result = validate_with(run, workdir, "prefixes: [\"2023/\"]", "prefixes: [\"2023/\"")
    location, message, hint = only_error(result)
    assert location == f"plan/{PHOTOS}:16:3"
    assert message.startswith("invalid YAML: did not find expected ',' or ']'")
    assert hint == "the `[` at line 15, column 15 is never closed: end the list with `]` at the end of line 15"
