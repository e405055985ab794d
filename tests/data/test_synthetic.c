/* caerec_dataset_synthetic and its ground truth (synthetic.h): options and
 * errors, determinism, and that the planted structure shows in the data
 * (own-group items sampled more, own-group ratings higher, empirical
 * frequencies near the planted P(j | u)). */
#include "data_test_util.h"

#include "data/synthetic.h"

#include <math.h>

static void test_defaults(void **state)
{
    (void)state;
    caerec_dataset *ds = NULL;
    assert_int_equal(caerec_dataset_synthetic(&ds, NULL), 0);
    assert_int_equal(caerec_dataset_n_users(ds), 1000);
    assert_true(caerec_dataset_n_items(ds) <= 500);
    assert_true(caerec_dataset_n_items(ds) > 450);
    assert_int_equal(caerec_dataset_n_levels(ds), 5);
    double lv[5];
    caerec_dataset_levels(ds, lv, 5);
    for (int k = 0; k < 5; k++)
        assert_true(lv[k] == k + 1);
    assert_int_equal(caerec_dataset_n_types(ds), 0);
    assert_int_equal(caerec_dataset_n_ratings(ds), caerec_dataset_n_cells(ds));
    /* mean per user near 40 */
    double mean = (double)caerec_dataset_n_cells(ds) / 1000;
    assert_true(fabs(mean - 40) < 4);
    /* ids: users 1..1000 in order, items within 1..500 */
    for (size_t u = 0; u < 1000; u++) {
        int64_t id;
        assert_int_equal(caerec_dataset_user_id(ds, u, &id), 0);
        assert_true(id == (int64_t)u + 1);
    }
    for (size_t i = 0; i < caerec_dataset_n_items(ds); i++) {
        int64_t id;
        assert_int_equal(caerec_dataset_item_id(ds, i, &id), 0);
        assert_true(id >= 1 && id <= 500);
    }
    /* the same through an explicit options struct */
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    caerec_dataset *same = NULL;
    assert_int_equal(caerec_dataset_synthetic(&same, &o), 0);
    assert_same_dataset(ds, same);
    caerec_dataset_free(same);
    caerec_dataset_free(ds);
}

static void test_determinism(void **state)
{
    (void)state;
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    o.n_users = 300;
    o.n_items = 200;
    o.seed = 5;
    caerec_dataset *a, *b, *c;
    assert_int_equal(caerec_dataset_synthetic(&a, &o), 0);
    assert_int_equal(caerec_dataset_synthetic(&b, &o), 0);
    assert_same_dataset(a, b);
    o.seed = 6;
    assert_int_equal(caerec_dataset_synthetic(&c, &o), 0);
    assert_true(caerec_dataset_n_cells(a) != caerec_dataset_n_cells(c) ||
                memcmp(a->cell_item, c->cell_item, a->n_cells * 4) != 0);
    caerec_dataset_free(a);
    caerec_dataset_free(b);
    caerec_dataset_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    caerec_dataset *ds = (caerec_dataset *)0x1;
    assert_int_equal(caerec_dataset_synthetic(NULL, NULL), CAEREC_EINVAL);
    caerec_synthetic_options d = CAEREC_SYNTHETIC_OPTIONS_INIT, o;
    o = d;
    o.n_users = 0;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "n_users"));
    o = d;
    o.n_items = 0;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.n_groups = 0;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.n_groups = 501;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.affinity = 0.5;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "affinity"));
    o = d;
    o.affinity = NAN;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.affinity = INFINITY;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.n_levels = 65;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.mean_per_user = 501;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "mean_per_user"));
    o = d;
    o.mean_per_user = 0.5;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.mean_per_user = NAN;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    o = d;
    o.struct_size = 0;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), CAEREC_EINVAL);
    assert_ptr_equal(ds, (caerec_dataset *)0x1);
}

