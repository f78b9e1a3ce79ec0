#!/usr/bin/env bash
# test_full_disk.sh MIMOD_SWEEP MIMOD_TRAIN — hostile outputs on a 2 MB tmpfs
# that the test mounts and unmounts itself (skipped, exit 77, where mounting
# is not allowed). It unmounts and removes everything on any exit.
#  1. a sweep whose file does not fit: refused before anything is created,
#     saying how much is needed and free (no crash, no partial file); --dry-run
#     shows the size and warns;
#  2. mimod-train whose disk fills while it trains: its output was made (space
#     taken) when the trial started, so it is written, equal to an undisturbed
#     run's; when the output cannot be written (2b): exit 1,
#     no crash, no partial output, the finished trial kept in its checkpoint;
#     after space is freed the same command writes the file without training
#     again, with the data of an undisturbed run (its blas_kernel "?+K": the
#     kept trial's kernel is not recorded);
#  3. the same without --checkpoint: exit 1, no crash, no partial output;
#  4. an output that is a symbolic link to /dev/null, or a directory: refused;
#  5. a sweep file over 64 KB: refused before anything is written.
set -u
SWEEP=$(realpath "$1")
TRAIN=$(realpath "$2")
export OPENBLAS_NUM_THREADS=1
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
workdir test_full_disk
M="$W/disk"
mkdir -p "$M"
cleanup_more() { tmpfs_unmount "$M"; }
if ! mount -t tmpfs -o size=2m tmpfs "$M" 2>"$W/mount.err"; then
    echo "test_full_disk: SKIPPED: cannot mount a tmpfs here ($(cat "$W/mount.err")); needs root" \
         "or CAP_SYS_ADMIN"
    exit 77
fi
cd "$W" || exit 1

# ---- 1. a sweep file that cannot fit
printf 'output: %s/c.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_units: 256}\ngrid:\n  seed: {from: 0, to: 7}\n' "$M" >big.yaml
"$SWEEP" big.yaml >big.txt 2>&1
rc=$?
check '[ $rc -eq 1 ]' "sweep on a full disk: exit $rc, expected 1: $(cat big.txt)"
check 'grep -q "needs .* but only .* free" big.txt' "says what is needed and free: $(cat big.txt)"
check '[ -z "$(ls -A "$M")" ]' "something was left on the disk: $(ls -A "$M")"
"$SWEEP" big.yaml --dry-run >dry.txt 2>&1
check 'grep -q "^result file: 6.* MB" dry.txt && grep -q "warning: .*needs" dry.txt' \
    "--dry-run shows the file size and the lack of space: $(tail -3 dry.txt)"
# a file that fits, next to the full one: created and done
printf 'output: %s/s.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 20}\ngrid:\n  seed: [0, 1]\n' "$M" >small.yaml
"$SWEEP" small.yaml >small.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "a sweep that fits: exit $rc: $(cat small.txt)"
rm -f "$M/s.h5"

# ---- 2. the disk fills while mimod-train trains. Its output is made (as
# <output>.writing, every dataset allocated) when the trial starts, so the
# space is taken then: the trial ends and is written, with the data of an
# undisturbed run, and nothing else is left.
ARGS=(--set preset=tiny --set n_mm_steps=2500 -q)
"$TRAIN" "${ARGS[@]}" -o ref.h5 >/dev/null 2>&1 || bad "reference trial"
"$TRAIN" "${ARGS[@]}" -o "$M/t.h5" --checkpoint t.ckpt >t1.txt 2>&1 &
pid=$!
for _ in $(seq 300); do [ -e "$M/t.h5.writing" ] && break; sleep 0.1; done
check '[ -e "$M/t.h5.writing" ]' "mimod-train did not make t.h5.writing when it started: $(ls "$M")"
dd if=/dev/zero of="$M/fill" bs=64k >/dev/null 2>&1 # fills the disk
wait $pid
rc=$?
check '[ $rc -eq 0 ]' "train on a disk that filled after its output was made: exit $rc: $(cat t1.txt)"
check '[ -z "$(ls "$M" | grep -v "^fill$" | grep -v "^t.h5$")" ]' "left on the disk: $(ls "$M")"
check 'h5diff -q --exclude-path /wall_seconds ref.h5 "$M/t.h5" /wm /wm >/dev/null 2>&1' \
    "the trial written on a full disk differs from an undisturbed run"
