#!/bin/bash
# Speed report for docs/performance.md (run by hand on a quiet machine; never in CI):
#  1. mimod-bench at the paper sizes of both tasks, one thread;
#  2. the PyTorch reference tools/torch_ref.py on the same configurations, with the
#     same thread count and the same OpenBLAS kernel, and the ratios of the two —
#     measured in this run, because speed depends on the machine and the kernel
#     (SPEC §8) and a ratio to numbers from another day or machine means nothing;
#  3. sweep throughput with 1 and 2 workers on the same 8 small trials.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
usage: tools/bench.sh [--task wm|sep|both] [--preset paper|quick|tiny|medium] [--threads N]
                      [--isa native|avx2] [--no-torch] [--no-sweep] [--torch-steps SM,MM]

  --task T          which task(s) to time (default both)
  --preset P        configuration preset (default paper, the sizes of SPEC §2-§4)
  --threads N       OpenBLAS (and PyTorch) threads for both implementations (default 1)
  --isa avx2        time the AVX2 code path on a CPU that has AVX-512: mimod is
                    built in build-avx2 for x86-64-v3 (AVX2 + FMA, no SIMD clones)
                    and both sides run OpenBLAS's Haswell kernel. A stand-in for
                    an AVX2-only machine (same core, caches and clock), not one.
                    Default native: build/, the kernel mimod selects.
  --no-torch        skip the PyTorch reference
  --no-sweep        skip the sweep-scaling check
  --torch-steps S,M timed SM and MM steps of the reference after one warm-up
                    step each (default 3,3)

The PyTorch reference runs where /usr/bin/python3 has torch (Debian 12:
apt-get install python3-torch; override the interpreter with PYTHON=...);
elsewhere it says so and the report has mimod's figures alone. It is given
mimod's configuration (mimod-train --print-config) and the OpenBLAS kernel
mimod-bench reports, and it checks that its OpenBLAS runs that kernel.
The table pairs medians (min in brackets) of the same run; a trial is
(n_sm_pre + n_mm·n_sm_per_mm) SM steps + n_mm MM steps, without records,
mimod's SM steps timed as training runs them ("SM step in a run": from 2
threads the next batch is made during the update, docs/threads.md).
EOF
}

tasks=both preset=paper threads=1 torch=1 sweep=1 torch_steps=3,3 isa=native
while [ $# -gt 0 ]; do
    case "$1" in
    --task) tasks=${2:?--task needs a value}; shift 2 ;;
    --preset) preset=${2:?--preset needs a value}; shift 2 ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    --isa) isa=${2:?--isa needs a value}; shift 2 ;;
    --no-torch) torch=0; shift ;;
    --no-sweep) sweep=0; shift ;;
    --torch-steps) torch_steps=${2:?--torch-steps needs SM,MM}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
case "$tasks" in wm | sep) list=$tasks ;; both) list="wm sep" ;;
*) echo "bench.sh: --task must be wm, sep or both, not '$tasks'" >&2; exit 2 ;; esac
case "$torch_steps" in [1-9]*,[1-9]*) ;;
*) echo "bench.sh: --torch-steps wants SM,MM (two positive counts), not '$torch_steps'" >&2; exit 2 ;; esac

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
PYTHON=${PYTHON:-/usr/bin/python3}
case "$isa" in
native) B=build c_args= ;;
avx2)
    grep -qw avx2 /proc/cpuinfo || { echo "bench.sh: --isa avx2 needs a CPU with AVX2" >&2; exit 2; }
    B=build-avx2 c_args='-march=x86-64-v3 -DMIMOD_NO_SIMD_CLONES'
    # mimod keeps a kernel the environment pins; torch_ref.py is given the same one
    export OPENBLAS_CORETYPE=Haswell ;;
