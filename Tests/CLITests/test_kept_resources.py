"""With `prune: false`, a resource removed from the plan stays in OMS: text and Markdown show it,
one line each, and count it in the summary, as JSON always said (issue 23, part 3)."""
import json


def drop_docs_task(workdir):
    (workdir / "plan/tasks/docs.yaml").unlink()


def test_a_kept_resource_is_listed_and_counted_in_text_and_markdown(run, workdir):
    applied = run("apply", "--auto-approve", "plan", timeout=300)
    assert applied.returncode == 0, applied.stderr
    drop_docs_task(workdir)

    text = run("diff", "plan")
    assert text.returncode == 0, text.stderr
    kept = [line for line in text.stdout.splitlines() if "MigrationTask/docs" in line]
    assert len(kept) == 1, text.stdout
    assert "is kept" in kept[0] and "prune is false" in kept[0], kept[0]
    assert "1 of them kept though no longer declared (prune: false)" in text.stdout, text.stdout

    markdown = run("diff", "--output", "markdown", "plan")
    assert markdown.returncode == 0, markdown.stderr
    assert "Kept in OMS though no longer declared (prune: false): 1" in markdown.stdout, markdown.stdout
    line = next(line for line in markdown.stdout.splitlines() if "`MigrationTask/docs`" in line)
    assert "prune is false" in line
    # It is not hidden among the unchanged either: listed once.
    assert markdown.stdout.count("`MigrationTask/docs`") == 1

    # JSON keeps saying it, as a noop with its reason code.
    data = json.loads(run("diff", "--output", "json", "plan").stdout)
    change = next(c for c in data["changes"] if c["address"] == "MigrationTask/docs")
    assert change["action"] == "noop"
    assert [r["code"] for r in change["reasons"]] == ["undeclared_kept"]
