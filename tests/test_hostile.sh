#!/usr/bin/env bash
# test_hostile.sh SWEEP TRAIN SUMMARY BENCH SOURCE_ROOT — the hostile cases of
# issue 25 that need no mount (the file-system ones are test_hostile_fs.sh),
# each a real run of the programs; "case N" is the issue's numbering.
#   1, 2, 15  one lock for every writer: mimod-train and mimod-sweep on one
#             output, two mimod-train on one output (two real processes each);
#             mimod-train whose lock is taken over renames nothing
#   3         a checkpoint that cannot be written (its directory is a file):
#             a warning, the trials go on, the data are an undisturbed run's
#   6         the result file deleted while a sweep runs: noticed, written back
#   7, 11     tools/compare_sweeps.py: other configurations, bad and live files
#   8, 22     mimod-summary options refused: a NaN threshold, --status --claims
#   9         SIGHUP to a one-process sweep (and mimod-train): a clean stop
#   12        mimod-summary on a missing, empty, non-HDF5, truncated file, a directory
#   13        --status of a killed sweep: "not running (last seen …)"; its exit status
#   14        a checkpoint with flipped bits is corrupt, not another configuration
#   16, 17    out-of-range numbers: n_groups, mimod-bench --threads
#   18, 19    a missing output directory (--dry-run too), a --log-dir that is a file
#   20, 21    a sweep file given to mimod-train; OPENBLAS_CORETYPE=Bogus
#   Also      jobs/*.sbatch: after a TERM whose launcher returns 1, the file's
#             --status decides the requeue (a fake srun and scontrol)
set -u
SWEEP=$(realpath "$1")
TRAIN=$(realpath "$2")
SUMMARY=$(realpath "$3")
BENCH=$(realpath "$4")
ROOT=$(realpath "$5")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
mpi_env
# a second writer is refused at once: with a wait, a fast machine ended the
# holder (a tiny sweep of 1–2 s) within it, and mimod-train --force then took the file
export MIMOD_LOCK_WAIT=0
workdir test_hostile

# interrupt SIGNAL 'CONDITION' LOG CMD...: run CMD in the background (output
# in LOG), send it SIGNAL 0.3 s after CONDITION holds, wait; rc = its exit status
interrupt() {
    local sig=$1 cond=$2 log=$3
    shift 3
    "$@" >"$log" 2>&1 &
    local p=$!
    pids+=($p)
    wait_for "$cond" || bad "never true: $cond: $(cat "$log")"
    sleep 0.3
    kill -"$sig" $p
    wait $p
    rc=$?
}
# statuses FILE: the /wm/status values, "2 2 2" (h5dump without HDF5's lock:
# the file may be open in a writer)
statuses() { HDF5_USE_FILE_LOCKING=FALSE h5dump -d /wm/status "$1" 2>/dev/null | sed -n '/DATA {/,/}/p' | grep -o '([0-9]*): .*' | sed 's/([0-9]*): //; s/,//g' | tr '\n' ' ' | sed 's/ *$//'; }

# three tiny WM trials of a second or two each, checkpointing every ~0.1 s
cat >s.yaml <<'EOF'
output: s.h5
preset: tiny
tasks: [wm]
overrides: {n_mm_steps: 1500, checkpoint_minutes: 0.002}
grid:
  seed: [0, 1, 2]
EOF
"$SWEEP" s.yaml --new-output ref.h5 >ref.log 2>&1 || bad "reference sweep: $(tail -3 ref.log)"
TRIAL=(--set preset=tiny --set n_mm_steps=3000 -q)

# ---- case 1: mimod-train --force on the output of a running sweep is refused
"$SWEEP" s.yaml --new-output one.h5 >c1s.log 2>&1 &
sp=$!; pids+=($sp)
wait_for '[ -e one.h5 ] && grep -q "grid points" c1s.log' || bad "case 1: the sweep did not start: $(cat c1s.log)"
"$TRAIN" --set preset=tiny --set n_mm_steps=20 -q --force -o one.h5 >c1t.log 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "one.h5 is in use by another run: mimod-sweep pid $sp" c1t.log' \
    "case 1: mimod-train --force on a sweep's output: exit $rc, expected 1 'in use': $(cat c1t.log)"
