#!/usr/bin/env python3
"""What each part of a step spends its time on (issue 28; docs/performance.md,
"Bounds of each part"): the samples of `perf record --call-graph dwarf` on one
mimod-bench run, split by the part of the step their call chain is in (SM data
pass, SM update, MM step), then by kind of work (OpenBLAS compute, packing,
the GRU step kernel, element-wise passes, MINE's input noise, ...), by phase
(the innermost mimod function: mine_estimate, gru_backward, ...) and by leaf
function.

    OPENBLAS_NUM_THREADS=1 perf record -e cpu-clock -F 250 --call-graph dwarf,65528 \\
        -o sep.data -- build/src/cli/mimod-bench --task sep
    perf script -i sep.data -F comm,tid,time,event,ip,sym,dso --no-inline > sep.script
    tools/perf_parts.py sep.script

The call chains need the large stack copy (65528 bytes): with 8 KB the
unwinding stopped inside OpenBLAS and no sample reached its part. A measuring
aid, not a test: the symbols it looks for are those of the release build."""
import re
import sys
from collections import Counter, defaultdict


def samples(path):
    """Each sample's call chain, leaf first, as (symbol, dso file name)."""
    cur = None
    for line in open(path, errors="replace"):
        if not line.strip():
            if cur:
                yield cur
            cur = None
            continue
        if not line.startswith(("\t", " ")):
            cur = []
            continue
        m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
        if m and cur is not None:
            cur.append((m.group(1), m.group(2).rsplit("/", 1)[-1]))
    if cur:
        yield cur


def base(sym):
    return sym.split(".")[0]  # layer1_forward.arch_x86_64_v4 -> layer1_forward


def part_of(chain):
    s = {base(x) for x, _ in chain}
    if s & {"trial_do_mm_step", "trial_mm_loss"}:
        return "MM step"
    if "trial_sm_update" in s:
        return "SM update"
    # trial_sm_make_data tail-calls sm_data; in the run of SM steps sm_data
    # is inlined into sm_step, whose update is trial_sm_update (above)
    if s & {"trial_sm_make_data", "sm_data", "trial_do_sm_step", "sm_step"}:
        return "SM data"
    if any(x.startswith("sgemm_rate") or x == "sgemm_operands_alloc" for x in s):
        return "SGEMM references"
    if "trial_create" in s:
        return "trial_create"
    return "other"


PHASES = {"optim_step", "l2_penalty", "mine_inputs_into", "mine_estimate", "readout_forward",
          "readout_backward", "gru_backward", "gru_forward", "sep_generate", "task_mse",
          "trial_sm_objective", "trial_make_batch", "leaky_forward", "leaky_backward",
          "wm_generate"}


def phase_of(chain):
    for sym, _ in chain:  # the innermost known phase
        if base(sym) in PHASES:
            return base(sym)
    return base(chain[0][0])


def kind_of(chain):
    leaf, dso = chain[0]
    parent = chain[1][0] if len(chain) > 1 else ""
    ph = phase_of(chain)
    if dso.startswith("[kernel"):
        return "kernel (page faults, scheduler)"
    if "libopenblas" in dso:
        if "small_kernel" in leaf:
            return "OpenBLAS small-matrix kernels (compute)"
        if "gemm_kernel" in leaf or "gemv" in leaf:
            return "OpenBLAS sgemm/sgemv kernels (compute)"
        if "copy" in leaf:
            return "OpenBLAS packing (copy)"
        return "OpenBLAS driver, other"
    if "memset" in leaf and "gemm_beta" in parent:
        return "OpenBLAS beta = 0: zeroing C (memset)"
    if leaf.startswith("product_"):
        return "GRU step kernel (mimod, compute)"
    if ph == "mine_inputs_into":
        return "MINE inputs: noise, permutation"
    if ph in ("sep_generate", "wm_generate"):
        return "task data (SEP: RK4, scaling)"
    if "memset" in leaf or "memmove" in leaf or "memcpy" in leaf:
        return "memset/memcpy outside BLAS"
    if leaf.startswith("gru_rows"):
        return "GRU forward element-wise (σ, tanh, gates)"
    if base(leaf) == "gru_backward":
        return "GRU backward element-wise"
    if ph == "mine_estimate":
        return "MINE element-wise (bias+act, act', log-mean-exp, gather, scatter)"
    return "other: " + base(leaf) + " in " + ph


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    total = Counter()
    by = {k: defaultdict(Counter) for k in ("kind", "phase", "leaf")}
    for ch in samples(sys.argv[1]):
        p = part_of(ch)
        total[p] += 1
        by["kind"][p][kind_of(ch)] += 1
        by["phase"][p][phase_of(ch)] += 1
        by["leaf"][p][ch[0][0] + " [" + ch[0][1] + "]"] += 1
    n_all = sum(total.values())
    print(f"{n_all} samples")
    for p, n in total.most_common():
        print(f"\n== {p}: {n} samples ({100 * n / n_all:.1f} % of the run)")
        for key, what, top in (("kind", "kind of work", 20), ("phase", "phase", 12),
                               ("leaf", "leaf function", 16)):
            print(f"  by {what}:")
            for k, c in by[key][p].most_common(top):
                print(f"    {100 * c / n:5.1f} %  {k}")


if __name__ == "__main__":
    main()
