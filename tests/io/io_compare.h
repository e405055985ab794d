/* Asserting that two models are the same model: every stored field, every
 * parameter byte and every prediction. For the cmocka tests (include after
 * cmocka.h); reaches internals. */
#ifndef CAEREC_TESTS_IO_COMPARE_H
#define CAEREC_TESTS_IO_COMPARE_H

#include "caerec.h"
#include "model/model.h"

#include <math.h>
#include <string.h>

static inline void assert_same_config(const caerec_model *a,
                                      const caerec_model *b)
{
    caerec_config *ca, *cb;
    assert_int_equal(caerec_model_config(&ca, a), CAEREC_OK);
    assert_int_equal(caerec_model_config(&cb, b), CAEREC_OK);
    for (int o = 0; caerec_option_name((caerec_option)o); o++) {
        double x, y;
        assert_int_equal(caerec_config_get_double(ca, (caerec_option)o, &x), 0);
        assert_int_equal(caerec_config_get_double(cb, (caerec_option)o, &y), 0);
        if (isnan(x))
            assert_true(isnan(y));
        else
            assert_true(x == y);
        int64_t i, j;
        if (caerec_config_get_int(ca, (caerec_option)o, &i) == CAEREC_OK) {
            assert_int_equal(caerec_config_get_int(cb, (caerec_option)o, &j),
                             0);
            assert_true(i == j); /* exact, even for 64-bit seeds */
        }
    }
    caerec_config_free(ca);
    caerec_config_free(cb);
}

static inline void assert_same_csr(const caerec_csr *a, const caerec_csr *b)
{
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_cols, b->n_cols);
    assert_int_equal(a->nnz, b->nnz);
    assert_memory_equal(a->ptr, b->ptr, (a->n_rows + 1) * sizeof *a->ptr);
    if (a->nnz) {
        assert_memory_equal(a->col, b->col, a->nnz * sizeof *a->col);
        assert_memory_equal(a->level, b->level, a->nnz * sizeof *a->level);
        assert_memory_equal(a->types, b->types, a->nnz * sizeof *a->types);
    }
}

/* Every score of every user for every item, bit for bit. */
static inline void assert_same_predictions(const caerec_model *a,
                                           const caerec_model *b)
{
    size_t n_items = caerec_model_n_items(a);
    float *sa = malloc(n_items * sizeof *sa),
          *sb = malloc(n_items * sizeof *sb);
    caerec_scorer *xa, *xb;
    assert_int_equal(caerec_scorer_create(&xa, a), CAEREC_OK);
    assert_int_equal(caerec_scorer_create(&xb, b), CAEREC_OK);
    size_t compared = 0;
    for (size_t u = 0; u < caerec_model_n_users(a); u++) {
        int64_t user;
        assert_int_equal(caerec_model_user_id(a, u, &user), CAEREC_OK);
        assert_int_equal(caerec_scorer_set_user(xa, user), CAEREC_OK);
        assert_int_equal(caerec_scorer_set_user(xb, user), CAEREC_OK);
        for (int s = 0; s < CAEREC_SCORE_COUNT; s++) {
            int ra = caerec_scorer_all(xa, (caerec_score)s, sa, n_items);
            int rb = caerec_scorer_all(xb, (caerec_score)s, sb, n_items);
            assert_int_equal(ra, rb);
            if (ra == CAEREC_OK) {
                assert_memory_equal(sa, sb, n_items * sizeof *sa);
                compared++;
            }
        }
    }
    assert_true(compared > 0);
    caerec_scorer_free(xa);
    caerec_scorer_free(xb);
    free(sa);
    free(sb);
}

/* b was loaded from a, so it must be a in every respect that is saved. */
static inline void assert_same_model(const caerec_model *a,
                                     const caerec_model *b)
{
    assert_memory_equal(&a->dims, &b->dims, sizeof a->dims);
    assert_same_config(a, b);
    if (a->dims.K)
        assert_memory_equal(a->levels, b->levels, a->dims.K * sizeof(double));
    for (size_t t = 0; t < a->dims.T; t++)
        assert_string_equal(a->type_names[t], b->type_names[t]);
    assert_int_equal(a->users.n, b->users.n);
    assert_int_equal(a->items.n, b->items.n);
    assert_memory_equal(a->users.ids, b->users.ids,
                        a->users.n * sizeof(int64_t));
    assert_memory_equal(a->items.ids, b->items.ids,
                        a->items.n * sizeof(int64_t));
    for (size_t i = 0; i < a->items.n; i++) {
        size_t at;
        assert_int_equal(caerec_model_item_index(b, a->items.ids[i], &at), 0);
        assert_int_equal(at, i);
    }
    assert_same_csr(&a->rows, &b->rows);
    assert_same_csr(caerec__user_rows(a), caerec__user_rows(b));
    assert_int_equal(a->params.size, b->params.size);
    assert_memory_equal(a->params.data, b->params.data,
                        a->params.size * sizeof(float));
    assert_int_equal(a->prior.fitted, b->prior.fitted);
    assert_int_equal(caerec__prior_state_floats(a),
                     caerec__prior_state_floats(b));
    if (caerec__prior_state_floats(a))
        assert_memory_equal(a->prior.state, b->prior.state,
                            caerec__prior_state_floats(a) * sizeof(float));
    assert_same_predictions(a, b);
}

#endif
