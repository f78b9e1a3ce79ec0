/* lending.c — idle ranks' cores lent to running trials on the same node; see
 * lending.h. */
#include "mimod/lending.h"

#include <sched.h>
#include <stdlib.h>

struct mimod_lending {
    int on;
    MPI_Comm node;
    MPI_Win win;
    int node_rank, node_size;
    int n_nodes;  /* nodes of the world communicator */
    int *running; /* [node_size] 1 while that rank trains (shared) */
    int *lent;    /* [node_size] threads lent to that rank (shared) */
    int threads;  /* this rank's own */
    int cpus;     /* CPUs this rank may run on */
    int lent_to;  /* node rank this idle rank lends to, or −1 */
};

/* CPUs in this process's affinity mask: a rank bound to one core (Open MPI's
 * default for up to 2 ranks, srun's with --cpu-bind=cores) gains nothing from
 * more threads, so it never grows past this. */
static int affinity_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1 << 20;
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

int lending_open(MPI_Comm world, int on, int threads, mimod_lending **out, mimod_err *err) {
    *out = NULL;
    mimod_lending *l = calloc(1, sizeof *l);
    if (!l) return mimod_errf(err, MIMOD_ENOMEM, "lending: out of memory");
    l->on = on;
    l->threads = threads > 0 ? threads : 1;
    l->cpus = affinity_cpus();
    l->lent_to = -1;
    if (MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &l->node) != MPI_SUCCESS) {
        free(l);
        return mimod_errf(err, MIMOD_EMPI, "lending: MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) failed");
    }
    MPI_Comm_rank(l->node, &l->node_rank);
    MPI_Comm_size(l->node, &l->node_size);
    int leader = l->node_rank == 0;
    if (MPI_Allreduce(&leader, &l->n_nodes, 1, MPI_INT, MPI_SUM, world) != MPI_SUCCESS)
        l->n_nodes = 1;
    /* node rank 0 holds the whole array; the others map it */
    int *base = NULL;
    MPI_Aint bytes = l->node_rank == 0 ? (MPI_Aint)(2 * l->node_size * sizeof(int)) : 0;
    if (MPI_Win_allocate_shared(bytes, sizeof(int), MPI_INFO_NULL, l->node, &base, &l->win) !=
        MPI_SUCCESS) {
        MPI_Comm_free(&l->node);
        free(l);
        return mimod_errf(err, MIMOD_EMPI, "lending: MPI_Win_allocate_shared of %ld bytes failed",
                          (long)bytes);
    }
    MPI_Aint size;
    int disp;
    MPI_Win_shared_query(l->win, 0, &size, &disp, &base);
    l->running = base;
    l->lent = base + l->node_size;
    if (l->node_rank == 0)
        for (int i = 0; i < 2 * l->node_size; i++) __atomic_store_n(&base[i], 0, __ATOMIC_SEQ_CST);
    MPI_Barrier(l->node); /* zeroed before anyone reads */
    *out = l;
    return MIMOD_OK;
}

void lending_set_running(mimod_lending *l, int running) {
    if (l && l->on) __atomic_store_n(&l->running[l->node_rank], running ? 1 : 0, __ATOMIC_SEQ_CST);
}

int lending_threads_wanted(const mimod_lending *l) {
    if (!l || !l->on) return l ? l->threads : 1;
    int lent = __atomic_load_n(&l->lent[l->node_rank], __ATOMIC_SEQ_CST);
    int want = l->threads + (lent > 0 ? lent : 0);
    int cap = l->cpus > l->threads ? l->cpus : l->threads;
    return want < cap ? want : cap;
}

int lending_idle_step(mimod_lending *l) {
    if (!l || !l->on) return -1;
    if (l->lent_to >= 0 && __atomic_load_n(&l->running[l->lent_to], __ATOMIC_SEQ_CST)) return -1;
    const int was = l->lent_to;
    if (was >= 0) {
        __atomic_fetch_sub(&l->lent[was], l->threads, __ATOMIC_SEQ_CST);
        l->lent_to = -1;
    }
    int best = -1, best_lent = 0;
    for (int j = 0; j < l->node_size; j++) {
        if (j == l->node_rank || !__atomic_load_n(&l->running[j], __ATOMIC_SEQ_CST)) continue;
        int lj = __atomic_load_n(&l->lent[j], __ATOMIC_SEQ_CST);
        if (best < 0 || lj < best_lent) best = j, best_lent = lj;
    }
    if (best >= 0) {
        __atomic_fetch_add(&l->lent[best], l->threads, __ATOMIC_SEQ_CST);
        l->lent_to = best;
    }
    return best != was ? best : -1;
}

int lending_n_nodes(const mimod_lending *l) { return l && l->n_nodes > 0 ? l->n_nodes : 1; }

int lending_node_rank(const mimod_lending *l) { return l ? l->node_rank : 0; }

void lending_close(mimod_lending *l) {
    if (!l) return;
    MPI_Win_free(&l->win);
    MPI_Comm_free(&l->node);
    free(l);
}
