#!/usr/bin/env bash
# The main job on the embedded default: check the Sichuan standard in Specs/, then validate the bundled sample
# data against it and print the quality report. Exit status: 0 clean, 1 defects found (the sample set includes a
# file with planted defects, so 1 is expected), 2 unreadable input.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --product enforce
enforce=.build/debug/enforce

echo "== The standard =="
$enforce standard lint
echo
echo "== Sample data (Examples/sample-data) =="
status=0
for file in Examples/sample-data/*.csv Examples/sample-data/*.jsonl; do
    [ -e "$file" ] || continue
    entity=$(basename "$file"); entity=${entity%.*}; entity=${entity%_with_defects}
    echo "-- $file ($entity)"
    $enforce validate --entity "$entity" "$file" || status=$?
done
exit "$status"
