/* task_wm.c — not yet written. */
typedef int mimod_placeholder_task_wm;
