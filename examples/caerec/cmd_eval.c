/* cmd_eval.c - caerec eval: rating and top-k accuracy on a test file. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: caerec eval --model FILE --test FILE [--k N] [--format FMT]\n"
    "\n"
    "Prints one JSON object on stdout: rmse and mae of the expected ratings\n"
    "(null for a model without ratings), n_ratings, skipped (test cells whose\n"
    "user or item the model does not know), users (users ranked), and\n"
    "recall@K, ndcg@K, precision@K, hit@K for K = 10, 20, 50 and --k N\n"
    "(default 20). Top-k ranks every item the user did not train on by\n"
    "p_sample; each held-out test cell counts as relevant.\n"
    "\n"
    "  --model FILE    a model saved by 'caerec train'\n"
    "  --test FILE     held-out interactions, read with the model's scale\n"
    "  --k N           the main cut-off (default 20)\n"
    "  --format FMT    auto|tsv|csv|dat (default auto)\n";

/* Adds k to the sorted set ks (no duplicates). */
static void add_k(size_t *ks, size_t *n, size_t k)
{
    size_t i = 0;
    while (i < *n && ks[i] < k)
        i++;
    if (i < *n && ks[i] == k)
        return;
    memmove(ks + i + 1, ks + i, (*n - i) * sizeof *ks);
    ks[i] = k;
    (*n)++;
}

int cli_cmd_eval(int argc, char **argv)
{
    const char *model_path = NULL, *test_path = NULL;
    size_t main_k = 20;
    caerec_file_format format = CAEREC_FORMAT_AUTO;
    cli_args a;
    cli_args_init(&a, "eval", argc, argv);
    int r;
    while ((r = cli_args_next(&a)) == 1) {
        if (strcmp(a.name, "help") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                return r;
            return cli_print_help(help);
        } else if (strcmp(a.name, "model") == 0) {
            if ((model_path = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
        } else if (strcmp(a.name, "test") == 0) {
            if ((test_path = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
        } else if (strcmp(a.name, "k") == 0) {
            if ((r = cli_flag_size(&a, &main_k)) != 0)
                return r;
            if (main_k == 0)
                return cli_usage("eval", "--k must be at least 1");
        } else if (strcmp(a.name, "format") == 0) {
            const char *v = cli_args_value(&a);
            if (v == NULL)
                return CLI_EUSAGE;
            if (cli_parse_format(v, &format) != 0)
                return cli_usage("eval", "--format: unknown format '%s'", v);
        } else {
            return cli_usage("eval", "unknown flag '%s'", a.flag);
        }
    }
    if (r != 0)
        return r;
    if (model_path == NULL)
        return cli_usage("eval", "missing --model FILE");
    if (test_path == NULL)
        return cli_usage("eval", "missing --test FILE");

    caerec_model *model = NULL;
    caerec_dataset *test = NULL;
    int code = cli_load_model(&model, model_path);
    if (code != CLI_OK)
        return code;
    if ((code = cli_load_with_model_scale(&test, model, test_path, format)) !=
        CLI_OK)
        goto done;

    caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
    int have_ratings = caerec_model_n_levels(model) > 0;
    int st;
    if (have_ratings) {
        st = caerec_evaluate_ratings(model, test, &rm);
        if (st != CAEREC_OK) {
            code = cli_fail(st, CLI_SUBJECT_OTHER);
            goto done;
        }
    }

    size_t ks[4], n_k = 0;
    add_k(ks, &n_k, 10);
    add_k(ks, &n_k, 20);
    add_k(ks, &n_k, 50);
    add_k(ks, &n_k, main_k);
    caerec_topk_metrics tm[4];
    for (size_t i = 0; i < n_k; i++) {
        caerec_topk_metrics init = CAEREC_TOPK_METRICS_INIT;
        tm[i] = init;
    }
    st = caerec_evaluate_topk(model, test, ks, n_k, tm);
    if (st != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }

    cli_json j;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_object(&j, NULL);
    cli_json_str(&j, "model", model_path);
    cli_json_str(&j, "test", test_path);
    if (have_ratings) {
        cli_json_num(&j, "rmse", rm.rmse);
        cli_json_num(&j, "mae", rm.mae);
        cli_json_uint(&j, "n_ratings", rm.n_ratings);
        cli_json_uint(&j, "skipped", rm.skipped);
    } else {
        cli_json_null(&j, "rmse");
        cli_json_null(&j, "mae");
        cli_json_uint(&j, "n_ratings", 0);
        cli_json_null(&j, "skipped");
    }
    cli_json_uint(&j, "test_users", caerec_dataset_n_users(test));
    cli_json_uint(&j, "test_cells", caerec_dataset_n_cells(test));
    size_t main_i = 0;
    for (size_t i = 0; i < n_k; i++)
        if (ks[i] == main_k)
            main_i = i;
    cli_json_uint(&j, "users", tm[main_i].users);
    cli_json_uint(&j, "k", main_k);
    cli_json_str(&j, "ranking", "sample");
    for (size_t i = 0; i < n_k; i++) {
        char key[64];
        snprintf(key, sizeof key, "recall@%zu", ks[i]);
        cli_json_num(&j, key, tm[i].recall);
        snprintf(key, sizeof key, "ndcg@%zu", ks[i]);
        cli_json_num(&j, key, tm[i].ndcg);
        snprintf(key, sizeof key, "precision@%zu", ks[i]);
        cli_json_num(&j, key, tm[i].precision);
        snprintf(key, sizeof key, "hit@%zu", ks[i]);
        cli_json_num(&j, key, tm[i].hit_rate);
    }
    cli_json_end_object(&j);
    cli_json_finish(&j);

done:
    caerec_dataset_free(test);
    caerec_model_free(model);
    return code;
}
