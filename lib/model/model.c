/* Model creation, memory estimate, destruction and read-only queries. */
#include "model/model.h"

#include "common/alloc.h"
#include "common/error.h"
#include "model/batch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void caerec__dims_make(caerec_dims *dm, const caerec_cfg *cfg, size_t n_users,
                       size_t n_items, size_t K, size_t T)
{
    int by_item = cfg->orientation == CAEREC_ORIENT_ITEM;
    dm->m = by_item ? n_items : n_users;
    dm->n = by_item ? n_users : n_items;
    dm->K = K;
    dm->T = T;
    dm->C = K + T;
    dm->d = cfg->hidden;
    dm->c1 = cfg->c1;
    dm->c2 = caerec__c2(cfg, K);
}

static void dims_for(caerec_dims *dm, const caerec_cfg *cfg,
                     const caerec_dataset *ds)
{
    caerec__dims_make(dm, cfg, ds->users.n, ds->items.n, ds->n_levels,
                      ds->n_types);
}

/* Sum of products, saturating to SIZE_MAX on overflow (then ETOOBIG). */
typedef struct {
    size_t total;
    int overflow;
} tally;
static void add_prod(tally *t, size_t a, size_t b, size_t c)
{
    size_t ab, abc;
    if (!caerec__mul(a, b, &ab) || !caerec__mul(ab, c, &abc) ||
        !caerec__add(t->total, abc, &t->total))
        t->overflow = 1;
}

static int estimate(const caerec_cfg *cfg, const caerec_dataset *ds,
                    size_t *training, size_t *serving)
{
    caerec_dims dm;
    dims_for(&dm, cfg, ds);
    caerec_layout L;
    if (caerec__layout(&L, &dm))
        return caerec__fail(CAEREC_ETOOBIG,
                            "model of %zu x %zu with hidden %zu, c1 %zu, c2 "
                            "%zu: parameter count overflows",
                            dm.m, dm.n, dm.d, dm.c1, dm.c2);
    size_t nnz = ds->n_cells;
    size_t per_cell = sizeof(uint32_t) + sizeof(int8_t) + sizeof(uint32_t);
    tally s = {0, 0};
    add_prod(&s, L.total, sizeof(float), 1); /* parameters */
    add_prod(&s, nnz, per_cell, 2);          /* rows + user view */
    add_prod(&s, dm.m + dm.n + 2, sizeof(size_t) + 2 * sizeof(int64_t), 2);
    if (cfg->orientation == CAEREC_ORIENT_ITEM) /* inference cache */
        add_prod(&s, dm.m, dm.d + 6, sizeof(float));
    const int regressed = cfg->decoder_l2 == CAEREC_DECODER_L2_REGRESSED;
    const size_t width = dm.d * dm.c2;
    if (regressed) /* Wbar and dQ */
        add_prod(&s, dm.m + 1, width, sizeof(float));
    tally t = s;
    if (regressed) { /* solver and best-epoch copy, centres, columns' rows */
        add_prod(&t, dm.m + 1, width, 4 * sizeof(float));
        add_prod(&t, dm.n, width, 2 * sizeof(float));
        if (cfg->orientation != CAEREC_ORIENT_ITEM)
            add_prod(&t, nnz, per_cell, 1);
    }
    /* Adam moments, gradient, best-epoch copy. */
    add_prod(&t, L.total, sizeof(float), 4);
    size_t B = cfg->batch < dm.m ? cfg->batch : dm.m;
    caerec_batch_sizes bs;
    if (caerec__batch_sizes(&bs, &dm, B, nnz))
        t.overflow = 1;
    else if (!caerec__add(t.total, bs.bytes, &t.total))
        t.overflow = 1;
    add_prod(&t, dm.m, sizeof(uint32_t), 1); /* epoch order */
    if (s.overflow || t.overflow)
        return caerec__fail(
            CAEREC_ETOOBIG,
            "memory needed for %zu x %zu with hidden %zu overflows size_t",
            dm.m, dm.n, dm.d);
    if (training)
        *training = t.total;
    if (serving)
        *serving = s.total;
    return CAEREC_OK;
}

CAEREC_API int caerec_estimate_memory(const caerec_config *cfg,
                                      const caerec_dataset *train,
                                      size_t *out_training, size_t *out_serving)
{
    CAEREC_CHECK_NULL(cfg);
    CAEREC_CHECK_NULL(train);
    if (train->n_cells == 0)
        return caerec__fail(
            CAEREC_EEMPTY,
            "caerec_estimate_memory: the training dataset is empty");
    return estimate(&cfg->v, train, out_training, out_serving);
}

static uint64_t memory_limit(const caerec_cfg *cfg)
{
    if (cfg->max_memory)
        return cfg->max_memory;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return UINT64_MAX;
    return (uint64_t)pages * (uint64_t)page;
}

