#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, a warnings-as-errors build, the format check, every test,
# and a check that the standard in Specs/ lints clean. Exit status 0 only when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

swift build --build-tests -Xswiftc -warnings-as-errors
swift format lint --strict --recursive Sources Tests Package.swift

log=$(mktemp)
# The persistence tests need a PostgreSQL server: a throwaway cluster, stopped and deleted on exit.
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/enforce-pg.XXXXXX")
trap 'rm -f "$log"; scripts/pg-test-server.sh stop "$pgdir" || true' EXIT
url=$(scripts/pg-test-server.sh start "$pgdir") || { echo "test.sh: the PostgreSQL test server did not start" >&2; exit 1; }
export ENFORCE_TEST_POSTGRES_URL=$url
swift test --skip-build 2>&1 | tee "$log"
# A passing run says so; a run that skipped tests is not a pass (no suite may silently skip).
grep -q "Test run with .* passed" "$log" || { echo "test.sh: the test run did not pass" >&2; exit 1; }
if grep -qE "Test .*skipped|✘" "$log"; then
    echo "test.sh: tests were skipped or failed" >&2
    exit 1
fi

.build/debug/enforce standard lint
echo "test.sh: all checks passed"
