/* A program outside the project: it sees only the installed caerec.h and
 * links the installed library through pkg-config, as a user would. */
#include <caerec.h>

#include <stdio.h>
#include <string.h>

#define EXPECT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "consumer: %s:%d: failed: %s (%s)\n", __FILE__,    \
                    __LINE__, #cond, caerec_last_error());                     \
            return 1;                                                          \
        }                                                                      \
    } while (0)

int main(void)
{
    printf("libcaerec %s\n", caerec_version_string());
    /* The loaded library is the one this header describes. */
    EXPECT(strcmp(caerec_version_string(), CAEREC_VERSION_STRING) == 0);
    EXPECT(caerec_version_number() == CAEREC_VERSION_NUMBER);
    EXPECT(strcmp(caerec_strerror(CAEREC_EINVAL), "invalid argument") == 0);

    const double scale[] = {1, 2, 3, 4, 5};
    const char *const types[] = {"view"};
    caerec_dataset *ds = NULL;
    EXPECT(caerec_dataset_create(&ds, scale, 5, types, 1) == CAEREC_OK);
    EXPECT(caerec_dataset_add_rating(ds, 7, 70, 4.0) == CAEREC_OK);
    EXPECT(caerec_dataset_add_interaction(ds, 7, 71, 0) == CAEREC_OK);
    EXPECT(caerec_dataset_n_users(ds) == 1);
    EXPECT(caerec_dataset_n_items(ds) == 2);
    /* Errors come back as codes with a message, not as crashes. */
    EXPECT(caerec_dataset_add_rating(ds, 7, 72, 3.5) == CAEREC_ERANGE);
    EXPECT(caerec_last_error()[0] != '\0');
    caerec_dataset_free(ds);
    caerec_dataset_free(NULL);

    caerec_config *cfg = NULL;
    EXPECT(caerec_config_create(&cfg) == CAEREC_OK);
    EXPECT(caerec_config_set(cfg, "hidden", "64") == CAEREC_OK);
    int64_t hidden = 0;
    EXPECT(caerec_config_get_int(cfg, CAEREC_OPT_HIDDEN, &hidden) == CAEREC_OK);
    EXPECT(hidden == 64);
    EXPECT(caerec_config_set(cfg, "no-such-option", "1") == CAEREC_EINVAL);
    caerec_config_free(cfg);
    caerec_config_free(NULL);

    puts("consumer: ok");
    return 0;
}