int caerec__model_alloc(caerec_model **out, const caerec_cfg *cfg,
                        const caerec_dims *dims)
{
    caerec_model *m = calloc(1, sizeof *m);
    if (!m)
        return CAEREC_ENOMEM;
    m->cfg = *cfg;
    m->cfg.c2 = dims->c2; /* resolved: the file and the config hold it */
    m->cfg.decoder_l2_weight = caerec__decoder_l2_weight(cfg, dims->m);
    m->dims = *dims;
    pthread_mutex_init(&m->cache.lock, NULL);
    int rc = caerec__params_alloc(&m->params, dims);
    if (!rc && (rc = caerec__prior_alloc(m)))
        caerec__params_free(&m->params);
    if (rc) {
        pthread_mutex_destroy(&m->cache.lock);
        free(m);
        return rc;
    }
    *out = m;
    return CAEREC_OK;
}

int caerec__train_state_alloc(caerec_model *model)
{
    caerec_train_state *ts = calloc(1, sizeof *ts);
    if (!ts)
        return CAEREC_ENOMEM;
    ts->adam_m = caerec__alloc_floats(model->params.size);
    ts->adam_v = caerec__alloc_floats(model->params.size);
    ts->order = caerec__malloc_array(model->dims.m, sizeof *ts->order);
    /* calloc, not alloc_floats: training never writes the W part of the
     * gradient (the optimizer makes it block by block, see batch.h), and
     * pages never written take no memory. */
    ts->grad = caerec__calloc_array(model->params.size, sizeof(float));
    ts->w_centre = caerec__alloc_floats(model->dims.d * model->dims.c2);
    if (!ts->adam_m || !ts->adam_v || !ts->order || !ts->grad ||
        !ts->w_centre || caerec__prior_train_alloc(model)) {
        caerec__train_state_free(ts);
        return CAEREC_ENOMEM;
    }
    ts->lr = model->cfg.lr;
    caerec__rng_seed(&ts->rng, model->cfg.seed);
    model->train = ts;
    return CAEREC_OK;
}

void caerec__train_state_free(caerec_train_state *ts)
{
    if (!ts)
        return;
    caerec__free_floats(ts->adam_m);
    caerec__free_floats(ts->adam_v);
    free(ts->grad);
    caerec__free_floats(ts->w_centre);
    free(ts->order);
    if (ts->ws) {
        caerec__batch_ws_free(ts->ws);
        free(ts->ws);
    }
    free(ts);
}

static int copy_scale(caerec_model *m, const caerec_dataset *ds)
{
    m->levels = caerec__malloc_array(ds->n_levels, sizeof(double));
    m->type_names =
        caerec__calloc_array(ds->n_types ? ds->n_types : 1, sizeof(char *));
    if (!m->levels || !m->type_names)
        return CAEREC_ENOMEM;
    if (ds->n_levels)
        memcpy(m->levels, ds->levels, ds->n_levels * sizeof(double));
    for (size_t t = 0; t < ds->n_types; t++)
        if (!(m->type_names[t] = caerec__strdup(ds->type_names[t])))
            return CAEREC_ENOMEM;
    return CAEREC_OK;
}

CAEREC_API int caerec_model_create(caerec_model **out, const caerec_config *cfg,
                                   const caerec_dataset *train)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(cfg);
    CAEREC_CHECK_NULL(train);
    if (train->n_cells == 0)
        return caerec__fail(
            CAEREC_EEMPTY,
            "caerec_model_create: the training dataset has no interactions");
    size_t need = 0;
    int rc = estimate(&cfg->v, train, &need, NULL);
    if (rc)
        return rc;
    uint64_t limit = memory_limit(&cfg->v);
    if ((uint64_t)need > limit)
        return caerec__fail(CAEREC_ETOOBIG,
                            "caerec_model_create: training would need %.3g GB "
                            "but the limit is %.3g GB (option max-memory)",
                            need / 1e9, limit / 1e9);
    caerec_dims dm;
    dims_for(&dm, &cfg->v, train);
    /* Resolved from the data here, the one place that sees it; the model's
     * config and file then hold the number. */
    caerec_cfg v = cfg->v;
    v.encoder_norm_ref = caerec__encoder_norm_ref(&v, train->n_cells, dm.m);
    caerec_model *m;
    rc = caerec__model_alloc(&m, &v, &dm);
    if (rc)
        return caerec__fail(
            rc, "caerec_model_create: out of memory for %zu parameters", dm.m);
    int by_item = cfg->v.orientation == CAEREC_ORIENT_ITEM;
    rc = copy_scale(m, train);
    /* The model keeps the weight it trains with (the file records it). */
    m->cfg.gamma = caerec__gamma(&m->cfg, train->levels, train->n_levels);
    if (!rc)
        rc = caerec__csr_build(&m->rows, train, by_item);
    if (!rc && by_item)
        rc = caerec__csr_build(&m->by_user, train, 0);
    if (!rc) /* resolved once, from the data, as encoder-norm-ref */
        rc = caerec__prior_ridge(&m->cfg.decoder_l2_ridge, &m->rows);
    if (!rc)
        rc = caerec__idmap_copy(&m->users, &train->users);
    if (!rc)
        rc = caerec__idmap_copy(&m->items, &train->items);
    if (!rc)
        rc = caerec__train_state_alloc(m);
    if (rc) {
        caerec_model_free(m);
        return caerec__fail(rc, "caerec_model_create: %s", caerec_strerror(rc));
    }
    caerec__params_init(&m->params, &m->dims, &m->train->rng);
    *out = m;
    return CAEREC_OK;
}

