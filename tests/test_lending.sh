#!/usr/bin/env bash
# test_lending.sh MIMOD_SWEEP SOURCE_ROOT — idle workers lend their cores to
# trials still running on the node (issue 14) without changing the results:
# tests/data/lend_sweep.yaml with one process, with mpirun -n 3 and -n 4
# (--bind-to none, lending on by default) and with -n 3 --no-lend gives the
# same data in every dataset (h5diff; wall_seconds aside). The worker logs
# must show a core lent and a pool grown (else the test tests nothing).
set -u
SWEEP=$(realpath "$1")
ROOT=$(realpath "$2")
source "$ROOT/tests/lib.sh"
mpi_env
MPIRUN="mpirun --oversubscribe --bind-to none"
workdir test_lending
cp "$ROOT/tests/data/lend_sweep.yaml" .

"$SWEEP" lend_sweep.yaml --new-output one.h5 >one.out 2>&1
check '[ $? -eq 0 ]' "one process failed: $(tail -3 one.out)"
for n in 3 4; do
    mkdir -p logs$n
    $MPIRUN -n $n "$SWEEP" lend_sweep.yaml --new-output n$n.h5 --log-dir logs$n >n$n.out 2>&1
    check '[ $? -eq 0 ]' "mpirun -n $n failed: $(tail -3 n$n.out)"
    check "same_data one.h5 n$n.h5" "mpirun -n $n with lending: other data than one process"
    check "grep -q 'idle: lends its core' logs$n/rank-*.log" "mpirun -n $n: no worker lent its core"
    check "grep -q 'pool: 1 -> [2-9]' logs$n/rank-*.log" "mpirun -n $n: no trial grew its pool"
done
mkdir -p logs_off
$MPIRUN -n 3 "$SWEEP" lend_sweep.yaml --new-output off.h5 --no-lend --log-dir logs_off >off.out 2>&1
check '[ $? -eq 0 ]' "mpirun -n 3 --no-lend failed: $(tail -3 off.out)"
check "same_data one.h5 off.h5" "mpirun -n 3 --no-lend: other data than one process"
check "! grep -q 'idle: lends\\|pool: 1 ->' logs_off/rank-*.log" "--no-lend: a core was lent anyway"

report test_lending
