/* task_sep.c — not yet written. */
typedef int mimod_placeholder_task_sep;