void caerec__infer_cache_free(caerec_infer_cache *c)
{
    caerec__free_floats(c->hidden);
    free(c->lse);
    free(c->row_pi);
    c->hidden = NULL;
    c->lse = NULL;
    c->row_pi = NULL;
    c->valid = 0;
}

CAEREC_API void caerec_model_free(caerec_model *m)
{
    if (!m)
        return;
    free(m->levels);
    if (m->type_names)
        for (size_t t = 0; t < m->dims.T; t++)
            free(m->type_names[t]);
    free(m->type_names);
    caerec__idmap_free(&m->users);
    caerec__idmap_free(&m->items);
    caerec__csr_free(&m->rows);
    caerec__csr_free(&m->by_user);
    caerec__params_free(&m->params);
    caerec__prior_free(&m->prior);
    caerec__train_state_free(m->train);
    caerec__infer_cache_free(&m->cache);
    pthread_mutex_destroy(&m->cache.lock);
    free(m);
}

/* ---- read-only queries ---- */

CAEREC_API size_t caerec_model_n_users(const caerec_model *m)
{
    return m ? m->users.n : 0;
}
CAEREC_API size_t caerec_model_n_items(const caerec_model *m)
{
    return m ? m->items.n : 0;
}
CAEREC_API size_t caerec_model_n_levels(const caerec_model *m)
{
    return m ? m->dims.K : 0;
}
CAEREC_API size_t caerec_model_n_types(const caerec_model *m)
{
    return m ? m->dims.T : 0;
}
CAEREC_API unsigned caerec_model_epoch(const caerec_model *m)
{
    return m && m->train ? m->train->epoch : 0;
}

CAEREC_API size_t caerec_model_n_params(const caerec_model *m)
{
    if (!m)
        return 0;
    caerec_layout L;
    caerec__layout(&L, &m->dims);
    size_t n = 0;
    for (int t = 0; t < CAEREC_N_TENSORS; t++)
        n += L.count[t];
    return n;
}

CAEREC_API size_t caerec_model_levels(const caerec_model *m, double *out,
                                      size_t capacity)
{
    if (!m)
        return 0;
    size_t n = m->dims.K < capacity ? m->dims.K : capacity;
    if (out && n)
        memcpy(out, m->levels, n * sizeof *out);
    return m->dims.K;
}

CAEREC_API const char *caerec_model_type_name(const caerec_model *m, uint32_t t)
{
    return m && t < m->dims.T ? m->type_names[t] : NULL;
}

CAEREC_API int caerec_model_user_id(const caerec_model *m, size_t index,
                                    int64_t *out)
{
    CAEREC_CHECK_NULL(m);
    CAEREC_CHECK_NULL(out);
    if (index >= m->users.n)
        return caerec__fail(CAEREC_ENOTFOUND,
                            "user index %zu out of range (%zu users)", index,
                            m->users.n);
    *out = m->users.ids[index];
    return CAEREC_OK;
}

CAEREC_API int caerec_model_item_id(const caerec_model *m, size_t index,
                                    int64_t *out)
{
    CAEREC_CHECK_NULL(m);
    CAEREC_CHECK_NULL(out);
    if (index >= m->items.n)
        return caerec__fail(CAEREC_ENOTFOUND,
                            "item index %zu out of range (%zu items)", index,
                            m->items.n);
    *out = m->items.ids[index];
    return CAEREC_OK;
}

CAEREC_API int caerec_model_item_index(const caerec_model *m, int64_t item,
                                       size_t *out)
{
    CAEREC_CHECK_NULL(m);
    CAEREC_CHECK_NULL(out);
    size_t i = caerec__idmap_find(&m->items, item);
    if (i == SIZE_MAX)
        return caerec__fail(CAEREC_ENOTFOUND, "unknown item id %lld",
                            (long long)item);
    *out = i;
    return CAEREC_OK;
}

CAEREC_API int caerec_model_file_version(const caerec_model *m,
                                         unsigned *out_format,
                                         unsigned *out_library)
{
    CAEREC_CHECK_NULL(m);
    if (out_format)
        *out_format = m->file_format;
    if (out_library)
        *out_library = m->file_library;
    return CAEREC_OK;
}

CAEREC_API int caerec_model_config(caerec_config **out, const caerec_model *m)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(m);
    caerec_config *c = malloc(sizeof *c);
    if (!c)
        return caerec__fail(CAEREC_ENOMEM,
                            "caerec_model_config: out of memory");
    c->v = m->cfg;
    *out = c;
    return CAEREC_OK;
}
