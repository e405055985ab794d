/* cmd_recommend.c - caerec recommend: top-k items for known users, or for
 * new users folded in from a history file. */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: caerec recommend --model FILE (--user ID | --users FILE |\n"
    "                        --history FILE) [-k N] [--score S]\n"
    "                        [--include-seen] [--format FMT]\n"
    "\n"
    "Writes the top-k items of each user as TSV on stdout:\n"
    "\n"
    "  user rank item score p_sample p_consume rating p_like p_<level>...\n"
    "\n"
    "score is the ranking score (--score); the other columns are those of\n"
    "'caerec predict'. Items the user has seen are excluded unless\n"
    "--include-seen.\n"
    "\n"
    "  --model FILE     a model saved by 'caerec train'\n"
    "  --user ID        a user of the training data (may be repeated)\n"
    "  --users FILE     users of the training data, one id per line; unknown\n"
    "                   users are skipped with a warning\n"
    "  --history FILE   new users: each user in this interaction file (any\n"
    "                   training-file format, model's scale) is scored from\n"
    "                   those interactions alone (fold-in); their items\n"
    "                   count as seen\n"
    "  -k, --k N        items per user (default 10)\n"
    "  --score S        ranking score: sample (default), consume, rating,\n"
    "                   like, joint, discovery\n"
    "  --include-seen   also recommend items the user has seen\n"
    "  --format FMT     format of --history: auto|tsv|csv|dat (default auto)\n";

typedef struct rec_ctx {
    const char *users_path;
    caerec_scorer *scorer;
    cli_columns cols;
    size_t k;
    caerec_rec_options opts;
    int64_t *items;
    double *scores;
    int64_t last_user;
    int have_last;
    size_t done, skipped;
    char first_skip[256];
} rec_ctx;

/* Writes the top-k of the scorer's current user, labelled `user`. */
static int write_top(rec_ctx *c, int64_t user)
{
    size_t n = 0;
    int st = caerec_scorer_recommend(c->scorer, c->k, &c->opts, c->items,
                                     c->scores, &n);
    if (st != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_OTHER);
    for (size_t r = 0; r < n; r++) {
        char prefix[128];
        char score[32];
        snprintf(score, sizeof score, "%.6g", c->scores[r]);
        snprintf(prefix, sizeof prefix, "%" PRId64 "\t%zu\t%" PRId64 "\t%s\t",
                 user, r + 1, c->items[r], score);
        st = cli_columns_row(&c->cols, c->scorer, c->items[r], prefix, stdout);
        if (st != CAEREC_OK)
            return cli_fail(st, CLI_SUBJECT_OTHER);
    }
    c->done++;
    return CLI_OK;
}

/* One user of the training data; unknown ones are fatal for --user. */
static int recommend_user(rec_ctx *c, int64_t user, int fatal, size_t line)
{
    int st = caerec_scorer_set_user(c->scorer, user);
    if (st == CAEREC_ENOTFOUND && !fatal) {
        if (c->skipped++ == 0)
            snprintf(c->first_skip, sizeof c->first_skip,
                     "%s:%zu: user %" PRId64 " unknown to the model",
                     c->users_path, line, user);
        return CLI_OK;
    }
    if (st != CAEREC_OK)
        return cli_fail(st, st == CAEREC_ENOTFOUND ? CLI_SUBJECT_DATA
                                                   : CLI_SUBJECT_OTHER);
    return write_top(c, user);
}

static int on_user_line(const int64_t *ids, size_t line, void *user)
{
    rec_ctx *c = user;
    /* A ratings file lists a user on many consecutive lines: once is enough. */
    if (c->have_last && ids[0] == c->last_user)
        return CLI_OK;
    c->have_last = 1;
    c->last_user = ids[0];
    return recommend_user(c, ids[0], 0, line);
}

static int recommend_history(rec_ctx *c, const caerec_model *model,
                             const char *path, caerec_file_format format)
{
    caerec_dataset *hist = NULL;
    int code = cli_load_with_model_scale(&hist, model, path, format);
    if (code != CLI_OK)
        return code;
    size_t n_users = caerec_dataset_n_users(hist), unknown_items = 0;
    for (size_t u = 0; u < n_users && code == CLI_OK; u++) {
        int64_t id;
        size_t skipped = 0;
        int st = caerec_dataset_user_id(hist, u, &id);
        if (st == CAEREC_OK)
            st = caerec_scorer_set_history(c->scorer, hist, id, &skipped);
        if (st != CAEREC_OK) {
            code = cli_fail(st, CLI_SUBJECT_OTHER);
            break;
        }
        unknown_items += skipped;
        code = write_top(c, id);
    }
    if (code == CLI_OK && unknown_items > 0)
        cli_warn("%s: %zu history interactions name items unknown to the "
                 "model and were ignored",
                 path, unknown_items);
    caerec_dataset_free(hist);
    return code;
}

int cli_cmd_recommend(int argc, char **argv)
{
    const char *model_path = NULL, *users_path = NULL, *history_path = NULL;
    int64_t *user_ids = NULL;
    size_t n_user_ids = 0;
    size_t k = 10;
    caerec_rec_options opts = CAEREC_REC_OPTIONS_INIT;
    caerec_file_format format = CAEREC_FORMAT_AUTO;
    int code = CLI_OK;

    cli_args a;
    cli_args_init(&a, "recommend", argc, argv);
    int r;
    while ((r = cli_args_next(&a)) == 1) {
        const char *v;
        if (strcmp(a.name, "help") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                break;
            free(user_ids);
            return cli_print_help(help);
        } else if (strcmp(a.name, "model") == 0) {
            if ((model_path = cli_args_value(&a)) == NULL)
                r = CLI_EUSAGE;
        } else if (strcmp(a.name, "users") == 0) {
            if ((users_path = cli_args_value(&a)) == NULL)
                r = CLI_EUSAGE;
        } else if (strcmp(a.name, "history") == 0) {
            if ((history_path = cli_args_value(&a)) == NULL)
                r = CLI_EUSAGE;
        } else if (strcmp(a.name, "user") == 0) {
            int64_t id;
            if ((r = cli_flag_i64(&a, &id)) != 0)
                break;
            int64_t *grown =
                realloc(user_ids, (n_user_ids + 1) * sizeof *grown);
            if (grown == NULL) {
                r = cli_error(CLI_EOTHER, "out of memory");
                break;
            }
            user_ids = grown;
            user_ids[n_user_ids++] = id;
        } else if (strcmp(a.name, "k") == 0) {
            if ((r = cli_flag_size(&a, &k)) != 0)
                break;
            if (k == 0)
                r = cli_usage("recommend", "-k must be at least 1");
        } else if (strcmp(a.name, "score") == 0) {
            if ((v = cli_args_value(&a)) == NULL)
                r = CLI_EUSAGE;
            else if (caerec_score_from_name(v, &opts.score) != CAEREC_OK)
                r = cli_usage("recommend",
                              "--score: unknown score '%s' "
                              "(sample, consume, rating, like, joint, "
                              "discovery)",
                              v);
        } else if (strcmp(a.name, "include-seen") == 0) {
            if ((r = cli_args_switch(&a)) == 0)
                opts.include_seen = 1;
        } else if (strcmp(a.name, "format") == 0) {
            if ((v = cli_args_value(&a)) == NULL)
                r = CLI_EUSAGE;
            else if (cli_parse_format(v, &format) != 0)
                r = cli_usage("recommend", "--format: unknown format '%s'", v);
        } else {
            r = cli_usage("recommend", "unknown flag '%s'", a.flag);
        }
        if (r != 1 && r != 0)
            break;
        r = 1;
    }
    if (r == 1)
        r = 0;
    int modes =
        (n_user_ids > 0) + (users_path != NULL) + (history_path != NULL);
    if (r == 0 && model_path == NULL)
        r = cli_usage("recommend", "missing --model FILE");
    if (r == 0 && modes != 1)
        r = cli_usage("recommend", "give exactly one of --user, --users, "
                                   "--history");
    if (r == 0 && k > 100000000)
        r = cli_usage("recommend", "-k %zu is too large", k);
    if (r != 0) {
        free(user_ids);
        return r;
    }

    caerec_model *model = NULL;
    rec_ctx c;
    memset(&c, 0, sizeof c);
    if ((code = cli_load_model(&model, model_path)) != CLI_OK)
        goto done;
    size_t n_items = caerec_model_n_items(model);
    c.k = k < n_items ? k : (n_items > 0 ? n_items : 1);
    c.opts = opts;
    c.users_path = users_path;
    c.items = malloc(c.k * sizeof *c.items);
    c.scores = malloc(c.k * sizeof *c.scores);
    if (c.items == NULL || c.scores == NULL) {
        code = cli_error(CLI_EOTHER, "out of memory");
        goto done;
    }
    int st = caerec_scorer_create(&c.scorer, model);
    if (st != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    cli_columns_init(&c.cols, model);
    fputs("user\trank\titem\tscore\t", stdout);
    cli_columns_header(&c.cols, stdout);
    fputc('\n', stdout);

    if (n_user_ids > 0) {
        for (size_t i = 0; i < n_user_ids && code == CLI_OK; i++)
            code = recommend_user(&c, user_ids[i], 1, 0);
    } else if (users_path != NULL) {
        size_t lines = 0;
        code = cli_read_id_lines(users_path, 1, on_user_line, &c, &lines);
        if (code == CLI_OK && c.skipped > 0 && c.done == 0)
            code = cli_error(CLI_EDATA,
                             "%s: all %zu users unknown to the "
                             "model (first: %s)",
                             users_path, c.skipped, c.first_skip);
        else if (code == CLI_OK && c.skipped > 0)
            cli_warn("skipped %zu unknown users (first: %s)", c.skipped,
                     c.first_skip);
    } else {
        code = recommend_history(&c, model, history_path, format);
    }

done:
    caerec_scorer_free(c.scorer);
    free(c.items);
    free(c.scores);
    free(user_ids);
    caerec_model_free(model);
    return code;
}
