"""Every module a target imports is declared in Package.swift (SwiftPM builds a module a target
only reaches through another one, until a dependency changes and the build breaks)."""
import re

from conftest import REPO

# Modules of the toolchain and the platform, which no manifest declares.
# FoundationNetworking is Foundation's URL loading on Linux (swift-corelibs-foundation), not a package.
SYSTEM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Darwin", "Dispatch", "Synchronization", "Testing", "XCTest"}
# Yams builds libyaml as the module CYaml without a product for it (CONTRIBUTING, "Left as they are").
IMPLIED = {"Yams": {"CYaml"}}
TARGET = re.compile(r'\.(target|executableTarget|testTarget)\(\s*name:\s*"([^"]+)"')
IMPORT = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|package|private|fileprivate)\s+)?import\s+'
                    r'(?:(?:struct|class|enum|protocol|typealias|func|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)', re.M)


def call_body(text, start):
    """The text from `start` to the parenthesis that closes the one before it (no string here holds one)."""
    depth = 1
    for index in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return text[start:index]
    raise AssertionError("Package.swift: unbalanced parentheses")


def targets():
    text = re.sub(r"//[^\n]*", "", (REPO / "Package.swift").read_text())
    found = {}
    for match in TARGET.finditer(text):
        kind, name, body = match.group(1), match.group(2), call_body(text, match.end())
        deps_text = re.search(r"dependencies:\s*\[(.*?)\]", body, re.S)
        deps = set()
        if deps_text:
            deps |= set(re.findall(r'\.product\(name:\s*"([^"]+)"', deps_text.group(1)))
            without_products = re.sub(r"\.product\([^)]*\)", "", deps_text.group(1))
            deps |= set(re.findall(r'"([^"]+)"', without_products))
        path = re.search(r'path:\s*"([^"]+)"', body)
        folder = REPO / (path.group(1) if path else ("Tests/" if kind == "testTarget" else "Sources/") + name)
        found[name] = (folder, {d.replace("-", "_") for d in deps})
    return found


def test_the_manifest_is_read():
    found = targets()
    assert {"OMSModels", "OMSClient", "MigrationPlan", "Reconciler", "OMSSandbox", "oms-plan", "ReconcilerTests"} <= set(found)
    assert "ArgumentParser" in found["oms-plan"][1] and "OMSClient" in found["OMSSandbox"][1]
    assert all(folder.is_dir() for folder, _ in found.values())


def test_every_imported_module_is_declared():
    undeclared = []
    for name, (folder, deps) in targets().items():
        allowed = deps | SYSTEM | {name.replace("-", "_")}
        for dep in deps:
            allowed |= IMPLIED.get(dep, set())
        for source in folder.rglob("*.swift"):
            for module in set(IMPORT.findall(source.read_text())) - allowed:
                undeclared.append(f"{name} imports {module} ({source.relative_to(REPO)}) without declaring it")
    assert not undeclared, "\n".join(sorted(undeclared))
