/* cmd_predict.c - caerec predict: the scores of (user, item) pairs. */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: caerec predict --model FILE --pairs FILE\n"
    "\n"
    "Reads 'user item' lines (blank, tab, comma or '::' separated; further\n"
    "fields ignored, so a ratings file works too; blank lines and a header\n"
    "line skipped) and writes TSV on stdout:\n"
    "\n"
    "  user item p_sample p_consume rating p_like p_<level>...\n"
    "\n"
    "p_sample is P(item | user), p_consume the probability that the user\n"
    "consumes the item at all, rating the expected rating, p_like the\n"
    "probability of a rating at or above the like threshold, and p_<level>\n"
    "the rating distribution (one column per level of the model's scale).\n"
    "Models without ratings write NA for rating and p_like.\n"
    "\n"
    "Pairs whose user or item the model does not know are skipped; their\n"
    "number is reported on stderr. Exit code 3 if every pair was unknown.\n"
    "\n"
    "  --model FILE    a model saved by 'caerec train'\n"
    "  --pairs FILE    the pairs to score\n";

typedef struct predict_ctx {
    const char *path;
    caerec_scorer *scorer;
    cli_columns cols;
    int64_t user;
    int user_state; /* 0 none yet, 1 set, -1 unknown to the model */
    size_t written, skipped;
    char first_skip[256];
} predict_ctx;

static void note_skip(predict_ctx *c, size_t line, const char *what, int64_t id)
{
    if (c->skipped++ == 0)
        snprintf(c->first_skip, sizeof c->first_skip,
                 "%s:%zu: %s %" PRId64 " unknown to the model", c->path, line,
                 what, id);
}

static int on_pair(const int64_t *ids, size_t line, void *user)
{
    predict_ctx *c = user;
    /* Consecutive lines of one user share the computed scores. */
    if (c->user_state == 0 || ids[0] != c->user) {
        c->user = ids[0];
        int st = caerec_scorer_set_user(c->scorer, ids[0]);
        if (st == CAEREC_ENOTFOUND) {
            c->user_state = -1;
        } else if (st != CAEREC_OK) {
            return cli_fail(st, CLI_SUBJECT_OTHER);
        } else {
            c->user_state = 1;
        }
    }
    if (c->user_state < 0) {
        note_skip(c, line, "user", ids[0]);
        return CLI_OK;
    }
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%" PRId64 "\t%" PRId64 "\t", ids[0],
             ids[1]);
    int st = cli_columns_row(&c->cols, c->scorer, ids[1], prefix, stdout);
    if (st == CAEREC_ENOTFOUND) {
        note_skip(c, line, "item", ids[1]);
        return CLI_OK;
    }
    if (st != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_OTHER);
    c->written++;
    return CLI_OK;
}

int cli_cmd_predict(int argc, char **argv)
{
    const char *model_path = NULL, *pairs_path = NULL;
    cli_args a;
    cli_args_init(&a, "predict", argc, argv);
    int r;
    while ((r = cli_args_next(&a)) == 1) {
        if (strcmp(a.name, "help") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                return r;
            return cli_print_help(help);
        } else if (strcmp(a.name, "model") == 0) {
            if ((model_path = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
        } else if (strcmp(a.name, "pairs") == 0) {
            if ((pairs_path = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
        } else {
            return cli_usage("predict", "unknown flag '%s'", a.flag);
        }
    }
    if (r != 0)
        return r;
    if (model_path == NULL)
        return cli_usage("predict", "missing --model FILE");
    if (pairs_path == NULL)
        return cli_usage("predict", "missing --pairs FILE");

    caerec_model *model = NULL;
    int code = cli_load_model(&model, model_path);
    if (code != CLI_OK)
        return code;
    predict_ctx c;
    memset(&c, 0, sizeof c);
    c.path = pairs_path;
    int st = caerec_scorer_create(&c.scorer, model);
    if (st != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    cli_columns_init(&c.cols, model);
    fputs("user\titem\t", stdout);
    cli_columns_header(&c.cols, stdout);
    fputc('\n', stdout);

    size_t lines = 0;
    code = cli_read_id_lines(pairs_path, 2, on_pair, &c, &lines);
    if (code != CLI_OK)
        goto done;
    if (c.skipped > 0 && c.written == 0) {
        code = cli_error(CLI_EDATA,
                         "%s: all %zu pairs unknown to the model "
                         "(first: %s)",
                         pairs_path, c.skipped, c.first_skip);
    } else if (c.skipped > 0) {
        cli_warn("skipped %zu of %zu pairs with unknown user or item "
                 "(first: %s)",
                 c.skipped, lines, c.first_skip);
    }

done:
    caerec_scorer_free(c.scorer);
    caerec_model_free(model);
    return code;
}