wait $sp
rc=$?
check '[ $rc -eq 0 ] && [ "$(statuses one.h5)" = "2 2 2" ]' \
    "case 1: the sweep's results: exit $rc, statuses '$(statuses one.h5)', expected 2 2 2"
check 'same_data ref.h5 one.h5 wm' "case 1: the sweep's data differ from an undisturbed run's"

# ---- case 2: a sweep on the output of a running mimod-train is refused; and
# --status on mimod-train's <output>.writing sees it running (its lock)
"$TRAIN" "${TRIAL[@]}" -o two.h5 >c2t.log 2>&1 &
tp=$!; pids+=($tp)
# its first record is in the file (so --status can read it, below)
wait_for 'HDF5_USE_FILE_LOCKING=FALSE h5dump -d /wm/records_done two.h5.writing 2>/dev/null | grep -qE "\(0\): [1-9]"' \
    || bad "case 2: mimod-train made no two.h5.writing"
"$SUMMARY" two.h5.writing --status >c2st.log 2>&1
rc=$?
check '[ $rc -eq 4 ] && grep -q "run: mimod-train pid $tp .* is writing it" c2st.log' \
    "case 2/13: --status of mimod-train's file being written: exit $rc, expected 4: $(head -3 c2st.log)"
"$SWEEP" s.yaml --new-output two.h5 >c2s.log 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "two.h5 is in use by another run: mimod-train pid $tp" c2s.log' \
    "case 2: a sweep on mimod-train's output: exit $rc, expected 1 'in use': $(tail -3 c2s.log)"
wait $tp
rc=$?
check '[ $rc -eq 0 ] && [ "$(statuses two.h5)" = "2" ] && [ ! -e two.h5.writing ] && [ ! -e two.h5.lock ]' \
    "case 2: mimod-train's result: exit $rc, statuses '$(statuses two.h5)', left: $(ls two.h5.* 2>/dev/null)"

# ---- case 15: two mimod-train on one output: the second is refused by name
"$TRAIN" "${TRIAL[@]}" -o fifteen.h5 >c15a.log 2>&1 &
tp=$!; pids+=($tp)
wait_for '[ -e fifteen.h5.writing ]' || bad "case 15: mimod-train made no fifteen.h5.writing"
"$TRAIN" "${TRIAL[@]}" -o fifteen.h5 >c15b.log 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "fifteen.h5 is in use by another run: mimod-train pid $tp" c15b.log' \
    "case 15: a second mimod-train on one output: exit $rc, expected 1 'in use': $(cat c15b.log)"
wait $tp
rc=$?
check '[ $rc -eq 0 ] && [ "$(statuses fifteen.h5)" = "2" ]' "case 15: the first mimod-train: exit $rc: $(cat c15a.log)"

# ... and mimod-train renames only while it holds its locks: another run takes
# them over (as another host's run does once the lease lapsed; here the lock
# file is rewritten to name it): the trial stops, exit 1, replacing nothing
MIMOD_LOCK_LEASE=1 "$TRAIN" "${TRIAL[@]}" -o taken.h5 >c15c.log 2>&1 &
tp=$!; pids+=($tp)
wait_for '[ -e taken.h5.writing ] && [ -s taken.h5.lock ]' || bad "case 15: mimod-train did not start"
echo "mimod-train lock pid=1 host=elsewhere boot=x start=5 since=2026-01-01T00:00:00Z" >taken.h5.lock
wait $tp
rc=$?
check '[ $rc -eq 1 ] && [ ! -e taken.h5 ] && grep -q "the lock of the output was taken over" c15c.log' \
    "case 15: mimod-train whose lock was taken over: exit $rc, expected 1 and no taken.h5: $(cat c15c.log)"

