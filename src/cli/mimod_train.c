/* mimod-train — not yet written. */
#include <stdio.h>
int main(void) { fprintf(stderr, "mimod-train: not yet implemented\n"); return 2; }
