/* tasks.c — the table of tasks (tasks.h). A built-in task is one line in
 * `table` below, plus its file (src/task_<name>.c) in meson.build's engine. */
#include "mimod/tasks.h"

#include <stdio.h>
#include <string.h>

#include "mimod/task_sep.h"
#include "mimod/task_wm.h"

static const mimod_task *table[MIMOD_MAX_TASKS] = {
    &mimod_task_wm,
    &mimod_task_sep,
};
static int n_tasks = -1; /* counted at the first use */

int mimod_task_count(void) {
    if (n_tasks < 0)
        for (n_tasks = 0; n_tasks < MIMOD_MAX_TASKS && table[n_tasks]; n_tasks++) {}
    return n_tasks;
}

const mimod_task *mimod_task_at(int i) {
    return i >= 0 && i < mimod_task_count() ? table[i] : NULL;
}

const mimod_task *mimod_task_find(const char *name) {
    for (int i = 0; name && i < mimod_task_count(); i++)
        if (strcmp(table[i]->name, name) == 0) return table[i];
    return NULL;
}

void mimod_task_names(char *buf, size_t n) {
    size_t used = 0;
    const int count = mimod_task_count();
    if (n) buf[0] = '\0';
    for (int i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s",
                                 i == 0 ? "" : i == count - 1 ? " or " : ", ", table[i]->name);
}

int mimod_task_register(const mimod_task *t, mimod_err *err) {
    if (!t || !t->name || !t->presets || !t->presets[0].name)
        return mimod_errf(err, MIMOD_EINVAL, "task register: a task needs a name and a preset");
    if (mimod_task_find(t->name))
        return mimod_errf(err, MIMOD_EINVAL, "task register: task '%s' is known already", t->name);
    if (mimod_task_count() == MIMOD_MAX_TASKS)
        return mimod_errf(err, MIMOD_EINVAL, "task register: at most %d tasks", MIMOD_MAX_TASKS);
    table[n_tasks++] = t;
    return MIMOD_OK;
}

const task_preset *mimod_task_preset(const mimod_task *t, const char *name) {
    for (const task_preset *p = t && name ? t->presets : NULL; p && p->name; p++)
        if (strcmp(p->name, name) == 0) return p;
    return NULL;
}

const char *mimod_preset_name_at(int i) {
    int k = 0;
    for (int a = 0; a < mimod_task_count(); a++)
        for (const task_preset *p = table[a]->presets; p->name; p++) {
            int seen = 0;
            for (int b = 0; b < a && !seen; b++) seen = mimod_task_preset(table[b], p->name) != NULL;
            if (!seen && k++ == i) return p->name;
        }
    return NULL;
}
