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
