/* gemm_pool.c — a persistent pool of threads running a caller's fixed tasks;
 * see gemm_pool.h. */
#include "mimod/gemm_pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

/* Worker i (1 … n−1; the caller is thread 0) waits for a new job
 * (generation counter), takes tasks from a shared ticket until none is left,
 * and goes back to waiting. The caller takes tasks too, then waits until
 * every task is done and every worker that joined the job has left it.
 * The ticket holds the job's generation in its high 32 bits and the next task
 * in the low 32: a worker that woke late and read an old job's fn/arg can
 * never take a task of a newer job (it would run the old fn, whose arg is
 * gone, with the new job's task numbers). */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a new job, or workers asked to exit */
    pthread_cond_t done_cv; /* the last task finished / the last worker left */
    pthread_t th[MIMOD_POOL_MAX_THREADS];
    int n_threads;  /* workers wanted + 1 */
    int n_started;  /* workers running (indices 1 … n_started) */
    /* the current job */
    atomic_ulong gen;
    mimod_pool_fn fn;
    void *arg;
    int n_tasks;
    atomic_ullong ticket; /* generation << 32 | next task */
    atomic_int done;
    int active; /* workers inside the current job */
    atomic_int reserved; /* threads of the pool's count busy elsewhere (mimod_pool_reserve) */
    atomic_flag busy; /* a thread is inside mimod_pool_run */
} P = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .work_cv = PTHREAD_COND_INITIALIZER,
    .done_cv = PTHREAD_COND_INITIALIZER,
    .n_threads = 1,
    .busy = ATOMIC_FLAG_INIT,
};

/* Spin this many rounds on the generation before sleeping: mm_gemm calls come
 * in bursts a few microseconds apart (a MINE chunk is several products with
 * element-wise loops between), and a futex wake-up costs about as much as a
 * small tile. Short enough that an idle pool costs nothing measurable. */
enum { SPIN_ROUNDS = 4000 };

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Take and run tasks of job `gen` (fn, arg, n) until none is left. */
static void run_tasks(unsigned long gen, mimod_pool_fn fn, void *arg, int n) {
    const unsigned long long mine = (unsigned long long)(gen & 0xffffffffUL) << 32;
    for (;;) {
        unsigned long long v = atomic_load_explicit(&P.ticket, memory_order_acquire);
        int t;
        do {
            if ((v & ~0xffffffffULL) != mine) return; /* a newer job */
            t = (int)(v & 0xffffffffULL);
            if (t >= n) return;
        } while (!atomic_compare_exchange_weak_explicit(&P.ticket, &v, v + 1, memory_order_acq_rel,
                                                        memory_order_acquire));
        fn(arg, t);
        if (atomic_fetch_add_explicit(&P.done, 1, memory_order_acq_rel) + 1 == n) {
            pthread_mutex_lock(&P.mu);
            pthread_cond_broadcast(&P.done_cv);
            pthread_mutex_unlock(&P.mu);
        }
    }
}

static void *worker(void *p) {
    const int idx = (int)(intptr_t)p;
    unsigned long seen = atomic_load(&P.gen);
    for (;;) {
        for (int s = 0; s < SPIN_ROUNDS && atomic_load_explicit(&P.gen, memory_order_acquire) == seen; s++)
            cpu_relax();
        pthread_mutex_lock(&P.mu);
        while (atomic_load(&P.gen) == seen && idx < P.n_threads) pthread_cond_wait(&P.work_cv, &P.mu);
        if (idx >= P.n_threads) {
            pthread_mutex_unlock(&P.mu);
            return NULL;
        }
        seen = atomic_load(&P.gen);
        /* Threads reserved by mimod_pool_reserve run other work: this job
         * gets only n_threads − 1 − reserved workers. The caller runs the
         * tasks left, so a skipped job still finishes. */
        if (P.active >= P.n_threads - 1 - atomic_load(&P.reserved)) {
            pthread_mutex_unlock(&P.mu);
            continue;
        }
        mimod_pool_fn fn = P.fn;
        void *arg = P.arg;
        int n = P.n_tasks;
        P.active++;
        pthread_mutex_unlock(&P.mu);

        run_tasks(seen, fn, arg, n);

        pthread_mutex_lock(&P.mu);
        if (--P.active == 0) pthread_cond_broadcast(&P.done_cv);
        pthread_mutex_unlock(&P.mu);
    }
}

