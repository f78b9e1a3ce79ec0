/* tasks.h — the tasks this build knows (src/tasks.c): the built-in ones, one
 * line each there, and any a program registers before it loads a
 * configuration (the test of tests/task_copy.c). The configuration's `task`
 * key, a sweep's `tasks:`, the result file's groups, the summary and the
 * programs find tasks here by name. */
#ifndef MIMOD_TASKS_H
#define MIMOD_TASKS_H

#include <stddef.h>
#include "mimod/common.h"
#include "mimod/task.h"

/* Tasks in table order (the built-in ones first). */
int mimod_task_count(void);
const mimod_task *mimod_task_at(int i);
/* The task of this name, or NULL. */
const mimod_task *mimod_task_find(const char *name);
/* "wm or sep" (a, b or c) into buf: for messages. */
void mimod_task_names(char *buf, size_t n);
/* Add a task to the table (its name must be new; at most MIMOD_MAX_TASKS in
 * all). Not thread-safe: call it at the start of a program. */
#define MIMOD_MAX_TASKS 16
int mimod_task_register(const mimod_task *t, mimod_err *err);

/* A task's preset of this name, or NULL. */
const task_preset *mimod_task_preset(const mimod_task *t, const char *name);
/* Preset names over every task, each once, in the order the tasks list
 * them: i = 0, 1, … until NULL. */
const char *mimod_preset_name_at(int i);

#endif
