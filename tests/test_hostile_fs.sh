#!/usr/bin/env bash
# test_hostile_fs.sh SWEEP TRAIN — the file-system cases of issue 25 on tmpfs
# mounts the test makes and removes itself (skipped, exit 77, where mounting
# is not allowed); "case N" is the issue's numbering.
#   3   checkpoints that cannot be written while a sweep runs — the disk fills
#       after the result file was made; no free inode for the checkpoint
#       directory: warnings, every point done, the data of an undisturbed run
#   4   mimod-train --checkpoint on a full disk, its output elsewhere: the trial
#       goes on and is written; a stop then says the checkpoint is not saved
#   10  SIGTERM while a large result file is being created: nothing is left;
#       a <output>.creating left by kill -9 is removed by the rerun
#   18  an output directory on a read-only file system: refused, located, by --dry-run
set -u
SWEEP=$(realpath "$1")
TRAIN=$(realpath "$2")
export OPENBLAS_NUM_THREADS=1
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
workdir test_hostile_fs
M="$W/disk"
mkdir -p "$M"
cleanup_more() { tmpfs_unmount "$M"; }
# mount_tmpfs OPTIONS: a fresh tmpfs at $M
mount_tmpfs() {
    tmpfs_unmount "$M"
    mount -t tmpfs -o "$1" tmpfs "$M" 2>"$W/mount.err"
}
if ! mount_tmpfs size=1m; then
    echo "test_hostile_fs: SKIPPED: cannot mount a tmpfs here ($(cat "$W/mount.err")); needs root" \
         "or CAP_SYS_ADMIN"
    exit 77
fi

# three tiny WM trials of a second or two each, checkpointing every ~0.1 s
printf 'output: s.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 1500, checkpoint_minutes: 0.002}\ngrid:\n  seed: [0, 1, 2]\n' >s.yaml
"$SWEEP" s.yaml --new-output ref.h5 >ref.log 2>&1 || bad "reference sweep: $(tail -3 ref.log)"

# ---- case 3a: the disk fills after the result file is made: checkpoints fail
mount_tmpfs size=8m || bad "mount"
"$SWEEP" s.yaml --new-output "$M/full.h5" >c3a.log 2>&1 &
sp=$!; pids+=($sp)
wait_for 'grep -q "heartbeat every" c3a.log' || bad "case 3a: the sweep did not start: $(cat c3a.log)"
dd if=/dev/zero of="$M/fill" bs=64k >/dev/null 2>&1 # fills the disk
wait $sp
rc=$?
check '[ $rc -eq 0 ] && grep -q "warning: cannot save the checkpoint.*No space left on device" c3a.log' \
    "case 3a: checkpoints on a full disk: exit $rc, expected 0 with a warning: $(tail -5 c3a.log)"
check '! grep -q FAILED c3a.log' "case 3a: points marked failed: $(grep FAILED c3a.log)"
check 'same_data ref.h5 "$M/full.h5" wm' "case 3a: the data differ from an undisturbed run's"

# ---- case 3b: no free inode for the checkpoint directory (root, lock, result file)
mount_tmpfs size=8m,nr_inodes=3 || bad "mount"
"$SWEEP" s.yaml --new-output "$M/inode.h5" >c3b.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "warning: cannot create .*inode.h5.ckpt" c3b.log' \
    "case 3b: no inode for checkpoints: exit $rc, expected 0 with a warning: $(tail -5 c3b.log)"
check '! grep -q FAILED c3b.log' "case 3b: points marked failed: $(grep FAILED c3b.log)"
check 'same_data ref.h5 "$M/inode.h5" wm' "case 3b: the data differ from an undisturbed run's"

