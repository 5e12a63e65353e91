#!/usr/bin/env python3
"""The oms-plan(1) man page, written from the binary's own description of its commands
(`oms-plan --experimental-dump-help`, swift-argument-parser's tool-info JSON), in man(7) roff.

scripts/release-manpage.sh uses it when swift-argument-parser's generate-manual tool does not
build or fails, so that a release always ships a man page. Standard library only.

Usage:
  scripts/gen_manpage.py BINARY PAGE [--date YYYY-MM-DD]   write PAGE
  scripts/gen_manpage.py --check PAGE BINARY                exit 1 unless PAGE is a man page
      that names every command and every long option BINARY shows in its help (and, when groff
      is installed, that groff formats without a warning)
"""
import json
import re
import shutil
import subprocess
import sys


def tool_info(binary):
    result = subprocess.run([binary, "--experimental-dump-help"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SystemExit(f"gen_manpage: {binary} --experimental-dump-help failed: {result.stderr.strip()}")
    info = json.loads(result.stdout)
    return info["command"]


def version(binary):
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    return result.stdout.strip().split(" ")[0] if result.returncode == 0 else ""


def commands(command, path=()):
    """(name words, command) for the command and every displayed subcommand, depth first."""
    path = path + (command["commandName"],)
    yield path, command
    for sub in command.get("subcommands", []):
        if sub.get("shouldDisplay", True):
            yield from commands(sub, path)


def shown(command):
    return [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)]


def esc(text):
    """Text safe in roff: backslashes escaped, hyphens of options kept literal, no line that
    starts with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def paragraphs(text):
    """Blank-line-separated paragraphs of a discussion, each as one roff text block."""
    out = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        if block.strip():
            out += [".PP", esc(" ".join(line.strip() for line in block.splitlines()))]
    return out


def names(argument):
    spelled = []
    for name in argument.get("names", []):
        dashes = "-" if name["kind"] in ("short", "longWithSingleDash") else "--"
        spelled.append(f"\\fB{esc(dashes + name['name'])}\\fR")
    return ", ".join(spelled)


def usage(argument):
    value = f"\\fI{esc(argument.get('valueName', 'value'))}\\fR"
    if argument["kind"] == "positional":
        text = value + ("..." if argument.get("isRepeating") else "")
    elif argument["kind"] == "option":
        text = f"{names(argument).split(', ')[-1]} {value}"
    else:
        text = names(argument).split(", ")[-1]
    return f"[{text}]" if argument.get("isOptional") else text


def argument_entry(argument):
    if argument["kind"] == "positional":
        head = f"\\fI{esc(argument.get('valueName', 'value'))}\\fR" + ("..." if argument.get("isRepeating") else "")
    else:
        head = names(argument)
        if argument["kind"] == "option":
            head += f" \\fI{esc(argument.get('valueName', 'value'))}\\fR"
    text = argument.get("abstract", "")
    if argument.get("allValues"):
        text += f" (values: {', '.join(argument['allValues'])})"
    if argument.get("defaultValue") not in (None, ""):
        text += f" (default: {argument['defaultValue']})"
    if argument.get("isRepeating") and argument["kind"] != "positional":
        text += " (may be repeated)"
    out = [".TP", head, esc(text.strip())]
    if argument.get("discussion"):
        out += [".IP", esc(argument["discussion"].strip())]
    return out


def render(root, version_text="", date=""):
    name = root["commandName"]
    out = [f'.\\" Written by scripts/gen_manpage.py from {name} --experimental-dump-help',
           f'.TH "{esc(name.upper())}" "1" "{date}" "{esc((name + " " + version_text).strip())}" "User Commands"',
           ".nh", ".SH NAME", f"{esc(name)} \\- {esc(root.get('abstract', ''))}",
           ".SH SYNOPSIS"]
    out += [f".B {esc(name)}", "\\fIsubcommand\\fR " + " ".join(usage(a) for a in shown(root))]
    out += [".SH DESCRIPTION"] + paragraphs(root.get("discussion") or root.get("abstract", ""))
    if shown(root):
        out += [".SH OPTIONS"]
        for argument in shown(root):
            out += argument_entry(argument)
    out += [".SH COMMANDS"]
    for path, command in list(commands(root))[1:]:
        synopsis = " ".join(usage(a) for a in shown(command))
        out += [f'.SS "{esc(" ".join(path))}"', f".B {esc(' '.join(path))}"]
        if command.get("subcommands"):
            synopsis = "\\fIsubcommand\\fR " + synopsis
        out += [synopsis, ".PP", esc(command.get("abstract", ""))]
        out += paragraphs(command.get("discussion"))
        for argument in shown(command):
            out += argument_entry(argument)
    out += [".SH SEE ALSO",
            f"\\fB{esc(name)} schema\\fR prints the plan format's JSON Schema; docs/plan-reference.md in the "
            "source repository describes every kind and field of a plan."]
    return "\n".join(out) + "\n"


def check(page_path, binary):
    """Problems with a man page: missing, not roff, or without a command or long option the binary shows."""
    try:
        text = open(page_path, encoding="utf-8").read()
    except OSError as error:
        return [f"{page_path}: {error.strerror}"]
    if not re.search(r"^\.(TH|Dt) ", text, re.M) or not re.search(r"^\.(SH|Sh) ", text, re.M):
        return [f"{page_path}: not a man page (no .TH/.Dt title or .SH/.Sh section)"]
    plain = text.replace("\\-", "-").replace("\\&", "")
    problems = []
    groff = shutil.which("groff")
    if groff:
        # Warnings mean text a reader never sees (a line taken for an unknown macro, say).
        lint = subprocess.run([groff, "-mandoc", "-Tutf8", "-ww", "-z", page_path], capture_output=True, text=True)
        problems += [f"{page_path}: groff: {line}" for line in lint.stderr.splitlines() if line.strip()]
    for path, command in commands(tool_info(binary)):
        # A command has a heading of its own: .SS here, an .It Em item in generate-manual's mdoc.
        if len(path) > 1 and not re.search(rf"^\.(?:SS|Ss|It Em)\b.*\b{re.escape(path[-1])}\b", plain, re.M):
            problems.append(f"{page_path}: no command {' '.join(path)}")
        for argument in shown(command):
            for name in argument.get("names", []):
                if name["kind"] == "long" and f"-{name['name']}" not in plain:
                    problems.append(f"{page_path}: no --{name['name']} of {' '.join(path)}")
    return sorted(set(problems))


def main(argv):
    if argv[:1] == ["--check"] and len(argv) == 3:
        problems = check(argv[1], argv[2])
        for problem in problems:
            print(f"gen_manpage: {problem}", file=sys.stderr)
        return 1 if problems else 0
    date = ""
    if "--date" in argv:
        i = argv.index("--date")
        date = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    binary, page = argv
    text = render(tool_info(binary), version(binary), date)
    with open(page, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
