#!/bin/bash
# Builds mimod twice — float (the product) and double (for the finite-difference
# gradient checks) — and runs every test in both builds. Prints one closing line
# "tests: N passed, N failed" over both builds. Exit status non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
passed=0; failed=0; status=0
for variant in float double; do
    dir=build-test-$variant
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" -Dscalar=$variant >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; exit 1; }
    fi
    ninja -C "$dir" >"$dir.build.log" 2>&1 || { cat "$dir.build.log"; exit 1; }
    # the end-to-end 'system' tests (MPI, kill -9, SLURM) run once, in the float build
    suites=""
    [ $variant = double ] && suites="--no-suite system"
    meson test -C "$dir" $suites --print-errorlogs --num-processes 2 2>&1 | tee "$dir.test.log" | grep -vE '^\s*$' | sed -n '/^ *[0-9]*\/[0-9]* /p;/Ok:/,/Timeout:/p'
    rc=${PIPESTATUS[0]}
    ok=$(awk '/^Ok:/{print $2}' "$dir.test.log"); ok=${ok:-0}
    sk=$(awk '/^Skipped:/{print $2}' "$dir.test.log"); sk=${sk:-0}
    bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/{s+=$NF} END{print s+0}' "$dir.test.log")
    passed=$((passed + ok)); failed=$((failed + bad))
    if [ "$rc" -ne 0 ]; then
        status=1
        # the summary above hides the output: show the end of each failed test's, so a CI log says why
        python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("result") in ("OK", "SKIP", "EXPECTEDFAIL"):
        continue
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    print("---- %s: %s (exit %s), last 40 lines of its output:" % (t["name"], t["result"], t.get("returncode")))
    print("\n".join(out.rstrip().splitlines()[-40:]))
PY
    fi
    echo "[$variant build] $ok passed, $bad failed, $sk skipped (skipped = needs the other scalar type)"
done
echo "tests: $passed passed, $failed failed"
exit $status