rm -f "$M/fill" "$M/t.h5" t.ckpt

# ---- 2b. the output cannot be written: exit 1, no crash, no partial output,
# the trained trial kept in its checkpoint; once the cause is gone the same
# command writes the file without training again, with the data of an
# undisturbed run. (A full disk no longer causes this once the output is made,
# see 2; the cause here is a directory in the way of <output>.writing, which
# fails both the output made at the start and the write at the end.)
mkdir "$M/t.h5.writing"
"$TRAIN" "${ARGS[@]}" -o "$M/t.h5" --checkpoint t.ckpt >t1.txt 2>&1
rc=$?
check '[ $rc -eq 1 ]' "train into an output that cannot be written: exit $rc, expected 1: $(cat t1.txt)"
check 'grep -q "Is a directory" t1.txt' "the cause is named: $(cat t1.txt)"
check 'grep -q "kept in the checkpoint t.ckpt" t1.txt' "says where the trial is kept: $(cat t1.txt)"
check '[ -z "$(ls "$M" | grep -v "^t.h5.writing$")" ]' "partial output left: $(ls "$M")"
rmdir "$M/t.h5.writing"
"$TRAIN" "${ARGS[@]}" -o "$M/t.h5" --checkpoint t.ckpt >t2.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "rerun once the cause is gone: exit $rc: $(cat t2.txt)"
check 'same_numbers ref.h5 "$M/t.h5" wm' "the kept trial differs from an undisturbed run"
check '[ -n "$(kernel_row ref.h5)" ] && [ "$(kernel_row "$M/t.h5")" = "?+$(kernel_row ref.h5)" ]' \
    "the kept trial's blas_kernel: '$(kernel_row "$M/t.h5")', expected '?+$(kernel_row ref.h5)'"
rm -f "$M/t.h5" t.ckpt

# ---- 3. the same without --checkpoint
mkdir "$M/u.h5.writing"
"$TRAIN" "${ARGS[@]}" -o "$M/u.h5" >u1.txt 2>&1
rc=$?
check '[ $rc -eq 1 ]' "train without --checkpoint into an output that cannot be written: exit $rc, expected 1: $(cat u1.txt)"
check '[ ! -e "$M/u.h5" ] && [ -z "$(ls "$M" | grep -v "^u.h5.writing$" | grep -v "^u.h5.ckpt$")" ]' \
    "partial output without --checkpoint (u.h5.ckpt is the kept trial): $(ls "$M")"
check 'grep -qE "kept in the checkpoint|is lost" u1.txt' "says what became of the trial: $(cat u1.txt)"
rmdir "$M/u.h5.writing"
rm -f "$M/u.h5.ckpt"

# ---- 4. outputs that are not files
ln -s /dev/null null.h5
"$TRAIN" --set preset=tiny --set n_mm_steps=2 -q -o null.h5 --force >n1.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "character device" n1.txt' "train into a link to /dev/null: exit $rc: $(cat n1.txt)"
printf 'output: null.h5\npreset: tiny\ntasks: [wm]\ngrid: {seed: [0]}\n' >null.yaml
"$SWEEP" null.yaml >n2.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "character device" n2.txt' "sweep into a link to /dev/null: exit $rc: $(cat n2.txt)"
mkdir dir.h5
"$SWEEP" null.yaml --new-output dir.h5 >n3.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "directory" n3.txt' "sweep into a directory: exit $rc: $(cat n3.txt)"

# ---- 5. a sweep file over 64 KB
{ printf 'output: long.h5\npreset: tiny\ntasks: [wm]\ngrid: {seed: [0]}\ndescription: >\n'
  for _ in $(seq 1200); do echo "  a long description line of sixty bytes, more or less......"; done; } >long.yaml
"$SWEEP" long.yaml --dry-run >l1.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "long.yaml:1:1: .*at most 61440" l1.txt' "over 64 KB: exit $rc: $(cat l1.txt)"
check '[ ! -e long.h5 ] && [ ! -e long.h5.creating ]' "a stub was written"

report test_full_disk
