/* cmd_train.c - caerec train: read a ratings file, fit a model, save it. */
#include "cli.h"
#include "progress.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: caerec train --train FILE --model OUT [options]\n"
    "\n"
    "Trains a model on an interaction file and saves it to OUT.\n"
    "\n"
    "data:\n"
    "  --train FILE          training interactions (user item value [time])\n"
    "  --model OUT           where to save the trained model\n"
    "  --valid FILE          validation interactions, for early stopping\n"
    "  --valid-fraction F    hold out this fraction of each user's training\n"
    "                        cells for validation instead (split seed: "
    "--seed)\n"
    "  --format FMT          auto|tsv|csv|dat (default auto)\n"
    "  --scale SCALE         rating levels, '1,2,3,4,5' or MIN:MAX:STEP\n"
    "                        ('0.5:5:0.5'); default: inferred from --train\n"
    "\n"
    "model and training (library defaults when not given):\n"
    "  --orientation user|item   --hidden N   --c1 N   --c2 N\n"
    "  --act-in A  --act-hidden A  --act-out A   (identity relu sigmoid tanh\n"
    "                                             selu elu)\n"
    "  --dropout P  --alpha X  --beta X  --gamma X  --l2 X\n"
    "  --lr X  --batch N  --epochs N  --patience N  --seed N  --threads N\n"
    "  --NAME VALUE          any other configuration option, e.g. --lr-decay,\n"
    "                        --early-stop loss|rmse|ndcg, --like-threshold,\n"
    "                        --max-memory\n"
    "\n"
    "checkpoints and output:\n"
    "  --checkpoint FILE     save a checkpoint after every epoch\n"
    "  --resume FILE         continue training from a checkpoint (its\n"
    "                        configuration and training data are used;\n"
    "                        --train then only feeds --valid-fraction)\n"
    "  --log FILE            write one JSON line per epoch\n"
    "  --quiet               no progress on stderr\n"
    "\n"
    "Progress goes to stderr: one live line on a terminal, one line per epoch\n"
    "otherwise.\n";

typedef struct train_opts {
    const char *train, *model, *valid, *checkpoint, *resume, *log;
    double valid_fraction; /* 0: not given */
    caerec_file_format format;
    double levels[CAEREC_MAX_LEVELS];
    size_t n_levels;
    int has_scale;
    int quiet;
    size_t n_config; /* configuration flags given */
} train_opts;

/* Context of the per-epoch callback. */
typedef struct fit_ctx {
    const caerec_model *model;
    const char *checkpoint;
    cli_progress *progress;
    int ckpt_status; /* first failed checkpoint save */
    char ckpt_error[1024];
} fit_ctx;

static int on_epoch(const caerec_epoch_report *r, void *user)
{
    fit_ctx *c = user;
    cli_progress_epoch(c->progress, r);
    if (c->checkpoint != NULL) {
        int st = caerec_checkpoint_save(c->model, c->checkpoint);
        if (st != CAEREC_OK) {
            /* Keep the message: later calls may overwrite last_error. */
            c->ckpt_status = st;
            const char *m = caerec_last_error();
            if (*m == '\0')
                m = caerec_strerror(st);
            if (strstr(m, c->checkpoint) != NULL)
                snprintf(c->ckpt_error, sizeof c->ckpt_error, "%s", m);
            else
                snprintf(c->ckpt_error, sizeof c->ckpt_error,
                         "checkpoint %s: %s", c->checkpoint, m);
            return 1;
        }
    }
    return 0;
}

