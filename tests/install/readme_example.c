#include <caerec.h>
#include <stdio.h>
#include <stdlib.h>

/* Stops the program with the library's message when a call fails. */
static void check(int status)
{
    if (status != CAEREC_OK) {
        fprintf(stderr, "caerec: %s\n", caerec_last_error());
        exit(1);
    }
}

int main(void)
{
    const double scale[] = {1, 2, 3, 4, 5};
    caerec_dataset *ds;
    check(caerec_dataset_create(&ds, scale, 5, NULL, 0));
    /* 60 users rate every third of 40 items; odd users like odd items. */
    for (int64_t u = 1; u <= 60; u++)
        for (int64_t i = 3 - u % 3; i <= 40; i += 3)
            check(caerec_dataset_add_rating(ds, u, i, u % 2 == i % 2 ? 5 : 1));

    caerec_config *cfg;
    check(caerec_config_create(&cfg));
    check(caerec_config_set(cfg, "hidden", "32"));
    check(caerec_config_set(cfg, "epochs", "30"));

    caerec_model *model;
    check(caerec_model_create(&model, cfg, ds));
    check(caerec_model_fit(model, NULL, NULL, NULL, NULL));

    caerec_scorer *scorer;
    int64_t top[5];
    double score[5];
    size_t n;
    check(caerec_scorer_create(&scorer, model));
    check(caerec_scorer_set_user(scorer, 1));
    check(caerec_scorer_recommend(scorer, 5, NULL, top, score, &n));
    for (size_t j = 0; j < n; j++)
        printf("item %lld  score %.4f\n", (long long)top[j], score[j]);

    caerec_scorer_free(scorer);
    caerec_model_free(model);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
    return 0;
}
