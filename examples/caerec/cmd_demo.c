/* cmd_demo.c - caerec demo: the whole job on synthetic data in seconds:
 * generate, split, train, evaluate, recommend, fold in a new user. */
#include "cli.h"
#include "progress.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
    "usage: caerec demo [--users N] [--items N] [--epochs N] [--seed N]\n"
    "                   [--threads N]\n"
    "\n"
    "Generates a synthetic dataset with planted structure (1000 users, 500\n"
    "items, ratings 1..5), splits it 90/10 into train and test (10% of train\n"
    "again for early stopping), trains a small user-oriented model, prints\n"
    "the test accuracy, the top-5 recommendations of two users with their\n"
    "rating distributions, and the recommendations for a new user folded in\n"
    "from a history. Takes a few seconds.\n";

typedef struct demo_opts {
    size_t users, items, epochs, threads;
    int64_t seed;
} demo_opts;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int parse(demo_opts *o, int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a, "demo", argc, argv);
    int r;
    while ((r = cli_args_next(&a)) == 1) {
        if (strcmp(a.name, "help") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                return r;
            cli_print_help(help);
            return -1;
        }
        size_t *target = NULL;
        if (strcmp(a.name, "users") == 0)
            target = &o->users;
        else if (strcmp(a.name, "items") == 0)
            target = &o->items;
        else if (strcmp(a.name, "epochs") == 0)
            target = &o->epochs;
        else if (strcmp(a.name, "threads") == 0)
            target = &o->threads;
        if (target != NULL) {
            if ((r = cli_flag_size(&a, target)) != 0)
                return r;
            if (*target == 0)
                return cli_usage("demo", "--%s must be at least 1", a.name);
        } else if (strcmp(a.name, "seed") == 0) {
            if ((r = cli_flag_i64(&a, &o->seed)) != 0)
                return r;
        } else {
            return cli_usage("demo", "unknown flag '%s'", a.flag);
        }
    }
    return r;
}

static int demo_epoch(const caerec_epoch_report *r, void *user)
{
    cli_progress_epoch(user, r);
    return 0;
}

static int demo_config(caerec_config **out, const demo_opts *o)
{
    caerec_config *cfg = NULL;
    int st = caerec_config_create(&cfg);
    /* A small, fast model for the synthetic data; user orientation makes
     * the fold-in below a single encoder pass (item orientation fits a
     * decoder column instead, slower). */
    if (st == CAEREC_OK)
        st = caerec_config_set_int(cfg, CAEREC_OPT_ORIENTATION,
                                   CAEREC_ORIENT_USER);
    if (st == CAEREC_OK)
        st = caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, 64);
    if (st == CAEREC_OK)
        st = caerec_config_set_int(cfg, CAEREC_OPT_EPOCHS, (int64_t)o->epochs);
    if (st == CAEREC_OK)
        st = caerec_config_set_int(cfg, CAEREC_OPT_PATIENCE, 3);
    if (st == CAEREC_OK)
        st = caerec_config_set_int(cfg, CAEREC_OPT_BATCH, 32);
    if (st == CAEREC_OK)
        st = caerec_config_set_int(cfg, CAEREC_OPT_SEED, o->seed);
    if (st == CAEREC_OK && o->threads > 0)
        st =
            caerec_config_set_int(cfg, CAEREC_OPT_THREADS, (int64_t)o->threads);
    if (st != CAEREC_OK) {
        caerec_config_free(cfg);
        return st;
    }
    *out = cfg;
    return CAEREC_OK;
}

/* One user's top items with expected rating and rating distribution. */
static int show_top(const caerec_scorer *s, const cli_columns *cols,
                    const char *who, size_t k, int64_t *top_out)
{
    int64_t items[16];
    double scores[16];
    size_t n = 0;
    caerec_rec_options opts = CAEREC_REC_OPTIONS_INIT;
    if (k > 16)
        k = 16;
    int st = caerec_scorer_recommend(s, k, &opts, items, scores, &n);
    if (st != CAEREC_OK)
        return st;
    printf("\n  top %zu for %s (ranked by p_sample, seen items excluded):\n", k,
           who);
    printf("    rank  item  p_sample  p_like  E[rating] ");
    for (size_t l = 0; l < cols->n_levels; l++) {
        char t[32], label[48];
        cli_level_text(t, sizeof t, cols->levels[l]);
        snprintf(label, sizeof label, "P(%s)", t);
        printf(" %5s", label);
    }
    printf("\n");
    for (size_t r = 0; r < n; r++) {
        double like = NAN, rating = NAN;
        double probs[CAEREC_MAX_LEVELS];
        caerec_scorer_get(s, items[r], CAEREC_SCORE_LIKE, &like);
        caerec_scorer_get(s, items[r], CAEREC_SCORE_RATING, &rating);
        st = caerec_scorer_levels(s, items[r], probs, CAEREC_MAX_LEVELS, NULL);
        if (st != CAEREC_OK)
            return st;
        printf("    %4zu  %4" PRId64 "  %8.4f  %6.3f  %9.2f  ", r + 1, items[r],
               scores[r], like, rating);
        for (size_t l = 0; l < cols->n_levels; l++)
            printf(" %5.2f", probs[l]);
        printf("\n");
        if (top_out != NULL)
            top_out[r] = items[r];
    }
    for (size_t r = n; top_out != NULL && r < k; r++)
        top_out[r] = INT64_MIN;
    return CAEREC_OK;
}

