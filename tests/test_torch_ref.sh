#!/bin/bash
# tools/torch_ref.py (the PyTorch reference of tools/bench.sh) at the tiny
# sizes: one SM and one MM step per task, a RESULT line with finite positive
# times, errors that name the file and key. Its timings are not checked (the
# bench is never a timed test). Without PyTorch the run must say so and exit 3;
# that path is checked everywhere (python3 -S hides the installed packages),
# the rest is skipped (77) where /usr/bin/python3 has no torch: CI does not
# install it (docs/performance.md says how).
set -uo pipefail
train_bin=$1; src=$2
py=/usr/bin/python3
ref=$src/tools/torch_ref.py
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
export OPENBLAS_NUM_THREADS=1

for task in wm sep; do
    "$train_bin" --set task=$task --set preset=tiny --print-config >"$tmp/$task.yaml"
done
"$py" "$ref" --help >"$tmp/help" 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q -- "--config" "$tmp/help"' "--help exits 0 and lists --config"
"$py" -S "$ref" --config "$tmp/wm.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
check '[ $rc -eq 3 ] && grep -q "apt-get install python3-torch" "$tmp/err"' \
    "without the packages: exit 3 and how to install ($rc: $(head -c 200 "$tmp/err"))"

if ! "$py" -c 'import torch, numpy' 2>/dev/null; then
    echo "SKIP (the rest): $py has no torch (apt-get install python3-torch)"
    report test_torch_ref || exit 1
    exit 77
fi
grep -v '^sm_hidden:' "$tmp/wm.yaml" >"$tmp/bad.yaml"
"$py" "$ref" --config "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
check '[ $rc -eq 1 ] && grep -q "bad.yaml: key .sm_hidden. missing" "$tmp/err"' \
    "a missing key is named with the file ($(head -c 200 "$tmp/err"))"
for task in wm sep; do
    "$py" "$ref" --config "$tmp/$task.yaml" --sm-steps 1 --mm-steps 1 --warmup 0 >"$tmp/$task.out" 2>&1
    rc=$?
    check '[ $rc -eq 0 ]' "$task: exit 0 ($(tail -c 300 "$tmp/$task.out"))"
    line=$(grep '^RESULT impl=torch' "$tmp/$task.out")
    check '[ -n "$line" ]' "$task: a RESULT line"
    check 'echo "$line" | grep -q " task=$task "' "$task: RESULT names the task"
    for key in sm_data_med sm_upd_med sm_med mm_med; do
        v=$(echo "$line" | tr ' ' '\n' | sed -n "s/^$key=//p")
        check 'awk -v v="$v" "BEGIN{exit !(v + 0 > 0 && v + 0 < 1e6)}"' "$task: $key positive and finite ('$v')"
    done
done
report test_torch_ref
