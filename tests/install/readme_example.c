#include <caerec.h>
#include <stdio.h>

int main(void)
{
    const double scale[] = {1, 2, 3, 4, 5};
    caerec_dataset *ds = NULL;
    caerec_config *cfg = NULL;
    caerec_model *model = NULL;
    caerec_scorer *scorer = NULL;
    int64_t top[5];
    double score[5];
    size_t n = 0;

    /* 60 users rate every third of 40 items; odd users like odd items. */
    int rc = caerec_dataset_create(&ds, scale, 5, NULL, 0);
    for (int64_t u = 1; u <= 60 && rc == CAEREC_OK; u++)
        for (int64_t i = 1; i <= 40 && rc == CAEREC_OK; i++)
            if ((u + i) % 3 == 0)
                rc = caerec_dataset_add_rating(ds, u, i, u % 2 == i % 2 ? 5 : 1);
    if (rc == CAEREC_OK) rc = caerec_config_create(&cfg);
    if (rc == CAEREC_OK) rc = caerec_config_set(cfg, "hidden", "32");
    if (rc == CAEREC_OK) rc = caerec_config_set(cfg, "epochs", "30");
    if (rc == CAEREC_OK) rc = caerec_model_create(&model, cfg, ds);
    if (rc == CAEREC_OK) rc = caerec_model_fit(model, NULL, NULL, NULL, NULL);
    if (rc == CAEREC_OK) rc = caerec_scorer_create(&scorer, model);
    if (rc == CAEREC_OK) rc = caerec_scorer_set_user(scorer, 1);
    if (rc == CAEREC_OK)
        rc = caerec_scorer_recommend(scorer, 5, NULL, top, score, &n);
    for (size_t j = 0; j < n; j++)
        printf("item %lld  score %.4f\n", (long long)top[j], score[j]);
    if (rc != CAEREC_OK)
        fprintf(stderr, "caerec: %s\n", caerec_last_error());
    caerec_scorer_free(scorer);
    caerec_model_free(model);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
    return rc == CAEREC_OK ? 0 : 1;
}
