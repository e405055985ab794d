/* The bad-input matrix: one table of rows (label, one call with one bad
 * input, expected status) over every public entry point of caerec.h, run
 * against a shared fixture of datasets, configurations, models and scorers.
 *
 * For every row the driver checks, besides the status:
 *   - the call left a message of its own in caerec_last_error() (a marker
 *     message is planted before the call and must be replaced);
 *   - the outputs the row passed were not written (each row initialises
 *     them to sentinels and checks them, recording a violation in f->broken);
 *   - nothing the caller owns changed: the fixture is snapshotted before
 *     the rows (dataset counts, every configuration value, the saved bytes
 *     of every model, epochs, a scorer's scores) and compared after each.
 * A second table covers the entry points that return no status (counts,
 * names, free functions) with NULL and out-of-range arguments. A last test
 * reads lib/caerec.map and fails for any exported function that no row of
 * either table names, so a new entry point needs its rows here.
 *
 * Internal headers are used only to plant the marker message
 * (caerec__fail), to fake a dataset with 2^40 items for the overflow rows
 * (no real dataset can be that large), and to recompute a model file's
 * checksum for an edit behind it. */
#include "caerec.h"
#include "common/error.h"
#include "data/dataset.h"
#include "io/bytes.h"
#include "io/crc32c.h"

#include "hardening_util.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>

#include <cmocka.h>

#define UNUSED    __attribute__((unused))
#define N_OPTIONS 29 /* CAEREC_OPT_DECODER_L2_RIDGE + 1 */
#define MARKER    "hardening: marker message planted before the call"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

typedef struct fx {
    char dir[64];
    caerec_config *cfg;          /* user orientation, small */
    caerec_config *cfg_item;     /* the same, item orientation */
    caerec_config *cfg_huge;     /* hidden 65536, c1 = c2 = 1024 */
    caerec_config *cfg_tight;    /* cfg_huge with max-memory one byte below
                                    the training estimate on ds */
    caerec_config *cfg_1000;     /* cfg with max-memory 1000 bytes */
    caerec_dataset *ds;          /* scale 1..5, types view, click */
    caerec_dataset *ds_implicit; /* no scale, type view */
    caerec_dataset *ds_empty;    /* scale 1..5, no cells */
    caerec_dataset *ds_scale10;  /* scale 1..10, no types, one cell */
    caerec_dataset *history;     /* scale 1..5, type click; user 999 */
    caerec_dataset *history_bad; /* scale 1..5, type purchase; user 999 */
    caerec_model *model;         /* trainable, user orientation, one step */
    caerec_model *item_model;    /* trainable, item orientation */
    caerec_model *loaded;        /* model through a buffer: no train state */
    caerec_model *k0;            /* ds_implicit: no rating scale */
    caerec_scorer *fresh;        /* on model, no user set */
    caerec_scorer *sc;           /* on model, user 100 set */
    caerec_scorer *item_sc;      /* on item_model, user 100 set (fold-in of an
                                    item-oriented model fits a decoder column) */
    caerec_scorer *k0_sc;        /* on k0, user 100 set */
    const char *broken; /* first violation a row found in its outputs */
    char sentinel;      /* its address is the pointer sentinel */
} fx;

#define SENTINEL_PTR(f) ((void *)&(f)->sentinel)
#define SIZE_SENTINEL   ((size_t)0x5eed5eedu)
#define ID_SENTINEL     ((int64_t)-424242)
#define DBL_SENTINEL    (-1234.5)

/* Records the first output a row found changed. */
#define KEEP(cond, what)                                                       \
    do {                                                                       \
        if (!(cond) && !f->broken)                                             \
            f->broken = "output written on failure: " what;                    \
    } while (0)

static const double levels5[] = {1, 2, 3, 4, 5};
static const double levels10[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

/* A path in the fixture's temporary folder (two live at a time). */
static const char *P(fx *f, const char *name)
{
    static char path[2][256];
    static int turn;
    char *p = path[turn ^= 1];
    snprintf(p, sizeof path[0], "%s/%s", f->dir, name);
    return p;
}

static void write_bytes(fx *f, const char *name, const void *data, size_t n)
{
    FILE *fp = fopen(P(f, name), "wb");
    if (!fp || fwrite(data, 1, n, fp) != n || fclose(fp) != 0) {
        fprintf(stderr, "setup: cannot write %s\n", name);
        abort();
    }
}

static void write_text(fx *f, const char *name, const char *text)
{
    write_bytes(f, name, text, strlen(text));
}

/* Interaction files, each with one problem. */
static void write_data_files(fx *f)
{
    write_text(f, "empty.txt", "");
    write_text(f, "header.txt", "user,item,rating\n");
    write_text(f, "blank.txt", "\n\r\n\n");
    write_text(f, "onefield.txt", "100\n");
    write_text(f, "badid.txt", "100 1000 5\n1x 1000 4\n");
    write_text(f, "realid.txt", "100 1000 5\n100.5 1000 4\n");
    write_text(f, "overflow.txt", "100 1000 5\n99999999999999999999 1000 4\n");
    write_text(f, "offscale.txt", "100 1000 5\n101 1000 3.7\n");
    write_text(f, "nan.txt", "100 1000 5\n101 1000 nan\n");
    write_text(f, "inf.txt", "100 1000 5\n101 1000 inf\n");
    write_text(f, "type.txt", "100 1000 purchase\n");
    write_text(f, "csv.dat", "100,1000,5\n101,1000,4\n");
    /* Good lines with new users and items first: all or nothing. */
    char buf[4096];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%d\t%d\t%d\n", 5000 + i,
                              9000 + i % 7, 1 + i % 5);
    snprintf(buf + n, sizeof buf - n, "5040\t9000\t6\n");
    write_text(f, "late.txt", buf);
    /* read_file: one level too many, one type too many. */
    n = 0;
    for (int v = 1; v <= CAEREC_MAX_LEVELS + 1; v++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "1 %d %d\n", v, v);
    write_text(f, "levels65.txt", buf);
    n = 0;
    for (int t = 0; t <= CAEREC_MAX_TYPES; t++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "1 %d t%d\n", t, t);
    write_text(f, "types33.txt", buf);
    mkdir(P(f, "subdir"), 0700);
}

/* Model files, each with one problem, made from a good image. */
static void write_model_files(fx *f)
{
    void *buf;
    size_t len;
    hard_check(caerec_model_save_buffer(f->model, &buf, &len), "save_buffer");
    unsigned char *img = malloc(len + 64);
    if (!img)
        abort();
#define VARIANT(name, edit, size)                                              \
    do {                                                                       \
        memcpy(img, buf, len);                                                 \
        memset(img + len, 0, 64);                                              \
        edit;                                                                  \
        write_bytes(f, name, img, size);                                       \
    } while (0)
    VARIANT("good.cmod", (void)0, len);
    VARIANT("empty.cmod", (void)0, 0);
    write_text(f, "text.cmod", "user item rating\n1 2 3\n");
    VARIANT("magic.cmod", img[0] = 'X', len);
    VARIANT("newer.cmod", caerec__put_le32(img + 8, 2), len);
    VARIANT("v0.cmod", caerec__put_le32(img + 8, 0), len);
    VARIANT("order.cmod", caerec__put_le32(img + 16, 0x0D0C0B0Au), len);
    VARIANT("header.cmod", (void)0, 20);
    VARIANT("half.cmod", (void)0, len / 2);
    VARIANT("lastbyte.cmod", (void)0, len - 1);
    VARIANT("tail.cmod", (void)0, len + 16);
    VARIANT("flip.cmod", img[len / 2] ^= 0x40, len);
    /* Behind the checksum: the section table moved past the end. */
    VARIANT("table.cmod",
            (caerec__put_le64(img + 40, (uint64_t)len * 4),
             caerec__put_le32(img + len - 4, caerec__crc32c(0, img, len - 4))),
            len);
#undef VARIANT
    free(img);
    caerec_free(buf);
}

static caerec_dataset *history_with(const char *type)
{
    caerec_dataset *h;
    const char *names[] = {type};
    hard_check(caerec_dataset_create(&h, levels5, 5, names, 1), "history");
    hard_check(caerec_dataset_add_rating(h, 999, hard_item(1), 4), "history");
    hard_check(caerec_dataset_add_interaction(h, 999, hard_item(2), 0),
               "history");
    hard_check(caerec_dataset_add_rating(h, 999, 424242, 2), "history");
    return h;
}

static fx *fixture_create(void)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    snprintf(f->dir, sizeof f->dir, "%s", "/tmp/caerec-hardening.XXXXXX");
    if (!mkdtemp(f->dir))
        abort();
    f->ds = hard_dataset(5);
    f->ds_implicit = hard_dataset(0);
    hard_check(caerec_dataset_create(&f->ds_empty, levels5, 5, NULL, 0),
               "empty dataset");
    hard_check(caerec_dataset_create(&f->ds_scale10, levels10, 10, NULL, 0),
               "scale 1..10");
    hard_check(
        caerec_dataset_add_rating(f->ds_scale10, hard_user(0), hard_item(1), 7),
        "scale 1..10");
    f->history = history_with("click");
    f->history_bad = history_with("purchase");

    f->cfg = hard_config(CAEREC_ORIENT_USER);
    f->cfg_item = hard_config(CAEREC_ORIENT_ITEM);
    hard_check(caerec_config_clone(&f->cfg_huge, f->cfg), "clone");
    hard_check(caerec_config_set_int(f->cfg_huge, CAEREC_OPT_HIDDEN, 65536),
               "hidden");
    hard_check(caerec_config_set_int(f->cfg_huge, CAEREC_OPT_C1, 1024), "c1");
    hard_check(caerec_config_set_int(f->cfg_huge, CAEREC_OPT_C2, 1024), "c2");
    size_t training = 0;
    hard_check(caerec_estimate_memory(f->cfg_huge, f->ds, &training, NULL),
               "estimate");
    hard_check(caerec_config_clone(&f->cfg_tight, f->cfg_huge), "clone");
    hard_check(caerec_config_set_int(f->cfg_tight, CAEREC_OPT_MAX_MEMORY,
                                     (int64_t)training - 1),
               "max-memory");
    hard_check(caerec_config_clone(&f->cfg_1000, f->cfg), "clone");
    hard_check(caerec_config_set_int(f->cfg_1000, CAEREC_OPT_MAX_MEMORY, 1000),
               "max-memory");

    hard_check(caerec_model_create(&f->model, f->cfg, f->ds), "model");
    hard_check(caerec_model_train_step(f->model, NULL) >= 0 ? 0 : -1, "step");
    hard_check(caerec_model_create(&f->item_model, f->cfg_item, f->ds),
               "item model");
    hard_check(caerec_model_create(&f->k0, f->cfg, f->ds_implicit), "K=0");
    void *buf;
    size_t len;
    hard_check(caerec_model_save_buffer(f->model, &buf, &len), "save_buffer");
    hard_check(caerec_model_load_buffer(&f->loaded, buf, len), "load_buffer");
    caerec_free(buf);

    hard_check(caerec_scorer_create(&f->fresh, f->model), "scorer");
    hard_check(caerec_scorer_create(&f->sc, f->model), "scorer");
    hard_check(caerec_scorer_set_user(f->sc, hard_user(0)), "set_user");
    hard_check(caerec_scorer_create(&f->item_sc, f->item_model), "scorer");
    hard_check(caerec_scorer_set_user(f->item_sc, hard_user(0)), "set_user");
    hard_check(caerec_scorer_create(&f->k0_sc, f->k0), "scorer");
    hard_check(caerec_scorer_set_user(f->k0_sc, hard_user(0)), "set_user");

    write_data_files(f);
    write_model_files(f);
    return f;
}

static void remove_tree(const char *dir)
{
    static const char *const names[] = {
        "empty.txt",     "header.txt",   "blank.txt",    "onefield.txt",
        "badid.txt",     "realid.txt",   "overflow.txt", "offscale.txt",
        "nan.txt",       "inf.txt",      "type.txt",     "csv.dat",
        "late.txt",      "levels65.txt", "types33.txt",  "good.cmod",
        "empty.cmod",    "text.cmod",    "magic.cmod",   "newer.cmod",
        "v0.cmod",       "order.cmod",   "header.cmod",  "half.cmod",
        "lastbyte.cmod", "tail.cmod",    "flip.cmod",    "table.cmod",
    };
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/subdir", dir);
    rmdir(p);
    rmdir(dir);
}

static void fixture_free(fx *f)
{
    caerec_scorer_free(f->fresh);
    caerec_scorer_free(f->sc);
    caerec_scorer_free(f->item_sc);
    caerec_scorer_free(f->k0_sc);
    caerec_model_free(f->model);
    caerec_model_free(f->item_model);
    caerec_model_free(f->loaded);
    caerec_model_free(f->k0);
    caerec_dataset_free(f->ds);
    caerec_dataset_free(f->ds_implicit);
    caerec_dataset_free(f->ds_empty);
    caerec_dataset_free(f->ds_scale10);
    caerec_dataset_free(f->history);
    caerec_dataset_free(f->history_bad);
    caerec_config_free(f->cfg);
    caerec_config_free(f->cfg_item);
    caerec_config_free(f->cfg_huge);
    caerec_config_free(f->cfg_tight);
    caerec_config_free(f->cfg_1000);
    remove_tree(f->dir);
    free(f);
}

/* ------------------------------------------------------------------ */
/* Snapshot of everything the caller owns                              */
/* ------------------------------------------------------------------ */

#define N_SNAP_DS    6
#define N_SNAP_CFG   5
#define N_SNAP_MODEL 4

typedef struct ds_snap {
    size_t users, items, cells, ratings, levels, types, typed[2];
    double lv[10];
} ds_snap;

typedef struct snap {
    ds_snap ds[N_SNAP_DS];
    double cfg[N_SNAP_CFG][N_OPTIONS];
    void *bytes[N_SNAP_MODEL];
    size_t len[N_SNAP_MODEL];
    unsigned epoch[N_SNAP_MODEL];
    float scores[HARD_ITEMS], item_scores[HARD_ITEMS], k0_scores[HARD_ITEMS];
    int fresh_state; /* status of scorer_get on the fresh scorer */
} snap;