/* A new user sharing every other item of `user`'s training history, each
 * rated at the level nearest to the model's expected rating for `user`. */
static int make_history(caerec_dataset **out, const caerec_model *model,
                        caerec_scorer *s, int64_t user, int64_t new_user,
                        size_t *n_added)
{
    double levels[CAEREC_MAX_LEVELS];
    size_t k = caerec_model_levels(model, levels, CAEREC_MAX_LEVELS);
    caerec_dataset *h = NULL;
    int st = caerec_dataset_create(&h, levels, k, NULL, 0);
    if (st != CAEREC_OK)
        return st;
    if ((st = caerec_scorer_set_user(s, user)) != CAEREC_OK)
        goto fail;
    size_t n_items = caerec_model_n_items(model), seen_count = 0;
    *n_added = 0;
    for (size_t i = 0; i < n_items; i++) {
        int64_t item;
        int seen = 0;
        if ((st = caerec_model_item_id(model, i, &item)) != CAEREC_OK ||
            (st = caerec_scorer_seen(s, item, &seen)) != CAEREC_OK)
            goto fail;
        if (!seen || seen_count++ % 2 != 0)
            continue;
        double r = levels[k - 1];
        if ((st = caerec_scorer_get(s, item, CAEREC_SCORE_RATING, &r)) !=
            CAEREC_OK)
            goto fail;
        size_t best = 0;
        for (size_t l = 1; l < k; l++)
            if (fabs(levels[l] - r) < fabs(levels[best] - r))
                best = l;
        if ((st = caerec_dataset_add_rating(h, new_user, item, levels[best])) !=
            CAEREC_OK)
            goto fail;
        (*n_added)++;
    }
    *out = h;
    return CAEREC_OK;
fail:
    caerec_dataset_free(h);
    return st;
}

/* The user among the first 50 with the most training items: folding in
 * half of a long history shows more than half of a short one. */
static int64_t longest_history(const caerec_model *model, caerec_scorer *s)
{
    size_t n_users = caerec_model_n_users(model);
    size_t n_items = caerec_model_n_items(model), best_n = 0;
    int64_t best = 1;
    for (size_t u = 0; u < n_users && u < 50; u++) {
        int64_t id;
        if (caerec_model_user_id(model, u, &id) != CAEREC_OK ||
            caerec_scorer_set_user(s, id) != CAEREC_OK)
            continue;
        size_t n = 0;
        for (size_t i = 0; i < n_items; i++) {
            int64_t item;
            int seen = 0;
            if (caerec_model_item_id(model, i, &item) == CAEREC_OK &&
                caerec_scorer_seen(s, item, &seen) == CAEREC_OK && seen)
                n++;
        }
        if (n > best_n) {
            best_n = n;
            best = id;
        }
    }
    return best;
}

static int fold_in(const caerec_model *model, caerec_scorer *s,
                   const cli_columns *cols)
{
    const int64_t new_user = 1000000001;
    int64_t user = longest_history(model, s);
    int64_t known_top[5];
    size_t n_known = 0;
    caerec_dataset *h = NULL;
    size_t n_added = 0;
    int st = make_history(&h, model, s, user, new_user, &n_added);
    /* make_history left the scorer on `user`: its own top 5, to compare. */
    if (st == CAEREC_OK)
        st = caerec_scorer_recommend(s, 5, NULL, known_top, NULL, &n_known);
    if (st != CAEREC_OK) {
        caerec_dataset_free(h);
        return cli_fail(st, CLI_SUBJECT_OTHER);
    }
    printf("\n4. fold-in: a new user %" PRId64 ", not in the training data, "
           "with %zu ratings:\n   every other item of user %" PRId64
           "'s history, rated as the model expects for user %" PRId64 "\n",
           new_user, n_added, user, user);
    st = caerec_scorer_set_history(s, h, new_user, NULL);
    if (st == CAEREC_EUNSUPPORTED) {
        printf("   (this model cannot fold in new users: %s)\n",
               caerec_last_error());
        caerec_dataset_free(h);
        return CLI_OK;
    }
    int64_t top[5];
    if (st == CAEREC_OK)
        st = show_top(s, cols, "the new user", 5, top);
    caerec_dataset_free(h);
    if (st != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_OTHER);
    size_t common = 0;
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < n_known; j++)
            if (top[i] != INT64_MIN && top[i] == known_top[j])
                common++;
    printf("  %zu of these 5 are also in user %" PRId64 "'s own top 5 (the "
           "other half of\n  that user's history counts as unseen for the new "
           "user, so it may be recommended)\n",
           common, user);
    return CLI_OK;
}