/* Edge options: implicit only, one level, one group, every item. */
static void test_edges(void **state)
{
    (void)state;
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    o.n_users = 50;
    o.n_items = 30;
    o.n_levels = 0;
    o.mean_per_user = 10;
    caerec_dataset *ds;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), 0);
    assert_int_equal(caerec_dataset_n_levels(ds), 0);
    assert_int_equal(caerec_dataset_n_types(ds), 1);
    assert_string_equal(caerec_dataset_type_name(ds, 0), "view");
    assert_int_equal(caerec_dataset_n_ratings(ds), 0);
    assert_int_equal(caerec_dataset_n_typed(ds, 0), caerec_dataset_n_cells(ds));
    caerec_dataset_free(ds);

    o.n_levels = 1;
    o.n_groups = 1;
    o.mean_per_user = 30; /* many users draw (nearly) every item */
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), 0);
    size_t per_user[50] = {0}, full = 0;
    for (size_t c = 0; c < ds->n_cells; c++)
        per_user[ds->cell_user[c]]++;
    for (size_t u = 0; u < 50; u++) {
        assert_true(per_user[u] >= 6 && per_user[u] <= 30);
        full += per_user[u] == 30;
    }
    assert_true(full > 5);
    assert_int_equal(caerec_dataset_n_ratings(ds), caerec_dataset_n_cells(ds));
    caerec_dataset_free(ds);

    /* a large affinity with users wanting more than their group holds */
    o.n_levels = 10;
    o.n_groups = 10;
    o.affinity = 1e6;
    o.mean_per_user = 12;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), 0);
    assert_true(caerec_dataset_n_cells(ds) > 0);
    caerec_dataset_free(ds);

    /* a struct from an older, smaller version: later fields default */
    caerec_synthetic_options s = CAEREC_SYNTHETIC_OPTIONS_INIT;
    s.struct_size = offsetof(caerec_synthetic_options, n_items);
    s.n_users = 20;
    s.n_items = 0; /* beyond struct_size: ignored */
    assert_int_equal(caerec_dataset_synthetic(&ds, &s), 0);
    assert_int_equal(caerec_dataset_n_users(ds), 20);
    caerec_dataset_free(ds);
}

static void test_truth(void **state)
{
    (void)state;
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    o.n_users = 40;
    o.n_items = 60;
    o.n_groups = 4;
    caerec__synth_truth t;
    assert_int_equal(caerec__synthetic_truth(&t, &o), 0);
    double *m;
    assert_int_equal(caerec__synthetic_sampling_matrix(&m, &t), 0);
    double row[60], p[5];
    for (size_t u = 0; u < 40; u++) {
        caerec__synthetic_sampling(&t, u, row);
        double sum = 0, own = 0, other = 0;
        for (size_t j = 0; j < 60; j++) {
            assert_true(row[j] > 0);
            assert_true(row[j] == m[u * 60 + j]);
            sum += row[j];
            /* affinity: own-group items weigh 8x their popularity */
            if (t.item_group[j] == t.user_group[u])
                own = row[j] / t.popularity[j];
            else
                other = row[j] / t.popularity[j];
        }
        assert_true(fabs(sum - 1) < 1e-12);
        assert_true(fabs(own / other - 8) < 1e-9);
        for (size_t j = 0; j < 60; j++) {
            caerec__synthetic_rating_probs(&t, u, j, p);
            double s = 0;
            for (int k = 0; k < 5; k++)
                s += p[k];
            assert_true(fabs(s - 1) < 1e-12);
            double e = caerec__synthetic_expected_rating(&t, u, j);
            assert_true(e >= 1 && e <= 5);
        }
    }
    /* groups are balanced */
    size_t count[4] = {0};
    for (size_t j = 0; j < 60; j++)
        count[t.item_group[j]]++;
    for (int g = 0; g < 4; g++)
        assert_int_equal(count[g], 15);
    free(m);
    caerec__synthetic_truth_free(&t);
    caerec__synthetic_truth_free(&t); /* twice is fine */
    assert_int_equal(caerec__synthetic_truth(&t, NULL), 0);
    assert_int_equal(t.opts.n_users, 1000);
    caerec__synthetic_truth_free(&t);
}

/* The data shows the planted structure, and its frequencies match the
 * planted distributions. */
