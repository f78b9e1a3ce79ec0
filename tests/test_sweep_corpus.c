/* test_sweep_corpus — bad sweep files and the message each must give.
 *
 * tests/sweep_bad/NAME.yaml: a sweep file whose first line is
 *   # expect: L:C: words
 * sweep_load must refuse it with a message that contains "<file>:L:C" and the
 * words (an empty L:C checks the words only). Plus inputs that cannot live in
 * the corpus: a directory, a character device, a FIFO, a file over the size
 * limit, a NUL byte. Each load runs in a child with a time limit: a crash or
 * a hang fails the case. Usage: test_sweep_corpus CORPUS_DIR */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "mimod/sweep.h"

#define LIMIT_S 5

/* Load in a child; 0 refused with the expected message, 1 wrong message or accepted,
 * 2 crashed or hung. The message goes to msg. */
static int load_expect(const char *path, const char *where, const char *what, char *msg, size_t n) {
    int fd[2];
    if (pipe(fd) != 0) return 2;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        alarm(LIMIT_S);
        sweep_def s;
        mimod_err err = {0};
        int rc = sweep_load(path, &s, &err);
        if (rc == MIMOD_OK) {
            snprintf(err.msg, sizeof err.msg, "(accepted)");
            sweep_free(&s);
        }
        if (write(fd[1], err.msg, strlen(err.msg) + 1) < 0) _exit(3);
        _exit(rc == MIMOD_OK ? 1 : 0);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got < n - 1 && (r = read(fd[0], msg + got, n - 1 - got)) > 0) got += (size_t)r;
    msg[got] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) {
        snprintf(msg, n, "killed by signal %d%s", WTERMSIG(st),
                 WTERMSIG(st) == SIGALRM ? " (over the time limit)" : "");
        return 2;
    }
    if (WEXITSTATUS(st) != 0) return 1;
    char loc[PATH_MAX + 64];
    snprintf(loc, sizeof loc, "%s:%s", path, where);
    if (where[0] && !strstr(msg, loc)) return 1;
    if (!strstr(msg, what)) return 1;
    return 0;
}

static void expect(const char *path, const char *where, const char *what) {
    char msg[2048];
    int r = load_expect(path, where, what, msg, sizeof msg);
    CHECK(r == 0, "%s: expected '%s%s%s', got: %s", path, where, where[0] ? ": " : "", what, msg);
}

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_sweep_corpus CORPUS_DIR\n");
        return 1;
    }
    struct dirent **list;
    int n = scandir(argv[1], &list, NULL, by_name);
    CHECK(n > 2, "corpus %s", argv[1]);
    int n_cases = 0;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        size_t len = strlen(name);
        if (len > 5 && strcmp(name + len - 5, ".yaml") == 0) {
            char path[PATH_MAX + 300], line[512] = "";
            snprintf(path, sizeof path, "%s/%s", argv[1], name);
            FILE *f = fopen(path, "r");
            if (f && fgets(line, sizeof line, f)) line[strcspn(line, "\n")] = '\0';
            if (f) fclose(f);
            const char *e = strstr(line, "# expect: ");
            CHECK(e != NULL, "%s: first line must be '# expect: L:C: words'", path);
            if (e) {
                e += strlen("# expect: ");
                char where[64] = "";
                const char *what = e;
                const char *colon = strstr(e, ": ");
                if (colon && colon > e && (size_t)(colon - e) < sizeof where) {
                    memcpy(where, e, (size_t)(colon - e));
                    where[colon - e] = '\0';
                    what = colon + 2;
                } else if (colon == e) {
                    what = colon + 2;
                }
                expect(path, where, what);
                n_cases++;
            }
        }
        free(list[i]);
    }
    free(list);
    CHECK(n_cases >= 20, "only %d corpus cases", n_cases);

    /* inputs that are not sweep files at all */
    mkdir("corpus_dir.yaml", 0755);
    expect("corpus_dir.yaml", "", "it is a directory");
    rmdir("corpus_dir.yaml");
    expect("/dev/urandom", "", "it is a character device");
    expect("/dev/null", "", "it is a character device");
    unlink("corpus_fifo.yaml");
    if (mkfifo("corpus_fifo.yaml", 0644) == 0) {
        expect("corpus_fifo.yaml", "", "it is a pipe");
        unlink("corpus_fifo.yaml");
    }
    expect("corpus_missing.yaml", "", "cannot open");
    /* over the size limit: refused before parsing, however it is built */
    FILE *f = fopen("corpus_big.yaml", "w");
    fputs("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: [0]\ndescription: >\n", f);
    for (int i = 0; i < SWEEP_MAX_BYTES / 60 + 10; i++)
        fputs("  a long description line of sixty bytes, more or less......\n", f);
    fclose(f);
    expect("corpus_big.yaml", "1:1", "at most 61440");
    unlink("corpus_big.yaml");
    /* 200 KB of nested lists (libyaml alone takes minutes on it) */
    f = fopen("corpus_nest.yaml", "w");
    fputs("output: o.h5\ngrid: ", f);
    for (int i = 0; i < 40000; i++) fputc('[', f);
    for (int i = 0; i < 40000; i++) fputc(']', f);
    fclose(f);
    expect("corpus_nest.yaml", "1:1", "at most");
    /* the same under the size limit: refused for its depth */
    f = fopen("corpus_nest.yaml", "w");
    fputs("output: o.h5\ngrid: ", f);
    for (int i = 0; i < 25000; i++) fputc('[', f);
    for (int i = 0; i < 25000; i++) fputc(']', f);
    fclose(f);
    expect("corpus_nest.yaml", "2:39", "nested deeper than 32");
    unlink("corpus_nest.yaml");
    /* a NUL byte */
    f = fopen("corpus_nul.yaml", "w");
    fputs("output: o.h5\npreset: ti", f);
    fputc('\0', f);
    fputs("ny\ntasks: [wm]\ngrid: {seed: [0]}\n", f);
    fclose(f);
    expect("corpus_nul.yaml", "2:11", "not a text file");
    unlink("corpus_nul.yaml");
    return check_report("test_sweep_corpus");
}
