/* columns.c - the score columns of predict and recommend:
 * p_sample p_consume rating p_like p_<level>... */
#include "cli.h"

#include <math.h>

void cli_columns_init(cli_columns *c, const caerec_model *model)
{
    size_t k = caerec_model_levels(model, c->levels, CAEREC_MAX_LEVELS);
    c->n_levels = k > CAEREC_MAX_LEVELS ? CAEREC_MAX_LEVELS : k;
}

void cli_columns_header(const cli_columns *c, FILE *out)
{
    fputs("p_sample\tp_consume\trating\tp_like", out);
    for (size_t k = 0; k < c->n_levels; k++) {
        char name[64];
        cli_level_text(name, sizeof name, c->levels[k]);
        fprintf(out, "\tp_%s", name);
    }
}

int cli_columns_row(cli_columns *c, const caerec_scorer *scorer, int64_t item,
                    const char *prefix, FILE *out)
{
    double v[4];
    static const caerec_score scores[4] = {
        CAEREC_SCORE_SAMPLE, CAEREC_SCORE_CONSUME, CAEREC_SCORE_RATING,
        CAEREC_SCORE_LIKE};
    /* Without a rating scale (K = 0) there is no rating or like score. */
    size_t n_scores = c->n_levels > 0 ? 4 : 2;
    for (size_t s = 0; s < 4; s++)
        v[s] = NAN;
    for (size_t s = 0; s < n_scores; s++) {
        int st = caerec_scorer_get(scorer, item, scores[s], &v[s]);
        if (st != CAEREC_OK)
            return st;
    }
    if (c->n_levels > 0) {
        int st =
            caerec_scorer_levels(scorer, item, c->probs, c->n_levels, NULL);
        if (st != CAEREC_OK)
            return st;
    }
    fputs(prefix, out);
    for (size_t s = 0; s < 4; s++) {
        if (s > 0)
            fputc('\t', out);
        cli_tsv_num(out, v[s]);
    }
    for (size_t k = 0; k < c->n_levels; k++) {
        fputc('\t', out);
        cli_tsv_num(out, c->probs[k]);
    }
    fputc('\n', out);
    return CAEREC_OK;
}
