/* caerec_dataset_split: every cell in exactly one part with its content,
 * per-user hold-out counts, determinism from the seed, uniform choice. */
#include "data_test_util.h"

#include <math.h>

static const double five[] = {1, 2, 3, 4, 5};
static const char *const vc[] = {"view", "click"};

/* Users 1..n_users; user u has u cells (so sizes 1, 2, ...), mixed
 * ratings and types. */
static caerec_dataset *make(int n_users)
{
    caerec_dataset *ds = NULL;
    assert_int_equal(caerec_dataset_create(&ds, five, 5, vc, 2), 0);
    for (int u = 1; u <= n_users; u++)
        for (int k = 0; k < u; k++) {
            int64_t item = (u * 31 + k * 17) % 97;
            if (k % 3 != 1)
                assert_int_equal(
                    caerec_dataset_add_rating(ds, u, item, 1 + (u + k) % 5), 0);
            if (k % 3 != 0)
                assert_int_equal(
                    caerec_dataset_add_interaction(ds, u, item, k % 2), 0);
        }
    return ds;
}

static size_t user_cells(const caerec_dataset *ds, int64_t user)
{
    size_t u, n = 0;
    if (caerec_dataset_user_index(ds, user, &u))
        return 0;
    for (size_t c = 0; c < ds->n_cells; c++)
        n += ds->cell_user[c] == u;
    return n;
}

static void check_split(const caerec_dataset *ds, const caerec_dataset *tr,
                        const caerec_dataset *te, double fraction)
{
    /* same scale and types */
    assert_int_equal(caerec_dataset_n_levels(tr), 5);
    assert_int_equal(caerec_dataset_n_levels(te), 5);
    assert_int_equal(caerec_dataset_n_types(te), 2);
    assert_string_equal(caerec_dataset_type_name(tr, 1), "click");
    /* every cell in exactly one part, with its level and types */
    assert_int_equal(caerec_dataset_n_cells(tr) + caerec_dataset_n_cells(te),
                     caerec_dataset_n_cells(ds));
    for (size_t c = 0; c < ds->n_cells; c++) {
        int64_t u = ds->users.ids[ds->cell_user[c]];
        int64_t i = ds->items.ids[ds->cell_item[c]];
        int l1, l2;
        uint32_t t1, t2;
        int in_tr = find_cell(tr, u, i, &l1, &t1);
        int in_te = find_cell(te, u, i, &l2, &t2);
        assert_true(in_tr + in_te == 1);
        assert_int_equal(in_tr ? l1 : l2, ds->cell_level[c]);
        assert_int_equal(in_tr ? t1 : t2, ds->cell_types[c]);
    }
    assert_int_equal(caerec_dataset_n_ratings(tr) +
                         caerec_dataset_n_ratings(te),
                     caerec_dataset_n_ratings(ds));
    for (uint32_t t = 0; t < 2; t++)
        assert_int_equal(caerec_dataset_n_typed(tr, t) +
                             caerec_dataset_n_typed(te, t),
                         caerec_dataset_n_typed(ds, t));
    /* per user: round(fraction * m) held out, at least 1, never all */
    assert_int_equal(caerec_dataset_n_users(tr), caerec_dataset_n_users(ds));
    for (size_t idx = 0; idx < caerec_dataset_n_users(ds); idx++) {
        int64_t u, u_tr;
        assert_int_equal(caerec_dataset_user_id(ds, idx, &u), 0);
        assert_int_equal(caerec_dataset_user_id(tr, idx, &u_tr), 0);
        assert_true(u == u_tr); /* train keeps ds's user indices */
        size_t m = user_cells(ds, u), h = user_cells(te, u);
        size_t want = m < 2 ? 0 : (size_t)floor(fraction * (double)m + 0.5);
        if (m >= 2 && want < 1)
            want = 1;
        if (m >= 2 && want > m - 1)
            want = m - 1;
        assert_int_equal(h, want);
        assert_int_equal(user_cells(tr, u), m - h);
    }
}