# ---- case 13: --status of a running, a killed, a finished sweep (and its exit status)
"$SWEEP" s.yaml --new-output thirteen.h5 >c13.log 2>&1 &
sp=$!; pids+=($sp)
wait_for 'grep -q "^\[1/" c13.log' || bad "case 13: no point finished: $(cat c13.log)"
# held still until the kill below: the checks in between (a Python start among
# them) took long enough on a loaded machine for the sweep to finish first, and
# then there was no killed sweep to look at. A stopped process is alive and
# holds the file's lock, as a running one does.
kill -STOP $sp
"$SUMMARY" thirteen.h5 --status >c13a.txt 2>&1
rc=$?
check '[ $rc -eq 4 ] && grep -q "run: mimod-sweep pid $sp .* is writing it" c13a.txt' \
    "case 13: --status of a running sweep: exit $rc, expected 4: $(head -3 c13a.txt)"
# ---- case 11 (live): compare_sweeps.py on the file a one-process sweep writes (HDF5 lock held)
if /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null; then
    /usr/bin/python3 "$ROOT/tools/compare_sweeps.py" ref.h5 thirteen.h5 --task wm >c11live.txt 2>&1
    rc=$?
    check '[ $rc -eq 0 ] && grep -q "points finished in both" c11live.txt && ! grep -q Traceback c11live.txt' \
        "case 11: compare_sweeps.py on a file being written: exit $rc: $(tail -2 c11live.txt)"
fi
kill -9 $sp
wait $sp 2>/dev/null
"$SUMMARY" thirteen.h5 --status >c13b.txt 2>&1
rc=$?
check '[ $rc -eq 3 ] && grep -q "run: not running (last seen .*mimod-sweep pid $sp" c13b.txt' \
    "case 13: --status of a killed sweep: exit $rc, expected 3 and 'not running (last seen': $(head -3 c13b.txt)"
check 'grep -qE "^ +[0-9]+  stopped " c13b.txt && ! grep -qE "^ +[0-9]+  running " c13b.txt' \
    "case 13: the killed sweep's points still shown as running: $(cat c13b.txt)"
"$SWEEP" s.yaml --new-output thirteen.h5 >c13c.log 2>&1 || bad "case 13: resuming: $(tail -3 c13c.log)"
"$SUMMARY" thirteen.h5 --status >c13d.txt 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "run: not running (no run holds" c13d.txt' \
    "case 13: --status of a finished sweep: exit $rc, expected 0: $(head -3 c13d.txt)"
check 'same_data ref.h5 thirteen.h5 wm' "case 13: the resumed sweep's data differ from an undisturbed run's"
# a point that diverges: the sweep exits 2, --status 5
printf 'output: div.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 20, mm_clipnorm: 0}\ngrid:\n  mm_lr: [0.001, 1e300]\n' >div.yaml
"$SWEEP" div.yaml >div.log 2>&1
rc=$?
"$SUMMARY" div.h5 --status >div.txt 2>&1
st=$?
check '[ $rc -eq 2 ] && [ $st -eq 5 ]' "case 13: a sweep with a failed point: sweep exit $rc (2), --status exit $st (5)"

# ---- case 6: the result file deleted while a sweep runs
"$SWEEP" s.yaml --new-output six.h5 >c6.log 2>&1 &
sp=$!; pids+=($sp)
wait_for 'grep -q "^\[1/" c6.log' || bad "case 6: no point finished: $(cat c6.log)"
rm six.h5
wait $sp
rc=$?
check '[ $rc -eq 1 ] && grep -q "six.h5 was deleted while the sweep ran" c6.log' \
    "case 6: deleting the result file is noticed: exit $rc, expected 1: $(tail -4 c6.log)"
check '[ -e six.h5 ] && [ "$(statuses six.h5 | cut -d" " -f1)" = 2 ]' \
    "case 6: the results written before are not back in six.h5: $(ls six.h5* 2>&1)"