static void test_planted_structure(void **state)
{
    (void)state;
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    o.n_users = 2000;
    o.n_items = 300;
    o.mean_per_user = 10;
    o.seed = 11;
    caerec_dataset *ds;
    assert_int_equal(caerec_dataset_synthetic(&ds, &o), 0);
    caerec__synth_truth t;
    assert_int_equal(caerec__synthetic_truth(&t, &o), 0);
    size_t ng = o.n_groups, ni = o.n_items;

    /* per user group: item frequencies in the data vs the average planted
     * P(j | u) of the group's users weighted by their counts */
    double *emp = calloc(ng * ni, sizeof *emp);
    double *exp_p = calloc(ng * ni, sizeof *exp_p);
    double *row = malloc(ni * sizeof *row);
    double own_n = 0, all_n = 0;
    double r_sum[3] = {0}, r_n[3] = {0}, truth_sum = 0, data_sum = 0;
    double first_own = 0, first_planted = 0;
    size_t *per_user = calloc(o.n_users, sizeof *per_user);
    for (size_t c = 0; c < ds->n_cells; c++) {
        size_t u = (size_t)ds->users.ids[ds->cell_user[c]] - 1;
        size_t j = (size_t)ds->items.ids[ds->cell_item[c]] - 1;
        uint32_t g = t.user_group[u];
        if (per_user[u] == 0) {
            /* a user's first cell is its first draw: exactly from P(.|u) */
            first_own += t.item_group[j] == g;
            caerec__synthetic_sampling(&t, u, row);
            for (size_t q = 0; q < ni; q++)
                first_planted += t.item_group[q] == g ? row[q] : 0;
        }
        emp[g * ni + j] += 1;
        per_user[u]++;
        int kind = t.item_group[j] == g                                   ? 0
                   : t.item_group[j] == caerec__synthetic_disliked(&t, u) ? 2
                                                                          : 1;
        own_n += kind == 0;
        all_n += 1;
        double v = ds->cell_level[c] + 1;
        r_sum[kind] += v;
        r_n[kind] += 1;
        data_sum += v;
        truth_sum += caerec__synthetic_expected_rating(&t, u, j);
    }
    for (size_t u = 0; u < o.n_users; u++) {
        caerec__synthetic_sampling(&t, u, row);
        for (size_t j = 0; j < ni; j++)
            exp_p[t.user_group[u] * ni + j] += (double)per_user[u] * row[j];
    }
    /* first draws: own-group share as planted (binomial sd ~0.011) */
    double fo = first_own / (double)o.n_users;
    double fp = first_planted / (double)o.n_users;
    assert_true(fp > 0.55 && fp < 0.75); /* 8 / (8 + 4) at equal masses */
    assert_true(fabs(fo - fp) < 0.045);
    /* all draws: users sample their own group (1/5 of the items) far more
     * than uniformly, a little less than planted (no repeats) */
    double own_share = own_n / all_n;
    assert_true(own_share > 0.5 && own_share <= fp + 0.02);
    /* ratings: own group > middling > disliked, and the data's mean rating
     * agrees with the planted expectation */
    double liked = r_sum[0] / r_n[0], mid = r_sum[1] / r_n[1],
           disliked = r_sum[2] / r_n[2];
    assert_true(liked > mid + 1);
    assert_true(mid > disliked + 1);
    assert_true(fabs(data_sum / all_n - truth_sum / all_n) < 0.02);
    /* total variation between empirical and planted item distributions
     * per user group, against the TV that sampling noise alone gives,
     * E|x - p| ~ sqrt(2 p / (pi N)) per item (drawing without repeats
     * flattens the empirical distribution slightly: some slack) */
    for (size_t g = 0; g < ng; g++) {
        double se = 0, sp = 0, tv = 0, noise = 0;
        for (size_t j = 0; j < ni; j++) {
            se += emp[g * ni + j];
            sp += exp_p[g * ni + j];
        }
        for (size_t j = 0; j < ni; j++) {
            double pj = exp_p[g * ni + j] / sp;
            tv += fabs(emp[g * ni + j] / se - pj);
            noise += sqrt(2 * pj / (3.141592653589793 * se));
        }
        tv /= 2;
        noise /= 2;
        assert_true(tv < 1.2 * noise + 0.02);
        /* and far from uniform sampling */
        double tv_uniform = 0;
        for (size_t j = 0; j < ni; j++)
            tv_uniform += fabs(emp[g * ni + j] / se - 1.0 / (double)ni);
        assert_true(tv_uniform / 2 > 3 * tv);
    }
    free(per_user);
    free(emp);
    free(exp_p);
    free(row);
    caerec__synthetic_truth_free(&t);
    caerec_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_truth),
        cmocka_unit_test(test_planted_structure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
