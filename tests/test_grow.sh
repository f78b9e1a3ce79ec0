#!/usr/bin/env bash
# test_grow.sh MIMOD_SWEEP MIMOD_SUMMARY — growing a sweep (issue 26 item 2,
# docs/sweep.md "Growing a sweep"): values added to a grid axis extend the
# result file, the old points untouched and the new ones after them.
#   1  a finished 2-seed sweep grown to 3 seeds equals, point for point, the
#      3-seed sweep run at once (h5diff of both task groups, wall_seconds
#      aside: the seed axis comes first, so the grown order is the product's)
#   2  the grown file records its history (sweep_history) and resumes (nothing
#      to run); a leftover <output>.growing of a killed growth is no obstacle
#   3  refused, naming what changed, the clause once: values removed, a value
#      changed (missing and new points named), a fixed key changed
#   4  an interrupted sweep (stopped by a signal, seed the last axis) grown
#      under mpirun: its points keep their places and checkpoints, the new
#      ones come last; every point's finals and time courses equal the
#      at-once run's (the --trials and --timecourse tables, matched by
#      coordinates, since the orders differ)
#   5  the other way to add seeds: the new one run into a file of its own and
#      both files summarised together (mimod-summary a.h5 b.h5) print what the
#      3-seed file prints, summary, figures and claims; files of another sweep
#      and a point in two files are refused by name
set -u
SWEEP=$(realpath "$1")
SUMMARY=$(realpath "$2")
HERE=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
source "$HERE/lib.sh"
mpi_env
workdir test_grow

# sweep FILE OUTPUT SEED_AXIS LAMBDA_AXIS [EXTRA]: a tiny sweep file of both tasks
sweep_file() {
    cat >"$1" <<EOF
output: $2
preset: tiny
tasks: [wm, sep]
${5:-}
grid:
$3
$4
task_grid:
  sep: {lambda_I: [0, 0.005]}
EOF
}
count() { grep -o -- "$1" "$2" | wc -l; }

# ---- 1: a finished sweep grown by a seed
sweep_file two.yaml g.h5 '  seed: {from: 0, to: 1}' '  lambda_I: [0, 0.1]'
sweep_file three.yaml g.h5 '  seed: {from: 0, to: 2}' '  lambda_I: [0, 0.1]'
"$SWEEP" two.yaml >two.log 2>&1; rc=$?
check '[ $rc -eq 0 ]' "2-seed sweep: exit $rc: $(tail -3 two.log)"
"$SWEEP" three.yaml --new-output once.h5 >once.log 2>&1; rc=$?
check '[ $rc -eq 0 ]' "3-seed sweep at once: exit $rc: $(tail -3 once.log)"
cp g.h5 two.h5                 # kept for case 5
echo junk >g.h5.growing        # as a growth killed by SIGKILL leaves it
"$SWEEP" three.yaml >grow.log 2>&1; rc=$?
check '[ $rc -eq 0 ]' "grown to 3 seeds: exit $rc: $(tail -5 grow.log)"
check 'grep -q "g.h5 grows by the values added to its axes: wm: 2 new points (seed=2 lambda_I=0, seed=2 lambda_I=0.1)" grow.log' \
      "the growth names the new points: $(grep grows grow.log)"
check 'grep -q "8 done before, 4 to run" grow.log' "the old points are not run again: $(grep 'done before' grow.log)"
check 'same_data g.h5 once.h5' "the grown file differs from the 3-seed sweep run at once"
check '[ ! -e g.h5.growing ] && [ ! -e g.h5.growing.creating ]' "a .growing file is left"

# ---- 2: its history; it resumes
hist=$(h5dump -a /sweep_history g.h5 2>/dev/null)
check 'grep -q "created, wm points 0-3 sep points 0-3, sweep_hash" <<<"$hist"' "sweep_history lacks the creation: $hist"
check 'grep -q "grown, wm points 4-5 sep points 4-5 (wm: 2 new points" <<<"$hist"' "sweep_history lacks the growth: $hist"
check 'h5dump -a /created g.h5 | grep -q "$(h5dump -a /created once.h5 >/dev/null; h5dump -a /created g.h5 | grep -o "[0-9-]*T[0-9:]*Z")"' \
      "created attribute unreadable"