"$SWEEP" s.yaml --new-output six.h5 >c6b.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && same_data ref.h5 six.h5 wm' "case 6: resuming the written-back file: exit $rc, or other data"

# ---- case 9: SIGHUP stops a one-process sweep cleanly (checkpoint, exit 3), and mimod-train --checkpoint
# (env --default-signal: the suite itself may run under nohup, whose ignored
# SIGHUP the programs keep on purpose; that case is checked after these)
interrupt HUP 'grep -q "^\[1/" c9.log' c9.log env --default-signal=HUP "$SWEEP" s.yaml --new-output nine.h5
check '[ $rc -eq 3 ] && grep -q "stopped, will resume from its checkpoint" c9.log' \
    "case 9: SIGHUP to a one-process sweep: exit $rc, expected 3: $(tail -3 c9.log)"
"$SWEEP" s.yaml --new-output nine.h5 >c9b.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && same_data ref.h5 nine.h5 wm' "case 9: resumed after SIGHUP: exit $rc, or other data"
check 'grep -q "to run (1 of them from checkpoints)" c9b.log' "case 9: the resume does not say it continues from a checkpoint: $(head -2 c9b.log)"
interrupt HUP '[ -e nine-t.h5.writing ]' c9t.log env --default-signal=HUP "$TRAIN" "${TRIAL[@]}" -o nine-t.h5 --checkpoint nine-t.ckpt
check '[ $rc -eq 3 ] && [ -e nine-t.ckpt ]' "case 9: SIGHUP to mimod-train --checkpoint: exit $rc, expected 3: $(cat c9t.log)"
# started under nohup (SIGHUP ignored), a sweep ignores SIGHUP as asked and finishes
interrupt HUP 'grep -q "^\[1/" c9n.log' c9n.log env --ignore-signal=HUP "$SWEEP" s.yaml --new-output nine-n.h5
check '[ $rc -eq 0 ] && same_data ref.h5 nine-n.h5 wm' "case 9: SIGHUP to a sweep started under nohup: exit $rc, expected 0 (ignored): $(tail -3 c9n.log)"

# ---- case 3: the checkpoint directory's name is taken by a file: checkpoints
# fail; a warning, the trials go on, the data are those of an undisturbed run
: >three.h5.ckpt
"$SWEEP" s.yaml --new-output three.h5 >c3.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "warning: cannot save the checkpoint" c3.log' \
    "case 3: checkpoints that cannot be written: exit $rc, expected 0 with a warning: $(tail -4 c3.log)"
check 'same_data ref.h5 three.h5 wm' "case 3: the data differ from an undisturbed run's"

# ---- case 14: a checkpoint with flipped bits is corrupt, not another configuration
interrupt USR1 '[ -e ft.h5.writing ]' c14a.log "$TRAIN" "${TRIAL[@]}" -o ft.h5 --checkpoint ft.ckpt
check '[ -s ft.ckpt ]' "case 14: no checkpoint saved: $(cat c14a.log)"
for off in 40 $(( $(stat -c %s ft.ckpt) / 2 )); do
    cp ft.ckpt flip.ckpt
    byte=$(od -An -tu1 -j "$off" -N1 flip.ckpt | tr -d ' ')
    printf "$(printf '\\%03o' $(( byte ^ 4 )))" | dd of=flip.ckpt bs=1 seek="$off" conv=notrunc 2>/dev/null
    "$TRAIN" "${TRIAL[@]}" -o flip.h5 --checkpoint flip.ckpt >c14b.log 2>&1
    rc=$?
    check '[ $rc -eq 1 ] && grep -q "corrupt" c14b.log && ! grep -q "different configuration" c14b.log' \
        "case 14: a bit flipped at byte $off: exit $rc: $(cat c14b.log)"
done

# ---- case 5 is in tests/sweep_bad/dup_value_negzero.yaml (test_sweep_corpus)

