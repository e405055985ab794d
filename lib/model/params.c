/* The parameter block: layout, allocation and Glorot initialisation. */
#include "model/model.h"

#include "common/alloc.h"

#include <math.h>
#include <string.h>

int caerec__layout(caerec_layout *out, const caerec_dims *dm)
{
    size_t cnt[CAEREC_N_TENSORS];
    size_t nc1, nc2, vsz, wsz, usz, ecnt;
    if (!caerec__mul(dm->C, dm->c1, &ecnt) ||
        !caerec__mul(dm->n, dm->c1, &nc1) || !caerec__mul(nc1, dm->d, &vsz) ||
        !caerec__mul(dm->n, dm->c2, &nc2) || !caerec__mul(nc2, dm->d, &wsz) ||
        !caerec__mul(dm->c2, dm->K + 1, &usz))
        return CAEREC_ETOOBIG;
    cnt[CAEREC_T_E] = ecnt;
    cnt[CAEREC_T_BE] = dm->c1;
    cnt[CAEREC_T_V] = vsz;
    cnt[CAEREC_T_BH] = dm->d;
    cnt[CAEREC_T_W] = wsz;
    cnt[CAEREC_T_CB] = nc2;
    cnt[CAEREC_T_U] = usz;
    cnt[CAEREC_T_BU] = dm->K + 1;
    size_t total = 0;
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        /* Each tensor starts on a 16-float (64-byte) boundary. */
        size_t padded;
        if (!caerec__add(cnt[t], 15, &padded))
            return CAEREC_ETOOBIG;
        padded &= ~(size_t)15;
        out->offset[t] = total;
        out->count[t] = cnt[t];
        if (!caerec__add(total, padded, &total))
            return CAEREC_ETOOBIG;
    }
    out->total = total;
    return CAEREC_OK;
}

void caerec__params_bind(caerec_params *p, const caerec_dims *dims)
{
    caerec_layout L;
    caerec__layout(&L, dims); /* cannot fail: it succeeded at allocation */
    float *b = p->data;
    p->E = b + L.offset[CAEREC_T_E];
    p->bE = b + L.offset[CAEREC_T_BE];
    p->V = b + L.offset[CAEREC_T_V];
    p->bh = b + L.offset[CAEREC_T_BH];
    p->W = b + L.offset[CAEREC_T_W];
    p->cb = b + L.offset[CAEREC_T_CB];
    p->U = b + L.offset[CAEREC_T_U];
    p->bU = b + L.offset[CAEREC_T_BU];
}

int caerec__params_alloc(caerec_params *p, const caerec_dims *dims)
{
    caerec_layout L;
    int rc = caerec__layout(&L, dims);
    if (rc)
        return rc;
    memset(p, 0, sizeof *p);
    p->data = caerec__alloc_floats(L.total);
    if (!p->data)
        return CAEREC_ENOMEM;
    p->size = L.total;
    caerec__params_bind(p, dims);
    return CAEREC_OK;
}

void caerec__params_free(caerec_params *p)
{
    caerec__free_floats(p->data);
    memset(p, 0, sizeof *p);
}

int caerec__tensor_decayed(int t)
{
    return t == CAEREC_T_E || t == CAEREC_T_V || t == CAEREC_T_W ||
           t == CAEREC_T_U;
}

double caerec__tensor_l2(const caerec_model *m, int t)
{
    if (!caerec__tensor_decayed(t))
        return 0.0;
    return t == CAEREC_T_W ? m->cfg.l2 * m->cfg.decoder_l2_weight : m->cfg.l2;
}

void caerec__decoder_column_mean(const caerec_model *m, float *out)
{
    const size_t n = m->dims.n, d = m->dims.d, c2 = m->dims.c2;
    memset(out, 0, d * c2 * sizeof *out);
    if (n == 0)
        return;
    /* Rows h are independent and each is summed in column order, so the
     * result does not depend on the thread count. */
    const int threads = m->cfg.threads;
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
    for (size_t h = 0; h < d; h++) {
        const float *row = m->params.W + h * n * c2;
        double acc[c2];
        memset(acc, 0, sizeof acc);
        for (size_t j = 0; j < n; j++)
            for (size_t c = 0; c < c2; c++)
                acc[c] += row[j * c2 + c];
        for (size_t c = 0; c < c2; c++)
            out[h * c2 + c] = (float)(acc[c] / (double)n);
    }
}

void caerec__decoder_centre(const caerec_model *m, float *out)
{
    if (caerec__decoder_l2_centred(&m->cfg))
        caerec__decoder_column_mean(m, out);
    else
        memset(out, 0, m->dims.d * m->dims.c2 * sizeof *out);
}

/* Glorot-uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)). */
static void glorot(float *w, size_t count, size_t fan_in, size_t fan_out,
                   caerec_rng *rng)
{
    double a = sqrt(6.0 / (double)(fan_in + fan_out));
    for (size_t i = 0; i < count; i++)
        w[i] = (float)((2.0 * caerec__rng_uniform(rng) - 1.0) * a);
}

void caerec__params_init(caerec_params *p, const caerec_dims *dm,
                         caerec_rng *rng)
{
    memset(p->data, 0, p->size * sizeof *p->data);
    /* The encoder and decoder are dense layers over the n*C1 (n*C2)
     * flattened cells, so their fans are those of the whole layer. */
    glorot(p->E, dm->C * dm->c1, dm->C, dm->c1, rng);
    glorot(p->V, dm->n * dm->c1 * dm->d, dm->n * dm->c1, dm->d, rng);
    glorot(p->W, dm->d * dm->n * dm->c2, dm->d, dm->n * dm->c2, rng);
    glorot(p->U, dm->c2 * (dm->K + 1), dm->c2, dm->K + 1, rng);
}