static void take(fx *f, snap *s)
{
    const caerec_dataset *ds[N_SNAP_DS] = {f->ds,       f->ds_implicit,
                                           f->ds_empty, f->ds_scale10,
                                           f->history,  f->history_bad};
    const caerec_config *cfg[N_SNAP_CFG] = {f->cfg, f->cfg_item, f->cfg_huge,
                                            f->cfg_tight, f->cfg_1000};
    const caerec_model *m[N_SNAP_MODEL] = {f->model, f->item_model, f->loaded,
                                           f->k0};
    memset(s, 0, sizeof *s);
    for (int i = 0; i < N_SNAP_DS; i++) {
        ds_snap *d = &s->ds[i];
        d->users = caerec_dataset_n_users(ds[i]);
        d->items = caerec_dataset_n_items(ds[i]);
        d->cells = caerec_dataset_n_cells(ds[i]);
        d->ratings = caerec_dataset_n_ratings(ds[i]);
        d->levels = caerec_dataset_levels(ds[i], d->lv, 10);
        d->types = caerec_dataset_n_types(ds[i]);
        d->typed[0] = caerec_dataset_n_typed(ds[i], 0);
        d->typed[1] = caerec_dataset_n_typed(ds[i], 1);
    }
    for (int i = 0; i < N_SNAP_CFG; i++)
        for (int o = 0; o < N_OPTIONS; o++)
            hard_check(caerec_config_get_double(cfg[i], (caerec_option)o,
                                                &s->cfg[i][o]),
                       "snapshot: config_get_double");
    for (int i = 0; i < N_SNAP_MODEL; i++) {
        hard_check(caerec_model_save_buffer(m[i], &s->bytes[i], &s->len[i]),
                   "snapshot: save_buffer");
        s->epoch[i] = caerec_model_epoch(m[i]);
    }
    hard_check(
        caerec_scorer_all(f->sc, CAEREC_SCORE_RATING, s->scores, HARD_ITEMS),
        "snapshot: scorer_all");
    hard_check(caerec_scorer_all(f->item_sc, CAEREC_SCORE_SAMPLE,
                                 s->item_scores, HARD_ITEMS),
               "snapshot: scorer_all");
    hard_check(caerec_scorer_all(f->k0_sc, CAEREC_SCORE_SAMPLE, s->k0_scores,
                                 HARD_ITEMS),
               "snapshot: scorer_all");
    double v;
    s->fresh_state =
        caerec_scorer_get(f->fresh, hard_item(0), CAEREC_SCORE_SAMPLE, &v);
}

static void release(snap *s)
{
    for (int i = 0; i < N_SNAP_MODEL; i++)
        caerec_free(s->bytes[i]);
}

/* NULL when equal, else what differs. */
static const char *differ(const snap *a, const snap *b, char *why, size_t cap)
{
    static const char *const ds_names[N_SNAP_DS] = {"ds",       "ds_implicit",
                                                    "ds_empty", "ds_scale10",
                                                    "history",  "history_bad"};
    static const char *const cfg_names[N_SNAP_CFG] = {
        "cfg", "cfg_item", "cfg_huge", "cfg_tight", "cfg_1000"};
    static const char *const m_names[N_SNAP_MODEL] = {"model", "item_model",
                                                      "loaded", "k0"};
    for (int i = 0; i < N_SNAP_DS; i++)
        if (memcmp(&a->ds[i], &b->ds[i], sizeof a->ds[i]) != 0) {
            snprintf(why, cap,
                     "dataset %s changed (users %zu -> %zu, items %zu -> "
                     "%zu, cells %zu -> %zu)",
                     ds_names[i], a->ds[i].users, b->ds[i].users,
                     a->ds[i].items, b->ds[i].items, a->ds[i].cells,
                     b->ds[i].cells);
            return why;
        }
    for (int i = 0; i < N_SNAP_CFG; i++)
        for (int o = 0; o < N_OPTIONS; o++)
            if (memcmp(&a->cfg[i][o], &b->cfg[i][o], sizeof(double)) != 0) {
                snprintf(why, cap, "config %s: option %s changed %g -> %g",
                         cfg_names[i], caerec_option_name((caerec_option)o),
                         a->cfg[i][o], b->cfg[i][o]);
                return why;
            }
    for (int i = 0; i < N_SNAP_MODEL; i++)
        if (a->len[i] != b->len[i] || a->epoch[i] != b->epoch[i] ||
            memcmp(a->bytes[i], b->bytes[i], a->len[i]) != 0) {
            snprintf(why, cap, "model %s changed (saved bytes or epoch)",
                     m_names[i]);
            return why;
        }
    if (memcmp(a->scores, b->scores, sizeof a->scores) ||
        memcmp(a->item_scores, b->item_scores, sizeof a->item_scores) ||
        memcmp(a->k0_scores, b->k0_scores, sizeof a->k0_scores))
        return "a scorer's scores changed";
    if (a->fresh_state != b->fresh_state)
        return "the scorer without a user changed state";
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */
/* ------------------------------------------------------------------ */

#define RF(name) static int name(fx *f UNUSED)

/* An output pointer handed to a failing create-like call. */
#define OUT_CALL(type, call)                                                   \
    do {                                                                       \
        type *out_ = SENTINEL_PTR(f);                                          \
        int rc_ = (call);                                                      \
        KEEP(out_ == SENTINEL_PTR(f), "*out");                                 \
        if (rc_ == CAEREC_OK)                                                  \
            f->broken = "unexpected success (the output was leaked)";          \
        return rc_;                                                            \
    } while (0)

/* ---- datasets: create, clone ---- */
RF(ds_create_null_out)
{
    return caerec_dataset_create(NULL, levels5, 5, NULL, 0);
}
RF(ds_create_null_levels)
{
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, NULL, 3, NULL, 0));
}
RF(ds_create_unsorted)
{
    static const double lv[] = {1, 3, 2};
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, lv, 3, NULL, 0));
}
RF(ds_create_repeated)
{
    static const double lv[] = {1, 2, 2, 3};
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, lv, 4, NULL, 0));
}
RF(ds_create_nan)
{
    const double lv[] = {1, NAN, 3};
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, lv, 3, NULL, 0));
}
RF(ds_create_inf)
{
    const double lv[] = {1, 2, INFINITY};
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, lv, 3, NULL, 0));
}
RF(ds_create_too_many_levels)
{
    double lv[CAEREC_MAX_LEVELS + 1];
    for (int i = 0; i <= CAEREC_MAX_LEVELS; i++)
        lv[i] = i;
    OUT_CALL(caerec_dataset,
             caerec_dataset_create(&out_, lv, CAEREC_MAX_LEVELS + 1, NULL, 0));
}
RF(ds_create_too_many_types)
{
    char buf[CAEREC_MAX_TYPES + 1][8];
    const char *names[CAEREC_MAX_TYPES + 1];
    for (int i = 0; i <= CAEREC_MAX_TYPES; i++) {
        snprintf(buf[i], sizeof buf[i], "t%d", i);
        names[i] = buf[i];
    }
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, NULL, 0, names,
                                                   CAEREC_MAX_TYPES + 1));
}
RF(ds_create_null_names)
{
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, levels5, 5, NULL, 2));
}
RF(ds_create_null_name)
{
    const char *names[] = {"view", NULL};
    OUT_CALL(caerec_dataset,
             caerec_dataset_create(&out_, levels5, 5, names, 2));
}
RF(ds_create_dup_names)
{
    const char *names[] = {"view", "click", "view"};
    OUT_CALL(caerec_dataset,
             caerec_dataset_create(&out_, levels5, 5, names, 3));
}
RF(ds_create_empty_name)
{
    const char *names[] = {"view", ""};
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, NULL, 0, names, 2));
}
RF(ds_create_no_channels)
{
    OUT_CALL(caerec_dataset, caerec_dataset_create(&out_, NULL, 0, NULL, 0));
}
RF(ds_clone_null_out) { return caerec_dataset_clone(NULL, f->ds); }
RF(ds_clone_null_ds)
{
    OUT_CALL(caerec_dataset, caerec_dataset_clone(&out_, NULL));
}

/* ---- datasets: adding data (into f->ds; the snapshot checks counts) ---- */
RF(add_rating_null) { return caerec_dataset_add_rating(NULL, 1, 2, 3); }
RF(add_rating_nan) { return caerec_dataset_add_rating(f->ds, 7000, 8000, NAN); }
RF(add_rating_inf)
{
    return caerec_dataset_add_rating(f->ds, 7000, 8000, INFINITY);
}
RF(add_rating_neg_inf)
{
    return caerec_dataset_add_rating(f->ds, 7000, 8000, -INFINITY);
}
RF(add_rating_off_scale)
{
    return caerec_dataset_add_rating(f->ds, 7000, 8000, 3.7);
}
RF(add_rating_above)
{
    return caerec_dataset_add_rating(f->ds, hard_user(0), hard_item(1), 6);
}
RF(add_rating_no_scale)
{
    return caerec_dataset_add_rating(f->ds_implicit, 7000, 8000, 1);
}
RF(add_inter_null) { return caerec_dataset_add_interaction(NULL, 1, 2, 0); }
RF(add_inter_type)
{
    return caerec_dataset_add_interaction(f->ds, 7000, 8000, 2);
}
RF(add_inter_type_max)
{
    return caerec_dataset_add_interaction(f->ds, 7000, 8000, UINT32_MAX);
}
RF(add_inter_no_types)
{
    return caerec_dataset_add_interaction(f->ds_scale10, 7000, 8000, 0);
}
static const int64_t new_users[] = {7000, 7001, 7002, 7003};
static const int64_t new_items[] = {8000, 8001, 8002, 8003};
RF(add_ratings_null_ds)
{
    const double v[] = {1, 2, 3, 4};
    return caerec_dataset_add_ratings(NULL, new_users, new_items, v, 4);
}
RF(add_ratings_null_users)
{
    const double v[] = {1, 2, 3, 4};
    return caerec_dataset_add_ratings(f->ds, NULL, new_items, v, 4);
}
RF(add_ratings_null_items)
{
    const double v[] = {1, 2, 3, 4};
    return caerec_dataset_add_ratings(f->ds, new_users, NULL, v, 4);
}
RF(add_ratings_null_values)
{
    return caerec_dataset_add_ratings(f->ds, new_users, new_items, NULL, 4);
}
RF(add_ratings_last_nan)
{
    const double v[] = {1, 2, 3, NAN};
    return caerec_dataset_add_ratings(f->ds, new_users, new_items, v, 4);
}
RF(add_ratings_last_off)
{
    const double v[] = {1, 2, 3, 0};
    return caerec_dataset_add_ratings(f->ds, new_users, new_items, v, 4);
}
RF(add_inters_null_types)
{
    return caerec_dataset_add_interactions(f->ds, new_users, new_items, NULL,
                                           4);
}
RF(add_inters_null_ds)
{
    const uint32_t t[] = {0, 1, 0, 1};
    return caerec_dataset_add_interactions(NULL, new_users, new_items, t, 4);
}
RF(add_inters_last_bad)
{
    const uint32_t t[] = {0, 1, 0, 2};
    return caerec_dataset_add_interactions(f->ds, new_users, new_items, t, 4);
}

/* ---- datasets: files ---- */
#define LOAD(name, fmt) return caerec_dataset_load_file(f->ds, P(f, name), fmt)
RF(load_null_ds)
{
    return caerec_dataset_load_file(NULL, P(f, "late.txt"), CAEREC_FORMAT_AUTO);
}
RF(load_null_path)
{
    return caerec_dataset_load_file(f->ds, NULL, CAEREC_FORMAT_AUTO);
}
RF(load_bad_format) { LOAD("late.txt", (caerec_file_format)4); }
RF(load_neg_format) { LOAD("late.txt", (caerec_file_format)-1); }
RF(load_missing) { LOAD("no-such-file.txt", CAEREC_FORMAT_AUTO); }
RF(load_dir) { LOAD("subdir", CAEREC_FORMAT_AUTO); }
RF(load_empty) { LOAD("empty.txt", CAEREC_FORMAT_AUTO); }
RF(load_header_only) { LOAD("header.txt", CAEREC_FORMAT_CSV); }
RF(load_blank) { LOAD("blank.txt", CAEREC_FORMAT_AUTO); }
RF(load_one_field) { LOAD("onefield.txt", CAEREC_FORMAT_TSV); }
RF(load_bad_id) { LOAD("badid.txt", CAEREC_FORMAT_AUTO); }
RF(load_real_id) { LOAD("realid.txt", CAEREC_FORMAT_AUTO); }
RF(load_id_overflow) { LOAD("overflow.txt", CAEREC_FORMAT_AUTO); }
RF(load_off_scale) { LOAD("offscale.txt", CAEREC_FORMAT_AUTO); }
RF(load_nan) { LOAD("nan.txt", CAEREC_FORMAT_AUTO); }
RF(load_inf) { LOAD("inf.txt", CAEREC_FORMAT_AUTO); }
RF(load_unknown_type) { LOAD("type.txt", CAEREC_FORMAT_AUTO); }
RF(load_wrong_format) { LOAD("csv.dat", CAEREC_FORMAT_DAT); }
RF(load_late_error) { LOAD("late.txt", CAEREC_FORMAT_AUTO); }
RF(read_null_out)
{
    return caerec_dataset_read_file(NULL, P(f, "late.txt"), CAEREC_FORMAT_AUTO);
}
RF(read_null_path)
{
    OUT_CALL(caerec_dataset,
             caerec_dataset_read_file(&out_, NULL, CAEREC_FORMAT_AUTO));
}
RF(read_missing)
{
    OUT_CALL(caerec_dataset,
             caerec_dataset_read_file(&out_, P(f, "no-such-file.txt"),
                                      CAEREC_FORMAT_AUTO));
}
RF(read_empty)
{
    OUT_CALL(caerec_dataset, caerec_dataset_read_file(&out_, P(f, "empty.txt"),
                                                      CAEREC_FORMAT_AUTO));
}
RF(read_levels)
{
    OUT_CALL(caerec_dataset,
             caerec_dataset_read_file(&out_, P(f, "levels65.txt"),
                                      CAEREC_FORMAT_AUTO));
}
RF(read_types)
{
    OUT_CALL(caerec_dataset,
             caerec_dataset_read_file(&out_, P(f, "types33.txt"),
                                      CAEREC_FORMAT_AUTO));
}
RF(read_bad_id)
{
    OUT_CALL(caerec_dataset, caerec_dataset_read_file(&out_, P(f, "badid.txt"),
                                                      CAEREC_FORMAT_AUTO));
}

