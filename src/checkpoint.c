/* checkpoint.c — save and restore everything a trial needs to continue exactly:
 * MM and SM parameters, optimiser moments and step counts, the step counters
 * and the time course so far. Random streams need no saving: every draw is a
 * function of (seed, stream, step index) (see rng.h).
 *
 * File: "MIMODCK1", u32 layout version, u64 length + the full configuration
 * as YAML (a checkpoint only loads into a trial of the same configuration),
 * then the saved blocks of the trial's buffer table (trial_buffers) in
 * table order, then a 64-bit FNV-1a checksum of everything before it. Writes
 * are atomic: temp file in the same directory, fsync, rename, fsync of the
 * directory — a killed process leaves either the old or the new checkpoint. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trial_internal.h"

#define CK_MAGIC "MIMODCK1"

/* Equal configurations (YAML of config_to_yaml, one "key: value" per line),
 * run-control keys and legacy defaults aside (the key table's facts,
 * config_keys.h). */
static int same_config(const char *a, const char *b) {
    for (;;) {
        while (*a && config_line_left_out(a)) a += strcspn(a, "\n") + (a[strcspn(a, "\n")] != 0);
        while (*b && config_line_left_out(b)) b += strcspn(b, "\n") + (b[strcspn(b, "\n")] != 0);
        if (!*a || !*b) return !*a && !*b;
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0) return 0;
        a += la + (a[la] != 0);
        b += lb + (b[lb] != 0);
    }
}

typedef struct {
    FILE *f;
    uint64_t hash;
    int failed;
} ck_stream;

static void fnv(uint64_t *h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 0x100000001B3ull;
    }
}

static void put(ck_stream *s, const void *p, size_t n) {
    if (s->failed || n == 0) return;
    if (fwrite(p, 1, n, s->f) != n) s->failed = 1;
    fnv(&s->hash, p, n);
}


/* The saved buffers of the trial's table (trial_buffers), in file order;
 * save and load walk the same list. */
typedef struct {
    void *p;
    size_t n;
} ck_block;

#define MAX_BLOCKS TRIAL_MAX_BUFFERS

static int blocks(trial *t, ck_block *b) {
    trial_buffer all[TRIAL_MAX_BUFFERS];
    int n = trial_buffers(t, all), k = 0;
    for (int i = 0; i < n; i++)
        if (all[i].flags & TRIAL_BUF_SAVED) b[k++] = (ck_block){all[i].p, all[i].bytes};
    return k;
}

/* The checkpoint's version follows its layout: the names of the saved
 * blocks, in file order. Version 1 is the layout below, which every
 * checkpoint written so far has; any other layout — a quantity added to the
 * schema, say, adds a block — is the FNV-1a hash of its names with the top
 * bit set. So a checkpoint of another layout is refused as such ("another
 * layout"), not as a corrupt file, and the runner starts the trial afresh. */
static const char layout_v1[] =
    "mm_step sm_step finished fail_step mm_params mm_opt.step mm_opt.m mm_opt.v sm_params "
    "sm_opt.step sm_opt.m sm_opt.v res.n_done res.step task_loss reg_loss mi accuracy r2_mean "
    "q_cor q_str d_cor d_out d_in res.r2 res.train_loss res.train_mi res.wall_seconds corr_c "
    "corr_a unit_out ";

uint32_t trial_checkpoint_layout_version(const char *names) {
    if (strcmp(names, layout_v1) == 0) return 1u;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)names; *p; p++) h = (h ^ *p) * 16777619u;
    return h | 0x80000000u;
}

/* This trial's layout version. */
static uint32_t layout_version(trial *t) {
    trial_buffer all[TRIAL_MAX_BUFFERS];
    int n = trial_buffers(t, all);
    char names[TRIAL_MAX_BUFFERS * 24] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof names; i++)
        if (all[i].flags & TRIAL_BUF_SAVED)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s ", all[i].name);
    return trial_checkpoint_layout_version(names);
}

int trial_save_checkpoint(const trial *tc, const char *path, mimod_err *err) {
    trial *t = (trial *)tc; /* blocks() needs non-const pointers; saving does not modify */
    char *yaml = NULL;
    int rc = config_to_yaml(&t->cfg, &yaml, err);
    if (rc) return rc;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) {
        free(yaml);
        return mimod_errf(err, MIMOD_ENOMEM, "checkpoint: out of memory");
    }
    /* the temp name carries the pid: a straggler of a killed run writing the same
     * checkpoint cannot make this rename fail or publish a mixed file */
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint: cannot create %s: %s", tmp, strerror(errno));
        free(yaml);
        free(tmp);
        return rc;
    }
    ck_stream s = {fdopen(fd, "wb"), 0xCBF29CE484222325ull, 0};
    if (!s.f) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint: fdopen %s failed: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        free(yaml);
        free(tmp);
        return rc;
    }
    uint32_t version = layout_version(t);
    uint64_t ylen = strlen(yaml);
    put(&s, CK_MAGIC, 8);
    put(&s, &version, sizeof version);
    put(&s, &ylen, sizeof ylen);
    put(&s, yaml, ylen);
    ck_block b[MAX_BLOCKS] = {{0}};
    int nb = blocks(t, b);
    for (int i = 0; i < nb; i++) put(&s, b[i].p, b[i].n);
    uint64_t h = s.hash;
    put(&s, &h, sizeof h);
    int failed = s.failed || fflush(s.f) != 0 || fsync(fd) != 0;
    int saved_errno = errno;
    if (fclose(s.f) != 0) failed = 1;
    free(yaml);
    if (failed) {
        unlink(tmp);
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint: writing %s failed: %s (disk full?)", tmp,
                        strerror(saved_errno));
        free(tmp);
        return rc;
    }
    if (rename(tmp, path) != 0) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint: rename %s -> %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    /* make the rename itself durable */
    char *dircopy = strdup(path);
    if (dircopy) {
        int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dircopy);
    }
    free(tmp);
    return MIMOD_OK;
}

