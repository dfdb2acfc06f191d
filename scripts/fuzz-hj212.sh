#!/usr/bin/env bash
# Fuzzes the HJ 212 codec with libFuzzer: scripts/fuzz-hj212.sh [RUNS] (default 10000000).
#
# Compiles Sources/HJ212/*.swift with Fuzz/HJ212/FuzzEntry.swift (swiftc -sanitize=fuzzer, optimized, with the
# debug assertions kept: every access through a buffer pointer is bounds-checked and traps, as does any overflow),
# seeds a corpus with the test packets, and runs RUNS inputs. HJ212_FUZZ_ASAN=1 adds AddressSanitizer (about three
# times slower). Work files go to .build-fuzz-hj212/ (or $HJ212_FUZZ_DIR); a crash leaves its input there as
# crash-* and the script fails. Extra arguments after RUNS go to libFuzzer (for example -jobs=2 -workers=2: two
# processes of RUNS inputs each, or -max_total_time=600).
set -euo pipefail

RUNS="${1:-10000000}"
shift || true
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${HJ212_FUZZ_DIR:-$ROOT/.build-fuzz-hj212}"
mkdir -p "$WORK/corpus"

# Seed corpus: every test packet as a frame, plus a few streams of several frames.
index=0
for file in "$ROOT"/Tests/HJ212Tests/Packets/*.txt; do
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ -z "$line" ]] && continue
        index=$((index + 1))
        printf '%s\r\n' "$line" > "$WORK/corpus/seed-$index"
    done < "$file"
    index=$((index + 1))
    awk '{ printf "%s\r\n", $0 }' "$file" | head -c 6000 > "$WORK/corpus/seed-stream-$index"
done

SANITIZERS=fuzzer
LINKER=()
if [[ "${HJ212_FUZZ_ASAN:-0}" == 1 ]]; then
    SANITIZERS=fuzzer,address
    # Linked with lld: the toolchain's default gold linker prints warnings about ASan's local symbols.
    if command -v ld.lld > /dev/null 2>&1; then LINKER=(-use-ld=lld); fi
fi
echo "compiling the fuzzer (-sanitize=$SANITIZERS)…" >&2
swiftc -sanitize="$SANITIZERS" -parse-as-library -O -wmo -assert-config Debug -module-name HJ212 "${LINKER[@]}" \
    "$ROOT"/Sources/HJ212/*.swift "$ROOT"/Fuzz/HJ212/FuzzEntry.swift -o "$WORK/hj212-fuzz"

cd "$WORK"
# With ASan, allocation stacks are not recorded (a crash report still has the access's stack): a quarter of the
# time otherwise.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0}"
echo "running $RUNS inputs…" >&2
./hj212-fuzz -runs="$RUNS" -max_len=12000 -rss_limit_mb=4096 -print_final_stats=1 "$@" corpus
