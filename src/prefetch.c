/* prefetch.c — the background thread of prefetch.h. */
#define _POSIX_C_SOURCE 200809L
#include "mimod/prefetch.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct mimod_bg {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;  /* a job posted / finished, or quit asked */
    mimod_bg_fn fn;     /* the posted job (NULL: none waiting) */
    void *arg;
    int running;        /* posted and not yet finished */
    int rc;             /* the last job's return value */
    int quit;
};

static void *bg_main(void *p) {
    mimod_bg *bg = p;
    pthread_mutex_lock(&bg->mu);
    for (;;) {
        while (!bg->fn && !bg->quit) pthread_cond_wait(&bg->cv, &bg->mu);
        if (!bg->fn) break; /* quit, no job left */
        mimod_bg_fn fn = bg->fn;
        void *arg = bg->arg;
        bg->fn = NULL;
        pthread_mutex_unlock(&bg->mu);
        int rc = fn(arg);
        pthread_mutex_lock(&bg->mu);
        bg->rc = rc;
        bg->running = 0;
        pthread_cond_broadcast(&bg->cv);
    }
    pthread_mutex_unlock(&bg->mu);
    return NULL;
}

static int bg_create(mimod_bg **out, mimod_err *err) {
    mimod_bg *bg = calloc(1, sizeof *bg);
    if (!bg) return mimod_errf(err, MIMOD_ENOMEM, "prefetch thread: out of memory");
    pthread_mutex_init(&bg->mu, NULL);
    pthread_cond_init(&bg->cv, NULL);
    /* no signals on this thread: a stop request must reach the main thread */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&bg->th, NULL, bg_main, bg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        pthread_cond_destroy(&bg->cv);
        pthread_mutex_destroy(&bg->mu);
        free(bg);
        return mimod_errf(err, MIMOD_ENOMEM, "prefetch thread: cannot start: %s", strerror(rc));
    }
    *out = bg;
    return MIMOD_OK;
}

int mimod_bg_start(mimod_bg **bgp, mimod_bg_fn fn, void *arg, mimod_err *err) {
    if (!*bgp) {
        int rc = bg_create(bgp, err);
        if (rc) return rc;
    }
    mimod_bg *bg = *bgp;
    pthread_mutex_lock(&bg->mu);
    bg->fn = fn;
    bg->arg = arg;
    bg->running = 1;
    pthread_cond_broadcast(&bg->cv);
    pthread_mutex_unlock(&bg->mu);
    return MIMOD_OK;
}

int mimod_bg_wait(mimod_bg *bg) {
    pthread_mutex_lock(&bg->mu);
    while (bg->running) pthread_cond_wait(&bg->cv, &bg->mu);
    int rc = bg->rc;
    pthread_mutex_unlock(&bg->mu);
    return rc;
}

void mimod_bg_free(mimod_bg *bg) {
    if (!bg) return;
    pthread_mutex_lock(&bg->mu);
    while (bg->running) pthread_cond_wait(&bg->cv, &bg->mu); /* defensive: never with a job */
    bg->quit = 1;
    pthread_cond_broadcast(&bg->cv);
    pthread_mutex_unlock(&bg->mu);
    pthread_join(bg->th, NULL);
    pthread_cond_destroy(&bg->cv);
    pthread_mutex_destroy(&bg->mu);
    free(bg);
}