"$SWEEP" three.yaml >again.log 2>&1; rc=$?
check '[ $rc -eq 0 ] && grep -q "12 done before, 0 to run" again.log' \
      "the grown file does not resume as finished: exit $rc: $(tail -3 again.log)"
check "! grep -q \"grows by\" again.log" "a resume grew the file again"

# ---- 3: other changes refused, each said once
cp g.h5 g_before.h5
"$SWEEP" two.yaml >removed.log 2>&1; rc=$?
check '[ $rc -eq 1 ]' "values removed: exit $rc"
check '[ "$(count "holds another sweep" removed.log)" -eq 1 ]' "values removed: the clause not once: $(cat removed.log)"
check 'grep -q "wm: 2 of the file.s 6 points are not in the sweep (seed=2 lambda_I=0, seed=2 lambda_I=0.1)" removed.log' \
      "values removed: the missing points not named: $(cat removed.log)"
sweep_file changed.yaml g.h5 '  seed: [0, 1, 5]' '  lambda_I: [0, 0.1]'
"$SWEEP" changed.yaml >changed.log 2>&1; rc=$?
check '[ $rc -eq 1 ]' "a value changed: exit $rc"
check 'grep -q "are not in the sweep (seed=2 lambda_I=0, seed=2 lambda_I=0.1)" changed.log && grep -q "wm: 2 of the sweep.s points are new (seed=5 lambda_I=0, seed=5 lambda_I=0.1)" changed.log' \
      "a value changed: missing and new points not named: $(cat changed.log)"
check '[ "$(count "holds another sweep" changed.log)" -eq 1 ]' "a value changed: the clause not once"
sweep_file fixed.yaml g.h5 '  seed: {from: 0, to: 3}' '  lambda_I: [0, 0.1]' 'overrides: {lambda_reg: 0.001}'
"$SWEEP" fixed.yaml >fixed.log 2>&1; rc=$?
check '[ $rc -eq 1 ]' "a fixed key changed (and a seed added): exit $rc"
check 'grep -q "wm: lambda_reg: 0.02 in the file, lambda_reg: 0.001 in the sweep" fixed.log' \
      "a fixed key changed: not named: $(cat fixed.log)"
check '[ "$(count "holds another sweep" fixed.log)" -eq 1 ] && ! grep -q "g.h5 grows by" fixed.log' \
      "a fixed key changed: the clause not once, or grown: $(cat fixed.log)"
check 'h5diff -q g.h5 g_before.h5 >/dev/null 2>&1' "a refused rerun changed the file"

# ---- 4: an interrupted sweep, seed the last axis, grown under mpirun
sweep_file ltwo.yaml l.h5 '  lambda_I: [0, 0.1]' '  seed: {from: 0, to: 1}'
sweep_file lthree.yaml l.h5 '  lambda_I: [0, 0.1]' '  seed: {from: 0, to: 2}'
"$SWEEP" lthree.yaml --new-output lonce.h5 >lonce.log 2>&1; rc=$?
check '[ $rc -eq 0 ]' "3-seed sweep (seed last) at once: exit $rc"
"$SWEEP" ltwo.yaml >lstop.log 2>&1 &
spid=$!
pids+=("$spid")
# stop it once a point is done (then a checkpoint or two are left for the growth)
wait_for '"$SUMMARY" l.h5 --status 2>/dev/null | grep -qE "^ +[0-9]+ +done"' 120
kill -USR1 "$spid" 2>/dev/null
wait "$spid"; rc=$?
check '[ $rc -eq 3 ] || [ $rc -eq 0 ]' "the stopped sweep: exit $rc: $(tail -3 lstop.log)"
[ $rc -eq 3 ] || echo "note: the sweep ended before the signal; case 4 grows a finished file"
mpirun --oversubscribe -n 3 "$SWEEP" lthree.yaml >lgrow.log 2>&1; rc=$?
check '[ $rc -eq 0 ]' "grown under mpirun: exit $rc: $(tail -5 lgrow.log)"
check 'grep -q "wm: 2 new points (lambda_I=0 seed=2, lambda_I=0.1 seed=2)" lgrow.log' \
      "the new points (seed last) not named: $(grep grows lgrow.log)"
