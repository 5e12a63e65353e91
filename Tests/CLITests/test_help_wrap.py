"""Help reads cleanly at 80 columns: no paragraph line ends early when the next line's first
word would have fitted on it (issue 23, part 3)."""
import os
import subprocess

import pytest

COMMANDS = [[], ["validate"], ["diff"], ["apply"], ["reconcile"], ["status"], ["init"], ["schema"], ["import"],
            ["reset-attempts"], ["cutover"], ["report"], ["sandbox"], ["sandbox", "serve"]]


def prose(text):
    """The overview and discussion: everything before USAGE."""
    return text.split("\nUSAGE:", 1)[0].splitlines()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "oms-plan")
def test_help_paragraphs_wrap_at_80_columns(binary, command):
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    out = subprocess.run([binary, *command, "--help"], capture_output=True, text=True, env=env, timeout=30).stdout
    lines = prose(out)
    assert lines, out
    for line, following in zip(lines, lines[1:]):
        assert len(line) <= 80, f"{line!r} is wider than 80 columns"
        if not line.strip() or not following.strip():
            continue
        # ArgumentParser fills lines up to 79 columns: a break is ragged when the next word fitted.
        word = following.split()[0]
        assert len(line) + 1 + len(word) > 79, f"ragged break: {line!r} / {following!r}"
