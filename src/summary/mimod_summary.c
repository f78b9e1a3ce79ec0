/* mimod-summary — see docs/summary.md; everything is in summary_main(). */
#include "mimod/summary.h"

int main(int argc, char **argv) { return summary_main(argc, argv); }
