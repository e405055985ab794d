/* Datasets in memory: creation and its checks, adding data (merge rules,
 * all-or-nothing bulk adds), queries, id lookups, clone, and the CSR
 * views the model is built from. */
#include "data_test_util.h"

#include "data/cells.h"

#include <math.h>

static const double five[] = {1, 2, 3, 4, 5};
static const char *const vc[] = {"view", "click"};

static caerec_dataset *make(void)
{
    caerec_dataset *ds = NULL;
    assert_int_equal(caerec_dataset_create(&ds, five, 5, vc, 2), CAEREC_OK);
    return ds;
}

static void test_create_ok(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    assert_int_equal(caerec_dataset_n_levels(ds), 5);
    double lv[8] = {0};
    assert_int_equal(caerec_dataset_levels(ds, lv, 8), 5);
    assert_true(lv[0] == 1 && lv[4] == 5 && lv[5] == 0);
    /* capacity smaller than K: writes only capacity values */
    double two[3] = {-1, -1, -1};
    assert_int_equal(caerec_dataset_levels(ds, two, 2), 5);
    assert_true(two[0] == 1 && two[1] == 2 && two[2] == -1);
    assert_int_equal(caerec_dataset_levels(ds, NULL, 0), 5);
    assert_int_equal(caerec_dataset_n_types(ds), 2);
    assert_string_equal(caerec_dataset_type_name(ds, 0), "view");
    assert_string_equal(caerec_dataset_type_name(ds, 1), "click");
    assert_null(caerec_dataset_type_name(ds, 2));
    assert_int_equal(caerec_dataset_n_users(ds), 0);
    assert_int_equal(caerec_dataset_n_cells(ds), 0);
    caerec_dataset_free(ds);

    /* names are copied */
    char name[] = "buy";
    const char *names[] = {name};
    assert_int_equal(caerec_dataset_create(&ds, NULL, 0, names, 1), 0);
    name[0] = 'X';
    assert_string_equal(caerec_dataset_type_name(ds, 0), "buy");
    caerec_dataset_free(ds);

    /* pure explicit, half steps */
    double half[10];
    for (int k = 0; k < 10; k++)
        half[k] = 0.5 * (k + 1);
    assert_int_equal(caerec_dataset_create(&ds, half, 10, NULL, 0), 0);
    assert_int_equal(caerec_dataset_add_rating(ds, 1, 1, 3.5), 0);
    assert_int_equal(caerec_dataset_add_rating(ds, 1, 2, 3.25), CAEREC_ERANGE);
    caerec_dataset_free(ds);
    caerec_dataset_free(NULL);
}

static void test_create_errors(void **state)
{
    (void)state;
    caerec_dataset *ds = (caerec_dataset *)0x1;
    double bad[3] = {1, 3, 2};
    double nan3[3] = {1, NAN, 3};
    double close2[2] = {1, 1 + 1e-9};
    double many[CAEREC_MAX_LEVELS + 1];
    for (int k = 0; k <= CAEREC_MAX_LEVELS; k++)
        many[k] = k;
    const char *names[CAEREC_MAX_TYPES + 1];
    char buf[CAEREC_MAX_TYPES + 1][8];
    for (int t = 0; t <= CAEREC_MAX_TYPES; t++) {
        snprintf(buf[t], sizeof buf[t], "t%d", t);
        names[t] = buf[t];
    }
    const char *dup[] = {"a", "a"};
    const char *empty[] = {"a", ""};
    const char *nul[] = {"a", NULL};

    assert_int_equal(caerec_dataset_create(NULL, five, 5, NULL, 0),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_create(&ds, bad, 3, NULL, 0),
                     CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "increasing"));
    assert_int_equal(caerec_dataset_create(&ds, nan3, 3, NULL, 0),
                     CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "finite"));
    assert_int_equal(caerec_dataset_create(&ds, close2, 2, NULL, 0),
                     CAEREC_EINVAL);
    assert_int_equal(
        caerec_dataset_create(&ds, many, CAEREC_MAX_LEVELS + 1, NULL, 0),
        CAEREC_EINVAL);
    assert_int_equal(
        caerec_dataset_create(&ds, NULL, 0, names, CAEREC_MAX_TYPES + 1),
        CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_create(&ds, NULL, 0, dup, 2),
                     CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "duplicate"));
    assert_int_equal(caerec_dataset_create(&ds, NULL, 0, empty, 2),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_create(&ds, NULL, 0, nul, 2),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_create(&ds, NULL, 0, NULL, 0),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_create(&ds, NULL, 3, NULL, 0),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_create(&ds, NULL, 0, NULL, 2),
                     CAEREC_EINVAL);
    /* out untouched on failure */
    assert_ptr_equal(ds, (caerec_dataset *)0x1);
    /* the limits themselves are fine */
    assert_int_equal(caerec_dataset_create(&ds, many, CAEREC_MAX_LEVELS, names,
                                           CAEREC_MAX_TYPES),
                     0);
    assert_int_equal(caerec_dataset_add_interaction(ds, 1, 1, 31), 0);
    assert_int_equal(caerec_dataset_n_typed(ds, 31), 1);
    assert_int_equal(caerec_dataset_add_rating(ds, 1, 1, 63), 0);
    caerec_dataset_free(ds);
}