# ---- cases 7 and 11: compare_sweeps.py
if /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null; then
    CMP=("/usr/bin/python3" "$ROOT/tools/compare_sweeps.py")
    sed 's/n_mm_steps: 1500/n_mm_steps: 1400/' s.yaml >other.yaml
    "$SWEEP" other.yaml --new-output other.h5 >other.log 2>&1 || bad "case 7: the other sweep: $(tail -3 other.log)"
    "${CMP[@]}" ref.h5 other.h5 --task wm >c7.txt 2>&1
    rc=$?
    check '[ $rc -ne 0 ] && grep -q "different configurations (n_mm_steps: 1500 in A, 1400 in B)" c7.txt' \
        "case 7: files of other configurations compared: exit $rc: $(head -3 c7.txt)"
    "${CMP[@]}" ref.h5 other.h5 --task wm --allow-different-config >c7b.txt 2>&1
    rc=$?
    check '[ $rc -eq 0 ] && grep -q "^WARNING: the configurations differ: n_mm_steps" c7b.txt' \
        "case 7: --allow-different-config: exit $rc: $(head -3 c7b.txt)"
    : >empty.h5
    echo text >text.h5
    mkdir dir.h5
    for f in missing.h5 empty.h5 text.h5 dir.h5; do
        "${CMP[@]}" "$f" ref.h5 --task wm >c11.txt 2>&1
        rc=$?
        check '[ $rc -eq 1 ] && grep -q "^compare_sweeps: $f: " c11.txt && ! grep -q Traceback c11.txt' \
            "case 11: compare_sweeps.py on $f: exit $rc: $(tail -2 c11.txt)"
    done
    rm -rf empty.h5 text.h5 dir.h5
else
    echo "test_hostile: cases 7 and 11 skipped (/usr/bin/python3 lacks h5py or numpy)"
fi

# ---- case 12: mimod-summary names what is wrong with a file, and no lock hint
: >empty.h5
echo text >text.h5
mkdir dir.h5
head -c 3000 ref.h5 >trunc.h5
for f in missing.h5:"No such file or directory" empty.h5:"empty (0 bytes)" text.h5:"not an HDF5 file" \
         dir.h5:"is a directory" trunc.h5:"truncated file"; do
    "$SUMMARY" "${f%%:*}" >c12.txt 2>&1
    rc=$?
    check '[ $rc -eq 1 ] && grep -q "${f#*:}" c12.txt && ! grep -qiE "locking|locked" c12.txt' \
        "case 12: mimod-summary on ${f%%:*}: exit $rc, expected '${f#*:}' and no locking hint: $(cat c12.txt)"
done

# ---- cases 8 and 22: options mimod-summary must refuse
"$SUMMARY" ref.h5 --success-threshold nan >c8.txt 2>&1
rc=$?
check '[ $rc -eq 2 ] && grep -q "not a finite number" c8.txt' "case 8: --success-threshold nan: exit $rc: $(head -3 c8.txt)"
"$SUMMARY" ref.h5 --status --claims "$ROOT/sweeps/paper_claims.yaml" >c22.txt 2>&1
rc=$?
check '[ $rc -eq 2 ] && grep -q -- "--status takes only" c22.txt' "case 22: --status --claims: exit $rc: $(head -3 c22.txt)"

# ---- case 16: an integer too large for any type is named as too large
"$TRAIN" --set n_groups=99999999999999999999 --print-config >c16.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "n_groups.: must be an integer ≤" c16.txt' "case 16: n_groups 10^20: $(cat c16.txt)"

# ---- case 17: mimod-bench's numbers
"$BENCH" --threads abc >c17.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q -- "--threads: expected a whole number" c17.txt' "case 17: --threads abc: exit $rc: $(cat c17.txt)"
"$BENCH" --threads 99999 --task wm --preset tiny --sm-steps 1 --mm-steps 1 >c17b.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q -- "--threads: expected a whole number from 1 to 4096" c17b.txt' \
    "case 17: --threads 99999: exit $rc: $(head -3 c17b.txt)"

