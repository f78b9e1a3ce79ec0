/* results_h5.c — not yet written. */
typedef int mimod_placeholder_results_h5;
