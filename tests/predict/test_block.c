/* Blocked decoding (lib/predict/block.c): for every block size, user
 * selection (sparse, repeated, unordered) and orientation, the scores
 * caerec__for_users hands out equal caerec__score_user's for that user
 * alone, and every slot is visited exactly once. */
#include "predict_test_util.h"

#include "predict/predict.h"

#include <math.h>

typedef struct check_ctx {
    const caerec_model *m;
    const uint32_t *users;
    caerec_block one;
    caerec_uscores ref;
    int *visits;
    size_t last_user;
} check_ctx;

static void check_user(void *vctx, size_t slot, const caerec_uscores *s)
{
    check_ctx *c = vctx;
    uint32_t u = c->users[slot];
    c->visits[slot]++;
    assert_true(c->last_user == SIZE_MAX || u >= c->last_user);
    c->last_user = u;
    caerec__score_user(c->m, &c->one, u, &c->ref, 1);
    assert_int_equal(s->n_seen, c->ref.n_seen);
    assert_true(s->n_u == c->ref.n_u);
    assert_memory_equal(s->seen, c->ref.seen, s->n);
    for (size_t i = 0; i < s->n; i++)
        assert_true(fabs(s->p[i] - c->ref.p[i]) <= 1e-6 * c->ref.p[i]);
    if (s->dist)
        for (size_t e = 0; e < s->n * s->K; e++)
            assert_true(fabs(s->dist[e] - c->ref.dist[e]) <= 1e-5);
}

static void test_blocks_match_single_user(void **state)
{
    (void)state;
    const model_spec specs[] = {{CAEREC_ORIENT_USER, 5, 1, 23, 17, 1, 1},
                                {CAEREC_ORIENT_ITEM, 5, 1, 23, 17, 1, 1},
                                {CAEREC_ORIENT_ITEM, 0, 1, 19, 11, 0, 2}};
    for (size_t q = 0; q < 3; q++) {
        caerec_model *m = make_model(&specs[q]);
        assert_int_equal(caerec__model_ready(m), 0);
        size_t nu = caerec_model_n_users(m);
        uint32_t users[64];
        size_t n = 0;
        for (size_t u = nu; u-- > 0;)
            if (u % 4 != 2)
                users[n++] = (uint32_t)u;
        users[n++] = 0;
        users[n++] = 7;
        users[n++] = 7;
        int visits[64];
        for (int with_dist = 0; with_dist < 2; with_dist++)
            for (size_t cap = 1; cap <= 9; cap += 2) {
                check_ctx c = {m, users, {0}, {0}, visits, SIZE_MAX};
                memset(visits, 0, sizeof visits);
                assert_int_equal(caerec__block_alloc(&c.one, m, 1), 0);
                assert_int_equal(caerec__uscores_alloc(&c.ref, m, with_dist),
                                 0);
                assert_int_equal(caerec__for_users_cap(m, users, n, with_dist,
                                                       cap, check_user, &c),
                                 0);
                for (size_t b = 0; b < n; b++)
                    assert_int_equal(visits[b], 1);
                caerec__block_free(&c.one);
                caerec__uscores_free(&c.ref);
            }
        caerec_model_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_match_single_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