/* ---- datasets: lookups ---- */
#define INDEX_CALL(call)                                                       \
    do {                                                                       \
        size_t out_ = SIZE_SENTINEL;                                           \
        int rc_ = (call);                                                      \
        KEEP(out_ == SIZE_SENTINEL, "*out_index");                             \
        return rc_;                                                            \
    } while (0)
#define ID_CALL(call)                                                          \
    do {                                                                       \
        int64_t out_ = ID_SENTINEL;                                            \
        int rc_ = (call);                                                      \
        KEEP(out_ == ID_SENTINEL, "*out_id");                                  \
        return rc_;                                                            \
    } while (0)
RF(user_index_null_ds)
{
    INDEX_CALL(caerec_dataset_user_index(NULL, hard_user(0), &out_));
}
RF(user_index_null_out)
{
    return caerec_dataset_user_index(f->ds, hard_user(0), NULL);
}
RF(user_index_unknown)
{
    INDEX_CALL(caerec_dataset_user_index(f->ds, 99, &out_));
}
RF(item_index_null_ds)
{
    INDEX_CALL(caerec_dataset_item_index(NULL, hard_item(0), &out_));
}
RF(item_index_null_out)
{
    return caerec_dataset_item_index(f->ds, hard_item(0), NULL);
}
RF(item_index_unknown)
{
    INDEX_CALL(caerec_dataset_item_index(f->ds, INT64_MIN, &out_));
}
RF(user_id_null_ds) { ID_CALL(caerec_dataset_user_id(NULL, 0, &out_)); }
RF(user_id_null_out) { return caerec_dataset_user_id(f->ds, 0, NULL); }
RF(user_id_n) { ID_CALL(caerec_dataset_user_id(f->ds, HARD_USERS, &out_)); }
RF(user_id_max) { ID_CALL(caerec_dataset_user_id(f->ds, SIZE_MAX, &out_)); }
RF(item_id_null_ds) { ID_CALL(caerec_dataset_item_id(NULL, 0, &out_)); }
RF(item_id_null_out) { return caerec_dataset_item_id(f->ds, 0, NULL); }
RF(item_id_n) { ID_CALL(caerec_dataset_item_id(f->ds, HARD_ITEMS, &out_)); }
RF(item_id_empty) { ID_CALL(caerec_dataset_item_id(f->ds_empty, 0, &out_)); }

/* ---- datasets: split and synthetic ---- */
#define SPLIT_CALL(ds, fraction)                                               \
    do {                                                                       \
        caerec_dataset *a_ = SENTINEL_PTR(f), *b_ = SENTINEL_PTR(f);           \
        int rc_ = caerec_dataset_split(&a_, &b_, ds, fraction, 1);             \
        KEEP(a_ == SENTINEL_PTR(f) && b_ == SENTINEL_PTR(f), "split outputs"); \
        return rc_;                                                            \
    } while (0)
RF(split_null_train)
{
    caerec_dataset *b = SENTINEL_PTR(f);
    int rc = caerec_dataset_split(NULL, &b, f->ds, 0.2, 1);
    KEEP(b == SENTINEL_PTR(f), "*out_test");
    return rc;
}
RF(split_null_test)
{
    caerec_dataset *a = SENTINEL_PTR(f);
    int rc = caerec_dataset_split(&a, NULL, f->ds, 0.2, 1);
    KEEP(a == SENTINEL_PTR(f), "*out_train");
    return rc;
}
RF(split_null_ds) { SPLIT_CALL(NULL, 0.2); }
RF(split_zero) { SPLIT_CALL(f->ds, 0.0); }
RF(split_one) { SPLIT_CALL(f->ds, 1.0); }
RF(split_negative) { SPLIT_CALL(f->ds, -0.5); }
RF(split_nan) { SPLIT_CALL(f->ds, NAN); }
RF(split_inf) { SPLIT_CALL(f->ds, INFINITY); }

#define SYNTH(field, value)                                                    \
    do {                                                                       \
        caerec_synthetic_options o_ = CAEREC_SYNTHETIC_OPTIONS_INIT;           \
        o_.n_users = 20;                                                       \
        o_.n_items = 10;                                                       \
        o_.n_groups = 2;                                                       \
        o_.mean_per_user = 3;                                                  \
        o_.field = value;                                                      \
        OUT_CALL(caerec_dataset, caerec_dataset_synthetic(&out_, &o_));        \
    } while (0)
RF(synth_null_out) { return caerec_dataset_synthetic(NULL, NULL); }
RF(synth_no_users) { SYNTH(n_users, 0); }
RF(synth_no_items) { SYNTH(n_items, 0); }
RF(synth_no_groups) { SYNTH(n_groups, 0); }
RF(synth_groups) { SYNTH(n_groups, 11); }
RF(synth_affinity) { SYNTH(affinity, 0.5); }
RF(synth_affinity_nan) { SYNTH(affinity, NAN); }
RF(synth_affinity_inf) { SYNTH(affinity, INFINITY); }
RF(synth_levels) { SYNTH(n_levels, CAEREC_MAX_LEVELS + 1); }
RF(synth_mean_low) { SYNTH(mean_per_user, 0.5); }
RF(synth_mean_high) { SYNTH(mean_per_user, 11); }
RF(synth_mean_nan) { SYNTH(mean_per_user, NAN); }
RF(synth_struct_size) { SYNTH(struct_size, 0); }
RF(synth_too_big)
{
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    o.n_users = (size_t)1 << 19;
    o.n_items = (size_t)1 << 12;
    o.mean_per_user = 1 << 12; /* 2^31 cells expected */
    OUT_CALL(caerec_dataset, caerec_dataset_synthetic(&out_, &o));
}
RF(synth_size_max)
{
    caerec_synthetic_options o = CAEREC_SYNTHETIC_OPTIONS_INIT;
    o.n_users = SIZE_MAX;
    o.n_items = SIZE_MAX;
    o.mean_per_user = 1e18;
    OUT_CALL(caerec_dataset, caerec_dataset_synthetic(&out_, &o));
}

/* ---- configuration (into f->cfg; the snapshot checks every value) ---- */
RF(cfg_create_null) { return caerec_config_create(NULL); }
RF(cfg_clone_null_out) { return caerec_config_clone(NULL, f->cfg); }
RF(cfg_clone_null_cfg)
{
    OUT_CALL(caerec_config, caerec_config_clone(&out_, NULL));
}
#define SETI(opt, v)  return caerec_config_set_int(f->cfg, opt, v)
#define SETD(opt, v)  return caerec_config_set_double(f->cfg, opt, v)
#define SETS(name, v) return caerec_config_set(f->cfg, name, v)
RF(seti_null) { return caerec_config_set_int(NULL, CAEREC_OPT_HIDDEN, 5); }
RF(seti_unknown) { SETI((caerec_option)N_OPTIONS, 1); }
RF(seti_negative_opt) { SETI((caerec_option)-1, 1); }
RF(seti_hidden_0) { SETI(CAEREC_OPT_HIDDEN, 0); }
RF(seti_hidden_big) { SETI(CAEREC_OPT_HIDDEN, 65537); }
RF(seti_hidden_neg) { SETI(CAEREC_OPT_HIDDEN, -1); }
RF(seti_c1_big) { SETI(CAEREC_OPT_C1, 1025); }
RF(seti_c2_big) { SETI(CAEREC_OPT_C2, 1025); }
RF(seti_threads_0) { SETI(CAEREC_OPT_THREADS, 0); }
RF(seti_threads_257) { SETI(CAEREC_OPT_THREADS, 257); }
RF(seti_threads_huge) { SETI(CAEREC_OPT_THREADS, INT64_MAX); }
RF(seti_batch_0) { SETI(CAEREC_OPT_BATCH, 0); }
RF(seti_epochs_neg) { SETI(CAEREC_OPT_EPOCHS, -1); }
RF(seti_patience_neg) { SETI(CAEREC_OPT_PATIENCE, INT64_MIN); }
RF(seti_orientation) { SETI(CAEREC_OPT_ORIENTATION, 2); }
RF(seti_act) { SETI(CAEREC_OPT_ACT_OUT, 6); }
RF(seti_act_neg) { SETI(CAEREC_OPT_ACT_IN, -1); }
RF(seti_early_stop) { SETI(CAEREC_OPT_EARLY_STOP, 3); }
RF(seti_max_memory_neg) { SETI(CAEREC_OPT_MAX_MEMORY, -1); }
RF(seti_lr_0) { SETI(CAEREC_OPT_LR, 0); }
RF(seti_dropout_1) { SETI(CAEREC_OPT_DROPOUT, 1); }
RF(setd_null) { return caerec_config_set_double(NULL, CAEREC_OPT_LR, 0.1); }
RF(setd_unknown) { SETD((caerec_option)N_OPTIONS, 1); }
RF(setd_hidden_frac) { SETD(CAEREC_OPT_HIDDEN, 12.5); }
RF(setd_hidden_nan) { SETD(CAEREC_OPT_HIDDEN, NAN); }
RF(setd_hidden_inf) { SETD(CAEREC_OPT_HIDDEN, INFINITY); }
RF(setd_threads_frac) { SETD(CAEREC_OPT_THREADS, 2.5); }
RF(setd_seed_neg) { SETD(CAEREC_OPT_SEED, -1.0); }
RF(setd_seed_2_64) { SETD(CAEREC_OPT_SEED, 18446744073709551616.0); }
RF(setd_max_memory_huge) { SETD(CAEREC_OPT_MAX_MEMORY, 1e30); }
RF(setd_dropout_1) { SETD(CAEREC_OPT_DROPOUT, 1.0); }
RF(setd_dropout_neg) { SETD(CAEREC_OPT_DROPOUT, -0.01); }
RF(setd_dropout_nan) { SETD(CAEREC_OPT_DROPOUT, NAN); }
RF(setd_lr_0) { SETD(CAEREC_OPT_LR, 0.0); }
RF(setd_lr_neg) { SETD(CAEREC_OPT_LR, -1e-3); }
RF(setd_lr_nan) { SETD(CAEREC_OPT_LR, NAN); }
RF(setd_lr_inf) { SETD(CAEREC_OPT_LR, INFINITY); }
RF(setd_decay_0) { SETD(CAEREC_OPT_LR_DECAY, 0.0); }
RF(setd_decay_above) { SETD(CAEREC_OPT_LR_DECAY, 1.0000001); }
RF(setd_alpha_neg) { SETD(CAEREC_OPT_ALPHA, -1.0); }
RF(setd_beta_inf) { SETD(CAEREC_OPT_BETA, INFINITY); }
RF(setd_gamma_inf) { SETD(CAEREC_OPT_GAMMA, INFINITY); }
RF(setd_l2_neg_inf) { SETD(CAEREC_OPT_L2, -INFINITY); }
RF(setd_like_inf) { SETD(CAEREC_OPT_LIKE_THRESHOLD, INFINITY); }
RF(sets_null_cfg) { return caerec_config_set(NULL, "hidden", "5"); }
RF(sets_null_name) { SETS(NULL, "5"); }
RF(sets_null_value) { SETS("hidden", NULL); }
RF(sets_unknown) { SETS("hiden", "5"); }
RF(sets_empty_name) { SETS("", "5"); }
RF(sets_case) { SETS("HIDDEN", "5"); }
RF(sets_not_number) { SETS("hidden", "abc"); }
RF(sets_trailing) { SETS("hidden", "12abc"); }
RF(sets_empty_value) { SETS("hidden", ""); }
RF(sets_real_for_int) { SETS("hidden", "12.5"); }
RF(sets_int_overflow) { SETS("hidden", "99999999999999999999999"); }
RF(sets_negative) { SETS("hidden", "-5"); }
RF(sets_zero) { SETS("hidden", "0"); }
RF(sets_threads_neg) { SETS("threads", "-3"); }
RF(sets_seed_neg) { SETS("seed", "-1"); }
RF(sets_seed_overflow) { SETS("seed", "18446744073709551616"); }
RF(sets_act) { SETS("act-out", "softmax"); }
RF(sets_orientation) { SETS("orientation", "both"); }
RF(sets_early_stop) { SETS("early-stop", "auc"); }
RF(sets_dropout_nan) { SETS("dropout", "nan"); }
RF(sets_dropout_1) { SETS("dropout", "1"); }
RF(sets_lr_inf) { SETS("lr", "inf"); }
RF(sets_lr_text) { SETS("lr", "fast"); }
RF(sets_decay_0) { SETS("lr-decay", "0"); }
RF(sets_c1_big) { SETS("c1", "1025"); }
RF(sets_max_memory_neg) { SETS("max-memory", "-1000"); }
#define GETI(cfg, opt)                                                         \
    do {                                                                       \
        int64_t out_ = ID_SENTINEL;                                            \
        int rc_ = caerec_config_get_int(cfg, opt, &out_);                      \
        KEEP(out_ == ID_SENTINEL, "*out");                                     \
        return rc_;                                                            \
    } while (0)
#define GETD(cfg, opt)                                                         \
    do {                                                                       \
        double out_ = DBL_SENTINEL;                                            \
        int rc_ = caerec_config_get_double(cfg, opt, &out_);                   \
        KEEP(out_ == DBL_SENTINEL, "*out");                                    \
        return rc_;                                                            \
    } while (0)
RF(geti_null) { GETI(NULL, CAEREC_OPT_HIDDEN); }
RF(geti_null_out)
{
    return caerec_config_get_int(f->cfg, CAEREC_OPT_HIDDEN, NULL);
}
RF(geti_unknown) { GETI(f->cfg, (caerec_option)N_OPTIONS); }
RF(geti_real) { GETI(f->cfg, CAEREC_OPT_DROPOUT); }
RF(getd_null) { GETD(NULL, CAEREC_OPT_LR); }
RF(getd_null_out)
{
    return caerec_config_get_double(f->cfg, CAEREC_OPT_LR, NULL);
}
RF(getd_unknown) { GETD(f->cfg, (caerec_option)-1); }

/* ---- model creation and training ---- */
/* ds with 2^40 items: a shallow copy whose id map claims that many (only
 * the counts are read before the sizes are checked). */
static caerec_dataset huge_view(const caerec_dataset *ds)
{
    caerec_dataset h = *ds;
    h.items.n = (size_t)1 << 40;
    h.users.n = (size_t)1 << 30;
    return h;
}
#define ESTIMATE(cfg, ds)                                                      \
    do {                                                                       \
        size_t t_ = SIZE_SENTINEL, s_ = SIZE_SENTINEL;                         \
        int rc_ = caerec_estimate_memory(cfg, ds, &t_, &s_);                   \
        KEEP(t_ == SIZE_SENTINEL && s_ == SIZE_SENTINEL, "estimates");         \
        return rc_;                                                            \
    } while (0)
