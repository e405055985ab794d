/* progress.c - per-epoch training progress and the JSON-lines log. */
#include "progress.h"

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

void cli_progress_init(cli_progress *p, FILE *out, FILE *log,
                       unsigned max_epochs, unsigned first_epoch)
{
    p->out = out;
    p->live = out != NULL && isatty(fileno(out));
    p->log = log;
    p->max_epochs = max_epochs;
    p->first_epoch = first_epoch;
    p->seconds = 0;
    p->reported = 0;
    p->line_open = 0;
}

void cli_format_duration(char *buf, size_t size, double seconds)
{
    if (!isfinite(seconds) || seconds < 0)
        seconds = 0;
    long s = (long)(seconds + 0.5);
    if (seconds < 9.95)
        snprintf(buf, size, "%.1fs", seconds);
    else if (s < 60)
        snprintf(buf, size, "%lds", s);
    else if (s < 3600)
        snprintf(buf, size, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, size, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
}

static void write_log(FILE *log, const caerec_epoch_report *r)
{
    cli_json j;
    cli_json_init(&j, log, 0);
    cli_json_begin_object(&j, NULL);
    cli_json_uint(&j, "epoch", r->epoch);
    cli_json_num(&j, "loss", r->train.total);
    cli_json_num(&j, "sample", r->train.sample);
    cli_json_num(&j, "rating", r->train.rating);
    cli_json_num(&j, "error", r->train.error);
    cli_json_num(&j, "l2", r->train.l2);
    cli_json_num(&j, "valid_loss", r->valid_loss);
    cli_json_num(&j, "valid_rmse", r->valid_rmse);
    cli_json_num(&j, "valid_ndcg", r->valid_ndcg);
    cli_json_num(&j, "seconds", r->seconds);
    cli_json_bool(&j, "improved", r->improved);
    cli_json_end_object(&j);
    cli_json_finish(&j);
    fflush(log);
}

void cli_progress_epoch(cli_progress *p, const caerec_epoch_report *r)
{
    p->reported++;
    if (isfinite(r->seconds))
        p->seconds += r->seconds;
    if (p->log != NULL)
        write_log(p->log, r);
    if (p->out == NULL)
        return;

    char line[512];
    int n = snprintf(line, sizeof line, "epoch %u/%u  loss %.4f", r->epoch,
                     p->max_epochs, r->train.total);
    if (isfinite(r->valid_loss) || isfinite(r->valid_rmse) ||
        isfinite(r->valid_ndcg)) {
        n += snprintf(line + n, sizeof line - (size_t)n, "  valid");
        if (isfinite(r->valid_loss))
            n += snprintf(line + n, sizeof line - (size_t)n, " loss %.4f",
                          r->valid_loss);
        if (isfinite(r->valid_rmse))
            n += snprintf(line + n, sizeof line - (size_t)n, " rmse %.4f",
                          r->valid_rmse);
        if (isfinite(r->valid_ndcg))
            n += snprintf(line + n, sizeof line - (size_t)n, " ndcg@20 %.4f",
                          r->valid_ndcg);
        if (r->improved)
            n += snprintf(line + n, sizeof line - (size_t)n, " *");
    }
    char took[32], eta[32];
    cli_format_duration(took, sizeof took, r->seconds);
    double per_epoch = p->seconds / p->reported;
    unsigned left = r->epoch < p->max_epochs ? p->max_epochs - r->epoch : 0;
    cli_format_duration(eta, sizeof eta, per_epoch * left);
    snprintf(line + n, sizeof line - (size_t)n, "  %s/epoch  ETA %s", took,
             eta);

    if (p->live) {
        /* Rewrite one line in place; finish() ends it. */
        fprintf(p->out, "\r\033[K%s", line);
        p->line_open = 1;
    } else {
        fprintf(p->out, "%s\n", line);
    }
    fflush(p->out);
}

void cli_progress_finish(cli_progress *p)
{
    if (p->out != NULL && p->line_open) {
        fputc('\n', p->out);
        fflush(p->out);
    }
    p->line_open = 0;
}