void mimod_pool_run(int n_tasks, mimod_pool_fn fn, void *arg) {
    if (n_tasks <= 0) return;
    /* One job at a time; a second thread (trial.c's data thread, or the main
     * thread while that one has the pool) runs its tasks itself, with the
     * same results. n_started is only written by mimod_pool_set_threads,
     * never while two threads can be here. */
    if (n_tasks == 1 || P.n_started <= atomic_load(&P.reserved) || atomic_flag_test_and_set(&P.busy)) {
        for (int t = 0; t < n_tasks; t++) fn(arg, t);
        return;
    }
    pthread_mutex_lock(&P.mu);
    P.fn = fn;
    P.arg = arg;
    P.n_tasks = n_tasks;
    const unsigned long gen = atomic_load(&P.gen) + 1;
    atomic_store(&P.done, 0);
    atomic_store(&P.ticket, (unsigned long long)(gen & 0xffffffffUL) << 32);
    atomic_store(&P.gen, gen);
    pthread_cond_broadcast(&P.work_cv);
    pthread_mutex_unlock(&P.mu);

    run_tasks(gen, fn, arg, n_tasks);

    for (int s = 0; s < SPIN_ROUNDS && atomic_load_explicit(&P.done, memory_order_acquire) < n_tasks; s++)
        cpu_relax();
    pthread_mutex_lock(&P.mu);
    while (atomic_load(&P.done) < n_tasks || P.active > 0) pthread_cond_wait(&P.done_cv, &P.mu);
    pthread_mutex_unlock(&P.mu);
    atomic_flag_clear(&P.busy);
}

int mimod_pool_threads(void) { return P.n_threads; }

void mimod_pool_reserve(int k) { atomic_store(&P.reserved, k < 0 ? 0 : k); }

int mimod_pool_available(void) {
    int n = P.n_threads - atomic_load(&P.reserved);
    return n < 1 ? 1 : n;
}

/* Join workers n … n_started (already told to exit by n_threads ≤ their index). */
static void join_from(int n) {
    for (int i = P.n_started; i >= n && i >= 1; i--) pthread_join(P.th[i], NULL);
    if (P.n_started >= n) P.n_started = n - 1 < 0 ? 0 : n - 1;
}

int mimod_pool_set_threads(int n, mimod_err *err) {
    if (n < 1 || n > MIMOD_POOL_MAX_THREADS)
        return mimod_errf(err, MIMOD_EINVAL, "thread pool: %d threads asked, expected 1 to %d", n,
                          MIMOD_POOL_MAX_THREADS);
    if (n - 1 < P.n_started) {
        pthread_mutex_lock(&P.mu);
        P.n_threads = n;
        pthread_cond_broadcast(&P.work_cv);
        pthread_mutex_unlock(&P.mu);
        join_from(n);
        return MIMOD_OK;
    }
    pthread_mutex_lock(&P.mu);
    P.n_threads = n;
    pthread_mutex_unlock(&P.mu);
    /* Workers take no signals: a SIGTERM must reach the main thread, whose
     * handler asks the trial to stop with a checkpoint. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = 0;
    while (P.n_started < n - 1) {
        int i = P.n_started + 1;
        rc = pthread_create(&P.th[i], NULL, worker, (void *)(intptr_t)i);
        if (rc) break;
        P.n_started = i;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        int got = P.n_started + 1;
        pthread_mutex_lock(&P.mu);
        P.n_threads = got;
        pthread_mutex_unlock(&P.mu);
        return mimod_errf(err, MIMOD_ENOMEM, "thread pool: could not start thread %d of %d: %s",
                          got + 1, n, strerror(rc));
    }
    return MIMOD_OK;
}

void mimod_pool_shutdown(void) { (void)mimod_pool_set_threads(1, NULL); }