RF(est_null_cfg) { ESTIMATE(NULL, f->ds); }
RF(est_null_ds) { ESTIMATE(f->cfg, NULL); }
RF(est_empty) { ESTIMATE(f->cfg, f->ds_empty); }
RF(est_overflow)
{
    caerec_dataset h = huge_view(f->ds);
    ESTIMATE(f->cfg_huge, &h);
}
RF(est_overflow_small_model)
{
    caerec_dataset h = huge_view(f->ds);
    h.items.n = SIZE_MAX / 2;
    ESTIMATE(f->cfg, &h);
}
RF(create_null_out) { return caerec_model_create(NULL, f->cfg, f->ds); }
RF(create_null_cfg)
{
    OUT_CALL(caerec_model, caerec_model_create(&out_, NULL, f->ds));
}
RF(create_null_ds)
{
    OUT_CALL(caerec_model, caerec_model_create(&out_, f->cfg, NULL));
}
RF(create_empty)
{
    OUT_CALL(caerec_model, caerec_model_create(&out_, f->cfg, f->ds_empty));
}
RF(create_overflow)
{
    caerec_dataset h = huge_view(f->ds);
    OUT_CALL(caerec_model, caerec_model_create(&out_, f->cfg_huge, &h));
}
RF(create_max_memory_1000)
{
    OUT_CALL(caerec_model, caerec_model_create(&out_, f->cfg_1000, f->ds));
}
RF(create_tight)
{
    OUT_CALL(caerec_model, caerec_model_create(&out_, f->cfg_tight, f->ds));
}
#define LOSSES_CALL(call)                                                      \
    do {                                                                       \
        caerec_losses out_ = {DBL_SENTINEL, DBL_SENTINEL, DBL_SENTINEL,        \
                              DBL_SENTINEL, DBL_SENTINEL};                     \
        int rc_ = (call);                                                      \
        KEEP(out_.total == DBL_SENTINEL && out_.sample == DBL_SENTINEL,        \
             "*out losses");                                                   \
        return rc_;                                                            \
    } while (0)
RF(step_null) { LOSSES_CALL(caerec_model_train_step(NULL, &out_)); }
RF(step_loaded) { LOSSES_CALL(caerec_model_train_step(f->loaded, &out_)); }
RF(epoch_null) { LOSSES_CALL(caerec_model_train_epoch(NULL, &out_)); }
RF(epoch_loaded) { LOSSES_CALL(caerec_model_train_epoch(f->loaded, &out_)); }
static int count_epochs(const caerec_epoch_report *r UNUSED, void *user)
{
    ++*(int *)user;
    return 0;
}
#define FIT_CALL(model, valid, size)                                           \
    do {                                                                       \
        caerec_epoch_report best_ = CAEREC_EPOCH_REPORT_INIT;                  \
        int calls_ = 0;                                                        \
        best_.struct_size = size;                                              \
        best_.epoch = 777;                                                     \
        int rc_ =                                                              \
            caerec_model_fit(model, valid, count_epochs, &calls_, &best_);     \
        KEEP(best_.epoch == 777, "*best");                                     \
        KEEP(calls_ == 0, "the callback was called");                          \
        return rc_;                                                            \
    } while (0)
RF(fit_null) { FIT_CALL(NULL, NULL, sizeof(caerec_epoch_report)); }
RF(fit_loaded) { FIT_CALL(f->loaded, NULL, sizeof(caerec_epoch_report)); }
RF(fit_best_size) { FIT_CALL(f->model, NULL, 0); }
RF(fit_valid_scale)
{
    FIT_CALL(f->model, f->ds_scale10, sizeof(caerec_epoch_report));
}
RF(fit_valid_no_scale)
{
    FIT_CALL(f->model, f->ds_implicit, sizeof(caerec_epoch_report));
}

/* ---- model queries ---- */
RF(m_user_id_null) { ID_CALL(caerec_model_user_id(NULL, 0, &out_)); }
RF(m_user_id_null_out) { return caerec_model_user_id(f->model, 0, NULL); }
RF(m_user_id_n) { ID_CALL(caerec_model_user_id(f->model, HARD_USERS, &out_)); }
RF(m_user_id_max) { ID_CALL(caerec_model_user_id(f->loaded, SIZE_MAX, &out_)); }
RF(m_item_id_null) { ID_CALL(caerec_model_item_id(NULL, 0, &out_)); }
RF(m_item_id_null_out) { return caerec_model_item_id(f->model, 0, NULL); }
RF(m_item_id_n)
{
    ID_CALL(caerec_model_item_id(f->item_model, HARD_ITEMS, &out_));
}
RF(m_item_index_null)
{
    INDEX_CALL(caerec_model_item_index(NULL, hard_item(0), &out_));
}
RF(m_item_index_null_out)
{
    return caerec_model_item_index(f->model, hard_item(0), NULL);
}
RF(m_item_index_unknown)
{
    INDEX_CALL(caerec_model_item_index(f->model, hard_item(HARD_ITEMS), &out_));
}
RF(m_item_index_user_id)
{
    INDEX_CALL(caerec_model_item_index(f->model, hard_user(0), &out_));
}
RF(m_config_null_out) { return caerec_model_config(NULL, f->model); }
RF(m_file_version_null_model)
{
    (void)f;
    unsigned a = 77, b = 78;
    int rc = caerec_model_file_version(NULL, &a, &b);
    assert_int_equal(a, 77);
    assert_int_equal(b, 78);
    return rc;
}
RF(m_config_null_model)
{
    OUT_CALL(caerec_config, caerec_model_config(&out_, NULL));
}

/* ---- scores and scorers ---- */
RF(score_name_null)
{
    caerec_score s = (caerec_score)77;
    int rc = caerec_score_from_name(NULL, &s);
    KEEP(s == (caerec_score)77, "*out");
    return rc;
}
RF(score_name_null_out) { return caerec_score_from_name("rating", NULL); }
RF(score_name_unknown)
{
    caerec_score s = (caerec_score)77;
    int rc = caerec_score_from_name("ratings", &s);
    KEEP(s == (caerec_score)77, "*out");
    return rc;
}
RF(score_name_empty)
{
    caerec_score s = (caerec_score)77;
    int rc = caerec_score_from_name("", &s);
    KEEP(s == (caerec_score)77, "*out");
    return rc;
}
RF(scorer_create_null_out) { return caerec_scorer_create(NULL, f->model); }
RF(scorer_create_null_model)
{
    OUT_CALL(caerec_scorer, caerec_scorer_create(&out_, NULL));
}
RF(set_user_null) { return caerec_scorer_set_user(NULL, hard_user(0)); }
RF(set_user_unknown) { return caerec_scorer_set_user(f->sc, 99); }
RF(set_user_unknown_item_sc)
{
    return caerec_scorer_set_user(f->item_sc, hard_item(0));
}
RF(set_user_fresh_unknown)
{
    return caerec_scorer_set_user(f->fresh, INT64_MAX);
}
#define HISTORY(sc, h, user)                                                   \
    do {                                                                       \
        size_t out_ = SIZE_SENTINEL;                                           \
        int rc_ = caerec_scorer_set_history(sc, h, user, &out_);               \
        KEEP(out_ == SIZE_SENTINEL, "*out_skipped");                           \
        return rc_;                                                            \
    } while (0)
RF(history_null_sc) { HISTORY(NULL, f->history, 999); }
RF(history_null_history) { HISTORY(f->sc, NULL, 999); }
RF(history_item_scale) { HISTORY(f->item_sc, f->ds_scale10, hard_user(0)); }
RF(history_item_no_user) { HISTORY(f->item_sc, f->history, 998); }
RF(history_item_bad_type) { HISTORY(f->item_sc, f->history_bad, 999); }
RF(history_scale) { HISTORY(f->sc, f->ds_scale10, hard_user(0)); }
RF(history_no_scale) { HISTORY(f->k0_sc, f->history, 999); }
RF(history_bad_type) { HISTORY(f->sc, f->history_bad, 999); }
RF(history_no_user) { HISTORY(f->sc, f->history, 998); }
RF(history_fresh_no_user) { HISTORY(f->fresh, f->history, hard_user(0)); }
#define GET(sc, item, score)                                                   \
    do {                                                                       \
        double out_ = DBL_SENTINEL;                                            \
        int rc_ = caerec_scorer_get(sc, item, score, &out_);                   \
        KEEP(out_ == DBL_SENTINEL, "*out");                                    \
        return rc_;                                                            \
    } while (0)
RF(get_null) { GET(NULL, hard_item(0), CAEREC_SCORE_SAMPLE); }
RF(get_null_out)
{
    return caerec_scorer_get(f->sc, hard_item(0), CAEREC_SCORE_SAMPLE, NULL);
}
RF(get_no_user) { GET(f->fresh, hard_item(0), CAEREC_SCORE_SAMPLE); }
RF(get_no_user_rating) { GET(f->fresh, hard_item(0), CAEREC_SCORE_RATING); }
RF(get_unknown_item) { GET(f->sc, 5, CAEREC_SCORE_SAMPLE); }
RF(get_bad_score)
{
    GET(f->sc, hard_item(0), (caerec_score)CAEREC_SCORE_COUNT);
}
RF(get_neg_score) { GET(f->sc, hard_item(0), (caerec_score)-1); }
RF(get_k0_rating) { GET(f->k0_sc, hard_item(0), CAEREC_SCORE_RATING); }
RF(get_k0_like) { GET(f->k0_sc, hard_item(0), CAEREC_SCORE_LIKE); }
RF(get_k0_joint) { GET(f->k0_sc, hard_item(0), CAEREC_SCORE_JOINT); }
RF(get_k0_discovery) { GET(f->k0_sc, hard_item(0), CAEREC_SCORE_DISCOVERY); }
#define LEVELS(sc, item, buf, cap)                                             \
    do {                                                                       \
        double lv_[5] = {DBL_SENTINEL, DBL_SENTINEL, DBL_SENTINEL,             \
                         DBL_SENTINEL, DBL_SENTINEL};                          \
        size_t n_ = SIZE_SENTINEL;                                             \
        (void)lv_;                                                             \
        int rc_ = caerec_scorer_levels(sc, item, buf, cap, &n_);               \
        KEEP(n_ == SIZE_SENTINEL, "*out_n");                                   \
        for (int k_ = 0; k_ < 5; k_++)                                         \
            KEEP(lv_[k_] == DBL_SENTINEL, "out[k]");                           \
        return rc_;                                                            \
    } while (0)
RF(levels_null) { LEVELS(NULL, hard_item(0), lv_, 5); }
RF(levels_null_out) { LEVELS(f->sc, hard_item(0), NULL, 5); }
RF(levels_no_user) { LEVELS(f->fresh, hard_item(0), lv_, 5); }
RF(levels_unknown) { LEVELS(f->sc, -1, lv_, 5); }
#define SEEN(sc, item)                                                         \
    do {                                                                       \
        int out_ = 55;                                                         \
        int rc_ = caerec_scorer_seen(sc, item, &out_);                         \
        KEEP(out_ == 55, "*out_seen");                                         \
        return rc_;                                                            \
    } while (0)
RF(seen_null) { SEEN(NULL, hard_item(0)); }
RF(seen_null_out) { return caerec_scorer_seen(f->sc, hard_item(0), NULL); }
RF(seen_no_user) { SEEN(f->fresh, hard_item(0)); }
RF(seen_unknown) { SEEN(f->sc, hard_item(HARD_ITEMS)); }
#define ALL(sc, score, n)                                                      \
    do {                                                                       \
        float out_[HARD_ITEMS + 1];                                            \
        for (int i_ = 0; i_ <= HARD_ITEMS; i_++)                               \
            out_[i_] = -77.0f;                                                 \
        int rc_ = caerec_scorer_all(sc, score, out_, n);                       \
        for (int i_ = 0; i_ <= HARD_ITEMS; i_++)                               \
            KEEP(out_[i_] == -77.0f, "out[i]");                                \
        return rc_;                                                            \
    } while (0)
RF(all_null) { ALL(NULL, CAEREC_SCORE_SAMPLE, HARD_ITEMS); }
RF(all_null_out)
{
    return caerec_scorer_all(f->sc, CAEREC_SCORE_SAMPLE, NULL, HARD_ITEMS);
}
RF(all_no_user) { ALL(f->fresh, CAEREC_SCORE_SAMPLE, HARD_ITEMS); }
RF(all_short) { ALL(f->sc, CAEREC_SCORE_SAMPLE, HARD_ITEMS - 1); }
RF(all_zero) { ALL(f->sc, CAEREC_SCORE_SAMPLE, 0); }
RF(all_bad_score) { ALL(f->sc, (caerec_score)99, HARD_ITEMS); }
RF(all_k0_rating) { ALL(f->k0_sc, CAEREC_SCORE_RATING, HARD_ITEMS); }
static const int64_t some_items[] = {1000, 1007};
#define REC(sc, k, opts, items)                                                \
    do {                                                                       \
        int64_t it_[4] = {ID_SENTINEL, ID_SENTINEL, ID_SENTINEL, ID_SENTINEL}; \
        double s_[4] = {DBL_SENTINEL, DBL_SENTINEL, DBL_SENTINEL,              \
                        DBL_SENTINEL};                                         \
        size_t n_ = SIZE_SENTINEL;                                             \
        (void)it_;                                                             \
        int rc_ = caerec_scorer_recommend(sc, k, opts, items, s_, &n_);        \
        KEEP(n_ == SIZE_SENTINEL, "*out_n");                                   \
        for (int i_ = 0; i_ < 4; i_++)                                         \
            KEEP(it_[i_] == ID_SENTINEL && s_[i_] == DBL_SENTINEL,             \
                 "out_items / out_scores");                                    \
        return rc_;                                                            \
    } while (0)