/* The whole file into memory (a checkpoint is a trial's state: tens of MB at
 * most); NULL with err set. */
static unsigned char *read_whole(const char *path, size_t *n, mimod_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        mimod_errf(err, MIMOD_EIO, "checkpoint: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        mimod_errf(err, MIMOD_EIO, "checkpoint %s: cannot read it: %s", path, strerror(errno));
    } else if (!(buf = malloc((size_t)size + 1))) {
        mimod_errf(err, MIMOD_ENOMEM, "checkpoint: out of memory");
    } else if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        mimod_errf(err, MIMOD_EIO, "checkpoint %s: cannot read it: %s", path, strerror(errno));
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = size > 0 ? (size_t)size : 0;
    return buf;
}

/* The checksum is verified before anything in the file is believed, so a
 * damaged file (flipped bits, a torn copy) is called corrupt, never "another
 * configuration"; then the configuration, then the size of the state. */
int trial_load_checkpoint(trial *t, const char *path, mimod_err *err) {
    size_t n = 0;
    unsigned char *buf = read_whole(path, &n, err);
    if (!buf) return err ? err->code : MIMOD_EIO;
    const size_t head = 8 + sizeof(uint32_t) + sizeof(uint64_t);
    int rc = MIMOD_OK;
    char *yaml = NULL, *mine = NULL;
    uint32_t version = 0;
    uint64_t ylen = 0, want = 0xCBF29CE484222325ull, got = 0;
    if (n < 8 || memcmp(buf, CK_MAGIC, 8) != 0) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint %s: not a mimod checkpoint (%s)", path,
                        n == 0 ? "the file is empty" : "no MIMODCK1 header");
        goto out;
    }
    if (n < head + sizeof got) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint %s is truncated (%zu bytes)", path, n);
        goto out;
    }
    fnv(&want, buf, n - sizeof got);
    memcpy(&got, buf + n - sizeof got, sizeof got);
    if (want != got) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint %s is truncated or corrupt (checksum mismatch)",
                        path);
        goto out;
    }
    memcpy(&version, buf + 8, sizeof version);
    memcpy(&ylen, buf + 8 + sizeof version, sizeof ylen);
    const uint32_t mine_v = layout_version(t);
    if (version != mine_v) {
        rc = mimod_errf(err, MIMOD_EINVAL,
                        "checkpoint %s has another layout (version %u; this build's is %u): it "
                        "was written by a mimod that saves other quantities (one before or after "
                        "a quantity was added, say) and cannot be resumed by this one",
                        path, (unsigned)version, mine_v);
        goto out;
    }
    if (ylen > n - head - sizeof got) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint %s is corrupt (configuration length %llu)", path,
                        (unsigned long long)ylen);
        goto out;
    }
    if (!(yaml = malloc(ylen + 1))) {
        rc = mimod_errf(err, MIMOD_ENOMEM, "checkpoint: out of memory");
        goto out;
    }
    memcpy(yaml, buf + head, ylen);
    yaml[ylen] = '\0';
    rc = config_to_yaml(&t->cfg, &mine, err);
    if (rc) goto out;
    if (!same_config(yaml, mine)) {
        rc = mimod_errf(err, MIMOD_EINVAL,
                        "checkpoint %s was written for a different configuration", path);
        goto out;
    }
    ck_block b[MAX_BLOCKS] = {{0}};
    int nb = blocks(t, b);
    size_t total = 0;
    for (int i = 0; i < nb; i++) total += b[i].n;
    if (n - head - ylen - sizeof got != total) {
        rc = mimod_errf(err, MIMOD_EIO, "checkpoint %s holds %zu bytes of trial state where this "
                        "trial has %zu (written by a %s build?)", path,
                        n - head - (size_t)ylen - sizeof got, total,
                        sizeof(real) == 4 ? "double" : "float");
        goto out;
    }
    size_t off = head + ylen;
    for (int i = 0; i < nb; i++) {
        if (b[i].n) memcpy(b[i].p, buf + off, b[i].n);
        off += b[i].n;
    }
    /* The final analysis (communities, I_n) is not in the checkpoint: a
     * finished trial loads as one whose steps are all done, and trial_run
     * redoes that analysis (deterministic, from the saved matrices). This is
     * how a finished trial whose result file could not be written is kept. */
    t->finished = 0;
out:
    free(yaml);
    free(mine);
    free(buf);
    return rc;
}
