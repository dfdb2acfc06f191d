#!/usr/bin/env bash
# The main job on the embedded default (SQLite): check the Sichuan standard in Specs/, validate the bundled
# sample data set against it (all entities together, so references between them are checked), show the
# validator finding the planted defects of Examples/sample-data/regulated_entity_with_defects.csv; then run the
# data-quality centre: import the sample set and the defects file into a city store (data/city.sqlite), report
# the city's changes up to the province (data/province.sqlite) as exchange batches, and write the quality
# inspection reports (data/quality-report-*.html).
# Exit status 0 when every step gave the result it must.
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
echo "== 4. The data-quality centre: import into a city store (data/city.sqlite) =="
rm -rf data/city.sqlite* data/province.sqlite* data/batches
$enforce store init --store data/city.sqlite
$enforce import --store data/city.sqlite --as-of 2026-11-29 "${inputs[@]}"
set +e
$enforce import --store data/city.sqlite --as-of 2026-11-29 --entity regulated_entity \
    "$data/regulated_entity_with_defects.csv"
status=$?
set -e
if [ "$status" -ne 1 ]; then
    echo "run.sh: expected the defective records to be quarantined (exit 1), got exit $status" >&2
    exit 1
fi
$enforce tickets list --store data/city.sqlite --status open

echo
echo "== 5. Chengdu (510100) reports up to the province (data/province.sqlite) =="
# The province keeps the register of enforcement agencies (the cities' agencies name the provincial corps as
# their parent): it is imported there first, so that the references of the city's batches resolve.
$enforce import --store data/province.sqlite --as-of 2026-11-29 --quiet "agency=$data/agency.csv"
$enforce export --store data/city.sqlite --since 0 --direction up --division 510100 --out data/batches
$enforce batch apply --store data/province.sqlite --as-of 2026-11-29 data/batches/*.jsonl | grep -v "^  record"
$enforce store status --store data/province.sqlite

echo
echo "== 6. Quality inspection reports (数据质量检验报告) =="
$enforce quality-report --store data/city.sqlite --division 510000 --as-of 2026-11-29 \
    --format html --out data/quality-report-510000.html
$enforce quality-report --store data/city.sqlite --division 510100 --as-of 2026-11-29 \
    --format html --out data/quality-report-510100.html
$enforce quality-report --store data/city.sqlite --division 510000 --as-of 2026-11-29 --format markdown \
    --out data/quality-report-510000.md
sed -n '1,40p' data/quality-report-510000.md

echo
echo "== 7. The early-warning brain: HJ 212 packets, device ingest, rules, clues =="
$enforce hj212 decode Examples/hj212/packets.txt
set +e
$enforce hj212 decode Examples/hj212/malformed.txt
status=$?
set -e
if [ "$status" -ne 1 ]; then
    echo "run.sh: expected the malformed packets to be reported (exit 1), got exit $status" >&2
    exit 1
fi
# The ingest on a free port; the example packets sent over TCP as a device would; stopped with SIGTERM.
$enforce ingest serve --host 127.0.0.1 --port 0 --store data/city.sqlite 2> data/ingest.log &
ingest=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening for HJ 212 devices on 127.0.0.1:\([0-9]*\) .*/\1/p' data/ingest.log)
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    kill "$ingest" 2>/dev/null || true
    echo "run.sh: the ingest did not start: $(cat data/ingest.log)" >&2
    exit 1
fi
exec 3<>"/dev/tcp/127.0.0.1/$port"
cat Examples/hj212/packets.txt >&3
expected=$(grep -c 'Flag=[157];' Examples/hj212/packets.txt || true)
for _ in $(seq 1 "$expected"); do
    IFS= read -r -t 10 answer <&3 && echo "  answer: ${answer%$'\r'}"
done
exec 3<&-
kill -TERM "$ingest"
wait "$ingest"
$enforce rules test --replay Examples/monitoring/day.csv --points Examples/monitoring/points.yaml
$enforce clues merge Examples/clues/clues-hotlines.csv Examples/clues/clues-systems.jsonl \
    --out data/clues-merged.jsonl | head -40
# The one store of clues: the merged clues are records of the standard's clue entity in the city's store.
$enforce import --store data/city.sqlite --as-of 2026-11-29 "clue=data/clues-merged.jsonl"

echo
echo "run.sh: standard clean, sample data valid, planted defects found, data imported, reported up, reports"
echo "written, packets decoded and ingested, warnings raised, clues merged and stored."
