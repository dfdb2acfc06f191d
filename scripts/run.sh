#!/usr/bin/env bash
# The main job on the embedded default: check the Sichuan standard in Specs/, validate the bundled sample data
# set against it (all entities together, so references between them are checked) with its quality report, then
# show the validator finding the planted defects of Examples/sample-data/regulated_entity_with_defects.csv.
# Exit status 0 when the standard lints clean, the sample set is valid and every planted defect is found.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --product enforce
enforce=.build/debug/enforce
data=Examples/sample-data

echo "== 1. The standard (Specs/sichuan-enforcement/1.0) =="
$enforce standard lint

echo
echo "== 2. The sample data set ($data), all entities together =="
inputs=()
for file in "$data"/*.csv "$data"/*.jsonl; do
    [ -e "$file" ] || continue
    case "$file" in *_with_defects.*) continue ;; esac
    entity=$(basename "$file"); entity=${entity%.*}
    inputs+=("$entity=$file")
done
$enforce validate --as-of 2026-11-29 "${inputs[@]}"

echo
echo "== 3. A file with planted defects ($data/regulated_entity_with_defects.csv; see $data/README.md) =="
set +e
$enforce validate --as-of 2026-11-29 --entity regulated_entity "$data/regulated_entity_with_defects.csv"
status=$?
set -e
if [ "$status" -ne 1 ]; then
    echo "run.sh: expected the planted defects to be found (exit 1), got exit $status" >&2
    exit 1
fi
echo
echo "run.sh: standard clean, sample data valid, planted defects found."