RF(rec_null) { REC(NULL, 4, NULL, it_); }
RF(rec_null_n)
{
    return caerec_scorer_recommend(f->sc, 4, NULL, NULL, NULL, NULL);
}
RF(rec_null_items) { REC(f->sc, 4, NULL, NULL); }
RF(rec_no_user) { REC(f->fresh, 4, NULL, it_); }
RF(rec_struct_size)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.struct_size = 0;
    REC(f->sc, 4, &o, it_);
}
RF(rec_allow_null)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.n_allow = 3;
    REC(f->sc, 4, &o, it_);
}
RF(rec_deny_null)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.deny = NULL;
    o.n_deny = 1;
    o.allow = some_items;
    o.n_allow = 2;
    REC(f->sc, 4, &o, it_);
}
RF(rec_bad_score)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.score = (caerec_score)6;
    REC(f->sc, 4, &o, it_);
}
RF(rec_k0_like)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.score = CAEREC_SCORE_LIKE;
    REC(f->k0_sc, 4, &o, it_);
}
#define PREDICT(m, user, item, score)                                          \
    do {                                                                       \
        double out_ = DBL_SENTINEL;                                            \
        int rc_ = caerec_predict(m, user, item, score, &out_);                 \
        KEEP(out_ == DBL_SENTINEL, "*out");                                    \
        return rc_;                                                            \
    } while (0)
RF(predict_null)
{
    PREDICT(NULL, hard_user(0), hard_item(0), CAEREC_SCORE_SAMPLE);
}
RF(predict_null_out)
{
    return caerec_predict(f->model, hard_user(0), hard_item(0),
                          CAEREC_SCORE_SAMPLE, NULL);
}
RF(predict_unknown_user)
{
    PREDICT(f->model, 99, hard_item(0), CAEREC_SCORE_SAMPLE);
}
RF(predict_unknown_item)
{
    PREDICT(f->item_model, hard_user(0), 99, CAEREC_SCORE_SAMPLE);
}
RF(predict_bad_score)
{
    PREDICT(f->loaded, hard_user(0), hard_item(0), (caerec_score)6);
}
RF(predict_k0_rating)
{
    PREDICT(f->k0, hard_user(0), hard_item(0), CAEREC_SCORE_RATING);
}
static const int64_t batch_users[] = {100, 101, 102, 99};
#define BATCH(m, users, n, k, opts, items, counts)                             \
    do {                                                                       \
        int64_t it_[16];                                                       \
        double s_[16];                                                         \
        size_t c_[4] = {SIZE_SENTINEL, SIZE_SENTINEL, SIZE_SENTINEL,           \
                        SIZE_SENTINEL};                                        \
        for (int i_ = 0; i_ < 16; i_++) {                                      \
            it_[i_] = ID_SENTINEL;                                             \
            s_[i_] = DBL_SENTINEL;                                             \
        }                                                                      \
        (void)c_;                                                              \
        int rc_ =                                                              \
            caerec_recommend_batch(m, users, n, k, opts, items, s_, counts);   \
        for (int i_ = 0; i_ < 16; i_++)                                        \
            KEEP(it_[i_] == ID_SENTINEL && s_[i_] == DBL_SENTINEL,             \
                 "out_items / out_scores");                                    \
        for (int i_ = 0; i_ < 4; i_++)                                         \
            KEEP(c_[i_] == SIZE_SENTINEL, "out_counts");                       \
        return rc_;                                                            \
    } while (0)
RF(batch_null_model) { BATCH(NULL, batch_users, 3, 4, NULL, it_, c_); }
RF(batch_null_users) { BATCH(f->model, NULL, 3, 4, NULL, it_, c_); }
RF(batch_null_counts) { BATCH(f->model, batch_users, 3, 4, NULL, it_, NULL); }
RF(batch_null_items) { BATCH(f->model, batch_users, 3, 4, NULL, NULL, c_); }
RF(batch_unknown_last) { BATCH(f->model, batch_users, 4, 4, NULL, it_, c_); }
RF(batch_unknown_item_model)
{
    BATCH(f->item_model, batch_users, 4, 4, NULL, it_, c_);
}
RF(batch_overflow)
{
    BATCH(f->model, batch_users, SIZE_MAX / 2, 4, NULL, it_, c_);
}
RF(batch_struct_size)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.struct_size = 1;
    BATCH(f->model, batch_users, 3, 4, &o, it_, c_);
}
RF(batch_k0_rating)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.score = CAEREC_SCORE_RATING;
    BATCH(f->k0, batch_users, 3, 4, &o, it_, c_);
}

/* ---- evaluation ---- */
#define EVAL_R(m, test, size)                                                  \
    do {                                                                       \
        caerec_rating_metrics out_ = CAEREC_RATING_METRICS_INIT;               \
        out_.struct_size = size;                                               \
        out_.rmse = DBL_SENTINEL;                                              \
        out_.n_ratings = SIZE_SENTINEL;                                        \
        int rc_ = caerec_evaluate_ratings(m, test, &out_);                     \
        KEEP(out_.rmse == DBL_SENTINEL && out_.n_ratings == SIZE_SENTINEL,     \
             "*out");                                                          \
        return rc_;                                                            \
    } while (0)
RF(evr_null_model) { EVAL_R(NULL, f->ds, sizeof(caerec_rating_metrics)); }
RF(evr_null_test) { EVAL_R(f->model, NULL, sizeof(caerec_rating_metrics)); }
RF(evr_null_out) { return caerec_evaluate_ratings(f->model, f->ds, NULL); }
RF(evr_struct_size) { EVAL_R(f->model, f->ds, 0); }
RF(evr_scale)
{
    EVAL_R(f->model, f->ds_scale10, sizeof(caerec_rating_metrics));
}
RF(evr_k0) { EVAL_R(f->k0, f->ds_implicit, sizeof(caerec_rating_metrics)); }
#define EVAL_K(m, test, ks, n, size)                                           \
    do {                                                                       \
        caerec_topk_metrics out_[2] = {CAEREC_TOPK_METRICS_INIT,               \
                                       CAEREC_TOPK_METRICS_INIT};              \
        out_[0].struct_size = size;                                            \
        out_[0].recall = out_[1].recall = DBL_SENTINEL;                        \
        out_[0].users = out_[1].users = SIZE_SENTINEL;                         \
        int rc_ = caerec_evaluate_topk(m, test, ks, n, out_);                  \
        for (int i_ = 0; i_ < 2; i_++)                                         \
            KEEP(out_[i_].recall == DBL_SENTINEL &&                            \
                     out_[i_].users == SIZE_SENTINEL,                          \
                 "out[i]");                                                    \
        return rc_;                                                            \
    } while (0)
static const size_t ks_good[] = {3, 5}, ks_zero[] = {3, 0};
RF(evk_null_model)
{
    EVAL_K(NULL, f->ds, ks_good, 2, sizeof(caerec_topk_metrics));
}
RF(evk_null_test)
{
    EVAL_K(f->model, NULL, ks_good, 2, sizeof(caerec_topk_metrics));
}
RF(evk_null_ks)
{
    EVAL_K(f->model, f->ds, NULL, 2, sizeof(caerec_topk_metrics));
}
RF(evk_null_out)
{
    return caerec_evaluate_topk(f->model, f->ds, ks_good, 2, NULL);
}
RF(evk_k_zero)
{
    EVAL_K(f->model, f->ds, ks_zero, 2, sizeof(caerec_topk_metrics));
}
RF(evk_struct_size) { EVAL_K(f->item_model, f->ds, ks_good, 2, 0); }

/* ---- persistence ---- */
RF(save_null_model) { return caerec_model_save(NULL, P(f, "x.cmod")); }
RF(save_null_path) { return caerec_model_save(f->model, NULL); }
RF(save_no_dir)
{
    return caerec_model_save(f->model, P(f, "no-such-dir/x.cmod"));
}
RF(save_dir) { return caerec_model_save(f->loaded, P(f, "subdir")); }
RF(save_empty_path) { return caerec_model_save(f->model, ""); }
#define MLOAD(name) OUT_CALL(caerec_model, caerec_model_load(&out_, P(f, name)))
RF(mload_null_out) { return caerec_model_load(NULL, P(f, "good.cmod")); }
RF(mload_null_path) { OUT_CALL(caerec_model, caerec_model_load(&out_, NULL)); }
RF(mload_missing) { MLOAD("no-such.cmod"); }
RF(mload_dir) { MLOAD("subdir"); }
RF(mload_empty) { MLOAD("empty.cmod"); }
RF(mload_text) { MLOAD("text.cmod"); }
RF(mload_interactions) { MLOAD("late.txt"); }
RF(mload_magic) { MLOAD("magic.cmod"); }
RF(mload_newer) { MLOAD("newer.cmod"); }
RF(mload_v0) { MLOAD("v0.cmod"); }
RF(mload_order) { MLOAD("order.cmod"); }
RF(mload_header) { MLOAD("header.cmod"); }
RF(mload_half) { MLOAD("half.cmod"); }
RF(mload_lastbyte) { MLOAD("lastbyte.cmod"); }
RF(mload_tail) { MLOAD("tail.cmod"); }
RF(mload_flip) { MLOAD("flip.cmod"); }
RF(mload_table) { MLOAD("table.cmod"); }
#define SAVEBUF(m, pb, ps)                                                     \
    do {                                                                       \
        void *b_ = SENTINEL_PTR(f);                                            \
        size_t s_ = SIZE_SENTINEL;                                             \
        (void)b_;                                                              \
        (void)s_;                                                              \
        int rc_ = caerec_model_save_buffer(m, pb, ps);                         \
        KEEP(b_ == SENTINEL_PTR(f) && s_ == SIZE_SENTINEL, "outputs");         \
        return rc_;                                                            \
    } while (0)
RF(savebuf_null_model) { SAVEBUF(NULL, &b_, &s_); }
RF(savebuf_null_buffer) { SAVEBUF(f->model, NULL, &s_); }
RF(savebuf_null_size) { SAVEBUF(f->model, &b_, NULL); }
static const unsigned char junk[100] = "not a model, just some bytes";
RF(loadbuf_null_out)
{
    return caerec_model_load_buffer(NULL, junk, sizeof junk);
}
RF(loadbuf_null_buffer)
{
    OUT_CALL(caerec_model, caerec_model_load_buffer(&out_, NULL, 100));
}
RF(loadbuf_zero)
{
    OUT_CALL(caerec_model, caerec_model_load_buffer(&out_, junk, 0));
}
RF(loadbuf_junk)
{
    OUT_CALL(caerec_model, caerec_model_load_buffer(&out_, junk, sizeof junk));
}
RF(loadbuf_magic_only)
{
    OUT_CALL(caerec_model, caerec_model_load_buffer(&out_, "CAEREC\0M", 8));
}
RF(ckpt_save_null) { return caerec_checkpoint_save(NULL, P(f, "x.ckpt")); }
RF(ckpt_save_null_path) { return caerec_checkpoint_save(f->model, NULL); }
RF(ckpt_save_loaded)
{
    return caerec_checkpoint_save(f->loaded, P(f, "x.ckpt"));
}
RF(ckpt_save_no_dir)
{
    return caerec_checkpoint_save(f->model, P(f, "no-such-dir/x.ckpt"));
}
RF(ckpt_load_null_out)
{
    return caerec_checkpoint_load(NULL, P(f, "good.cmod"));
}
RF(ckpt_load_null_path)
{
    OUT_CALL(caerec_model, caerec_checkpoint_load(&out_, NULL));
}
RF(ckpt_load_missing)
{
    OUT_CALL(caerec_model, caerec_checkpoint_load(&out_, P(f, "no-such.ckpt")));
}
RF(ckpt_load_model_file)
{
    OUT_CALL(caerec_model, caerec_checkpoint_load(&out_, P(f, "good.cmod")));
}
RF(ckpt_load_newer)
{
    OUT_CALL(caerec_model, caerec_checkpoint_load(&out_, P(f, "newer.cmod")));
}
RF(ckpt_load_text)
{
    OUT_CALL(caerec_model, caerec_checkpoint_load(&out_, P(f, "text.cmod")));
}

/* ------------------------------------------------------------------ */
/* The matrix                                                          */
/* ------------------------------------------------------------------ */

typedef struct row {
    const char *label; /* "<entry point>: <what is bad>" */
    int (*call)(fx *f);
    int expect;
} row;