int cli_cmd_demo(int argc, char **argv)
{
    demo_opts o = {1000, 500, 15, 0, 42};
    int code = parse(&o, argc, argv);
    if (code != 0)
        return code < 0 ? CLI_OK : code;

    double t0 = now();
    caerec_dataset *all = NULL, *rest = NULL, *test = NULL, *train = NULL,
                   *valid = NULL;
    caerec_config *cfg = NULL;
    caerec_model *model = NULL;
    caerec_scorer *scorer = NULL;
    int st;

    caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
    so.n_users = o.users;
    so.n_items = o.items;
    so.seed = (uint64_t)o.seed;
    if (so.mean_per_user > (double)so.n_items / 2)
        so.mean_per_user = (double)so.n_items / 2;
    if ((st = caerec_dataset_synthetic(&all, &so)) != CAEREC_OK ||
        (st = caerec_dataset_split(&rest, &test, all, 0.1, (uint64_t)o.seed)) !=
            CAEREC_OK ||
        (st = caerec_dataset_split(&train, &valid, rest, 0.1,
                                   (uint64_t)o.seed + 1)) != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    printf("1. data: synthetic, %zu users x %zu items in %zu latent groups, "
           "%zu ratings on 1..%zu\n",
           caerec_dataset_n_users(all), caerec_dataset_n_items(all),
           so.n_groups, caerec_dataset_n_ratings(all), so.n_levels);
    printf("   split: %zu train, %zu validation (early stopping), %zu test "
           "ratings\n",
           caerec_dataset_n_ratings(train), caerec_dataset_n_ratings(valid),
           caerec_dataset_n_ratings(test));

    if ((st = demo_config(&cfg, &o)) != CAEREC_OK ||
        (st = caerec_model_create(&model, cfg, train)) != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    printf("\n2. training: user-oriented autoencoder, hidden 64, %zu "
           "parameters, up to %zu epochs\n",
           caerec_model_n_params(model), o.epochs);
    fflush(stdout);
    cli_progress prog;
    cli_progress_init(&prog, stdout, NULL, (unsigned)o.epochs, 0);
    caerec_epoch_report best = CAEREC_EPOCH_REPORT_INIT;
    st = caerec_model_fit(model, valid, demo_epoch, &prog, &best);
    cli_progress_finish(&prog);
    if (st != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    printf("   kept the parameters of epoch %u (best on validation)\n",
           best.epoch);

    caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
    size_t ks[2] = {10, 20};
    caerec_topk_metrics tm[2] = {CAEREC_TOPK_METRICS_INIT,
                                 CAEREC_TOPK_METRICS_INIT};
    if ((st = caerec_evaluate_ratings(model, test, &rm)) != CAEREC_OK ||
        (st = caerec_evaluate_topk(model, test, ks, 2, tm)) != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    printf("\n3. test accuracy (%zu held-out ratings, %zu users ranked)\n",
           rm.n_ratings, tm[0].users);
    printf("   ratings:  RMSE %.4f  MAE %.4f\n", rm.rmse, rm.mae);
    printf("   top-k:    recall@10 %.4f  ndcg@10 %.4f  recall@20 %.4f  "
           "ndcg@20 %.4f\n",
           tm[0].recall, tm[0].ndcg, tm[1].recall, tm[1].ndcg);

    cli_columns cols;
    cli_columns_init(&cols, model);
    if ((st = caerec_scorer_create(&scorer, model)) != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    for (int64_t u = 1; u <= 2; u++) {
        char who[64];
        snprintf(who, sizeof who, "user %" PRId64, u);
        if ((st = caerec_scorer_set_user(scorer, u)) != CAEREC_OK ||
            (st = show_top(scorer, &cols, who, 5, NULL)) != CAEREC_OK) {
            code = cli_fail(st, CLI_SUBJECT_OTHER);
            goto done;
        }
    }
    if ((code = fold_in(model, scorer, &cols)) != CLI_OK)
        goto done;
    printf("\ndone in %.1f s\n", now() - t0);

done:
    caerec_scorer_free(scorer);
    caerec_model_free(model);
    caerec_config_free(cfg);
    caerec_dataset_free(valid);
    caerec_dataset_free(train);
    caerec_dataset_free(rest);
    caerec_dataset_free(test);
    caerec_dataset_free(all);
    return code;
}
