#!/bin/bash
# K task targets (issue 27) end to end: a tiny sweep of WM with 3 bits and SEP
# with 3 sources in 3 and in 2 groups, then mimod-summary's table, what each
# group carries, figures and claims, and tools/k_groups_figure.py. Checks the
# result file's shapes (6 inputs and 3 outputs; 9 outputs), that the summary
# names the targets and draws the unit-output matrix instead of the
# two-target scatter, that the paper's claims are not testable on these files
# while a claim with targets: 3 is, and that wm_bits cannot be a grid axis.
set -uo pipefail
sweep=$1; summary=$2; src=$3
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$sweep" "$src/tests/data/k_targets_sweep.yaml" --new-output "$tmp/k.h5" >"$tmp/sweep.log" 2>&1
rc=$? # (a $(…) in check's message would reset $?)
check '[ $rc -eq 0 ]' "sweep ran ($(tail -n 3 "$tmp/sweep.log"))"
shape() { h5ls "$tmp/k.h5/$1" | sed 's/.*{\(.*\)}.*/\1/'; }
check '[ "$(shape wm/weights/w_in)" = "8, 6, 6" ]' "WM w_in is [8][6 units][6 channels]: $(shape wm/weights/w_in)"
check '[ "$(shape wm/weights/w_out)" = "8, 3, 6" ]' "WM w_out is [8][3 bits][6]: $(shape wm/weights/w_out)"
check '[ "$(shape sep/final/unit_out_corr)" = "8, 6, 9" ]' "SEP unit_out_corr is [8][6][9 outputs]: $(shape sep/final/unit_out_corr)"
check '[ "$(shape sep/final/r2)" = "8, 9" ]' "SEP r2 has 9 outputs: $(shape sep/final/r2)"

"$summary" "$tmp/k.h5" --figures "$tmp/fig" >"$tmp/sum.txt" 2>"$tmp/sum.err"
rc=$?
check '[ $rc -eq 0 ]' "mimod-summary exits 0 ($(head -c 300 "$tmp/sum.err"))"
check 'grep -q "^Task wm (preset tiny; 3 targets: bit 1, bit 2, bit 3): 8 points" "$tmp/sum.txt"' "WM header names 3 bits"
check 'grep -q "^Task sep (preset tiny; 3 targets: Lorenz, Rössler, Chen): 8 points" "$tmp/sum.txt"' "SEP header names 3 sources"
# what each group carries: one column per output, a verdict per trial, 4 conditions per task
check 'grep -q "seed  bit 1 .* bit 2 .* bit 3 .* d_cor  groups split" "$tmp/sum.txt"' "WM carried table has a column per bit"
check 'grep -q "seed  Lx .* Rz .* Cx .* Cz .* d_cor  groups split" "$tmp/sum.txt"' "SEP carried table has Chen's columns"
check '[ "$(grep -c "split by target in [0-9]/2 trials" "$tmp/sum.txt")" -eq 8 ]' "a verdict line per condition"
ls "$tmp/fig" >"$tmp/figs.txt"
check 'grep -q "^wm_.*_unit_out.png$" "$tmp/figs.txt" && grep -q "^sep_.*_unit_out.png$" "$tmp/figs.txt"' "unit-output matrices drawn"
check '! grep -q "unit_out_scatter" "$tmp/figs.txt"' "no two-target scatter for 3 targets"

# claims: the paper's are about 2 targets; one with targets: 3 is tested
"$summary" "$tmp/k.h5" --claims "$src/sweeps/paper_claims.yaml" >"$tmp/paper.txt" 2>&1
check 'grep -q "not testable: the claim is about 2 targets; this /wm has 3" "$tmp/paper.txt"' "paper claims not testable on 3 bits"
check '! grep -qE "\b(holds|fails)\b" "$tmp/paper.txt"' "no paper claim judged on a 3-target file"
cat >"$tmp/c.yaml" <<'YAML'
claims:
  - {id: K3, task: wm, text: "q_cor with MI > without, 3 bits, 3 groups", paper: "-", kind: greater,
     quantity: q_cor, a: {mi: true}, b: {mi: false}, groups: 3, targets: 3}
YAML
"$summary" "$tmp/k.h5" --claims "$tmp/c.yaml" >"$tmp/c.txt" 2>&1
check 'grep -A4 "^K3" "$tmp/c.txt" | grep -qE "verdict +(holds|fails|inconclusive)"' "a 3-target claim is tested ($(grep K3 -A4 "$tmp/c.txt" | head -c 400))"

# a key that changes dataset shapes is not an axis
printf 'output: bad.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: [1]\n  wm_bits: [2, 3]\n' >"$tmp/bad.yaml"
"$sweep" "$tmp/bad.yaml" --new-output "$tmp/bad.h5" >"$tmp/bad.log" 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "bad.yaml:6:3: grid: key .wm_bits. changes the shape" "$tmp/bad.log"' "wm_bits as an axis refused at file:line ($(cat "$tmp/bad.log"))"

# tools/k_groups_figure.py picks one K of the n_groups axis
if /usr/bin/python3 -c "import h5py, numpy, matplotlib" 2>/dev/null; then
    /usr/bin/python3 "$src/tools/k_groups_figure.py" "$tmp/k.h5" "$tmp/c.png" --task sep --groups 3 \
        --unit-out "$tmp/u.png" >"$tmp/py.log" 2>&1
    rc=$?
    check '[ $rc -eq 0 ] && [ -s "$tmp/c.png" ] && [ -s "$tmp/u.png" ]' "k_groups_figure.py --groups 3 --unit-out ($(cat "$tmp/py.log"))"
    /usr/bin/python3 "$src/tools/k_groups_figure.py" "$tmp/k.h5" "$tmp/d.png" --task wm >"$tmp/py2.log" 2>&1
    rc=$?
    check '[ $rc -ne 0 ] && grep -q "one K per file, or --groups K (found \[2, 3\])" "$tmp/py2.log"' "two K without --groups refused"
else
    echo "k_groups_figure.py part skipped: /usr/bin/python3 lacks h5py, numpy or matplotlib"
fi
report test_k_targets