*) echo "bench.sh: --isa must be native or avx2, not '$isa'" >&2; exit 2 ;;
esac
[ -f $B/build.ninja ] || meson setup $B --buildtype=release ${c_args:+"-Dc_args=$c_args"} >/dev/null
ninja -C $B >/dev/null
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

cpu=$(awk -F': ' '/^model name/ {m=$2} /^cpu family/ {f=$2} /^model\t/ {n=$2}
                  END {printf "%s (family %s model %s)", m, f, n}' /proc/cpuinfo)
echo "bench.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $(hostname), CPU: $cpu, $(getconf _NPROCESSORS_ONLN) cores online"
[ "$isa" = avx2 ] && echo "ISA: AVX2 stand-in ($B built for x86-64-v3, OpenBLAS kernel Haswell on both sides)"

for task in $list; do
    $B/src/cli/mimod-bench --task "$task" --preset "$preset" --threads "$threads" | tee "$W/mimod_$task.txt"
    # each part against its arithmetic bound (issue 28): FLOP of its products
    # over this run's best SGEMM rate, and over the rates at their shapes
    grep -h '^RESULT' "$W/mimod_$task.txt" | awk -v task="$task" '
        { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        function row(name, key) {
            printf "  %-24s %8.2f %9.3f s %9.3f s %9.3f s %7.2fx %7.2fx %9.3f s %7.2fx\n", name,
                   v[key "_flops"] / 1e9, v[key "_bound"], v[key "_bound_shapes"], v[key "_med"],
                   v[key "_ratio"], v[key "_ratio_shapes"], v[key "_cpu_med"], v[key "_cpu_med"] / v[key "_bound"] }
        END {
            if (v["sgemm_peak"] == "") { print "  (no bounds in the RESULT line: a mimod-bench from before issue 28)"; exit }
            v["sm_flops"] = v["sm_data_flops"] + v["sm_upd_flops"]
            printf "[%s] bounds (issue 28), same run, best SGEMM %.1f GFLOP/s, kernel %s, %s thread(s): median / bound\n",
                   task, v["sgemm_peak"], v["kernel"], v["threads"]
            print "  (r@shape: over the SGEMM rate at the shape of each product, the bound of issue 28; r@best: over the best rate, stricter)"
            printf "  %-24s %8s %11s %11s %11s %8s %8s %11s %8s\n", "part", "GFLOP", "bound@best",
                   "bound@shape", "median", "r@best", "r@shape", "cpu med", "cpu/b"
            row("SM data pass", "sm_data"); row("SM update", "sm_upd")
            row("SM step (data+update)", "sm"); row("MM step", "mm")
        }'
    [ "$torch" = 1 ] || continue
    $B/src/cli/mimod-train --set task="$task" --set preset="$preset" --print-config >"$W/$task.yaml"
    kernel=$(sed -n 's/^RESULT .* kernel=\([^ ]*\).*/\1/p' "$W/mimod_$task.txt")
    rc=0
    "$PYTHON" tools/torch_ref.py --config "$W/$task.yaml" --threads "$threads" --kernel "$kernel" \
        --sm-steps "${torch_steps%,*}" --mm-steps "${torch_steps#*,}" | tee "$W/torch_$task.txt" || rc=$?
    if [ "$rc" = 3 ]; then
        echo "(no PyTorch reference: see the message above)"
        torch=0
        continue
    elif [ "$rc" != 0 ]; then
        echo "bench.sh: tools/torch_ref.py failed for task $task (exit status $rc)" >&2
        exit 1
    fi
    # the same-run table: mimod and PyTorch medians (mins), ratio PyTorch / mimod
    grep -h '^RESULT' "$W/mimod_$task.txt" "$W/torch_$task.txt" | awk -v task="$task" '
        { impl = ""; split("", v)  # each RESULT line its own keys: a key only mimod prints (sm_run_*) must not carry over to PyTorch
          for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
          impl = v["impl"]; for (k in v) r[impl, k] = v[k] }
        function row(name, key) {
            printf "  %-34s %9.3f s (%.3f)  %9.3f s (%.3f)  %6.1fx (%.1fx)\n", name,
                   r["mimod", key "_med"], r["mimod", key "_min"], r["torch", key "_med"],
                   r["torch", key "_min"], r["torch", key "_med"] / r["mimod", key "_med"],
                   r["torch", key "_min"] / r["mimod", key "_min"] }
        # a trial costs its SM steps as training runs them: mimod from 2 threads
        # makes the next batch during the update ("sm_run"; serial at 1 thread)
        function sm_as_run(impl, s) { return r[impl, "sm_run_" s] != "" ? r[impl, "sm_run_" s] : r[impl, "sm_" s] }
        function trial(impl, s) { return r[impl, "n_sm_trial"] * sm_as_run(impl, s) + r[impl, "n_mm_trial"] * r[impl, "mm_" s] }
        END {
            if (r["mimod", "kernel"] != r["torch", "kernel"] || r["mimod", "threads"] != r["torch", "threads"]) {
                printf "bench.sh: kernels or threads differ (mimod %s/%s, PyTorch %s/%s): no ratio\n",
                       r["mimod", "kernel"], r["mimod", "threads"], r["torch", "kernel"], r["torch", "threads"]
                exit 1 }
            printf "[%s] same run, OpenBLAS kernel %s, %s thread(s): median (min)    mimod          PyTorch         PyTorch/mimod\n",
                   task, r["mimod", "kernel"], r["mimod", "threads"]
            row("SM data pass (makes the batch)", "sm_data")
            row("SM update (T fwd+bwd+optimiser)", "sm_upd")
            row("SM step", "sm")
            if (r["mimod", "sm_run_med"] != "")
                printf "  %-34s %9.3f s (%.3f)  %9.3f s (%.3f)  %6.1fx (%.1fx)\n", "SM step in a run",
                       r["mimod", "sm_run_med"], r["mimod", "sm_run_min"], r["torch", "sm_med"],
                       r["torch", "sm_min"], r["torch", "sm_med"] / r["mimod", "sm_run_med"],
                       r["torch", "sm_min"] / r["mimod", "sm_run_min"]
            row("MM step", "mm")
            tm = trial("mimod", "med"); tt = trial("torch", "med")
            printf "  %-34s %9.2f h (%.2f)  %9.2f h (%.2f)  %6.1fx (%.1fx)\n", "trial (" r["mimod", "n_sm_trial"] " SM + " r["mimod", "n_mm_trial"] " MM steps)",
                   tm / 3600, trial("mimod", "min") / 3600, tt / 3600, trial("torch", "min") / 3600, tt / tm,
                   trial("torch", "min") / trial("mimod", "min")
            # A lower bound: the reference without the time of its NumPy sequence
            # generation (a Python loop over time steps, slow in SEP), mimod with its own.
            g = r["torch", "sm_gen_med"]
            if (g != "") {
                tg = r["torch", "n_sm_trial"] * (r["torch", "sm_med"] - g) + r["torch", "n_mm_trial"] * (r["torch", "mm_med"] - g)
                printf "  %-34s %24s %9.2f h %14.1fx\n", "trial, reference without NumPy data", "", tg / 3600, tg / tm
            }
        }'
done

[ "$sweep" = 1 ] || exit 0
cat > "$W/scale.yaml" <<'YAML'
output: scale.h5
preset: tiny
tasks: [wm]
overrides: {n_mm_steps: 40000, record_every: 10000}
grid:
  seed: {from: 0, to: 7}
YAML
for workers in 1 2; do
    t0=$(date +%s.%N)
    mpirun --oversubscribe -n $((workers + 1)) $B/src/cli/mimod-sweep "$W/scale.yaml" \
        --new-output "$W/scale$workers.h5" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v w=$workers 'BEGIN{printf "sweep of 8 trials, %d worker(s): %.1f s\n", w, b-a}'
done