static const row rows[] = {
    /* datasets */
    {"caerec_dataset_create: NULL out", ds_create_null_out, CAEREC_EINVAL},
    {"caerec_dataset_create: NULL levels, n_levels 3", ds_create_null_levels,
     CAEREC_EINVAL},
    {"caerec_dataset_create: unsorted levels", ds_create_unsorted,
     CAEREC_EINVAL},
    {"caerec_dataset_create: repeated level", ds_create_repeated,
     CAEREC_EINVAL},
    {"caerec_dataset_create: NaN level", ds_create_nan, CAEREC_EINVAL},
    {"caerec_dataset_create: Inf level", ds_create_inf, CAEREC_EINVAL},
    {"caerec_dataset_create: 65 levels", ds_create_too_many_levels,
     CAEREC_EINVAL},
    {"caerec_dataset_create: 33 types", ds_create_too_many_types,
     CAEREC_EINVAL},
    {"caerec_dataset_create: NULL names, n_types 2", ds_create_null_names,
     CAEREC_EINVAL},
    {"caerec_dataset_create: NULL name", ds_create_null_name, CAEREC_EINVAL},
    {"caerec_dataset_create: duplicate names", ds_create_dup_names,
     CAEREC_EINVAL},
    {"caerec_dataset_create: empty name", ds_create_empty_name, CAEREC_EINVAL},
    {"caerec_dataset_create: K + T == 0", ds_create_no_channels, CAEREC_EINVAL},
    {"caerec_dataset_clone: NULL out", ds_clone_null_out, CAEREC_EINVAL},
    {"caerec_dataset_clone: NULL ds", ds_clone_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_add_rating: NULL ds", add_rating_null, CAEREC_EINVAL},
    {"caerec_dataset_add_rating: NaN", add_rating_nan, CAEREC_ERANGE},
    {"caerec_dataset_add_rating: +Inf", add_rating_inf, CAEREC_ERANGE},
    {"caerec_dataset_add_rating: -Inf", add_rating_neg_inf, CAEREC_ERANGE},
    {"caerec_dataset_add_rating: 3.7 not on 1..5", add_rating_off_scale,
     CAEREC_ERANGE},
    {"caerec_dataset_add_rating: 6 over an existing cell", add_rating_above,
     CAEREC_ERANGE},
    {"caerec_dataset_add_rating: dataset without scale", add_rating_no_scale,
     CAEREC_ERANGE},
    {"caerec_dataset_add_interaction: NULL ds", add_inter_null, CAEREC_EINVAL},
    {"caerec_dataset_add_interaction: type T", add_inter_type, CAEREC_ERANGE},
    {"caerec_dataset_add_interaction: type UINT32_MAX", add_inter_type_max,
     CAEREC_ERANGE},
    {"caerec_dataset_add_interaction: dataset without types",
     add_inter_no_types, CAEREC_ERANGE},
    {"caerec_dataset_add_ratings: NULL ds", add_ratings_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_add_ratings: NULL users, n 4", add_ratings_null_users,
     CAEREC_EINVAL},
    {"caerec_dataset_add_ratings: NULL items, n 4", add_ratings_null_items,
     CAEREC_EINVAL},
    {"caerec_dataset_add_ratings: NULL values, n 4", add_ratings_null_values,
     CAEREC_EINVAL},
    {"caerec_dataset_add_ratings: last value NaN (new ids before)",
     add_ratings_last_nan, CAEREC_ERANGE},
    {"caerec_dataset_add_ratings: last value 0 (new ids before)",
     add_ratings_last_off, CAEREC_ERANGE},
    {"caerec_dataset_add_interactions: NULL types, n 4", add_inters_null_types,
     CAEREC_EINVAL},
    {"caerec_dataset_add_interactions: NULL ds", add_inters_null_ds,
     CAEREC_EINVAL},
    {"caerec_dataset_add_interactions: last type T (new ids before)",
     add_inters_last_bad, CAEREC_ERANGE},
    {"caerec_dataset_load_file: NULL ds", load_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_load_file: NULL path", load_null_path, CAEREC_EINVAL},
    {"caerec_dataset_load_file: format 4", load_bad_format, CAEREC_EINVAL},
    {"caerec_dataset_load_file: format -1", load_neg_format, CAEREC_EINVAL},
    {"caerec_dataset_load_file: missing file", load_missing, CAEREC_EIO},
    {"caerec_dataset_load_file: a directory", load_dir, CAEREC_EIO},
    {"caerec_dataset_load_file: empty file", load_empty, CAEREC_EEMPTY},
    {"caerec_dataset_load_file: header only", load_header_only, CAEREC_EEMPTY},
    {"caerec_dataset_load_file: blank lines only", load_blank, CAEREC_EEMPTY},
    {"caerec_dataset_load_file: one field", load_one_field, CAEREC_EPARSE},
    {"caerec_dataset_load_file: id '1x' on line 2", load_bad_id, CAEREC_EPARSE},
    {"caerec_dataset_load_file: id '100.5' on line 2", load_real_id,
     CAEREC_EPARSE},
    {"caerec_dataset_load_file: id overflowing int64", load_id_overflow,
     CAEREC_ERANGE},
    {"caerec_dataset_load_file: rating 3.7", load_off_scale, CAEREC_ERANGE},
    {"caerec_dataset_load_file: rating nan", load_nan, CAEREC_ERANGE},
    {"caerec_dataset_load_file: rating inf", load_inf, CAEREC_ERANGE},
    {"caerec_dataset_load_file: unknown type name", load_unknown_type,
     CAEREC_ENOTFOUND},
    {"caerec_dataset_load_file: commas read as DAT", load_wrong_format,
     CAEREC_EPARSE},
    {"caerec_dataset_load_file: bad last line after 40 good ones",
     load_late_error, CAEREC_ERANGE},
    {"caerec_dataset_read_file: NULL out", read_null_out, CAEREC_EINVAL},
    {"caerec_dataset_read_file: NULL path", read_null_path, CAEREC_EINVAL},
    {"caerec_dataset_read_file: missing file", read_missing, CAEREC_EIO},
    {"caerec_dataset_read_file: empty file", read_empty, CAEREC_EEMPTY},
    {"caerec_dataset_read_file: 65 distinct levels", read_levels,
     CAEREC_ERANGE},
    {"caerec_dataset_read_file: 33 distinct types", read_types, CAEREC_ERANGE},
    {"caerec_dataset_read_file: id '1x' on line 2", read_bad_id, CAEREC_EPARSE},
    {"caerec_dataset_user_index: NULL ds", user_index_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_user_index: NULL out", user_index_null_out, CAEREC_EINVAL},
    {"caerec_dataset_user_index: unknown id", user_index_unknown,
     CAEREC_ENOTFOUND},
    {"caerec_dataset_item_index: NULL ds", item_index_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_item_index: NULL out", item_index_null_out, CAEREC_EINVAL},
    {"caerec_dataset_item_index: INT64_MIN", item_index_unknown,
     CAEREC_ENOTFOUND},
    {"caerec_dataset_user_id: NULL ds", user_id_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_user_id: NULL out", user_id_null_out, CAEREC_EINVAL},
    {"caerec_dataset_user_id: index n", user_id_n, CAEREC_ENOTFOUND},
    {"caerec_dataset_user_id: index SIZE_MAX", user_id_max, CAEREC_ENOTFOUND},
    {"caerec_dataset_item_id: NULL ds", item_id_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_item_id: NULL out", item_id_null_out, CAEREC_EINVAL},
    {"caerec_dataset_item_id: index n", item_id_n, CAEREC_ENOTFOUND},
    {"caerec_dataset_item_id: index 0 of an empty dataset", item_id_empty,
     CAEREC_ENOTFOUND},
    {"caerec_dataset_split: NULL out_train", split_null_train, CAEREC_EINVAL},
    {"caerec_dataset_split: NULL out_test", split_null_test, CAEREC_EINVAL},
    {"caerec_dataset_split: NULL ds", split_null_ds, CAEREC_EINVAL},
    {"caerec_dataset_split: fraction 0", split_zero, CAEREC_EINVAL},
    {"caerec_dataset_split: fraction 1", split_one, CAEREC_EINVAL},
    {"caerec_dataset_split: fraction -0.5", split_negative, CAEREC_EINVAL},
    {"caerec_dataset_split: fraction NaN", split_nan, CAEREC_EINVAL},
    {"caerec_dataset_split: fraction Inf", split_inf, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: NULL out", synth_null_out, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: 0 users", synth_no_users, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: 0 items", synth_no_items, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: 0 groups", synth_no_groups, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: more groups than items", synth_groups,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: affinity 0.5", synth_affinity, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: affinity NaN", synth_affinity_nan,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: affinity Inf", synth_affinity_inf,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: 65 levels", synth_levels, CAEREC_EINVAL},
    {"caerec_dataset_synthetic: mean_per_user 0.5", synth_mean_low,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: mean_per_user > n_items", synth_mean_high,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: mean_per_user NaN", synth_mean_nan,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: struct_size 0", synth_struct_size,
     CAEREC_EINVAL},
    {"caerec_dataset_synthetic: 2^31 cells", synth_too_big, CAEREC_ETOOBIG},
    {"caerec_dataset_synthetic: SIZE_MAX users and items", synth_size_max,
     CAEREC_EINVAL},
    /* configuration */
    {"caerec_config_create: NULL out", cfg_create_null, CAEREC_EINVAL},
    {"caerec_config_clone: NULL out", cfg_clone_null_out, CAEREC_EINVAL},
    {"caerec_config_clone: NULL cfg", cfg_clone_null_cfg, CAEREC_EINVAL},
    {"caerec_config_set_int: NULL cfg", seti_null, CAEREC_EINVAL},
    {"caerec_config_set_int: option 22", seti_unknown, CAEREC_EINVAL},
    {"caerec_config_set_int: option -1", seti_negative_opt, CAEREC_EINVAL},
    {"caerec_config_set_int: hidden 0", seti_hidden_0, CAEREC_ERANGE},
    {"caerec_config_set_int: hidden 65537", seti_hidden_big, CAEREC_ERANGE},
    {"caerec_config_set_int: hidden -1", seti_hidden_neg, CAEREC_ERANGE},
    {"caerec_config_set_int: c1 1025", seti_c1_big, CAEREC_ERANGE},
    {"caerec_config_set_int: c2 1025", seti_c2_big, CAEREC_ERANGE},
    {"caerec_config_set_int: threads 0", seti_threads_0, CAEREC_ERANGE},
    {"caerec_config_set_int: threads 257", seti_threads_257, CAEREC_ERANGE},
    {"caerec_config_set_int: threads INT64_MAX", seti_threads_huge,
     CAEREC_ERANGE},
    {"caerec_config_set_int: batch 0", seti_batch_0, CAEREC_ERANGE},
    {"caerec_config_set_int: epochs -1", seti_epochs_neg, CAEREC_ERANGE},
    {"caerec_config_set_int: patience INT64_MIN", seti_patience_neg,
     CAEREC_ERANGE},
    {"caerec_config_set_int: orientation 2", seti_orientation, CAEREC_ERANGE},
    {"caerec_config_set_int: act-out 6", seti_act, CAEREC_ERANGE},
    {"caerec_config_set_int: act-in -1", seti_act_neg, CAEREC_ERANGE},
    {"caerec_config_set_int: early-stop 3", seti_early_stop, CAEREC_ERANGE},
    {"caerec_config_set_int: max-memory -1", seti_max_memory_neg,
     CAEREC_ERANGE},
    {"caerec_config_set_int: real-valued lr", seti_lr_0, CAEREC_EINVAL},
    {"caerec_config_set_int: real-valued dropout", seti_dropout_1,
     CAEREC_EINVAL},
    {"caerec_config_set_double: NULL cfg", setd_null, CAEREC_EINVAL},
    {"caerec_config_set_double: option 22", setd_unknown, CAEREC_EINVAL},
    {"caerec_config_set_double: hidden 12.5", setd_hidden_frac, CAEREC_ERANGE},
    {"caerec_config_set_double: hidden NaN", setd_hidden_nan, CAEREC_ERANGE},
    {"caerec_config_set_double: hidden Inf", setd_hidden_inf, CAEREC_ERANGE},
    {"caerec_config_set_double: threads 2.5", setd_threads_frac, CAEREC_ERANGE},
    {"caerec_config_set_double: seed -1", setd_seed_neg, CAEREC_ERANGE},
    {"caerec_config_set_double: seed 2^64", setd_seed_2_64, CAEREC_ERANGE},
    {"caerec_config_set_double: max-memory 1e30", setd_max_memory_huge,
     CAEREC_ERANGE},
    {"caerec_config_set_double: dropout 1 (open bound)", setd_dropout_1,
     CAEREC_ERANGE},
    {"caerec_config_set_double: dropout -0.01", setd_dropout_neg,
     CAEREC_ERANGE},
    {"caerec_config_set_double: dropout NaN", setd_dropout_nan, CAEREC_ERANGE},
    {"caerec_config_set_double: lr 0 (open bound)", setd_lr_0, CAEREC_ERANGE},
    {"caerec_config_set_double: lr -1e-3", setd_lr_neg, CAEREC_ERANGE},
    {"caerec_config_set_double: lr NaN", setd_lr_nan, CAEREC_ERANGE},
    {"caerec_config_set_double: lr Inf", setd_lr_inf, CAEREC_ERANGE},
    {"caerec_config_set_double: lr-decay 0 (open bound)", setd_decay_0,
     CAEREC_ERANGE},
    {"caerec_config_set_double: lr-decay 1.0000001", setd_decay_above,
     CAEREC_ERANGE},
    {"caerec_config_set_double: alpha -1", setd_alpha_neg, CAEREC_ERANGE},
    {"caerec_config_set_double: beta Inf", setd_beta_inf, CAEREC_ERANGE},
    {"caerec_config_set_double: gamma +inf", setd_gamma_inf, CAEREC_ERANGE},
    {"caerec_config_set_double: l2 -Inf", setd_l2_neg_inf, CAEREC_ERANGE},
    {"caerec_config_set_double: like-threshold Inf", setd_like_inf,
     CAEREC_ERANGE},
    {"caerec_config_set: NULL cfg", sets_null_cfg, CAEREC_EINVAL},
    {"caerec_config_set: NULL name", sets_null_name, CAEREC_EINVAL},
    {"caerec_config_set: NULL value", sets_null_value, CAEREC_EINVAL},
    {"caerec_config_set: unknown name 'hiden'", sets_unknown, CAEREC_EINVAL},
    {"caerec_config_set: empty name", sets_empty_name, CAEREC_EINVAL},
    {"caerec_config_set: 'HIDDEN' (names are lower case)", sets_case,
     CAEREC_EINVAL},
    {"caerec_config_set: hidden 'abc'", sets_not_number, CAEREC_EINVAL},
    {"caerec_config_set: hidden '12abc'", sets_trailing, CAEREC_EINVAL},
    {"caerec_config_set: hidden ''", sets_empty_value, CAEREC_EINVAL},
    {"caerec_config_set: hidden '12.5'", sets_real_for_int, CAEREC_EINVAL},
    {"caerec_config_set: hidden 10^23", sets_int_overflow, CAEREC_EINVAL},
    {"caerec_config_set: hidden '-5'", sets_negative, CAEREC_ERANGE},
    {"caerec_config_set: hidden '0'", sets_zero, CAEREC_ERANGE},
    {"caerec_config_set: threads '-3'", sets_threads_neg, CAEREC_ERANGE},
    {"caerec_config_set: seed '-1'", sets_seed_neg, CAEREC_ERANGE},
    {"caerec_config_set: seed 2^64", sets_seed_overflow, CAEREC_EINVAL},
    {"caerec_config_set: act-out 'softmax'", sets_act, CAEREC_EINVAL},
    {"caerec_config_set: orientation 'both'", sets_orientation, CAEREC_EINVAL},
    {"caerec_config_set: early-stop 'auc'", sets_early_stop, CAEREC_EINVAL},
    {"caerec_config_set: dropout 'nan'", sets_dropout_nan, CAEREC_ERANGE},
    {"caerec_config_set: dropout '1'", sets_dropout_1, CAEREC_ERANGE},
    {"caerec_config_set: lr 'inf'", sets_lr_inf, CAEREC_ERANGE},
    {"caerec_config_set: lr 'fast'", sets_lr_text, CAEREC_EINVAL},
    {"caerec_config_set: lr-decay '0'", sets_decay_0, CAEREC_ERANGE},
    {"caerec_config_set: c1 '1025'", sets_c1_big, CAEREC_ERANGE},
    {"caerec_config_set: max-memory '-1000'", sets_max_memory_neg,
     CAEREC_ERANGE},
    {"caerec_config_get_int: NULL cfg", geti_null, CAEREC_EINVAL},
    {"caerec_config_get_int: NULL out", geti_null_out, CAEREC_EINVAL},
    {"caerec_config_get_int: option 22", geti_unknown, CAEREC_EINVAL},
    {"caerec_config_get_int: real-valued dropout", geti_real, CAEREC_EINVAL},
    {"caerec_config_get_double: NULL cfg", getd_null, CAEREC_EINVAL},
    {"caerec_config_get_double: NULL out", getd_null_out, CAEREC_EINVAL},
    {"caerec_config_get_double: option -1", getd_unknown, CAEREC_EINVAL},
    /* model creation and training */
    {"caerec_estimate_memory: NULL cfg", est_null_cfg, CAEREC_EINVAL},
    {"caerec_estimate_memory: NULL dataset", est_null_ds, CAEREC_EINVAL},
    {"caerec_estimate_memory: empty dataset", est_empty, CAEREC_EEMPTY},
    {"caerec_estimate_memory: hidden 65536 x 2^40 items", est_overflow,
     CAEREC_ETOOBIG},
    {"caerec_estimate_memory: SIZE_MAX/2 items", est_overflow_small_model,
     CAEREC_ETOOBIG},
    {"caerec_model_create: NULL out", create_null_out, CAEREC_EINVAL},
    {"caerec_model_create: NULL cfg", create_null_cfg, CAEREC_EINVAL},
    {"caerec_model_create: NULL dataset", create_null_ds, CAEREC_EINVAL},
    {"caerec_model_create: empty dataset", create_empty, CAEREC_EEMPTY},
    {"caerec_model_create: hidden 65536 x 2^40 items", create_overflow,
     CAEREC_ETOOBIG},
    {"caerec_model_create: max-memory 1000 bytes", create_max_memory_1000,
     CAEREC_ETOOBIG},
    {"caerec_model_create: max-memory one byte below the estimate",
     create_tight, CAEREC_ETOOBIG},
    {"caerec_model_train_step: NULL model", step_null, CAEREC_EINVAL},
    {"caerec_model_train_step: model loaded from a model file", step_loaded,
     CAEREC_ESTATE},
    {"caerec_model_train_epoch: NULL model", epoch_null, CAEREC_EINVAL},
    {"caerec_model_train_epoch: model loaded from a model file", epoch_loaded,
     CAEREC_ESTATE},
    {"caerec_model_fit: NULL model", fit_null, CAEREC_EINVAL},
    {"caerec_model_fit: model loaded from a model file", fit_loaded,
     CAEREC_ESTATE},
    {"caerec_model_fit: best->struct_size 0", fit_best_size, CAEREC_EINVAL},
    {"caerec_model_fit: validation scale 1..10", fit_valid_scale,
     CAEREC_EINVAL},
    {"caerec_model_fit: validation without scale", fit_valid_no_scale,
     CAEREC_EINVAL},
    {"caerec_model_user_id: NULL model", m_user_id_null, CAEREC_EINVAL},
    {"caerec_model_user_id: NULL out", m_user_id_null_out, CAEREC_EINVAL},
    {"caerec_model_user_id: index n", m_user_id_n, CAEREC_ENOTFOUND},
    {"caerec_model_user_id: index SIZE_MAX (loaded model)", m_user_id_max,
     CAEREC_ENOTFOUND},
    {"caerec_model_item_id: NULL model", m_item_id_null, CAEREC_EINVAL},
    {"caerec_model_item_id: NULL out", m_item_id_null_out, CAEREC_EINVAL},
    {"caerec_model_item_id: index n (item orientation)", m_item_id_n,
     CAEREC_ENOTFOUND},
    {"caerec_model_item_index: NULL model", m_item_index_null, CAEREC_EINVAL},
    {"caerec_model_item_index: NULL out", m_item_index_null_out, CAEREC_EINVAL},
    {"caerec_model_item_index: unknown item", m_item_index_unknown,
     CAEREC_ENOTFOUND},
    {"caerec_model_item_index: a user id", m_item_index_user_id,
     CAEREC_ENOTFOUND},
    {"caerec_model_config: NULL out", m_config_null_out, CAEREC_EINVAL},
    {"caerec_model_file_version: NULL model", m_file_version_null_model,
     CAEREC_EINVAL},
    {"caerec_model_config: NULL model", m_config_null_model, CAEREC_EINVAL},
    /* prediction */
    {"caerec_score_from_name: NULL name", score_name_null, CAEREC_EINVAL},
    {"caerec_score_from_name: NULL out", score_name_null_out, CAEREC_EINVAL},
    {"caerec_score_from_name: 'ratings'", score_name_unknown, CAEREC_EINVAL},
    {"caerec_score_from_name: ''", score_name_empty, CAEREC_EINVAL},
    {"caerec_scorer_create: NULL out", scorer_create_null_out, CAEREC_EINVAL},
    {"caerec_scorer_create: NULL model", scorer_create_null_model,
     CAEREC_EINVAL},
    {"caerec_scorer_set_user: NULL scorer", set_user_null, CAEREC_EINVAL},
    {"caerec_scorer_set_user: unknown user (scorer keeps its user)",
     set_user_unknown, CAEREC_ENOTFOUND},
    {"caerec_scorer_set_user: an item id (item orientation)",
     set_user_unknown_item_sc, CAEREC_ENOTFOUND},
    {"caerec_scorer_set_user: INT64_MAX on a scorer without user",
     set_user_fresh_unknown, CAEREC_ENOTFOUND},
    {"caerec_scorer_set_history: NULL scorer", history_null_sc, CAEREC_EINVAL},
    {"caerec_scorer_set_history: NULL history", history_null_history,
     CAEREC_EINVAL},
    {"caerec_scorer_set_history: item orientation, scale 1..10",
     history_item_scale, CAEREC_EINVAL},
    {"caerec_scorer_set_history: item orientation, user not in the history",
     history_item_no_user, CAEREC_ENOTFOUND},
    {"caerec_scorer_set_history: item orientation, type unknown to the model",
     history_item_bad_type, CAEREC_EINVAL},
    {"caerec_scorer_set_history: history scale 1..10", history_scale,
     CAEREC_EINVAL},
    {"caerec_scorer_set_history: K=0 model, rated history", history_no_scale,
     CAEREC_EINVAL},
    {"caerec_scorer_set_history: type unknown to the model", history_bad_type,
     CAEREC_EINVAL},
    {"caerec_scorer_set_history: user not in the history", history_no_user,
     CAEREC_ENOTFOUND},
    {"caerec_scorer_set_history: training user absent from history",
     history_fresh_no_user, CAEREC_ENOTFOUND},
    {"caerec_scorer_get: NULL scorer", get_null, CAEREC_EINVAL},
    {"caerec_scorer_get: NULL out", get_null_out, CAEREC_EINVAL},
    {"caerec_scorer_get: before set_user", get_no_user, CAEREC_ESTATE},
    {"caerec_scorer_get: rating before set_user", get_no_user_rating,
     CAEREC_ESTATE},
    {"caerec_scorer_get: unknown item", get_unknown_item, CAEREC_ENOTFOUND},
    {"caerec_scorer_get: score 6", get_bad_score, CAEREC_EINVAL},
    {"caerec_scorer_get: score -1", get_neg_score, CAEREC_EINVAL},
    {"caerec_scorer_get: K=0 model, rating", get_k0_rating,
     CAEREC_EUNSUPPORTED},
    {"caerec_scorer_get: K=0 model, like", get_k0_like, CAEREC_EUNSUPPORTED},
    {"caerec_scorer_get: K=0 model, joint", get_k0_joint, CAEREC_EUNSUPPORTED},
    {"caerec_scorer_get: K=0 model, discovery", get_k0_discovery,
     CAEREC_EUNSUPPORTED},
    {"caerec_scorer_levels: NULL scorer", levels_null, CAEREC_EINVAL},
    {"caerec_scorer_levels: NULL out, capacity 5", levels_null_out,
     CAEREC_EINVAL},
    {"caerec_scorer_levels: before set_user", levels_no_user, CAEREC_ESTATE},
    {"caerec_scorer_levels: unknown item", levels_unknown, CAEREC_ENOTFOUND},
    {"caerec_scorer_seen: NULL scorer", seen_null, CAEREC_EINVAL},
    {"caerec_scorer_seen: NULL out", seen_null_out, CAEREC_EINVAL},
    {"caerec_scorer_seen: before set_user", seen_no_user, CAEREC_ESTATE},
    {"caerec_scorer_seen: unknown item", seen_unknown, CAEREC_ENOTFOUND},
    {"caerec_scorer_all: NULL scorer", all_null, CAEREC_EINVAL},
    {"caerec_scorer_all: NULL out", all_null_out, CAEREC_EINVAL},
    {"caerec_scorer_all: before set_user", all_no_user, CAEREC_ESTATE},
    {"caerec_scorer_all: room for n - 1 scores", all_short, CAEREC_EINVAL},
    {"caerec_scorer_all: room for 0 scores", all_zero, CAEREC_EINVAL},
    {"caerec_scorer_all: score 99", all_bad_score, CAEREC_EINVAL},
    {"caerec_scorer_all: K=0 model, rating", all_k0_rating,
     CAEREC_EUNSUPPORTED},
    {"caerec_scorer_recommend: NULL scorer", rec_null, CAEREC_EINVAL},
    {"caerec_scorer_recommend: NULL out_n", rec_null_n, CAEREC_EINVAL},
    {"caerec_scorer_recommend: NULL out_items, k 4", rec_null_items,
     CAEREC_EINVAL},
    {"caerec_scorer_recommend: before set_user", rec_no_user, CAEREC_ESTATE},
    {"caerec_scorer_recommend: opts->struct_size 0", rec_struct_size,
     CAEREC_EINVAL},
    {"caerec_scorer_recommend: NULL allow, n_allow 3", rec_allow_null,
     CAEREC_EINVAL},
    {"caerec_scorer_recommend: NULL deny, n_deny 1", rec_deny_null,
     CAEREC_EINVAL},
    {"caerec_scorer_recommend: score 6", rec_bad_score, CAEREC_EINVAL},
    {"caerec_scorer_recommend: K=0 model, like", rec_k0_like,
     CAEREC_EUNSUPPORTED},
    {"caerec_predict: NULL model", predict_null, CAEREC_EINVAL},
    {"caerec_predict: NULL out", predict_null_out, CAEREC_EINVAL},
    {"caerec_predict: unknown user", predict_unknown_user, CAEREC_ENOTFOUND},
    {"caerec_predict: unknown item (item orientation)", predict_unknown_item,
     CAEREC_ENOTFOUND},
    {"caerec_predict: score 6", predict_bad_score, CAEREC_EINVAL},
    {"caerec_predict: K=0 model, rating", predict_k0_rating,
     CAEREC_EUNSUPPORTED},
    {"caerec_recommend_batch: NULL model", batch_null_model, CAEREC_EINVAL},
    {"caerec_recommend_batch: NULL users, n 3", batch_null_users,
     CAEREC_EINVAL},
    {"caerec_recommend_batch: NULL out_counts", batch_null_counts,
     CAEREC_EINVAL},
    {"caerec_recommend_batch: NULL out_items, k 4", batch_null_items,
     CAEREC_EINVAL},
    {"caerec_recommend_batch: unknown last user", batch_unknown_last,
     CAEREC_ENOTFOUND},
    {"caerec_recommend_batch: unknown last user (item orientation)",
     batch_unknown_item_model, CAEREC_ENOTFOUND},
    {"caerec_recommend_batch: n_users * k overflows", batch_overflow,
     CAEREC_ETOOBIG},
    {"caerec_recommend_batch: opts->struct_size 1", batch_struct_size,
     CAEREC_EINVAL},
    {"caerec_recommend_batch: K=0 model, rating", batch_k0_rating,
     CAEREC_EUNSUPPORTED},
    /* evaluation */
    {"caerec_evaluate_ratings: NULL model", evr_null_model, CAEREC_EINVAL},
    {"caerec_evaluate_ratings: NULL test", evr_null_test, CAEREC_EINVAL},
    {"caerec_evaluate_ratings: NULL out", evr_null_out, CAEREC_EINVAL},
    {"caerec_evaluate_ratings: out->struct_size 0", evr_struct_size,
     CAEREC_EINVAL},
    {"caerec_evaluate_ratings: test scale 1..10", evr_scale, CAEREC_EINVAL},
    {"caerec_evaluate_ratings: K=0 model", evr_k0, CAEREC_EUNSUPPORTED},
    {"caerec_evaluate_topk: NULL model", evk_null_model, CAEREC_EINVAL},
    {"caerec_evaluate_topk: NULL test", evk_null_test, CAEREC_EINVAL},
    {"caerec_evaluate_topk: NULL ks, n_k 2", evk_null_ks, CAEREC_EINVAL},
    {"caerec_evaluate_topk: NULL out", evk_null_out, CAEREC_EINVAL},
    {"caerec_evaluate_topk: ks[1] == 0", evk_k_zero, CAEREC_EINVAL},
    {"caerec_evaluate_topk: out[0].struct_size 0", evk_struct_size,
     CAEREC_EINVAL},
    /* persistence */
    {"caerec_model_save: NULL model", save_null_model, CAEREC_EINVAL},
    {"caerec_model_save: NULL path", save_null_path, CAEREC_EINVAL},
    {"caerec_model_save: missing folder", save_no_dir, CAEREC_EIO},
    {"caerec_model_save: path is a folder", save_dir, CAEREC_EIO},
    {"caerec_model_save: empty path", save_empty_path, CAEREC_EIO},
    {"caerec_model_load: NULL out", mload_null_out, CAEREC_EINVAL},
    {"caerec_model_load: NULL path", mload_null_path, CAEREC_EINVAL},
    {"caerec_model_load: missing file", mload_missing, CAEREC_EIO},
    {"caerec_model_load: a directory", mload_dir, CAEREC_EIO},
    {"caerec_model_load: empty file (a prefix of the magic: truncated)",
     mload_empty, CAEREC_ECORRUPT},
    {"caerec_model_load: text file", mload_text, CAEREC_EFORMAT},
    {"caerec_model_load: interaction file", mload_interactions, CAEREC_EFORMAT},
    {"caerec_model_load: wrong magic", mload_magic, CAEREC_EFORMAT},
    {"caerec_model_load: format version 2", mload_newer, CAEREC_EVERSION},
    {"caerec_model_load: format version 0", mload_v0, CAEREC_ECORRUPT},
    {"caerec_model_load: byte order swapped", mload_order, CAEREC_ECORRUPT},
    {"caerec_model_load: 20 bytes (magic only)", mload_header, CAEREC_ECORRUPT},
    {"caerec_model_load: half the file", mload_half, CAEREC_ECORRUPT},
    {"caerec_model_load: last byte missing", mload_lastbyte, CAEREC_ECORRUPT},
    {"caerec_model_load: 16 bytes appended", mload_tail, CAEREC_ECORRUPT},
    {"caerec_model_load: one bit flipped", mload_flip, CAEREC_ECORRUPT},
    {"caerec_model_load: section table past the end (checksum fixed)",
     mload_table, CAEREC_ECORRUPT},
    {"caerec_model_save_buffer: NULL model", savebuf_null_model, CAEREC_EINVAL},
    {"caerec_model_save_buffer: NULL out_buffer", savebuf_null_buffer,
     CAEREC_EINVAL},
    {"caerec_model_save_buffer: NULL out_size", savebuf_null_size,
     CAEREC_EINVAL},
    {"caerec_model_load_buffer: NULL out", loadbuf_null_out, CAEREC_EINVAL},
    {"caerec_model_load_buffer: NULL buffer, size 100", loadbuf_null_buffer,
     CAEREC_EINVAL},
    {"caerec_model_load_buffer: size 0 (truncated)", loadbuf_zero,
     CAEREC_ECORRUPT},
    {"caerec_model_load_buffer: 100 bytes of text", loadbuf_junk,
     CAEREC_EFORMAT},
    {"caerec_model_load_buffer: the magic alone", loadbuf_magic_only,
     CAEREC_ECORRUPT},
    {"caerec_checkpoint_save: NULL model", ckpt_save_null, CAEREC_EINVAL},
    {"caerec_checkpoint_save: NULL path", ckpt_save_null_path, CAEREC_EINVAL},
    {"caerec_checkpoint_save: model loaded from a model file", ckpt_save_loaded,
     CAEREC_ESTATE},
    {"caerec_checkpoint_save: missing folder", ckpt_save_no_dir, CAEREC_EIO},
    {"caerec_checkpoint_load: NULL out", ckpt_load_null_out, CAEREC_EINVAL},
    {"caerec_checkpoint_load: NULL path", ckpt_load_null_path, CAEREC_EINVAL},
    {"caerec_checkpoint_load: missing file", ckpt_load_missing, CAEREC_EIO},
    {"caerec_checkpoint_load: a model file", ckpt_load_model_file,
     CAEREC_EFORMAT},
    {"caerec_checkpoint_load: format version 2", ckpt_load_newer,
     CAEREC_EFORMAT},
    {"caerec_checkpoint_load: text file", ckpt_load_text, CAEREC_EFORMAT},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

static int count_failures(fx *f, size_t *checked)
{
    int failures = 0;
    char why[256];
    snap before, after;
    take(f, &before);
    for (size_t r = 0; r < N_ROWS; r++) {
        const row *w = &rows[r];
        f->broken = NULL;
        (void)caerec__fail(CAEREC_EINVAL, "%s", MARKER);
        int rc = w->call(f);
        char msg[512];
        snprintf(msg, sizeof msg, "%s", caerec_last_error());
        int bad = 0;
        if (rc != w->expect) {
            print_error("FAIL %s: returned %d (%s), expected %d (%s); "
                        "message: %s\n",
                        w->label, rc, caerec_strerror(rc), w->expect,
                        caerec_strerror(w->expect), msg);
            bad = 1;
        }
        if (msg[0] == '\0' || strcmp(msg, MARKER) == 0) {
            print_error("FAIL %s: no message of its own in "
                        "caerec_last_error()\n",
                        w->label);
            bad = 1;
        }
        if (f->broken) {
            print_error("FAIL %s: %s\n", w->label, f->broken);
            bad = 1;
        }
        take(f, &after);
        const char *d = differ(&before, &after, why, sizeof why);
        if (d) {
            print_error("FAIL %s: %s\n", w->label, d);
            bad = 1;
            release(&before);
            before = after; /* report each change once */
        } else {
            release(&after);
        }
        failures += bad;
    }
    release(&before);
    *checked = N_ROWS;
    return failures;
}

static void test_matrix(void **state)
{
    fx *f = *state;
    size_t checked = 0;
    int failures = count_failures(f, &checked);
    if (failures)
        fail_msg("%d of %zu rows failed", failures, checked);
}

/* ------------------------------------------------------------------ */
/* Entry points without a status: NULL and out-of-range arguments      */
/* ------------------------------------------------------------------ */

typedef struct query {
    const char *label;
    int (*holds)(fx *f); /* non-zero when the documented answer came back */
} query;

#define QF(name) static int name(fx *f UNUSED)
QF(q_version_number)
{
    return caerec_version_number() == CAEREC_VERSION_NUMBER;
}
QF(q_version_string)
{
    return strcmp(caerec_version_string(), CAEREC_VERSION_STRING) == 0;
}
QF(q_strerror_unknown)
{
    return strcmp(caerec_strerror(1), "unknown error") == 0 &&
           strcmp(caerec_strerror(-15), "unknown error") == 0 &&
           strcmp(caerec_strerror(INT32_MIN), "unknown error") == 0;
}
QF(q_last_error)
{
    (void)caerec__fail(CAEREC_EIO, "%s", "planted");
    return strcmp(caerec_last_error(), "planted") == 0;
}
QF(q_free_null)
{
    caerec_free(NULL);
    return 1;
}
QF(q_ds_free_null)
{
    caerec_dataset_free(NULL);
    return 1;
}
QF(q_ds_counts_null)
{
    return caerec_dataset_n_users(NULL) == 0 &&
           caerec_dataset_n_items(NULL) == 0 &&
           caerec_dataset_n_ratings(NULL) == 0 &&
           caerec_dataset_n_cells(NULL) == 0;
}
QF(q_ds_n_users)
{
    return caerec_dataset_n_users(NULL) == 0 &&
           caerec_dataset_n_users(f->ds_empty) == 0;
}
QF(q_ds_n_items)
{
    return caerec_dataset_n_items(NULL) == 0 &&
           caerec_dataset_n_items(f->ds_empty) == 0;
}
QF(q_ds_n_ratings)
{
    return caerec_dataset_n_ratings(NULL) == 0 &&
           caerec_dataset_n_ratings(f->ds_implicit) == 0;
}
QF(q_ds_n_cells)
{
    return caerec_dataset_n_cells(NULL) == 0 &&
           caerec_dataset_n_cells(f->ds_empty) == 0;
}
QF(q_ds_n_typed)
{
    return caerec_dataset_n_typed(NULL, 0) == 0 &&
           caerec_dataset_n_typed(f->ds, 2) == 0 &&
           caerec_dataset_n_typed(f->ds, UINT32_MAX) == 0;
}
QF(q_ds_n_levels)
{
    return caerec_dataset_n_levels(NULL) == 0 &&
           caerec_dataset_n_levels(f->ds_implicit) == 0;
}
QF(q_ds_levels)
{
    double out[3] = {-1, -1, -1};
    return caerec_dataset_levels(NULL, out, 3) == 0 &&
           caerec_dataset_levels(f->ds, NULL, 0) == 5 &&
           caerec_dataset_levels(f->ds, out, 2) == 5 && out[0] == 1 &&
           out[1] == 2 && out[2] == -1;
}
QF(q_ds_n_types)
{
    return caerec_dataset_n_types(NULL) == 0 &&
           caerec_dataset_n_types(f->ds_scale10) == 0;
}
QF(q_ds_type_name)
{
    return caerec_dataset_type_name(NULL, 0) == NULL &&
           caerec_dataset_type_name(f->ds, 2) == NULL &&
           caerec_dataset_type_name(f->ds_scale10, 0) == NULL &&
           caerec_dataset_type_name(f->ds, UINT32_MAX) == NULL;
}
QF(q_cfg_free_null)
{
    caerec_config_free(NULL);
    return 1;
}
QF(q_option_name)
{
    return caerec_option_name((caerec_option)N_OPTIONS) == NULL &&
           caerec_option_name((caerec_option)-1) == NULL &&
           caerec_option_name((caerec_option)1000000) == NULL;
}
QF(q_model_free_null)
{
    caerec_model_free(NULL);
    return 1;
}
QF(q_model_epoch)
{
    return caerec_model_epoch(NULL) == 0 && caerec_model_epoch(f->loaded) == 0;
}
QF(q_model_n_users) { return caerec_model_n_users(NULL) == 0; }
QF(q_model_n_items) { return caerec_model_n_items(NULL) == 0; }
QF(q_model_n_levels)
{
    return caerec_model_n_levels(NULL) == 0 &&
           caerec_model_n_levels(f->k0) == 0;
}
QF(q_model_levels)
{
    double out[2] = {-1, -1};
    return caerec_model_levels(NULL, out, 2) == 0 &&
           caerec_model_levels(f->model, NULL, 0) == 5 &&
           caerec_model_levels(f->k0, out, 2) == 0 && out[0] == -1 &&
           caerec_model_levels(f->model, out, 1) == 5 && out[0] == 1 &&
           out[1] == -1;
}
QF(q_model_n_types) { return caerec_model_n_types(NULL) == 0; }
QF(q_model_type_name)
{
    return caerec_model_type_name(NULL, 0) == NULL &&
           caerec_model_type_name(f->model, 2) == NULL &&
           caerec_model_type_name(f->loaded, UINT32_MAX) == NULL;
}
QF(q_model_n_params) { return caerec_model_n_params(NULL) == 0; }
QF(q_score_name)
{
    return caerec_score_name((caerec_score)CAEREC_SCORE_COUNT) == NULL &&
           caerec_score_name((caerec_score)-1) == NULL;
}
QF(q_scorer_free_null)
{
    caerec_scorer_free(NULL);
    return 1;
}

static const query queries[] = {
    {"caerec_version_number: equals CAEREC_VERSION_NUMBER", q_version_number},
    {"caerec_version_string: equals CAEREC_VERSION_STRING", q_version_string},
    {"caerec_strerror: 1, -15, INT32_MIN are unknown errors",
     q_strerror_unknown},
    {"caerec_last_error: the last failure's message", q_last_error},
    {"caerec_free: NULL", q_free_null},
    {"caerec_dataset_free: NULL", q_ds_free_null},
    {"caerec_dataset_n_users: NULL, empty", q_ds_n_users},
    {"caerec_dataset_n_items: NULL, empty", q_ds_n_items},
    {"caerec_dataset_n_ratings: NULL, implicit", q_ds_n_ratings},
    {"caerec_dataset_n_cells: NULL, empty", q_ds_n_cells},
    {"caerec_dataset_n_typed: NULL, type T, type UINT32_MAX", q_ds_n_typed},
    {"caerec_dataset_n_levels: NULL, implicit", q_ds_n_levels},
    {"caerec_dataset_levels: NULL, capacity 0, capacity 2", q_ds_levels},
    {"caerec_dataset_n_types: NULL, none", q_ds_n_types},
    {"caerec_dataset_type_name: NULL, T, no types, UINT32_MAX", q_ds_type_name},
    {"caerec_dataset counts: all NULL", q_ds_counts_null},
    {"caerec_config_free: NULL", q_cfg_free_null},
    {"caerec_option_name: 22, -1, 10^6", q_option_name},
    {"caerec_model_free: NULL", q_model_free_null},
    {"caerec_model_epoch: NULL, loaded", q_model_epoch},
    {"caerec_model_n_users: NULL", q_model_n_users},
    {"caerec_model_n_items: NULL", q_model_n_items},
    {"caerec_model_n_levels: NULL, K=0", q_model_n_levels},
    {"caerec_model_levels: NULL, capacity 0, K=0, capacity 1", q_model_levels},
    {"caerec_model_n_types: NULL", q_model_n_types},
    {"caerec_model_type_name: NULL, T, UINT32_MAX", q_model_type_name},
    {"caerec_model_n_params: NULL", q_model_n_params},
    {"caerec_score_name: 6, -1", q_score_name},
    {"caerec_scorer_free: NULL", q_scorer_free_null},
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static void test_queries(void **state)
{
    fx *f = *state;
    int failures = 0;
    char why[256];
    snap before, after;
    take(f, &before);
    for (size_t q = 0; q < N_QUERIES; q++) {
        if (!queries[q].holds(f)) {
            print_error("FAIL %s\n", queries[q].label);
            failures++;
        }
    }
    take(f, &after);
    const char *d = differ(&before, &after, why, sizeof why);
    if (d) {
        print_error("FAIL queries changed the fixture: %s\n", d);
        failures++;
    }
    release(&before);
    release(&after);
    if (failures)
        fail_msg("%d of %zu queries failed", failures, N_QUERIES);
}

/* ------------------------------------------------------------------ */
/* Coverage: every exported function has a row                         */
/* ------------------------------------------------------------------ */

static const char *map_path;

static int covered(const char *name)
{
    size_t n = strlen(name);
    for (size_t r = 0; r < N_ROWS; r++)
        if (strncmp(rows[r].label, name, n) == 0 && rows[r].label[n] == ':')
            return 1;
    for (size_t q = 0; q < N_QUERIES; q++)
        if (strncmp(queries[q].label, name, n) == 0 &&
            queries[q].label[n] == ':')
            return 1;
    return 0;
}

static void test_every_entry_point(void **state)
{
    (void)state;
    if (!map_path)
        skip();
    FILE *fp = fopen(map_path, "r");
    assert_non_null(fp);
    char line[256];
    int symbols = 0, missing = 0;
    while (fgets(line, sizeof line, fp)) {
        char name[128];
        if (sscanf(line, " %127[a-z0-9_];", name) != 1 ||
            strncmp(name, "caerec_", 7) != 0)
            continue;
        symbols++;
        if (!covered(name)) {
            print_error("FAIL %s: exported, but no row of the bad-input "
                        "matrix calls it\n",
                        name);
            missing++;
        }
    }
    fclose(fp);
    assert_true(symbols > 50); /* the map was read */
    assert_int_equal(missing, 0);
}

static int setup(void **state)
{
    *state = fixture_create();
    return 0;
}

static int teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

int main(int argc, char **argv)
{
    map_path = argc > 1 ? argv[1] : NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_queries),
        cmocka_unit_test(test_every_entry_point),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