# the new points come last: the file's coordinates are the old order, then seed 2
coords=$(h5dump -d /wm/coords/seed -y l.h5 2>/dev/null | tr -d ' \n' | grep -o 'DATA{[^}]*}')
check '[ "$coords" = "DATA{0,1,0,1,2,2}" ]' "grown order of /wm/coords/seed: $coords"
for kind in --trials --timecourse; do
    # the same rows, whatever their point numbers (column 2); --trials' column 8 is wall_seconds
    cols=1,3-; [ $kind = --trials ] && cols=1,3-7,9-
    "$SUMMARY" l.h5 $kind | cut -d, -f$cols | sort >grown$kind.csv
    "$SUMMARY" lonce.h5 $kind | cut -d, -f$cols | sort >once$kind.csv
    check 'cmp -s grown$kind.csv once$kind.csv && [ -s grown$kind.csv ]' \
          "$kind: the grown file's rows differ from the at-once run's: $(diff grown$kind.csv once$kind.csv | head -5)"
done
check '[ ! -d l.h5.ckpt ] || [ -z "$(ls l.h5.ckpt)" ]' "checkpoints left after the grown sweep finished: $(ls l.h5.ckpt 2>/dev/null)"

# ---- 5: two files of one sweep summarised together
sweep_file seed2.yaml s2.h5 '  seed: [2]' '  lambda_I: [0, 0.1]'
"$SWEEP" seed2.yaml >s2.log 2>&1; rc=$?
check '[ $rc -eq 0 ]' "seed 2 alone: exit $rc"
"$SUMMARY" two.h5 s2.h5 --figures f2 >both.txt 2>&1; rc=$?
"$SUMMARY" once.h5 --figures f1 >one.txt 2>&1
check '[ $rc -eq 0 ] && head -1 both.txt | grep -q "mimod summary: two.h5 + s2.h5"' "two files: exit $rc: $(head -3 both.txt)"
check 'diff <(tail -n +2 both.txt | sed "s/f2/F/g") <(tail -n +2 one.txt | sed "s/f1/F/g") >/dev/null' \
      "two files' summary differs from the 3-seed file's: $(diff <(tail -n +2 both.txt) <(tail -n +2 one.txt) | head -5)"
nf=0; nd=0
for f in f1/*.svg; do nf=$((nf + 1)); cmp -s "$f" "f2/$(basename "$f")" || nd=$((nd + 1)); done
check '[ $nf -gt 10 ] && [ $nd -eq 0 ]' "figures of two files: $nd of $nf differ from the 3-seed file's"
claims=$(realpath "$HERE/../sweeps/paper_claims.yaml")
"$SUMMARY" two.h5 s2.h5 --claims "$claims" 2>&1 | tail -n +2 >c2.txt
"$SUMMARY" once.h5 --claims "$claims" 2>&1 | tail -n +2 >c1.txt
check 'cmp -s c1.txt c2.txt && [ -s c1.txt ]' "claims of two files differ: $(diff c1.txt c2.txt | head -5)"
"$SUMMARY" two.h5 once.h5 >dup.txt 2>&1; rc=$?
check '[ $rc -eq 1 ] && grep -q "the point seed=0 lambda_I=0 is in two.h5 (point 0) and in once.h5 (point 0)" dup.txt' \
      "a point in two files: exit $rc: $(cat dup.txt)"
sweep_file other.yaml o.h5 '  seed: [7]' '  lambda_I: [0, 0.1]' 'overrides: {lambda_reg: 0.001}'
"$SWEEP" other.yaml >o.log 2>&1
"$SUMMARY" two.h5 o.h5 >other.txt 2>&1; rc=$?
check '[ $rc -eq 1 ] && grep -q "two.h5 and o.h5 are not files of one sweep: wm: lambda_reg: 0.02 in two.h5, lambda_reg: 0.001 in o.h5" other.txt' \
      "files of another sweep: exit $rc: $(cat other.txt)"
"$SUMMARY" two.h5 s2.h5 --status >st.txt 2>&1; rc=$?
check '[ $rc -eq 2 ]' "--status of two files: exit $rc (a usage error)"

report test_grow