# ---- case 18: an output directory that does not exist, with --dry-run too, located
printf 'preset: tiny\noutput: nodir/x.h5\ntasks: [wm]\ngrid: {seed: [0]}\n' >c18.yaml
"$SWEEP" c18.yaml --dry-run >c18.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "c18.yaml:2:9: output nodir/x.h5: directory nodir does not exist" c18.txt' \
    "case 18: --dry-run with a missing output directory: exit $rc: $(tail -2 c18.txt)"
"$SWEEP" c18.yaml >c18b.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "c18.yaml:2:9: " c18b.txt' "case 18: the real run's error is located: $(tail -2 c18b.txt)"

# ---- case 19: --log-dir a file: refused with its cause before anything; a missing one is made
: >afile
printf 'output: nineteen.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 10}\ngrid: {seed: [0]}\n' >c19.yaml
"$SWEEP" c19.yaml --log-dir afile >c19.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -qi "not a directory" c19.txt && [ ! -e nineteen.h5 ]' \
    "case 19: --log-dir a file: exit $rc, expected 1 before anything: $(tail -3 c19.txt)"
"$SWEEP" c19.yaml --log-dir logs >c19b.txt 2>&1
rc=$?
check '[ $rc -eq 0 ] && [ -s logs/rank-0.log ]' "case 19: --log-dir missing: exit $rc, logs: $(ls logs 2>&1)"

# ---- case 20: a sweep file given to mimod-train
"$TRAIN" "$ROOT/sweeps/tiny.yaml" -o t20.h5 >c20.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "this is a sweep file; run it with mimod-sweep" c20.txt' "case 20: $(cat c20.txt)"

# ---- case 21: an OPENBLAS_CORETYPE that OpenBLAS does not know is not reported as chosen
OPENBLAS_CORETYPE=Bogus "$TRAIN" --set preset=tiny --set n_mm_steps=1 -o t21.h5 >c21.txt 2>&1
check 'grep -q "OPENBLAS_CORETYPE=Bogus .*ignored" c21.txt && ! grep -q "set by OPENBLAS_CORETYPE=Bogus" c21.txt' \
    "case 21: $(grep kernel c21.txt)"

# ---- Also: jobs/*.sbatch when the launcher returns 1 after a TERM (mpirun
# does): the file's --status (3: unfinished, nobody runs it) decides the
# requeue. A fake srun runs the sweep under mpirun and returns 1 whatever it
# did; a fake scontrol records the requeue.
mkdir -p fake
cat >fake/srun <<'EOF'
#!/bin/bash
args=()
for a in "$@"; do case "$a" in --mpi=*|--kill-on-bad-exit=*|--cpu-bind=*) ;; *) args+=("$a") ;; esac; done
mpirun -n 2 "${args[@]}" &
child=$!
trap 'kill -USR1 $child' USR1
while kill -0 $child 2>/dev/null; do wait $child; done
exit 1
EOF
printf '#!/bin/bash\necho "$@" >>"%s/requeued"\n' "$W" >fake/scontrol
chmod +x fake/srun fake/scontrol
PATH="$W/fake:$PATH" SLURM_JOB_ID=4242 SWEEP_BIN="$SWEEP" SUMMARY_BIN="$SUMMARY" SWEEP_FILE=s.yaml \
    SWEEP_ARGS="--new-output job.h5" bash "$ROOT/jobs/paper_wm.sbatch" >job.log 2>&1 &
jp=$!; pids+=($jp)
wait_for '[ -e job.h5 ] && HDF5_USE_FILE_LOCKING=FALSE h5dump -d /wm/records_done job.h5 2>/dev/null | grep -qE "\(0\): [1-9]"' \
    || bad "Also: the job's sweep did not start: $(cat job.log)"
kill -TERM $jp
wait $jp
rc=$?
check '[ $rc -eq 3 ] && grep -q "requeue 4242" requeued 2>/dev/null' \
    "Also: the job script after TERM with a launcher returning 1: exit $rc, requeued: $(cat requeued 2>&1): $(tail -4 job.log)"

report test_hostile
