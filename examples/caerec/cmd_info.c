/* cmd_info.c - caerec info: what a model file holds, as JSON. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char help[] =
    "usage: caerec info --model FILE\n"
    "\n"
    "Prints one JSON object on stdout: the library version, the file size,\n"
    "sizes (users, items, params, levels, types), epochs trained, the rating\n"
    "scale, the interaction type names and the configuration (every option\n"
    "by its name, as 'caerec train --NAME VALUE' accepts it).\n"
    "\n"
    "  --model FILE    a model saved by 'caerec train'\n";

/* Names of the enum-valued options' values, indexed by value. */
static const char *const activation_names[] = {"identity", "relu", "sigmoid",
                                               "tanh",     "selu", "elu"};
static const char *const orientation_names[] = {"user", "item"};
static const char *const metric_names[] = {"loss", "rmse", "ndcg"};
static const char *const decoder_l2_names[] = {"zero", "column-mean",
                                               "regressed"};

static const char *enum_name(caerec_option opt, int64_t v)
{
    const char *const *names = NULL;
    size_t n = 0;
    switch (opt) {
    case CAEREC_OPT_ACT_IN:
    case CAEREC_OPT_ACT_HIDDEN:
    case CAEREC_OPT_ACT_OUT:
        names = activation_names;
        n = sizeof activation_names / sizeof activation_names[0];
        break;
    case CAEREC_OPT_ORIENTATION:
        names = orientation_names;
        n = 2;
        break;
    case CAEREC_OPT_EARLY_STOP:
        names = metric_names;
        n = 3;
        break;
    case CAEREC_OPT_DECODER_L2:
        names = decoder_l2_names;
        n = sizeof decoder_l2_names / sizeof decoder_l2_names[0];
        break;
    default: return NULL;
    }
    return v >= 0 && (uint64_t)v < n ? names[v] : NULL;
}

static int is_real(caerec_option opt)
{
    switch (opt) {
    case CAEREC_OPT_DROPOUT:
    case CAEREC_OPT_ALPHA:
    case CAEREC_OPT_BETA:
    case CAEREC_OPT_GAMMA:
    case CAEREC_OPT_L2:
    case CAEREC_OPT_LR:
    case CAEREC_OPT_LR_DECAY:
    case CAEREC_OPT_LIKE_THRESHOLD:
    case CAEREC_OPT_MIN_IMPROVEMENT:
    case CAEREC_OPT_DECODER_L2_WEIGHT:
    case CAEREC_OPT_ENCODER_NORM:
    case CAEREC_OPT_ENCODER_NORM_REF:
    case CAEREC_OPT_DECODER_L2_RIDGE: return 1;
    default: return 0;
    }
}

static void write_config(cli_json *j, const caerec_config *cfg)
{
    cli_json_begin_object(j, "config");
    /* Every option the library names, including ones newer than this tool. */
    for (int o = 0; o < 256; o++) {
        caerec_option opt = (caerec_option)o;
        const char *name = caerec_option_name(opt);
        if (name == NULL)
            break;
        int64_t iv;
        double dv;
        if (!is_real(opt) && o <= CAEREC_OPT_DECODER_L2 &&
            caerec_config_get_int(cfg, opt, &iv) == CAEREC_OK) {
            const char *e = enum_name(opt, iv);
            if (e != NULL)
                cli_json_str(j, name, e);
            else if (opt == CAEREC_OPT_SEED || opt == CAEREC_OPT_MAX_MEMORY)
                cli_json_uint(j, name, (uint64_t)iv);
            else
                cli_json_int(j, name, iv);
        } else if (caerec_config_get_double(cfg, opt, &dv) == CAEREC_OK) {
            cli_json_num(j, name, dv); /* NaN (automatic) as null */
        } else {
            cli_json_null(j, name);
        }
    }
    cli_json_end_object(j);
}

int cli_cmd_info(int argc, char **argv)
{
    const char *model_path = NULL;
    cli_args a;
    cli_args_init(&a, "info", argc, argv);
    int r;
    while ((r = cli_args_next(&a)) == 1) {
        if (strcmp(a.name, "help") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                return r;
            return cli_print_help(help);
        } else if (strcmp(a.name, "model") == 0) {
            if ((model_path = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
        } else {
            return cli_usage("info", "unknown flag '%s'", a.flag);
        }
    }
    if (r != 0)
        return r;
    if (model_path == NULL)
        return cli_usage("info", "missing --model FILE");

    caerec_model *model = NULL;
    caerec_config *cfg = NULL;
    int code = cli_load_model(&model, model_path);
    if (code != CLI_OK)
        return code;
    int st = caerec_model_config(&cfg, model);
    if (st != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }

    cli_json j;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_object(&j, NULL);
    cli_json_str(&j, "library_version", caerec_version_string());
    cli_json_str(&j, "file", model_path);
    unsigned format = 0, writer = 0;
    caerec_model_file_version(model, &format, &writer);
    cli_json_uint(&j, "format_version", format);
    char written_by[32];
    snprintf(written_by, sizeof written_by, "%u.%u.%u", writer / 10000,
             writer / 100 % 100, writer % 100);
    cli_json_str(&j, "written_by", written_by);
    struct stat sb;
    if (stat(model_path, &sb) == 0)
        cli_json_uint(&j, "file_bytes", (uint64_t)sb.st_size);

    size_t k = caerec_model_n_levels(model), t = caerec_model_n_types(model);
    cli_json_begin_object(&j, "sizes");
    cli_json_uint(&j, "users", caerec_model_n_users(model));
    cli_json_uint(&j, "items", caerec_model_n_items(model));
    cli_json_uint(&j, "params", caerec_model_n_params(model));
    cli_json_uint(&j, "levels", k);
    cli_json_uint(&j, "types", t);
    cli_json_end_object(&j);
    /* Model files do not record the epoch count (checkpoints do): 0 there
     * means "not recorded", not "untrained". */
    unsigned epochs = caerec_model_epoch(model);
    if (epochs > 0)
        cli_json_uint(&j, "epochs_trained", epochs);
    else
        cli_json_null(&j, "epochs_trained");

    double levels[CAEREC_MAX_LEVELS];
    size_t nk = caerec_model_levels(model, levels, CAEREC_MAX_LEVELS);
    if (nk > CAEREC_MAX_LEVELS)
        nk = CAEREC_MAX_LEVELS;
    cli_json_begin_array(&j, "scale");
    for (size_t i = 0; i < nk; i++)
        cli_json_num(&j, NULL, levels[i]);
    cli_json_end_array(&j);
    cli_json_begin_array(&j, "types");
    for (size_t i = 0; i < t; i++)
        cli_json_str(&j, NULL, caerec_model_type_name(model, (uint32_t)i));
    cli_json_end_array(&j);

    write_config(&j, cfg);
    cli_json_end_object(&j);
    cli_json_finish(&j);

done:
    caerec_config_free(cfg);
    caerec_model_free(model);
    return code;
}