# ---- case 4: mimod-train whose checkpoint's disk is full, its output elsewhere
mount_tmpfs size=1m || bad "mount"
dd if=/dev/zero of="$M/fill" bs=64k >/dev/null 2>&1
ARGS=(--set preset=tiny --set n_mm_steps=1500 --set checkpoint_minutes=0.002 -q)
"$TRAIN" "${ARGS[@]}" -o ref-t.h5 >/dev/null 2>&1 || bad "case 4: reference trial"
"$TRAIN" "${ARGS[@]}" -o t4.h5 --checkpoint "$M/t4.ckpt" >c4.log 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "warning: cannot save the checkpoint" c4.log' \
    "case 4: mimod-train with its checkpoint on a full disk: exit $rc, expected 0 with a warning: $(cat c4.log)"
check 'same_data ref-t.h5 t4.h5 wm' "case 4: the trial differs from an undisturbed run's"
"$TRAIN" "${ARGS[@]}" --set n_mm_steps=30000 -o t4b.h5 --checkpoint "$M/t4.ckpt" >c4b.log 2>&1 &
tp=$!; pids+=($tp)
wait_for 'grep -q "warning: cannot save" c4b.log' || bad "case 4: no warning: $(cat c4b.log)"
kill -USR1 $tp
wait $tp
rc=$?
check '[ $rc -eq 3 ] && grep -q "the checkpoint could not be saved" c4b.log && [ ! -e t4b.h5 ]' \
    "case 4: stopped with no checkpoint saved: exit $rc, expected 3 saying so: $(tail -2 c4b.log)"

# ---- case 10: SIGTERM while a 240 MB result file is being created
mount_tmpfs size=400m || bad "mount"
printf 'output: %s/big.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_units: 256}\ngrid:\n  seed: {from: 0, to: 299}\n' "$M" >big.yaml
hit=0
for attempt in 1 2 3 4 5; do
    "$SWEEP" big.yaml --heartbeat 0 >c10.log 2>&1 &
    sp=$!; pids+=($sp)
    for _ in $(seq 200000); do [ -e "$M/big.h5.creating" ] || [ -e "$M/big.h5" ] && break; done
    if [ -e "$M/big.h5.creating" ] && kill -TERM $sp 2>/dev/null; then
        wait $sp
        rc=$?
        [ ! -e "$M/big.h5" ] && hit=1 # the signal came while creating
        check '[ $rc -eq 3 ] && [ -z "$(ls -A "$M")" ]' \
            "case 10: SIGTERM while creating the result file: exit $rc, expected 3, left: $(ls -la "$M")"
    else
        kill -9 $sp 2>/dev/null
        wait $sp 2>/dev/null
    fi
    rm -rf "$M"/big.h5*
    [ $hit -eq 1 ] && break
done
check '[ $hit -eq 1 ]' "case 10: no SIGTERM landed while the file was being created (5 attempts)"
# kill -9 while creating: the rerun removes what it left
"$SWEEP" big.yaml --heartbeat 0 >c10b.log 2>&1 &
sp=$!; pids+=($sp)
for _ in $(seq 200000); do [ -e "$M/big.h5.creating" ] && break; done
kill -9 $sp
wait $sp 2>/dev/null
if [ -e "$M/big.h5.creating" ]; then
    "$SWEEP" big.yaml --heartbeat 0 >c10c.log 2>&1 &
    sp=$!; pids+=($sp)
    wait_for 'grep -q "removed .*big.h5.creating, left by a creation that was killed" c10c.log' 60 \
        || bad "case 10: the rerun did not remove the stale big.h5.creating: $(head -3 c10c.log)"
    kill -TERM $sp
    wait $sp
fi
rm -rf "$M"/big.h5*

# ---- case 18: the output directory is on a read-only file system
mount_tmpfs size=1m,ro || bad "mount"
printf 'preset: tiny\noutput: %s/ro.h5\ntasks: [wm]\ngrid: {seed: [0]}\n' "$M" >ro.yaml
"$SWEEP" ro.yaml --dry-run >c18.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "ro.yaml:2:9: output .*is not writable: Read-only file system" c18.txt' \
    "case 18: --dry-run into a read-only directory: exit $rc: $(tail -2 c18.txt)"

report test_hostile_fs
