#!/bin/bash
# A third task in one file (tests/task_copy.c, delayed copy), registered by one
# line, through the three programs built with it: mimod-train writes its
# trial, mimod-sweep runs it beside WM into one file (and resumes nothing
# twice), mimod-summary reports it — every quantity every task records plus
# the task's own (accuracy), and none it does not record. The programs built
# without it do not know it. What adding it took: that file and these build
# lines (docs/design.md, "Adding a task").
set -uo pipefail
train=$1; sweep=$2; summary=$3; plain_train=$4
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# mimod-train: the task's first preset (tiny) by default
"$train" --set task=copy --set seed=3 -o "$tmp/copy.h5" >"$tmp/train.log" 2>&1
check '[ $? -eq 0 ]' "mimod-train runs task copy ($(tail -n 3 "$tmp/train.log"))"
check 'grep -q "task copy, preset tiny" "$tmp/train.log"' "mimod-train names the task and its preset"
check 'grep -q "acc " "$tmp/train.log"' "its progress lines show its success quantity"
check 'h5ls "$tmp/copy.h5/copy/final" | grep -q "^accuracy"' "the result file has a /copy group"
"$train" --set task=copy --print-config >"$tmp/copy.yaml"
check 'grep -q "^task: copy$" "$tmp/copy.yaml" && grep -q "^preset: tiny$" "$tmp/copy.yaml"' \
      "--print-config shows task copy"

# mimod-sweep: copy and WM in one file (alone, no mpirun)
cat >"$tmp/sweep.yaml" <<YAML
output: $tmp/sweep.h5
preset: tiny
tasks: [copy, wm]
grid:
  seed: [1, 2]
  lambda_I: [0, 0.1]
YAML
"$sweep" "$tmp/sweep.yaml" --dry-run >"$tmp/dry.log" 2>&1
check '[ $? -eq 0 ] && grep -q "^task copy (preset tiny)" "$tmp/dry.log"' "the dry run lists task copy"
"$sweep" "$tmp/sweep.yaml" >"$tmp/sweep.log" 2>&1
check '[ $? -eq 0 ]' "mimod-sweep runs copy and wm ($(tail -n 3 "$tmp/sweep.log"))"
check 'grep -q "8 grid points, 0 done before, 8 to run" "$tmp/sweep.log"' "4 points per task"
check 'h5ls "$tmp/sweep.h5" | grep -q "^copy" && h5ls "$tmp/sweep.h5" | grep -q "^wm"' \
      "the result file has a group per task the sweep names"
"$sweep" "$tmp/sweep.yaml" >"$tmp/again.log" 2>&1
check '[ $? -eq 0 ] && grep -q "8 done before, 0 to run" "$tmp/again.log"' "a rerun resumes: nothing to do"

# mimod-summary: the task's table, its own quantity, none it does not record
"$summary" "$tmp/sweep.h5" >"$tmp/summary.txt" 2>&1
check '[ $? -eq 0 ]' "mimod-summary reads the file ($(tail -n 3 "$tmp/summary.txt"))"
check 'grep -q "^Task copy (preset tiny): 4 points" "$tmp/summary.txt"' "the summary has task copy"
check 'grep -q "^Task wm (preset tiny): 4 points" "$tmp/summary.txt"' "and task wm"
copy_part=$(sed -n '/^Task copy/,/^Task wm/p' "$tmp/summary.txt")
check 'echo "$copy_part" | grep -q "^  accuracy " && echo "$copy_part" | grep -q "^  q_cor "' \
      "copy's table: its accuracy and the common quantities"
check '! echo "$copy_part" | grep -q "^  d_in \|^  r2_mean "' "copy's table: no d_in, no r2_mean"
check 'echo "$copy_part" | grep -q "success (accuracy > 0.9)"' "copy's success is its accuracy"
"$summary" "$tmp/sweep.h5" --task copy --format csv >"$tmp/summary.csv" 2>"$tmp/csv.err"
check '[ $? -eq 0 ] && grep -q "^stat,copy,1,,.*,accuracy," "$tmp/summary.csv"' "--task copy, csv"

# the programs without it do not know it
"$plain_train" --set task=copy --print-config >"$tmp/plain.log" 2>&1
check '[ $? -ne 0 ] && grep -q "one of wm, sep" "$tmp/plain.log"' "mimod-train without it refuses task copy"
report test_third_task
