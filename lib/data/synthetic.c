/* caerec_dataset_synthetic: data drawn from a planted model (documented in
 * caerec.h) whose distributions synthetic.h exposes to tests. */
#include "data/synthetic.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/rng.h"
#include "data/cells.h"
#include "data/dataset.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Shape constants of the planted model (caerec.h states them). */
#define POP_SIGMA       0.6 /* popularity = exp(POP_SIGMA * N(0, 1)) */
#define OFFSET_SPREAD   0.1 /* offsets uniform in +-OFFSET_SPREAD * (K - 1) */
#define CENTRE_LIKED    0.8 /* centre of the own group, fraction of K - 1 */
#define CENTRE_DISLIKED 0.15
#define CENTRE_OTHER    0.5

static double normal(caerec_rng *rng)
{
    /* Box-Muller; 1 - u keeps the log argument in (0, 1]. */
    double u = 1.0 - caerec__rng_uniform(rng);
    double v = caerec__rng_uniform(rng);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Balanced random groups: a shuffled round-robin. */
static void assign_groups(caerec_rng *rng, uint32_t *group, size_t n,
                          size_t n_groups)
{
    for (size_t i = 0; i < n; i++)
        group[i] = (uint32_t)(i % n_groups);
    caerec__rng_shuffle_u32(rng, group, n);
}

void caerec__synthetic_truth_free(caerec__synth_truth *t)
{
    free(t->user_group);
    free(t->item_group);
    free(t->popularity);
    free(t->user_offset);
    free(t->item_offset);
    free(t->group_mass);
    free(t->by_group);
    free(t->cum);
    free(t->group_start);
    memset(t, 0, sizeof *t);
}

static int read_options(caerec_synthetic_options *o,
                        const caerec_synthetic_options *opts)
{
    caerec_synthetic_options d = CAEREC_SYNTHETIC_OPTIONS_INIT;
    *o = d;
    if (opts) {
        if (opts->struct_size < sizeof(size_t))
            return caerec__fail(CAEREC_EINVAL,
                                "caerec_dataset_synthetic: struct_size %zu "
                                "(use CAEREC_SYNTHETIC_OPTIONS_INIT)",
                                opts->struct_size);
        size_t n =
            opts->struct_size < sizeof *o ? opts->struct_size : sizeof *o;
        memcpy(o, opts, n);
        o->struct_size = sizeof *o;
    }
    const char *fn = "caerec_dataset_synthetic";
    if (o->n_users == 0 || o->n_items == 0 || o->n_groups == 0)
        return caerec__fail(CAEREC_EINVAL,
                            "%s: zero size (n_users %zu, n_items %zu, "
                            "n_groups %zu)",
                            fn, o->n_users, o->n_items, o->n_groups);
    if (o->n_users > UINT32_MAX / 4 || o->n_items > UINT32_MAX / 4 ||
        o->n_groups > o->n_users || o->n_groups > o->n_items)
        return caerec__fail(CAEREC_EINVAL,
                            "%s: sizes out of range (n_users %zu, n_items "
                            "%zu, n_groups %zu; groups at most min(users, "
                            "items))",
                            fn, o->n_users, o->n_items, o->n_groups);
    if (!(o->affinity >= 1) || !isfinite(o->affinity))
        return caerec__fail(CAEREC_EINVAL, "%s: affinity %g must be >= 1", fn,
                            o->affinity);
    if (o->n_levels > CAEREC_MAX_LEVELS)
        return caerec__fail(CAEREC_EINVAL, "%s: n_levels %zu, at most %d", fn,
                            o->n_levels, CAEREC_MAX_LEVELS);
    if (!(o->mean_per_user >= 1) || !(o->mean_per_user <= (double)o->n_items))
        return caerec__fail(CAEREC_EINVAL,
                            "%s: mean_per_user %g not in [1, n_items = %zu]",
                            fn, o->mean_per_user, o->n_items);
    return 0;
}

int caerec__synthetic_truth(caerec__synth_truth *t,
                            const caerec_synthetic_options *opts)
{
    memset(t, 0, sizeof *t);
    int rc = read_options(&t->opts, opts);
    if (rc)
        return rc;
    size_t nu = t->opts.n_users, ni = t->opts.n_items, ng = t->opts.n_groups;
    t->user_group = caerec__malloc_array(nu, sizeof *t->user_group);
    t->item_group = caerec__malloc_array(ni, sizeof *t->item_group);
    t->popularity = caerec__malloc_array(ni, sizeof *t->popularity);
    t->user_offset = caerec__malloc_array(nu, sizeof *t->user_offset);
    t->item_offset = caerec__malloc_array(ni, sizeof *t->item_offset);
    t->group_mass = caerec__calloc_array(ng, sizeof *t->group_mass);
    t->by_group = caerec__malloc_array(ni, sizeof *t->by_group);
    t->cum = caerec__malloc_array(ni + 1, sizeof *t->cum);
    t->group_start = caerec__calloc_array(ng + 1, sizeof *t->group_start);
    if (!t->user_group || !t->item_group || !t->popularity || !t->user_offset ||
        !t->item_offset || !t->group_mass || !t->by_group || !t->cum ||
        !t->group_start) {
        caerec__synthetic_truth_free(t);
        return caerec__fail(CAEREC_ENOMEM,
                            "caerec_dataset_synthetic: out of memory");
    }
    caerec_rng rng;
    caerec__rng_seed(&rng, t->opts.seed);
    assign_groups(&rng, t->user_group, nu, ng);
    assign_groups(&rng, t->item_group, ni, ng);
    double spread = t->opts.n_levels > 1
                        ? OFFSET_SPREAD * (double)(t->opts.n_levels - 1)
                        : 0;
    for (size_t j = 0; j < ni; j++) {
        t->popularity[j] = exp(POP_SIGMA * normal(&rng));
        t->item_offset[j] = spread * (2 * caerec__rng_uniform(&rng) - 1);
    }
    for (size_t u = 0; u < nu; u++)
        t->user_offset[u] = spread * (2 * caerec__rng_uniform(&rng) - 1);
    /* Items grouped (counting sort by group), with cumulative mass. */
    for (size_t j = 0; j < ni; j++)
        t->group_start[t->item_group[j] + 1]++;
    for (size_t g = 0; g < ng; g++)
        t->group_start[g + 1] += t->group_start[g];
    size_t *fill = caerec__malloc_array(ng, sizeof *fill);
    if (!fill) {
        caerec__synthetic_truth_free(t);
        return caerec__fail(CAEREC_ENOMEM,
                            "caerec_dataset_synthetic: out of memory");
    }
    memcpy(fill, t->group_start, ng * sizeof *fill);
    for (size_t j = 0; j < ni; j++)
        t->by_group[fill[t->item_group[j]]++] = (uint32_t)j;
    free(fill);
    t->cum[0] = 0;
    for (size_t r = 0; r < ni; r++) {
        uint32_t j = t->by_group[r];
        t->cum[r + 1] = t->cum[r] + t->popularity[j];
        t->group_mass[t->item_group[j]] += t->popularity[j];
    }
    t->total_mass = t->cum[ni];
    return 0;
}

uint32_t caerec__synthetic_disliked(const caerec__synth_truth *t, size_t u)
{
    if (t->opts.n_groups < 2)
        return UINT32_MAX;
    return (uint32_t)((t->user_group[u] + 1) % t->opts.n_groups);
}

/* Normaliser of P(. | u): affinity * own-group mass + the rest. */
static double sampling_norm(const caerec__synth_truth *t, size_t u)
{
    double own = t->group_mass[t->user_group[u]];
    return t->opts.affinity * own + (t->total_mass - own);
}

void caerec__synthetic_sampling(const caerec__synth_truth *t, size_t u,
                                double *out)
{
    double z = sampling_norm(t, u);
    uint32_t g = t->user_group[u];
    for (size_t j = 0; j < t->opts.n_items; j++)
        out[j] = t->popularity[j] *
                 (t->item_group[j] == g ? t->opts.affinity : 1.0) / z;
}

int caerec__synthetic_sampling_matrix(double **out,
                                      const caerec__synth_truth *t)
{
    size_t n;
    if (!caerec__mul(t->opts.n_users, t->opts.n_items, &n))
        return CAEREC_ENOMEM;
    double *p = caerec__malloc_array(n, sizeof *p);
    if (!p)
        return CAEREC_ENOMEM;
    for (size_t u = 0; u < t->opts.n_users; u++)
        caerec__synthetic_sampling(t, u, p + u * t->opts.n_items);
    *out = p;
    return 0;
}

void caerec__synthetic_rating_probs(const caerec__synth_truth *t, size_t u,
                                    size_t j, double *out)
{
    size_t k_n = t->opts.n_levels;
    if (k_n == 0)
        return;
    double top = (double)(k_n - 1);
    double base = CENTRE_OTHER;
    if (t->item_group[j] == t->user_group[u])
        base = CENTRE_LIKED;
    else if (t->item_group[j] == caerec__synthetic_disliked(t, u))
        base = CENTRE_DISLIKED;
    double c = base * top + t->user_offset[u] + t->item_offset[j];
    double s = fmax(0.5, 0.15 * top);
    double sum = 0;
    for (size_t k = 0; k < k_n; k++) {
        double d = ((double)k - c) / s;
        out[k] = exp(-0.5 * d * d);
        sum += out[k];
    }
    for (size_t k = 0; k < k_n; k++)
        out[k] /= sum;
}

double caerec__synthetic_expected_rating(const caerec__synth_truth *t, size_t u,
                                         size_t j)
{
    double p[CAEREC_MAX_LEVELS], e = 0;
    caerec__synthetic_rating_probs(t, u, j, p);
    for (size_t k = 0; k < t->opts.n_levels; k++)
        e += (double)(k + 1) * p[k];
    return e;
}

/* ---- generation -------------------------------------------------------- */

/* Position r in by_group with cum[r] <= x < cum[r + 1], clamped. */
static size_t find_cum(const double *cum, size_t lo, size_t hi, double x)
{
    /* Invariant: answer in [lo, hi). */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* One draw from P(. | u): the own group with probability
 * affinity * own / Z, else an item of another group by popularity. */
static uint32_t draw_item(const caerec__synth_truth *t, caerec_rng *rng,
                          size_t u)
{
    uint32_t g = t->user_group[u];
    size_t a = t->group_start[g], b = t->group_start[g + 1];
    double own = t->cum[b] - t->cum[a];
    double rest = t->total_mass - own;
    double z = t->opts.affinity * own + rest;
    for (;;) {
        double x = caerec__rng_uniform(rng) * z;
        size_t r;
        if (x < t->opts.affinity * own || rest <= 0) {
            if (b == a)
                continue;
            double y = t->cum[a] + caerec__rng_uniform(rng) * own;
            r = find_cum(t->cum, a, b, y);
        } else {
            double y = caerec__rng_uniform(rng) * rest;
            if (y >= t->cum[a])
                y += own; /* skip over the own group's stretch */
            r = find_cum(t->cum, 0, t->opts.n_items, y);
            if (r >= a && r < b)
                continue; /* rounding landed in the own group: redraw */
        }
        return t->by_group[r];
    }
}

typedef struct keyed {
    double key;
    uint32_t item;
} keyed;

static int by_key_desc(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

/* Draws `want` more distinct items for user u into out (marking them with
 * `stamp`): successive sampling without replacement from P(. | u).
 * Rejection of repeats while cheap; then, for the rest, exponential keys
 * (Efraimidis-Spirakis), which draw from the same law restricted to the
 * items not yet taken. */
static void draw_items(const caerec__synth_truth *t, caerec_rng *rng, size_t u,
                       size_t want, uint32_t *mark, uint32_t stamp,
                       uint32_t *out, keyed *scratch)
{
    size_t n = t->opts.n_items, got = 0;
    size_t budget = want * 2 <= n ? 8 * want + 64 : 0;
    while (got < want && budget) {
        uint32_t j = draw_item(t, rng, u);
        budget--;
        if (mark[j] == stamp)
            continue;
        mark[j] = stamp;
        out[got++] = j;
    }
    if (got == want)
        return;
    uint32_t g = t->user_group[u];
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (mark[j] == stamp)
            continue;
        double w =
            t->popularity[j] * (t->item_group[j] == g ? t->opts.affinity : 1.0);
        double e = -log(1.0 - caerec__rng_uniform(rng)); /* Exp(1) */
        scratch[m].key = -e / w;                         /* larger is earlier */
        scratch[m].item = (uint32_t)j;
        m++;
    }
    qsort(scratch, m, sizeof *scratch, by_key_desc);
    for (size_t q = 0; got < want; q++) {
        mark[scratch[q].item] = stamp;
        out[got++] = scratch[q].item;
    }
}

static int8_t draw_level(const caerec__synth_truth *t, caerec_rng *rng,
                         size_t u, size_t j)
{
    double p[CAEREC_MAX_LEVELS];
    caerec__synthetic_rating_probs(t, u, j, p);
    double x = caerec__rng_uniform(rng), acc = 0;
    size_t k_n = t->opts.n_levels;
    for (size_t k = 0; k + 1 < k_n; k++) {
        acc += p[k];
        if (x < acc)
            return (int8_t)k;
    }
    return (int8_t)(k_n - 1);
}

/* N_u = m0 + G with m0 = max(1, round(mean / 5)) and G geometric on
 * {0, 1, ...} with mean (mean - m0), clamped to n_items. */
static size_t draw_count(const caerec__synth_truth *t, caerec_rng *rng)
{
    double mean = t->opts.mean_per_user;
    double m0 = fmax(1.0, floor(mean / 5 + 0.5));
    double mu = mean - m0;
    double n = m0;
    if (mu > 0) {
        double q = mu / (1 + mu);
        double x = 1.0 - caerec__rng_uniform(rng); /* (0, 1] */
        n += floor(log(x) / log(q));
    }
    if (!(n <= (double)t->opts.n_items))
        n = (double)t->opts.n_items;
    return (size_t)n;
}

CAEREC_API int caerec_dataset_synthetic(caerec_dataset **out,
                                        const caerec_synthetic_options *opts)
{
    CAEREC_CHECK_NULL(out);
    caerec__synth_truth t;
    int rc = caerec__synthetic_truth(&t, opts);
    if (rc)
        return rc;
    size_t nu = t.opts.n_users, ni = t.opts.n_items, k_n = t.opts.n_levels;
    caerec_rng rng;
    /* A stream apart from the one that drew the truth. */
    caerec__rng_seed(&rng, t.opts.seed ^ 0xd1b54a32d192ed03ULL);

    size_t *count = caerec__malloc_array(nu, sizeof *count);
    size_t total = 0;
    int too_big = 0;
    if (count)
        for (size_t u = 0; u < nu; u++) {
            count[u] = draw_count(&t, &rng);
            if (!caerec__add(total, count[u], &total) || total > UINT32_MAX / 4)
                too_big = 1;
        }
    int64_t *users = NULL, *items = NULL;
    int8_t *levels = NULL;
    uint32_t *types = NULL, *mark = NULL;
    keyed *scratch = NULL;
    caerec_dataset *ds = NULL;
    if (too_big) {
        rc = caerec__fail(CAEREC_ETOOBIG,
                          "caerec_dataset_synthetic: too many cells "
                          "(n_users * mean_per_user)");
        goto done;
    }
    users = caerec__malloc_array(total, sizeof *users);
    items = caerec__malloc_array(total, sizeof *items);
    levels = caerec__malloc_array(total, sizeof *levels);
    types = caerec__malloc_array(total, sizeof *types);
    mark = caerec__calloc_array(ni, sizeof *mark);
    scratch = caerec__malloc_array(ni, sizeof *scratch);
    uint32_t *row = caerec__malloc_array(ni, sizeof *row);
    if (!count || !users || !items || !levels || !types || !mark || !scratch ||
        !row) {
        free(row);
        rc = caerec__fail(CAEREC_ENOMEM,
                          "caerec_dataset_synthetic: out of memory");
        goto done;
    }
    size_t e = 0;
    for (size_t u = 0; u < nu; u++) {
        draw_items(&t, &rng, u, count[u], mark, (uint32_t)(u + 1), row,
                   scratch);
        for (size_t q = 0; q < count[u]; q++, e++) {
            users[e] = (int64_t)u + 1;
            items[e] = (int64_t)row[q] + 1;
            levels[e] = k_n ? draw_level(&t, &rng, u, row[q]) : CAEREC_NO_LEVEL;
            types[e] = k_n ? 0 : 1;
        }
    }
    free(row);

    double levels_v[CAEREC_MAX_LEVELS];
    for (size_t k = 0; k < k_n; k++)
        levels_v[k] = (double)(k + 1);
    const char *view[] = {"view"};
    rc =
        caerec__dataset_new(&ds, levels_v, k_n, k_n ? NULL : view, k_n ? 0 : 1);
    if (!rc)
        rc = caerec__dataset_apply(ds, total, users, items, levels, types,
                                   "caerec_dataset_synthetic");
done:
    free(count);
    free(users);
    free(items);
    free(levels);
    free(types);
    free(mark);
    free(scratch);
    caerec__synthetic_truth_free(&t);
    if (rc) {
        caerec_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return 0;
}