static void test_properties(void **state)
{
    (void)state;
    caerec_dataset *ds = make(40), *tr = NULL, *te = NULL;
    double fractions[] = {0.2, 0.5, 0.01, 0.99};
    for (int f = 0; f < 4; f++) {
        assert_int_equal(caerec_dataset_split(&tr, &te, ds, fractions[f], 7),
                         0);
        check_split(ds, tr, te, fractions[f]);
        caerec_dataset_free(tr);
        caerec_dataset_free(te);
    }
    caerec_dataset_free(ds);
}

static void test_determinism(void **state)
{
    (void)state;
    caerec_dataset *ds = make(40);
    caerec_dataset *a1, *b1, *a2, *b2, *a3, *b3;
    assert_int_equal(caerec_dataset_split(&a1, &b1, ds, 0.3, 123), 0);
    assert_int_equal(caerec_dataset_split(&a2, &b2, ds, 0.3, 123), 0);
    assert_same_dataset(a1, a2);
    assert_same_dataset(b1, b2);
    assert_int_equal(caerec_dataset_split(&a3, &b3, ds, 0.3, 124), 0);
    /* another seed holds out other cells (same counts) */
    assert_int_equal(caerec_dataset_n_cells(b1), caerec_dataset_n_cells(b3));
    int differ = 0;
    for (size_t c = 0; c < b1->n_cells && !differ; c++) {
        int l;
        uint32_t t;
        differ = !find_cell(b3, b1->users.ids[b1->cell_user[c]],
                            b1->items.ids[b1->cell_item[c]], &l, &t);
    }
    assert_true(differ);
    caerec_dataset_free(a1);
    caerec_dataset_free(b1);
    caerec_dataset_free(a2);
    caerec_dataset_free(b2);
    caerec_dataset_free(a3);
    caerec_dataset_free(b3);
    caerec_dataset_free(ds);
}

/* Over many seeds each of a user's cells is held out about equally often. */
static void test_uniform(void **state)
{
    (void)state;
    caerec_dataset *ds = NULL;
    assert_int_equal(caerec_dataset_create(&ds, five, 5, NULL, 0), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(caerec_dataset_add_rating(ds, 1, i, 3), 0);
    int count[10] = {0};
    const int runs = 3000;
    for (int s = 0; s < runs; s++) {
        caerec_dataset *tr, *te;
        assert_int_equal(caerec_dataset_split(&tr, &te, ds, 0.3, (uint64_t)s),
                         0);
        assert_int_equal(caerec_dataset_n_cells(te), 3);
        for (size_t c = 0; c < te->n_cells; c++)
            count[te->items.ids[te->cell_item[c]]]++;
        caerec_dataset_free(tr);
        caerec_dataset_free(te);
    }
    /* expected 900 each, sd about 25 */
    for (int i = 0; i < 10; i++)
        assert_true(abs(count[i] - 900) < 150);
    caerec_dataset_free(ds);
}

static void test_errors(void **state)
{
    (void)state;
    caerec_dataset *ds = make(5);
    caerec_dataset *tr = (caerec_dataset *)0x1, *te = (caerec_dataset *)0x2;
    assert_int_equal(caerec_dataset_split(NULL, &te, ds, 0.2, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_split(&tr, NULL, ds, 0.2, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_split(&tr, &te, NULL, 0.2, 1),
                     CAEREC_EINVAL);
    double bad[] = {0, 1, -0.5, 1.5, NAN, INFINITY};
    for (int b = 0; b < 6; b++) {
        assert_int_equal(caerec_dataset_split(&tr, &te, ds, bad[b], 1),
                         CAEREC_EINVAL);
        assert_non_null(strstr(caerec_last_error(), "fraction"));
    }
    assert_ptr_equal(tr, (caerec_dataset *)0x1);
    assert_ptr_equal(te, (caerec_dataset *)0x2);
    caerec_dataset_free(ds);
    /* an empty dataset splits into two empty ones */
    assert_int_equal(caerec_dataset_create(&ds, five, 5, NULL, 0), 0);
    assert_int_equal(caerec_dataset_split(&tr, &te, ds, 0.2, 1), 0);
    assert_int_equal(caerec_dataset_n_cells(tr), 0);
    assert_int_equal(caerec_dataset_n_cells(te), 0);
    caerec_dataset_free(tr);
    caerec_dataset_free(te);
    caerec_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