static void test_add_and_merge(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    assert_int_equal(caerec_dataset_add_rating(ds, 10, 100, 3), 0);
    assert_int_equal(caerec_dataset_add_rating(ds, 10, 100, 5), 0); /* wins */
    assert_int_equal(caerec_dataset_add_interaction(ds, 10, 100, 1), 0);
    assert_int_equal(caerec_dataset_add_interaction(ds, 10, 100, 1), 0);
    assert_int_equal(caerec_dataset_add_interaction(ds, 10, 100, 0), 0);
    assert_int_equal(caerec_dataset_add_interaction(ds, -7, INT64_MIN, 0), 0);
    assert_int_equal(caerec_dataset_add_rating(ds, INT64_MAX, 100, 1.0000001),
                     0); /* within the relative tolerance */
    assert_int_equal(caerec_dataset_n_users(ds), 3);
    assert_int_equal(caerec_dataset_n_items(ds), 2);
    assert_int_equal(caerec_dataset_n_cells(ds), 3);
    assert_int_equal(caerec_dataset_n_ratings(ds), 2);
    assert_int_equal(caerec_dataset_n_typed(ds, 0), 2);
    assert_int_equal(caerec_dataset_n_typed(ds, 1), 1);
    assert_int_equal(caerec_dataset_n_typed(ds, 2), 0);
    assert_int_equal(caerec_dataset_n_typed(ds, UINT32_MAX), 0);
    int level;
    uint32_t types;
    assert_true(find_cell(ds, 10, 100, &level, &types));
    assert_int_equal(level, 4);
    assert_int_equal(types, 3);
    assert_true(find_cell(ds, -7, INT64_MIN, &level, &types));
    assert_int_equal(level, CAEREC_NO_LEVEL);
    assert_int_equal(types, 1);
    assert_true(find_cell(ds, INT64_MAX, 100, &level, &types));
    assert_int_equal(level, 0);

    /* dense indices in order of first appearance, both ways */
    size_t idx;
    int64_t id;
    assert_int_equal(caerec_dataset_user_index(ds, 10, &idx), 0);
    assert_int_equal(idx, 0);
    assert_int_equal(caerec_dataset_user_index(ds, INT64_MAX, &idx), 0);
    assert_int_equal(idx, 2);
    assert_int_equal(caerec_dataset_item_index(ds, INT64_MIN, &idx), 0);
    assert_int_equal(idx, 1);
    assert_int_equal(caerec_dataset_user_id(ds, 1, &id), 0);
    assert_true(id == -7);
    assert_int_equal(caerec_dataset_item_id(ds, 0, &id), 0);
    assert_true(id == 100);
    /* lookup errors */
    assert_int_equal(caerec_dataset_user_index(ds, 11, &idx), CAEREC_ENOTFOUND);
    assert_non_null(strstr(caerec_last_error(), "11"));
    assert_int_equal(caerec_dataset_item_index(ds, 5, &idx), CAEREC_ENOTFOUND);
    assert_int_equal(caerec_dataset_user_id(ds, 3, &id), CAEREC_ENOTFOUND);
    assert_int_equal(caerec_dataset_item_id(ds, 2, &id), CAEREC_ENOTFOUND);
    assert_int_equal(caerec_dataset_user_index(NULL, 10, &idx), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_user_index(ds, 10, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_item_index(NULL, 10, &idx), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_item_index(ds, 10, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_user_id(NULL, 0, &id), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_user_id(ds, 0, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_item_id(NULL, 0, &id), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_item_id(ds, 0, NULL), CAEREC_EINVAL);
    caerec_dataset_free(ds);
}

static void test_add_errors(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    assert_int_equal(caerec_dataset_add_rating(ds, 1, 1, 4), 0);
    caerec_dataset *before = NULL;
    assert_int_equal(caerec_dataset_clone(&before, ds), 0);

    assert_int_equal(caerec_dataset_add_rating(NULL, 1, 1, 4), CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_rating(ds, 2, 2, 3.5), CAEREC_ERANGE);
    assert_non_null(strstr(caerec_last_error(), "3.5"));
    assert_int_equal(caerec_dataset_add_rating(ds, 2, 2, NAN), CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_add_rating(ds, 2, 2, INFINITY),
                     CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_add_rating(ds, 2, 2, 0), CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_add_rating(ds, 2, 2, 6), CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_add_interaction(NULL, 1, 1, 0),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_interaction(ds, 2, 2, 2),
                     CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_add_interaction(ds, 2, 2, UINT32_MAX),
                     CAEREC_ERANGE);
    assert_same_dataset(ds, before);

    /* no scale: every rating is out of range; no types: every type */
    caerec_dataset *implicit = NULL, *explicit = NULL;
    assert_int_equal(caerec_dataset_create(&implicit, NULL, 0, vc, 1), 0);
    assert_int_equal(caerec_dataset_add_rating(implicit, 1, 1, 1),
                     CAEREC_ERANGE);
    assert_non_null(strstr(caerec_last_error(), "no rating scale"));
    assert_int_equal(caerec_dataset_create(&explicit, five, 5, NULL, 0), 0);
    assert_int_equal(caerec_dataset_add_interaction(explicit, 1, 1, 0),
                     CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_n_cells(implicit), 0);
    assert_int_equal(caerec_dataset_n_cells(explicit), 0);
    assert_int_equal(caerec_dataset_n_users(explicit), 0);
    caerec_dataset_free(implicit);
    caerec_dataset_free(explicit);
    caerec_dataset_free(before);
    caerec_dataset_free(ds);
}

static void test_bulk(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    int64_t u[] = {1, 2, 1, 3, 1};
    int64_t i[] = {5, 5, 6, 7, 5};
    double v[] = {1, 2, 3, 4, 5};
    uint32_t t[] = {0, 1, 1, 0, 0};
    assert_int_equal(caerec_dataset_add_ratings(ds, u, i, v, 5), 0);
    assert_int_equal(caerec_dataset_n_cells(ds), 4);
    assert_int_equal(caerec_dataset_n_ratings(ds), 4);
    int level;
    uint32_t types;
    assert_true(find_cell(ds, 1, 5, &level, &types));
    assert_int_equal(level, 4); /* last write in array order wins */
    assert_int_equal(caerec_dataset_add_interactions(ds, u, i, t, 5), 0);
    assert_int_equal(caerec_dataset_n_cells(ds), 4);
    assert_int_equal(caerec_dataset_n_typed(ds, 0), 2); /* (1,5), (3,7) */
    assert_int_equal(caerec_dataset_n_typed(ds, 1), 2); /* (2,5), (1,6) */
    assert_true(find_cell(ds, 1, 5, &level, &types));
    assert_int_equal(types, 1);
    assert_int_equal(level, 4); /* types do not touch the rating */

    /* n == 0 is a no-op, arrays may be NULL */
    assert_int_equal(caerec_dataset_add_ratings(ds, NULL, NULL, NULL, 0), 0);
    assert_int_equal(caerec_dataset_add_interactions(ds, NULL, NULL, NULL, 0),
                     0);
    /* NULL arrays with n > 0 */
    assert_int_equal(caerec_dataset_add_ratings(ds, NULL, i, v, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_ratings(ds, u, NULL, v, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_ratings(ds, u, i, NULL, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_ratings(NULL, u, i, v, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_interactions(ds, NULL, i, t, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_interactions(ds, u, NULL, t, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_interactions(ds, u, i, NULL, 1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_add_interactions(NULL, u, i, t, 1),
                     CAEREC_EINVAL);
    caerec_dataset_free(ds);
}

/* A failed bulk add leaves the dataset exactly as before, even when the
 * bad entry comes after new users, items and merges into old cells. */
static void test_bulk_all_or_nothing(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    int64_t u0[] = {1, 2, 3};
    int64_t i0[] = {1, 1, 2};
    double v0[] = {3, 4, 5};
    assert_int_equal(caerec_dataset_add_ratings(ds, u0, i0, v0, 3), 0);
    assert_int_equal(caerec_dataset_add_interaction(ds, 1, 1, 0), 0);
    caerec_dataset *before = NULL;
    assert_int_equal(caerec_dataset_clone(&before, ds), 0);
    assert_same_dataset(ds, before);

    enum { N = 1000 };
    int64_t *u = malloc(N * sizeof *u), *i = malloc(N * sizeof *i);
    double *v = malloc(N * sizeof *v);
    uint32_t *t = malloc(N * sizeof *t);
    for (int e = 0; e < N; e++) {
        u[e] = e % 7 == 0 ? 1 : 100 + e; /* new users and an old one */
        i[e] = e % 5 == 0 ? 1 : 200 + e;
        v[e] = 1 + e % 5;
        t[e] = e % 2;
    }
    v[N - 1] = 2.5;
    assert_int_equal(caerec_dataset_add_ratings(ds, u, i, v, N), CAEREC_ERANGE);
    assert_non_null(strstr(caerec_last_error(), "999"));
    assert_same_dataset(ds, before);
    v[N - 1] = NAN;
    assert_int_equal(caerec_dataset_add_ratings(ds, u, i, v, N), CAEREC_ERANGE);
    assert_same_dataset(ds, before);
    t[N / 2] = 2;
    assert_int_equal(caerec_dataset_add_interactions(ds, u, i, t, N),
                     CAEREC_ERANGE);
    assert_non_null(strstr(caerec_last_error(), "500"));
    assert_same_dataset(ds, before);
    /* after the failures the same data adds fine */
    v[N - 1] = 5;
    t[N / 2] = 1;
    assert_int_equal(caerec_dataset_add_ratings(ds, u, i, v, N), 0);
    assert_int_equal(caerec_dataset_add_interactions(ds, u, i, t, N), 0);
    assert_true(caerec_dataset_n_cells(ds) > 3);
    free(u);
    free(i);
    free(v);
    free(t);
    caerec_dataset_free(before);
    caerec_dataset_free(ds);
}

/* The internal apply is the all-or-nothing core: on failure (here: the
 * cell limit) the id maps it already grew are rolled back. */
static void test_apply_rollback(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    assert_int_equal(caerec_dataset_add_rating(ds, 1, 1, 3), 0);
    caerec_dataset *before = NULL;
    assert_int_equal(caerec_dataset_clone(&before, ds), 0);
    int64_t u[3] = {5, 6, 7}, i[3] = {8, 9, 10};
    /* A cell table at its size limit: the reservation fails after the
     * new ids were interned. */
    size_t saved = ds->n_cells;
    ds->n_cells = UINT32_MAX / 4 - 1; /* pretend it is full */
    int rc = caerec__dataset_apply(ds, 3, u, i, NULL, NULL, "test");
    ds->n_cells = saved;
    assert_int_equal(rc, CAEREC_ETOOBIG);
    assert_non_null(strstr(caerec_last_error(), "test"));
    assert_same_dataset(ds, before);
    caerec_dataset_free(before);
    caerec_dataset_free(ds);
}

static void test_clone(void **state)
{
    (void)state;
    caerec_dataset *ds = make(), *c = NULL;
    assert_int_equal(caerec_dataset_clone(&c, ds), 0); /* empty */
    assert_same_dataset(ds, c);
    caerec_dataset_free(c);
    for (int e = 0; e < 300; e++) {
        assert_int_equal(
            caerec_dataset_add_rating(ds, e % 17, e % 23, 1 + e % 5), 0);
        assert_int_equal(
            caerec_dataset_add_interaction(ds, e % 13, e % 29, e % 2), 0);
    }
    assert_int_equal(caerec_dataset_clone(&c, ds), 0);
    assert_same_dataset(ds, c);
    /* independent: adding to the clone leaves ds alone, and merges work
     * in the clone (its hash was rebuilt) */
    size_t cells = caerec_dataset_n_cells(ds);
    assert_int_equal(caerec_dataset_add_rating(c, 0, 0, 2), 0);
    assert_int_equal(caerec_dataset_n_cells(c), cells);
    assert_int_equal(caerec_dataset_add_rating(c, 1000, 0, 2), 0);
    assert_int_equal(caerec_dataset_n_cells(c), cells + 1);
    assert_int_equal(caerec_dataset_n_cells(ds), cells);
    assert_int_equal(caerec_dataset_clone(NULL, ds), CAEREC_EINVAL);
    caerec_dataset *keep = c;
    assert_int_equal(caerec_dataset_clone(&c, NULL), CAEREC_EINVAL);
    assert_ptr_equal(c, keep);
    caerec_dataset_free(c);
    caerec_dataset_free(ds);
}

static void test_null_queries(void **state)
{
    (void)state;
    assert_int_equal(caerec_dataset_n_users(NULL), 0);
    assert_int_equal(caerec_dataset_n_items(NULL), 0);
    assert_int_equal(caerec_dataset_n_ratings(NULL), 0);
    assert_int_equal(caerec_dataset_n_typed(NULL, 0), 0);
    assert_int_equal(caerec_dataset_n_cells(NULL), 0);
    assert_int_equal(caerec_dataset_n_levels(NULL), 0);
    double x;
    assert_int_equal(caerec_dataset_levels(NULL, &x, 1), 0);
    assert_int_equal(caerec_dataset_n_types(NULL), 0);
    assert_null(caerec_dataset_type_name(NULL, 0));
}

static void test_level_index(void **state)
{
    (void)state;
    double lv[] = {0, 0.5, 1, 1000};
    assert_int_equal(caerec__level_index(lv, 4, 0), 0);
    assert_int_equal(caerec__level_index(lv, 4, 1e-300), -1);
    assert_int_equal(caerec__level_index(lv, 4, 0.5), 1);
    assert_int_equal(caerec__level_index(lv, 4, 0.5 * (1 + 5e-7)), 1);
    assert_int_equal(caerec__level_index(lv, 4, 0.5 * (1 + 5e-6)), -1);
    assert_int_equal(caerec__level_index(lv, 4, 1000.0005), 3);
    assert_int_equal(caerec__level_index(lv, 4, 1000.01), -1);
    assert_int_equal(caerec__level_index(lv, 4, NAN), -1);
    assert_int_equal(caerec__level_index(lv, 0, 1), -1);
    double a[] = {1, 2, 3}, b[] = {1, 2, 3.0000001}, c[] = {1, 2, 4};
    assert_true(caerec__same_scale(a, 3, b, 3));
    assert_false(caerec__same_scale(a, 3, c, 3));
    assert_false(caerec__same_scale(a, 3, a, 2));
    assert_true(caerec__same_scale(NULL, 0, NULL, 0));
}

/* CSR: rows sorted by column, every cell once with its merged content,
 * transpose and copy consistent with the by-item build. */
static void check_csr_matches(const caerec_csr *m, const caerec_dataset *ds,
                              int by_item)
{
    assert_int_equal(m->nnz, ds->n_cells);
    assert_int_equal(m->n_rows, by_item ? ds->items.n : ds->users.n);
    assert_int_equal(m->n_cols, by_item ? ds->users.n : ds->items.n);
    assert_int_equal(m->ptr[0], 0);
    assert_int_equal(m->ptr[m->n_rows], m->nnz);
    for (size_t r = 0; r < m->n_rows; r++) {
        caerec_row row = caerec__csr_row(m, r);
        assert_int_equal(row.nnz, m->ptr[r + 1] - m->ptr[r]);
        for (size_t q = 0; q < row.nnz; q++) {
            if (q)
                assert_true(row.col[q - 1] < row.col[q]);
            uint32_t u = by_item ? row.col[q] : (uint32_t)r;
            uint32_t i = by_item ? (uint32_t)r : row.col[q];
            size_t c = caerec__cells_find(ds, u, i);
            assert_true(c != SIZE_MAX);
            assert_int_equal(row.level[q], ds->cell_level[c]);
            assert_int_equal(row.types[q], ds->cell_types[c]);
        }
    }
}

static void assert_same_csr(const caerec_csr *a, const caerec_csr *b)
{
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_cols, b->n_cols);
    assert_int_equal(a->nnz, b->nnz);
    assert_memory_equal(a->ptr, b->ptr, (a->n_rows + 1) * sizeof *a->ptr);
    if (a->nnz) {
        assert_memory_equal(a->col, b->col, a->nnz * sizeof *a->col);
        assert_memory_equal(a->level, b->level, a->nnz);
        assert_memory_equal(a->types, b->types, a->nnz * sizeof *a->types);
    }
}

static void test_csr(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    /* items appear in a scrambled order so sorting is needed */
    for (int e = 0; e < 500; e++) {
        int64_t u = (e * 7) % 31, i = (e * 37) % 53 + 1000;
        if (e % 3)
            assert_int_equal(caerec_dataset_add_rating(ds, u, i, 1 + e % 5), 0);
        else
            assert_int_equal(caerec_dataset_add_interaction(ds, u, i, e % 2),
                             0);
    }
    caerec_csr by_user, by_item, t, copy;
    assert_int_equal(caerec__csr_build(&by_user, ds, 0), 0);
    assert_int_equal(caerec__csr_build(&by_item, ds, 1), 0);
    check_csr_matches(&by_user, ds, 0);
    check_csr_matches(&by_item, ds, 1);
    assert_int_equal(caerec__csr_transpose(&t, &by_user), 0);
    assert_same_csr(&t, &by_item);
    assert_int_equal(caerec__csr_copy(&copy, &by_user), 0);
    assert_same_csr(&copy, &by_user);
    caerec__csr_free(&by_user);
    caerec__csr_free(&by_item);
    caerec__csr_free(&t);
    caerec__csr_free(&copy);
    caerec__csr_free(NULL);
    /* empty dataset */
    caerec_dataset *empty = make();
    assert_int_equal(caerec__csr_build(&by_user, empty, 0), 0);
    assert_int_equal(by_user.n_rows, 0);
    assert_int_equal(by_user.nnz, 0);
    assert_int_equal(caerec__csr_transpose(&t, &by_user), 0);
    assert_int_equal(t.nnz, 0);
    caerec__csr_free(&t);
    caerec__csr_free(&by_user);
    caerec_dataset_free(empty);
    caerec_dataset_free(ds);
}

/* Many cells: the hash grows and still finds every cell. */
static void test_growth(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    for (int64_t u = 0; u < 200; u++)
        for (int64_t i = 0; i < 100; i++)
            assert_int_equal(
                caerec_dataset_add_rating(ds, u, i * 1000003, 1 + (u + i) % 5),
                0);
    assert_int_equal(caerec_dataset_n_cells(ds), 20000);
    for (int64_t u = 0; u < 200; u += 7)
        for (int64_t i = 0; i < 100; i += 3) {
            int level;
            uint32_t types;
            assert_true(find_cell(ds, u, i * 1000003, &level, &types));
            assert_int_equal(level, (u + i) % 5);
        }
    caerec_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_ok),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_add_and_merge),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_bulk),
        cmocka_unit_test(test_bulk_all_or_nothing),
        cmocka_unit_test(test_apply_rollback),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_null_queries),
        cmocka_unit_test(test_level_index),
        cmocka_unit_test(test_csr),
        cmocka_unit_test(test_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
