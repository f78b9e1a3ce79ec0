#!/usr/bin/env bash
# test_install.sh SOURCE_ROOT — `meson install` to a temporary prefix (a build
# of its own, configured with that prefix), then, from another directory, the
# installed programs run the installed tiny sweep, its summary and the paper's
# claims by their relative names (sweeps/tiny.yaml, sweeps/paper_claims.yaml:
# found under <prefix>/share/mimod; --claims with no file is the latter), and
# every program answers --version; mimod-sweep takes --set and its lines reach
# a log file at once (line-buffered stdout).
set -u
ROOT=$(realpath "$1")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/test_install.XXXXXX")
trap 'rm -rf "$W"' EXIT
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
P=$W/prefix
B=$W/build
meson setup "$B" "$ROOT" --prefix="$P" -Dscalar=float >"$W/setup.log" 2>&1 || { cat "$W/setup.log"; bad "meson setup"; report test_install; exit 1; }
# the installed programs only (meson install --no-rebuild: the tests' programs are not built)
ninja -C "$B" src/cli/mimod-train src/cli/mimod-sweep src/cli/mimod-bench src/summary/mimod-summary \
    >"$W/build.log" 2>&1 || { tail -20 "$W/build.log"; bad "build"; report test_install; exit 1; }
meson install -C "$B" --no-rebuild >"$W/install.log" 2>&1
rc=$?
check '[ $rc -eq 0 ]' "meson install: $(tail -5 "$W/install.log")"
for f in bin/mimod-train bin/mimod-sweep bin/mimod-summary bin/mimod-bench share/mimod/sweeps/tiny.yaml \
         share/mimod/sweeps/paper_claims.yaml share/mimod/sweeps/calibration/l2_check_3100.yaml \
         share/mimod/jobs/sweep.sbatch share/mimod/jobs/paper_wm.sbatch share/mimod/docs/hdf5-layout.md \
         share/mimod/docs/figures/quick_wm_modularity.png share/mimod/python/mimod_results.py share/mimod/README.md; do
    check '[ -f "$P/$f" ]' "not installed: $f"
done
check '[ -x "$P/share/mimod/jobs/sweep.sbatch" ]' "jobs/sweep.sbatch installed without its x bit"
commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
for p in mimod-train mimod-sweep mimod-summary mimod-bench; do
    v=$("$P/bin/$p" --version 2>&1)
    check '[[ "$v" == "$p: mimod "*" (git ${commit:0:12}), float build" ]]' "$p --version: '$v' (expected git ${commit:0:12})"
done

# from a directory without sweeps/: the relative names are the installed files
# (the installed copy is looked up before the source tree the build came from)
mkdir -p "$W/elsewhere" && cd "$W/elsewhere" || exit 1
"$P/bin/mimod-sweep" sweeps/tiny.yaml >run.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "using $P/share/mimod/sweeps/tiny.yaml" run.log && [ -f tiny.h5 ]' \
    "the installed mimod-sweep on the installed sweeps/tiny.yaml: exit $rc: $(head -3 run.log; tail -2 run.log)"
check 'grep -q "8/8 done, 0 failed" run.log' "the installed tiny sweep did not finish its 8 points: $(tail -2 run.log)"
"$P/bin/mimod-summary" tiny.h5 >sum.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "Task wm (preset tiny): 4 points — 4 finished" sum.log && grep -q "Task sep (preset tiny): 4 points — 4 finished" sum.log' \
    "the installed mimod-summary: exit $rc: $(head -5 sum.log)"
"$P/bin/mimod-summary" tiny.h5 --claims sweeps/paper_claims.yaml --task wm >claims.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "using $P/share/mimod/sweeps/paper_claims.yaml" claims.log && grep -q "^claims: " claims.log' \
    "--claims sweeps/paper_claims.yaml from another directory: $(head -3 claims.log; tail -2 claims.log)"
# --claims without a file: the paper's, the installed copy
"$P/bin/mimod-summary" tiny.h5 --claims --task wm >claims0.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "using $P/share/mimod/sweeps/paper_claims.yaml" claims0.log && cmp -s claims.log claims0.log' \
    "--claims with no file: exit $rc, $(diff claims.log claims0.log | head -5)"
"$P/bin/mimod-summary" tiny.h5 --claims no/such.yaml >nope.log 2>&1
rc=$?
check '[ $rc -ne 0 ] && grep -q "no/such.yaml" nope.log' "a missing claims file is not named: $(cat nope.log)"

# --set on the installed mimod-sweep, and its lines reach a log file at once:
# the start lines are in the file while the first trial (~50 s) still runs,
# long before the heartbeat or a finished trial would flush them; then USR1
# checkpoints it (exit 3)
"$P/bin/mimod-sweep" sweeps/tiny.yaml --set n_mm_steps=20000 --set record_every=20000 --new-output long.h5 \
    --heartbeat 600 >long.log 2>&1 &
pid=$!
wait_for 'grep -q "a heartbeat every 0:10:00" long.log' 30
check 'grep -q "a heartbeat every 0:10:00" long.log && ! grep -q "done," long.log' \
    "mimod-sweep's start lines not in its log while the first trial runs: $(cat long.log)"
kill -USR1 "$pid" 2>/dev/null
wait "$pid"
rc=$?
check '[ $rc -eq 3 ] && h5dump -a sweep_yaml long.h5 2>/dev/null | grep -q -- "# --set n_mm_steps=20000"' \
    "the --set sweep: exit $rc (expected 3 after USR1), or its sweep_yaml lacks the --set: $(tail -3 long.log)"
report test_install
