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