/* Parses the flags; configuration options go straight into cfg. */
static int parse(train_opts *o, caerec_config *cfg, int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a, "train", argc, argv);
    int r;
    while ((r = cli_args_next(&a)) == 1) {
        const char *n = a.name;
        const char **target = NULL;
        if (strcmp(n, "help") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                return r;
            cli_print_help(help);
            return -1;
        } else if (strcmp(n, "quiet") == 0) {
            if ((r = cli_args_switch(&a)) != 0)
                return r;
            o->quiet = 1;
            continue;
        } else if (strcmp(n, "train") == 0) {
            target = &o->train;
        } else if (strcmp(n, "model") == 0) {
            target = &o->model;
        } else if (strcmp(n, "valid") == 0) {
            target = &o->valid;
        } else if (strcmp(n, "checkpoint") == 0) {
            target = &o->checkpoint;
        } else if (strcmp(n, "resume") == 0) {
            target = &o->resume;
        } else if (strcmp(n, "log") == 0) {
            target = &o->log;
        }
        if (target != NULL) {
            if ((*target = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
            if (**target == '\0')
                return cli_usage("train", "--%s needs a file name", n);
            continue;
        }
        if (strcmp(n, "valid-fraction") == 0) {
            if ((r = cli_flag_double(&a, &o->valid_fraction)) != 0)
                return r;
            if (!(o->valid_fraction > 0 && o->valid_fraction < 1))
                return cli_usage("train", "--valid-fraction must be in (0, 1)");
            continue;
        }
        const char *v;
        if (strcmp(n, "format") == 0) {
            if ((v = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
            if (cli_parse_format(v, &o->format) != 0)
                return cli_usage("train",
                                 "--format: unknown format '%s' "
                                 "(auto, tsv, csv or dat)",
                                 v);
            continue;
        }
        if (strcmp(n, "scale") == 0) {
            if ((v = cli_args_value(&a)) == NULL)
                return CLI_EUSAGE;
            char err[256];
            if (cli_parse_scale(v, o->levels, &o->n_levels, err, sizeof err))
                return cli_usage("train", "--scale: %s", err);
            o->has_scale = 1;
            continue;
        }
        /* Everything else is a configuration option of the library. */
        if ((v = cli_args_value(&a)) == NULL)
            return CLI_EUSAGE;
        if (caerec_config_set(cfg, n, v) != CAEREC_OK)
            return cli_error(CLI_EUSAGE, "train: --%s %s: %s", n, v,
                             caerec_last_error());
        o->n_config++;
    }
    if (r != 0)
        return r;
    if (o->model == NULL)
        return cli_usage("train", "missing --model OUT");
    if (o->train == NULL && o->resume == NULL)
        return cli_usage("train", "missing --train FILE");
    if (o->valid != NULL && o->valid_fraction > 0)
        return cli_usage("train",
                         "--valid and --valid-fraction exclude each other");
    if (o->valid_fraction > 0 && o->train == NULL)
        return cli_usage("train", "--valid-fraction needs --train FILE");
    if (o->resume != NULL && o->has_scale)
        return cli_usage("train", "--scale cannot change a checkpoint's scale");
    return 0;
}

static void describe_scale(char *buf, size_t size, const double *levels,
                           size_t k)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < k && n + 32 < size; i++) {
        char t[64];
        cli_level_text(t, sizeof t, levels[i]);
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "", t);
    }
    if (k == 0)
        snprintf(buf, size, "none (implicit)");
}

static void print_summary(FILE *out, const caerec_model *model,
                          const caerec_dataset *valid, unsigned epochs,
                          unsigned done)
{
    double levels[CAEREC_MAX_LEVELS];
    size_t k = caerec_model_levels(model, levels, CAEREC_MAX_LEVELS);
    char scale[512];
    describe_scale(scale, sizeof scale, levels,
                   k < CAEREC_MAX_LEVELS ? k : CAEREC_MAX_LEVELS);
    fprintf(out, "train: %zu users, %zu items, scale %s",
            caerec_model_n_users(model), caerec_model_n_items(model), scale);
    size_t t = caerec_model_n_types(model);
    for (size_t i = 0; i < t; i++)
        fprintf(out, "%s%s", i ? "," : ", types ",
                caerec_model_type_name(model, (uint32_t)i));
    fputc('\n', out);
    if (valid != NULL)
        fprintf(out, "valid: %zu users, %zu cells (%zu ratings)\n",
                caerec_dataset_n_users(valid), caerec_dataset_n_cells(valid),
                caerec_dataset_n_ratings(valid));
    fprintf(out, "model: %zu parameters; epochs %u",
            caerec_model_n_params(model), epochs);
    if (done > 0)
        fprintf(out, " (resuming after epoch %u)", done);
    fputc('\n', out);
    fflush(out);
}

static int load_training(const train_opts *o, const caerec_model *resumed,
                         caerec_dataset **out)
{
    if (resumed != NULL)
        return cli_load_with_model_scale(out, resumed, o->train, o->format);
    if (o->has_scale) {
        caerec_dataset *ds = NULL;
        int st = caerec_dataset_create(&ds, o->levels, o->n_levels, NULL, 0);
        if (st != CAEREC_OK)
            return cli_fail(st, CLI_SUBJECT_OTHER);
        st = caerec_dataset_load_file(ds, o->train, o->format);
        if (st != CAEREC_OK) {
            caerec_dataset_free(ds);
            return cli_fail(st, CLI_SUBJECT_DATA);
        }
        *out = ds;
        return CLI_OK;
    }
    int st = caerec_dataset_read_file(out, o->train, o->format);
    return st == CAEREC_OK ? CLI_OK : cli_fail(st, CLI_SUBJECT_DATA);
}

static int config_uint(const caerec_config *cfg, caerec_option opt,
                       uint64_t *out)
{
    int64_t v = 0;
    int st = caerec_config_get_int(cfg, opt, &v);
    *out = (uint64_t)v;
    return st;
}

