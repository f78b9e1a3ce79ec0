/* leaky_rnn.c — not yet written. */
typedef int mimod_placeholder_leaky_rnn;
