# tests/lib.sh — the counters and checks every shell test uses. Source it first:
#   source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# check 'SHELL CONDITION' 'what failed': the condition is eval'd where check is called
check() { if eval "$1"; then ok; else bad "$2"; fi; }
# report NAME: the closing line "NAME: N passed, N failed"; status 0 only if none failed
report() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
# need_python MODULE...: sets py=/usr/bin/python3 (Debian's, where python3-h5py and
# friends are installed), or skips the test (exit 77) when it cannot import them all
need_python() {
    py=/usr/bin/python3
    "$py" -c "import $(IFS=,; echo "$*")" 2>/dev/null && return 0
    echo "SKIP: $py lacks $* (apt-get install$(printf ' python3-%s' "$@"))"
    exit 77
}
# wait_for 'SHELL CONDITION' [SECONDS]: poll it every 0.05 s (default 120 s); status 1 on timeout
wait_for() {
    local n=$(( ${2:-120} * 20 ))
    for _ in $(seq "$n"); do eval "$1" && return 0; sleep 0.05; done
    return 1
}
# tmpfs_unmount DIR: unmount a tmpfs a test mounted there (retrying while a
# killed writer lets go of it; lazily in the end), if it is mounted
tmpfs_unmount() {
    mountpoint -q "$1" || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do umount "$1" 2>/dev/null && return 0; sleep 0.5; done
    umount -l "$1"
}
# mpi_env: what every MPI test exports — Open MPI as root, more ranks than
# cores, and one OpenBLAS thread per rank (the tests compare bits, not speed)
mpi_env() {
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    export OPENBLAS_NUM_THREADS=1
}
# workdir NAME: a fresh temporary directory $W, made the current one. On any
# exit (INT and TERM exit 1) the background processes the test put in the
# array pids are killed, the test's own cleanup_more runs if it defined one,
# and $W is removed — kept, and its path printed, when KEEP is set.
workdir() {
    W=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
    pids=()
    trap workdir_cleanup EXIT
    trap 'exit 1' INT TERM
    cd "$W" || exit 1
}
workdir_cleanup() {
    local p
    cd /
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    if declare -F cleanup_more >/dev/null; then cleanup_more; fi
    if [ -n "${KEEP:-}" ]; then echo "kept: $W"; else rm -rf "$W"; fi
}
# same_data A B [GROUP...]: the two result files hold the same data in every
# dataset of the task groups (default wm and sep), wall_seconds (a clock
# reading) aside; on a difference the first lines of h5diff go to stderr
same_data() {
    local a=$1 b=$2 g groups ex=(--exclude-path /wall_seconds)
    shift 2
    groups=("$@")
    [ ${#groups[@]} -gt 0 ] || groups=(wm sep)
    local x
    for x in ${SAME_DATA_EXCLUDE:-}; do ex+=(--exclude-path "$x"); done
    for g in "${groups[@]}"; do
        h5diff -q "${ex[@]}" "$a" "$b" /$g /$g >/dev/null 2>&1 && continue
        h5diff -r "${ex[@]}" "$a" "$b" /$g /$g 2>&1 | head -20 >&2
        return 1
    done
}
# same_numbers A B [GROUP...]: same_data, blas_kernel and build aside too: a
# mimod-train trial resumed from its checkpoint has the same numbers, but its
# rows say "?+K" and "?+C" (its output is made anew, and a checkpoint does not
# record its kernel or build)
same_numbers() { SAME_DATA_EXCLUDE="/blas_kernel /build" same_data "$@"; }
# kernel_row FILE [GROUP]: blas_kernel of the group's (default wm) point 0
kernel_row() { h5dump -d "/${2:-wm}/blas_kernel" "$1" 2>/dev/null | sed -n 's/^ *(0): "\(.*\)".*/\1/p'; }
