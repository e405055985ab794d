/* args.c - flag iteration and strict parsing of numbers, formats, scales. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->argc = argc;
    a->argv = argv;
    a->next = 0;
}

int cli_args_next(cli_args *a)
{
    if (a->next >= a->argc)
        return 0;
    const char *arg = a->argv[a->next++];
    const char *body;
    if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0')
        body = arg + 2;
    else if (arg[0] == '-' && arg[1] != '\0' && arg[1] != '-' && arg[2] == '\0')
        body = arg + 1; /* -k, -h */
    else
        return cli_usage(a->cmd, "unexpected argument '%s'", arg);

    const char *eq = strchr(body, '=');
    size_t len = eq ? (size_t)(eq - body) : strlen(body);
    if (len == 0 || len >= sizeof a->name_buf)
        return cli_usage(a->cmd, "bad flag '%s'", arg);
    memcpy(a->name_buf, body, len);
    a->name_buf[len] = '\0';
    if (strcmp(a->name_buf, "h") == 0)
        strcpy(a->name_buf, "help");
    a->name = a->name_buf;
    a->flag = arg;
    a->inline_value = eq ? eq + 1 : NULL;
    return 1;
}

const char *cli_args_value(cli_args *a)
{
    if (a->inline_value != NULL)
        return a->inline_value;
    if (a->next >= a->argc) {
        cli_usage(a->cmd, "flag --%s needs a value", a->name);
        return NULL;
    }
    return a->argv[a->next++];
}

int cli_args_switch(cli_args *a)
{
    if (a->inline_value != NULL)
        return cli_usage(a->cmd, "flag --%s takes no value", a->name);
    return 0;
}

int cli_parse_i64(const char *text, int64_t *out)
{
    if (text == NULL || *text == '\0')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || end == text)
        return -1;
    *out = (int64_t)v;
    return 0;
}

int cli_parse_size(const char *text, size_t *out)
{
    int64_t v;
    if (cli_parse_i64(text, &v) != 0 || v < 0 || (uint64_t)v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_parse_double(const char *text, double *out)
{
    if (text == NULL || *text == '\0')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || *end != '\0' || end == text || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_flag_size(cli_args *a, size_t *out)
{
    const char *v = cli_args_value(a);
    if (v == NULL)
        return CLI_EUSAGE;
    if (cli_parse_size(v, out) != 0)
        return cli_usage(a->cmd, "--%s: '%s' is not a non-negative integer",
                         a->name, v);
    return 0;
}

int cli_flag_double(cli_args *a, double *out)
{
    const char *v = cli_args_value(a);
    if (v == NULL)
        return CLI_EUSAGE;
    if (cli_parse_double(v, out) != 0)
        return cli_usage(a->cmd, "--%s: '%s' is not a finite number", a->name,
                         v);
    return 0;
}

int cli_flag_i64(cli_args *a, int64_t *out)
{
    const char *v = cli_args_value(a);
    if (v == NULL)
        return CLI_EUSAGE;
    if (cli_parse_i64(v, out) != 0)
        return cli_usage(a->cmd, "--%s: '%s' is not a 64-bit integer", a->name,
                         v);
    return 0;
}

int cli_parse_format(const char *text, caerec_file_format *out)
{
    static const struct {
        const char *name;
        caerec_file_format format;
    } names[] = {{"auto", CAEREC_FORMAT_AUTO},
                 {"tsv", CAEREC_FORMAT_TSV},
                 {"csv", CAEREC_FORMAT_CSV},
                 {"dat", CAEREC_FORMAT_DAT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].format;
            return 0;
        }
    }
    return -1;
}

/* "MIN:MAX:STEP": MIN, MIN+STEP, ..., MAX; MAX must be on the grid. */
static int parse_range(const char *text, double *levels, size_t *n_levels,
                       char *err, size_t err_size)
{
    char buf[256];
    if (strlen(text) >= sizeof buf) {
        snprintf(err, err_size, "scale '%.40s...' is too long", text);
        return -1;
    }
    strcpy(buf, text);
    char *c1 = strchr(buf, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL) {
        snprintf(err, err_size, "scale '%s' is not MIN:MAX:STEP", text);
        return -1;
    }
    *c1 = *c2 = '\0';
    double lo, hi, step;
    if (cli_parse_double(buf, &lo) != 0 || cli_parse_double(c1 + 1, &hi) != 0 ||
        cli_parse_double(c2 + 1, &step) != 0) {
        snprintf(err, err_size, "scale '%s': MIN, MAX and STEP must be numbers",
                 text);
        return -1;
    }
    if (!(step > 0) || !(hi > lo)) {
        snprintf(err, err_size, "scale '%s' needs MAX > MIN and STEP > 0",
                 text);
        return -1;
    }
    double steps = (hi - lo) / step;
    double n = floor(steps + 0.5);
    if (fabs(steps - n) > 1e-6 * (steps > 1 ? steps : 1)) {
        snprintf(err, err_size,
                 "scale '%s': MAX - MIN is not a multiple of STEP", text);
        return -1;
    }
    if (n + 1 > CAEREC_MAX_LEVELS) {
        snprintf(err, err_size, "scale '%s' has %.0f levels, at most %d", text,
                 n + 1, CAEREC_MAX_LEVELS);
        return -1;
    }
    size_t count = (size_t)n + 1;
    for (size_t i = 0; i < count; i++) {
        /* Multiply rather than accumulate so 0.1 steps do not drift; snap to
         * 12 significant digits so 0.3 prints as 0.3. */
        double v = lo + (double)i * step;
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.12g", v);
        levels[i] = strtod(tmp, NULL);
    }
    levels[count - 1] = hi;
    *n_levels = count;
    return 0;
}

static int parse_list(const char *text, double *levels, size_t *n_levels,
                      char *err, size_t err_size)
{
    size_t n = 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char field[64];
        if (len == 0 || len >= sizeof field) {
            snprintf(err, err_size, "scale '%s': empty or too long value",
                     text);
            return -1;
        }
        memcpy(field, p, len);
        field[len] = '\0';
        double v;
        if (cli_parse_double(field, &v) != 0) {
            snprintf(err, err_size, "scale '%s': '%s' is not a number", text,
                     field);
            return -1;
        }
        if (n == CAEREC_MAX_LEVELS) {
            snprintf(err, err_size, "scale '%s' has more than %d levels", text,
                     CAEREC_MAX_LEVELS);
            return -1;
        }
        if (n > 0 && !(v > levels[n - 1])) {
            snprintf(err, err_size,
                     "scale '%s' is not strictly increasing at '%s'", text,
                     field);
            return -1;
        }
        levels[n++] = v;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *n_levels = n;
    return 0;
}

int cli_parse_scale(const char *text, double *levels, size_t *n_levels,
                    char *err, size_t err_size)
{
    if (strchr(text, ':') != NULL)
        return parse_range(text, levels, n_levels, err, err_size);
    return parse_list(text, levels, n_levels, err, err_size);
}

int cli_print_help(const char *text)
{
    fputs(text, stdout);
    return CLI_OK;
}
