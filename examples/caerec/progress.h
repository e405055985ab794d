/* progress.h - per-epoch training progress: a live line on a terminal,
 * plain lines otherwise, and an optional JSON-lines log. */
#ifndef CAEREC_CLI_PROGRESS_H
#define CAEREC_CLI_PROGRESS_H

#include "caerec.h"

#include <stdio.h>

typedef struct cli_progress {
    FILE *out; /* where progress goes (stderr for train); NULL = quiet */
    int live;  /* rewrite one line in place (out is a terminal) */
    FILE *log; /* JSON lines, one per epoch; may be NULL */
    unsigned max_epochs;
    unsigned first_epoch; /* epochs already done when fit started (resume) */
    double seconds;       /* wall time of the epochs reported so far */
    unsigned reported;
    int line_open; /* a live line is on screen without newline */
} cli_progress;

/* out may be NULL for no progress display. live is decided by isatty. */
void cli_progress_init(cli_progress *p, FILE *out, FILE *log,
                       unsigned max_epochs, unsigned first_epoch);
/* Reports one epoch. */
void cli_progress_epoch(cli_progress *p, const caerec_epoch_report *r);
/* Ends the live line, if any. */
void cli_progress_finish(cli_progress *p);

/* Formats seconds as "12s", "3m05s" or "1h02m". */
void cli_format_duration(char *buf, size_t size, double seconds);

#endif
