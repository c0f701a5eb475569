#!/usr/bin/env bash
# Checks a JUnit XML report with two checkers ferry did not write: xmllint (libxml2) against
# tests/cli/junit.xsd, and junitparser (PyPI), which reads it as CI tools do and whose counts
# must agree with the suite's own attributes. Optionally the counts are compared with what the
# caller expects.
#   junit-validate.sh REPORT.xml [tests=N] [failures=N] [skipped=N] [errors=N]
# Needs: xmllint (apt: libxml2-utils) and a Python venv with junitparser at
# ${FERRY_TOOLS_CACHE:-~/.cache/ferry-tools}/py (scripts/install-deps makes it).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
report=${1:?usage: junit-validate.sh REPORT.xml [tests=N] [failures=N] [skipped=N] [errors=N]}
shift
tools=${FERRY_TOOLS_CACHE:-$HOME/.cache/ferry-tools}
python=$tools/py/bin/python

command -v xmllint >/dev/null || {
    echo "junit-validate: xmllint is missing: apt-get install libxml2-utils (scripts/install-deps)"
    exit 1
}
"$python" -c 'import junitparser' 2>/dev/null || {
    echo "junit-validate: junitparser is missing: python3 -m venv $tools/py &&" \
        "$tools/py/bin/pip install junitparser (scripts/install-deps)"
    exit 1
}
[[ -s $report ]] || { echo "junit-validate: $report is missing or empty"; exit 1; }

if ! xmllint --noout --schema "$here/junit.xsd" "$report" 2>"$report.xmllint"; then
    echo "junit-validate: $report does not match the JUnit schema:"
    cat "$report.xmllint"
    rm -f "$report.xmllint"
    exit 1
fi
rm -f "$report.xmllint"

"$python" - "$report" "$@" <<'EOF'
import sys
from junitparser import JUnitXml, TestSuite, Failure, Error, Skipped

path, expected = sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:])
xml = JUnitXml.fromfile(path)
suites = [xml] if isinstance(xml, TestSuite) else list(xml)
problems = []
counted = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for suite in suites:
    cases = list(suite)
    mine = {
        "tests": len(cases),
        "failures": sum(any(isinstance(r, Failure) for r in c.result) for c in cases),
        "errors": sum(any(isinstance(r, Error) for r in c.result) for c in cases),
        "skipped": sum(any(isinstance(r, Skipped) for r in c.result) for c in cases),
    }
    for key, value in mine.items():
        stated = getattr(suite, key)
        if stated is not None and int(stated) != value:
            problems.append(f"suite {suite.name!r}: {key}={stated} but it holds {value}")
        counted[key] += value
    for case in cases:
        if not case.name:
            problems.append(f"suite {suite.name!r}: a testcase without a name")
        if case.time is None or case.time < 0:
            problems.append(f"testcase {case.name!r}: no valid time")
for key, value in expected.items():
    if key not in counted:
        problems.append(f"unknown expectation {key}")
    elif counted[key] != int(value):
        problems.append(f"expected {key}={value}, the report has {counted[key]}")
if problems:
    print(f"junit-validate: {path}:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("junit-validate: {}: {} suite(s), {tests} tests, {failures} failures, {errors} errors, "
      "{skipped} skipped".format(path, len(suites), **counted))
EOF