int cli_cmd_train(int argc, char **argv)
{
    train_opts o;
    memset(&o, 0, sizeof o);
    o.format = CAEREC_FORMAT_AUTO;
    caerec_config *cfg = NULL, *model_cfg = NULL;
    caerec_dataset *full = NULL, *train = NULL, *valid = NULL;
    caerec_model *model = NULL;
    FILE *log = NULL;
    int code = CLI_OK, st;

    if ((st = caerec_config_create(&cfg)) != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_OTHER);
    code = parse(&o, cfg, argc, argv);
    if (code != 0) {
        caerec_config_free(cfg);
        return code < 0 ? CLI_OK : code; /* -1: --help */
    }
    FILE *msg = o.quiet ? NULL : stderr;
    /* Fail before the long part if the log cannot be written. */
    if (o.log != NULL && (log = fopen(o.log, "w")) == NULL) {
        code = cli_error(CLI_EOTHER, "%s: cannot open log file for writing: %s",
                         o.log, strerror(errno));
        goto done;
    }

    if (o.resume != NULL) {
        if ((code = cli_load_model_checkpoint(&model, o.resume)) != CLI_OK)
            goto done;
        if (o.n_config > 0)
            cli_warn("--resume: configuration flags are ignored, training "
                     "continues with the checkpoint's configuration");
    }
    if (o.train != NULL && (code = load_training(&o, model, &full)) != CLI_OK)
        goto done;

    /* The split seed: --seed, or the checkpoint's seed so a resumed run
     * validates on the same cells. */
    uint64_t seed = 0;
    if (model != NULL) {
        if ((st = caerec_model_config(&model_cfg, model)) != CAEREC_OK) {
            code = cli_fail(st, CLI_SUBJECT_OTHER);
            goto done;
        }
        config_uint(model_cfg, CAEREC_OPT_SEED, &seed);
    } else {
        config_uint(cfg, CAEREC_OPT_SEED, &seed);
    }
    if (o.valid_fraction > 0) {
        st = caerec_dataset_split(&train, &valid, full, o.valid_fraction, seed);
        if (st != CAEREC_OK) {
            code = cli_fail(st, CLI_SUBJECT_OTHER);
            goto done;
        }
    } else if (o.valid != NULL) {
        code =
            model != NULL
                ? cli_load_with_model_scale(&valid, model, o.valid, o.format)
                : cli_load_with_dataset_scale(&valid, full, o.valid, o.format);
        if (code != CLI_OK)
            goto done;
    }

    if (model == NULL) {
        st = caerec_model_create(&model, cfg, train != NULL ? train : full);
        if (st != CAEREC_OK) {
            code = cli_fail(st, st == CAEREC_EEMPTY ? CLI_SUBJECT_DATA
                                                    : CLI_SUBJECT_OTHER);
            goto done;
        }
    }
    /* The training data now lives in the model. */
    caerec_dataset_free(train);
    train = NULL;
    caerec_dataset_free(full);
    full = NULL;

    uint64_t epochs = 0;
    if (model_cfg == NULL &&
        (st = caerec_model_config(&model_cfg, model)) != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    config_uint(model_cfg, CAEREC_OPT_EPOCHS, &epochs);
    unsigned done_epochs = caerec_model_epoch(model);
    if (msg != NULL)
        print_summary(msg, model, valid, (unsigned)epochs, done_epochs);

    cli_progress progress;
    cli_progress_init(&progress, msg, log, (unsigned)epochs, done_epochs);
    fit_ctx ctx = {model, o.checkpoint, &progress, CAEREC_OK, ""};
    caerec_epoch_report best = CAEREC_EPOCH_REPORT_INIT;
    st = caerec_model_fit(model, valid, on_epoch, &ctx, &best);
    cli_progress_finish(&progress);
    if (ctx.ckpt_status != CAEREC_OK) {
        code = cli_error(CLI_EOTHER, "%s", ctx.ckpt_error);
        goto done;
    }
    if (st != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    if (msg != NULL) {
        if (valid != NULL && best.epoch > 0)
            fprintf(
                msg, "best epoch %u: valid loss %.4f rmse %.4f ndcg@20 %.4f\n",
                best.epoch, best.valid_loss, best.valid_rmse, best.valid_ndcg);
        char t[32];
        cli_format_duration(t, sizeof t, progress.seconds);
        fprintf(msg, "trained %u epochs in %s\n", caerec_model_epoch(model), t);
    }
    if ((st = caerec_model_save(model, o.model)) != CAEREC_OK) {
        code = cli_fail(st, CLI_SUBJECT_OTHER);
        goto done;
    }
    if (msg != NULL)
        fprintf(msg, "saved model to %s\n", o.model);

done:
    if (log != NULL && fclose(log) != 0 && code == CLI_OK)
        code = cli_error(CLI_EOTHER, "%s: error writing log file", o.log);
    caerec_model_free(model);
    caerec_config_free(model_cfg);
    caerec_config_free(cfg);
    caerec_dataset_free(valid);
    caerec_dataset_free(train);
    caerec_dataset_free(full);
    return code;
}
