/* Training checkpoints: the optimizer state survives exactly, and training
 * resumed from a checkpoint (at an epoch boundary or mid-epoch, either
 * orientation, with dropout drawing from the generator) ends with
 * parameters bit-identical to an uninterrupted run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_compare.h"
#include "io_test_util.h"

static char tmpdir[] = "/tmp/caerec-io-ck-XXXXXX";

static void step_ok(int rc)
{
    if (rc < 0)
        fail_msg("training failed: %s", caerec_last_error());
}

static caerec_model *save_and_reload(const caerec_model *m)
{
    char path[256];
    snprintf(path, sizeof path, "%s/run.ckpt", tmpdir);
    assert_int_equal(caerec_checkpoint_save(m, path), CAEREC_OK);
    caerec_model *back = NULL;
    assert_int_equal(caerec_checkpoint_load(&back, path), CAEREC_OK);
    unlink(path);
    return back;
}

static void assert_same_train_state(const caerec_model *a,
                                    const caerec_model *b)
{
    const caerec_train_state *x = a->train, *y = b->train;
    assert_non_null(x);
    assert_non_null(y);
    size_t n = a->params.size * sizeof(float);
    assert_memory_equal(x->adam_m, y->adam_m, n);
    assert_memory_equal(x->adam_v, y->adam_v, n);
    assert_true(x->step == y->step);
    assert_int_equal(x->epoch, y->epoch);
    assert_int_equal(x->cursor, y->cursor);
    assert_int_equal(x->order_valid, y->order_valid);
    if (x->order_valid)
        assert_memory_equal(x->order, y->order, a->dims.m * sizeof *x->order);
    assert_memory_equal(x->rng.s, y->rng.s, sizeof x->rng.s);
    assert_true(x->lr == y->lr);
}

static void state_survives(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    s.n_users = 11; /* batch 4: an epoch is 3 steps */
    caerec_model *m = small_model(&s);
    step_ok(caerec_model_train_epoch(m, NULL));
    step_ok(caerec_model_train_step(m, NULL));
    assert_int_equal(m->train->order_valid, 1);
    assert_int_equal(m->train->cursor, 4);
    caerec_model *back = save_and_reload(m);
    assert_same_model(m, back);
    assert_same_train_state(m, back);
    assert_int_equal(caerec_model_epoch(back), 1);
    caerec_model_free(back);
    caerec_model_free(m);
}

/* 2 epochs straight vs. `steps_before` steps, checkpoint, load, and the
 * rest of the 2 epochs. With decoder-l2 regressed the first epoch's end
 * fits the prior the second trains toward and refits from. */
static void check_resume_spec(int orientation, int steps_before, int regressed)
{
    small_spec s = SMALL_SPEC_INIT;
    s.orientation = orientation;
    s.regressed = regressed;
    s.n_users = 11;
    s.n_items = 9;
    caerec_model *straight = small_model(&s);
    step_ok(caerec_model_train_epoch(straight, NULL));
    step_ok(caerec_model_train_epoch(straight, NULL));

    caerec_model *first = small_model(&s);
    for (int i = 0; i < steps_before; i++)
        step_ok(caerec_model_train_step(first, NULL));
    caerec_model *resumed = save_and_reload(first);
    caerec_model_free(first);
    while (caerec_model_epoch(resumed) < 2)
        step_ok(caerec_model_train_epoch(resumed, NULL));

    assert_int_equal(caerec_model_epoch(straight), 2);
    assert_int_equal(straight->params.size, resumed->params.size);
    assert_memory_equal(straight->params.data, resumed->params.data,
                        straight->params.size * sizeof(float));
    assert_same_train_state(straight, resumed);
    assert_same_predictions(straight, resumed);
    assert_int_equal(straight->prior.fitted, regressed);
    assert_same_model(straight, resumed); /* the prior's state too */
    if (regressed) /* and the centres the next epoch would pull toward */
        assert_memory_equal(straight->prior.centre, resumed->prior.centre,
                            straight->dims.d * straight->dims.n *
                                straight->dims.c2 * sizeof(float));
    caerec_model_free(resumed);
    caerec_model_free(straight);
}

static void check_resume(int orientation, int steps_before)
{
    check_resume_spec(orientation, steps_before, 0);
}

static void resume_at_epoch_boundary(void **state)
{
    (void)state;
    /* 11 user rows in batches of 4: 3 steps per epoch. */
    check_resume(CAEREC_ORIENT_USER, 3);
    /* 9 item rows: 3 steps per epoch. */
    check_resume(CAEREC_ORIENT_ITEM, 3);
}

static void resume_mid_epoch(void **state)
{
    (void)state;
    check_resume(CAEREC_ORIENT_USER, 1);
    check_resume(CAEREC_ORIENT_USER, 4);
    check_resume(CAEREC_ORIENT_ITEM, 2);
}

static void resume_from_start(void **state)
{
    (void)state;
    check_resume(CAEREC_ORIENT_USER, 0);
}

/* decoder-l2 regressed: its Wbar and dQ travel in the checkpoint, so a run
 * resumed before, at and after the first refit is bit-identical. */
static void resume_with_regressed_prior(void **state)
{
    (void)state;
    for (int o = 0; o < 2; o++) {
        int orientation = o ? CAEREC_ORIENT_ITEM : CAEREC_ORIENT_USER;
        check_resume_spec(orientation, 1, 1);
        check_resume_spec(orientation, 3, 1);
        check_resume_spec(orientation, 4, 1);
    }
}

static void model_file_cannot_checkpoint(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *m = small_model(&s), *loaded = NULL;
    void *buf;
    size_t size;
    assert_int_equal(caerec_model_save_buffer(m, &buf, &size), 0);
    assert_int_equal(caerec_model_load_buffer(&loaded, buf, size), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/never.ckpt", tmpdir);
    assert_int_equal(caerec_checkpoint_save(loaded, path), CAEREC_ESTATE);
    assert_non_null(strstr(caerec_last_error(), "no training state"));
    assert_int_equal(access(path, F_OK), -1);
    caerec_free(buf);
    caerec_model_free(loaded);
    caerec_model_free(m);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_survives),
        cmocka_unit_test(resume_at_epoch_boundary),
        cmocka_unit_test(resume_mid_epoch),
        cmocka_unit_test(resume_from_start),
        cmocka_unit_test(resume_with_regressed_prior),
        cmocka_unit_test(model_file_cannot_checkpoint),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
