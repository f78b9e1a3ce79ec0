/* config.h — one trial's configuration: every hyperparameter of SPEC §2–§5 and
 * every alternative of SPEC §7 (the struct and its key table: config_keys.h),
 * presets (each task's, task.h), YAML loading, `key=value` overrides and
 * validation. Errors name the file:line:column (or "--set") and the key. */
#ifndef MIMOD_CONFIG_H
#define MIMOD_CONFIG_H

#include "mimod/common.h"
#include "mimod/config_keys.h"
#include "mimod/task.h"

/* Fill c with a task's preset ("paper", "quick", "tiny", "medium", ...): every
 * key from the key table's default, then the preset's parents' values, then
 * its own, then the keys the task derives. */
int config_preset(mimod_config *c, const char *preset, const mimod_task *task, mimod_err *err);

/* Set one key from its text value. `where` names the origin for messages,
 * e.g. "run.yaml:12:5" or "--set". Unknown key, wrong type or a value out of
 * the key's range -> MIMOD_EINVAL with "<where>: key '<key>': <problem>". */
int config_set(mimod_config *c, const char *key, const char *value, const char *where,
               mimod_err *err);

/* Load a YAML mapping file: optional "task" and "preset" keys are applied first
 * (preset defaults to "paper"), then every other key via config_set with its
 * file:line:column. Nested mappings/sequences are errors. */
int config_load_file(mimod_config *c, const char *path, mimod_err *err);
/* Same, from a string (name used in messages). */
int config_load_string(mimod_config *c, const char *text, const char *name, mimod_err *err);

/* The loader for command lines: path may be NULL (no file); sets are n_sets
 * "key=value" strings (--set overrides). The task and the preset come from the
 * last --set of each, else from the file, else the first task of the table
 * (tasks.h: wm) and its first preset (paper); that preset is
 * applied first, then the file's other keys in file order, then the other sets
 * in order (where = "--set"), then config_validate. A bare config_set of "task"
 * or "preset" only records the value; re-applying a preset is this function's
 * job. Every config_load_* leaves *c unchanged on error. */
int config_load_with_overrides(mimod_config *c, const char *path, int n_sets,
                               char *const *sets, mimod_err *err);

/* Every key's range, then the task's cross-key checks (seq_len > loss_skip,
 * ...), then those of every task (n_units divisible by n_groups, ...). */
int config_validate(const mimod_config *c, mimod_err *err);

/* Text value of a key ("0.1", "true", "rmsprop", ...). */
int config_get(const mimod_config *c, const char *key, char *buf, size_t n, mimod_err *err);
/* Full configuration as YAML text (every key); *out malloc'd, caller frees. */
int config_to_yaml(const mimod_config *c, char **out, mimod_err *err);

/* Derived sizes (the task's functions). */
int config_n_in(const mimod_config *c);
int config_n_out(const mimod_config *c);
int config_learned_len(const mimod_config *c); /* L */
/* Statistics networks of the MI objective: K(K−1)/2 for pairs, K for
 * one_vs_rest (1 when K = 2 with pairs). */
int config_n_mi_nets(const mimod_config *c);
int config_n_records(const mimod_config *c);   /* 1 + ceil(n_mm_steps / record_every) — before
                                                  training, every K steps, and at the end */

#endif
