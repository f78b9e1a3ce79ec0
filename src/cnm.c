/* cnm.c — Clauset–Newman–Moore greedy modularity merging (SPEC §5).
 *
 * Communities start as singletons. With 2m = Σ_{i≠j} A_ij, let
 * e_cd = (1/2m) Σ_{u∈c, v∈d, u≠v} A_uv (so e_cc is twice the internal weight
 * over 2m) and a_c = Σ_d e_cd. Merging c and d changes Q = Σ_c (e_cc − a_c²)
 * by ΔQ = 2(e_cd − a_c a_d). Each round merges the connected pair (e_cd > 0)
 * with the largest ΔQ — negative ΔQ included, since the run continues until
 * exactly n_target communities remain [code] — and, once no connected pair is
 * left, the unconnected pair with the largest ΔQ = −2 a_c a_d.
 *
 * Data structure: the dense community matrix e, rows/columns of merged-away
 * communities marked dead. A community lives in the slot of its smallest
 * member (merging d into c with c < d keeps slot c), so "smallest (c, d)" tie
 * breaking is by smallest members, and the final labels come out in order of
 * smallest member by walking live slots upwards. O(n³) time, O(n²) memory:
 * fine for the few hundred units this is used on. */
#include "mimod/metrics.h"

int cnm_communities(const double *A, int n, int n_target, int *labels, mimod_err *err) {
    if (n < 1 || n_target < 1 || n_target > n)
        return mimod_errf(err, MIMOD_EINVAL,
                          "cnm_communities: need 1 <= n_target <= n, got n = %d, n_target = %d", n,
                          n_target);
    double *e = mimod_calloc((size_t)n * n, sizeof(double)); /* e [n][n] */
    double *a = mimod_calloc((size_t)n, sizeof(double));     /* a [n] */
    int *alive = mimod_calloc((size_t)n, sizeof(int));
    int *slot_of = mimod_calloc((size_t)n, sizeof(int)); /* node -> community slot */
    if (!e || !a || !alive || !slot_of) {
        mimod_free(e);
        mimod_free(a);
        mimod_free(alive);
        mimod_free(slot_of);
        return mimod_errf(err, MIMOD_ENOMEM, "cnm_communities: out of memory for n = %d", n);
    }

    double two_m = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j) two_m += A[(size_t)i * n + j];
    /* An empty graph has no edges to weigh: every ΔQ is 0 and the merges
     * below fall back to the smallest pairs. */
    const double inv_2m = two_m > 0.0 ? 1.0 / two_m : 0.0;
    for (int i = 0; i < n; i++) {
        alive[i] = 1;
        slot_of[i] = i;
        for (int j = 0; j < n; j++) {
            /* The symmetrised weight, in case A is not exactly symmetric. */
            const double w = i == j ? 0.0 : 0.5 * (A[(size_t)i * n + j] + A[(size_t)j * n + i]);
            e[(size_t)i * n + j] = w * inv_2m;
            a[i] += w * inv_2m;
        }
    }

    for (int n_comm = n; n_comm > n_target; n_comm--) {
        int best_c = -1, best_d = -1, best_connected = 0;
        double best_dq = 0.0;
        for (int c = 0; c < n; c++) {
            if (!alive[c]) continue;
            for (int d = c + 1; d < n; d++) {
                if (!alive[d]) continue;
                const double e_cd = e[(size_t)c * n + d];
                const int connected = e_cd > 0.0;
                const double dq = 2.0 * (e_cd - a[c] * a[d]);
                /* A connected pair beats any unconnected one; within a kind
                 * the strictly larger ΔQ wins, so ties keep the first pair
                 * met, i.e. the smallest (c, d). */
                if (best_c < 0 || connected > best_connected ||
                    (connected == best_connected && dq > best_dq)) {
                    best_c = c;
                    best_d = d;
                    best_connected = connected;
                    best_dq = dq;
                }
            }
        }
        /* Merge d into c: row/column c absorbs row/column d. */
        const int c = best_c, d = best_d;
        const double e_cd = e[(size_t)c * n + d];
        for (int k = 0; k < n; k++) {
            if (!alive[k] || k == c || k == d) continue;
            e[(size_t)c * n + k] += e[(size_t)d * n + k];
            e[(size_t)k * n + c] = e[(size_t)c * n + k];
        }
        e[(size_t)c * n + c] += e[(size_t)d * n + d] + 2.0 * e_cd;
        a[c] += a[d];
        alive[d] = 0;
        for (int v = 0; v < n; v++)
            if (slot_of[v] == d) slot_of[v] = c;
    }

    /* Number live slots in increasing order = order of smallest member. */
    int next = 0;
    for (int c = 0; c < n; c++)
        if (alive[c]) alive[c] = ++next; /* reuse alive as label + 1 */
    for (int v = 0; v < n; v++) labels[v] = alive[slot_of[v]] - 1;

    mimod_free(e);
    mimod_free(a);
    mimod_free(alive);
    mimod_free(slot_of);
    return MIMOD_OK;
}
