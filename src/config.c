/* config.c — not yet written. */
typedef int mimod_placeholder_config;
