/* test_sweep_fuzz — randomized mutations of valid sweep files (fixed seed,
 * bounded in time). Every mutant is loaded by sweep_load in a child process
 * with a time limit; the load must end (no crash, no hang past LIMIT_S
 * seconds) either accepting the file or refusing it with a message that
 * starts with "<file>:<line>:<column>: ". Replay one case with FUZZ_SEED=S
 * FUZZ_CASES=1; FUZZ_CASES and FUZZ_SECONDS bound the run.
 * Usage: test_sweep_fuzz SWEEP.yaml... */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "mimod/sweep.h"

#define LIMIT_S 5

static uint64_t rng_state;
static uint64_t next(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static size_t below(size_t n) { return n ? (size_t)(next() % n) : 0; }

static const char *const pieces[] = {
    ":", " ", "\n", "[", "]", "{", "}", ",", "-", "#", "'", "\"", "&a", "*a", "!!str", "---", "...",
    "seed", "lambda_I", "from", "to", "grid", "task_grid", "overrides", "task_overrides", "wm",
    "sep", "tasks", "output", "preset", "tiny", "0", "-1", "1e300", "nan", "18446744073709551616",
    "99999999", "true", "  ", "\t", "?", "|", ">", "%YAML 1.1", "\\", "\xc3", "\xff",
};

/* One random edit of text (len bytes, capacity cap) in place; returns the new length. */
static size_t mutate(char *t, size_t len, size_t cap) {
    size_t at = below(len + 1);
    switch (below(6)) {
    case 0: /* flip a byte to a random printable or special byte */
        if (len) t[below(len)] = (char)(next() % 3 ? 32 + below(95) : below(256));
        break;
    case 1: { /* delete a span */
        size_t n = 1 + below(8);
        if (at + n > len) n = len - at;
        memmove(t + at, t + at + n, len - at - n);
        len -= n;
        break;
    }
    case 2: case 3: { /* insert a YAML-ish piece */
        const char *p = pieces[below(sizeof pieces / sizeof pieces[0])];
        size_t n = strlen(p);
        if (len + n < cap) {
            memmove(t + at + n, t + at, len - at);
            memcpy(t + at, p, n);
            len += n;
        }
        break;
    }
    case 4: { /* duplicate a line */
        size_t a = at;
        while (a > 0 && t[a - 1] != '\n') a--;
        size_t b = at;
        while (b < len && t[b] != '\n') b++;
        if (b < len) b++;
        size_t n = b - a;
        if (n && len + n < cap) {
            memmove(t + b + n, t + b, len - b);
            memcpy(t + b, t + a, n);
            len += n;
        }
        break;
    }
    default: { /* swap two lines' starts: move a span elsewhere */
        size_t n = 1 + below(12);
        if (at + n > len) n = len - at;
        char tmp[16];
        memcpy(tmp, t + at, n);
        memmove(t + at, t + at + n, len - at - n);
        len -= n;
        size_t to = below(len + 1);
        memmove(t + to + n, t + to, len - to);
        memcpy(t + to, tmp, n);
        len += n;
        break;
    }
    }
    t[len] = '\0';
    return len;
}

/* 0 accepted, 1 refused with file:line:column, 2 refused without, 3 crashed, 4 hung. */
static int load_child(const char *path, char *msg, size_t n) {
    int fd[2];
    if (pipe(fd) != 0) return 3;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        alarm(LIMIT_S);
        sweep_def s;
        mimod_err err = {0};
        int rc = sweep_load(path, &s, &err);
        if (rc == MIMOD_OK) sweep_free(&s);
        if (write(fd[1], err.msg, strlen(err.msg) + 1) < 0) _exit(9);
        if (rc == MIMOD_OK) _exit(0);
        /* "<path>:<digits>:<digits>: " */
        size_t pl = strlen(path);
        const char *m = err.msg;
        int ok = strncmp(m, path, pl) == 0 && m[pl] == ':';
        m += pl + 1;
        for (int part = 0; ok && part < 2; part++) {
            int digits = 0;
            while (*m >= '0' && *m <= '9') { m++; digits++; }
            ok = digits > 0 && *m == ':';
            m++;
        }
        ok = ok && *m == ' ' && m[1] != ':';
        _exit(ok ? 1 : 2);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got < n - 1 && (r = read(fd[0], msg + got, n - 1 - got)) > 0) got += (size_t)r;
    msg[got] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) return WTERMSIG(st) == SIGALRM ? 4 : 3;
    return WEXITSTATUS(st) <= 2 ? WEXITSTATUS(st) : 3;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_sweep_fuzz SWEEP.yaml...\n");
        return 1;
    }
    const char *e;
    uint64_t seed = (e = getenv("FUZZ_SEED")) ? strtoull(e, NULL, 10) : 20261130;
    int cases = (e = getenv("FUZZ_CASES")) ? atoi(e) : 1500;
    double seconds = (e = getenv("FUZZ_SECONDS")) ? atof(e) : 40;
    enum { CAP = 16384 };
    char *base[16];
    size_t base_len[16];
    int n_base = 0;
    for (int i = 1; i < argc && n_base < 16; i++) {
        FILE *f = fopen(argv[i], "rb");
        CHECK(f != NULL, "cannot read %s", argv[i]);
        if (!f) continue;
        base[n_base] = calloc(CAP, 1);
        base_len[n_base] = fread(base[n_base], 1, CAP / 2, f);
        fclose(f);
        n_base++;
    }
    const char *path = "fuzz_case.yaml";
    char *t = malloc(CAP + 1), msg[2048];
    int counts[5] = {0};
    double t0 = mimod_now();
    int done = 0;
    for (int c = 0; c < cases && mimod_now() - t0 < seconds; c++, done++) {
        rng_state = seed + (uint64_t)c * 0x632BE59BD9B4E019ull;
        int b = (int)below((size_t)n_base);
        size_t len = base_len[b];
        memcpy(t, base[b], len + 1);
        int edits = 1 + (int)below(4);
        for (int k = 0; k < edits; k++) len = mutate(t, len, CAP);
        FILE *f = fopen(path, "wb");
        fwrite(t, 1, len, f);
        fclose(f);
        double s0 = mimod_now();
        int r = load_child(path, msg, sizeof msg);
        counts[r]++;
        CHECK(r <= 1, "case %d (FUZZ_SEED=%llu, case index %d): %s after %.1f s; message: %s", c,
              (unsigned long long)seed, c,
              r == 2 ? "refused without file:line:column" : r == 3 ? "crashed" : "hung",
              mimod_now() - s0, msg);
        if (r > 1) {
            char keep[64];
            snprintf(keep, sizeof keep, "fuzz_fail_%d.yaml", c);
            rename(path, keep);
            fprintf(stderr, "  kept as %s\n", keep);
        }
    }
    unlink(path);
    printf("test_sweep_fuzz: %d mutants in %.1f s: %d accepted, %d refused with a position, %d "
           "without, %d crashed, %d hung\n", done, mimod_now() - t0, counts[0], counts[1], counts[2],
           counts[3], counts[4]);
    CHECK(done >= 200, "only %d mutants in the time allowed", done);
    for (int i = 0; i < n_base; i++) free(base[i]);
    free(t);
    return check_report("test_sweep_fuzz");
}
