/* idfile.c - reading files of ids (predict pairs, recommend user lists). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field separators: blanks, tabs, commas, and colons ("::" of .dat files). */
static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == ':' || c == '\r' ||
           c == '\n' || c == '\v' || c == '\f';
}

/* Splits line in place into at most max fields; returns how many. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        while (*p && is_sep(*p))
            p++;
        if (*p == '\0')
            break;
        fields[n++] = p;
        while (*p && !is_sep(*p))
            p++;
        if (*p == '\0')
            break;
        *p++ = '\0';
    }
    return n;
}

/* Strict int64 parse of one field: 0 ok, -1 not an integer, -2 overflow. */
static int parse_id(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        return -1;
    if (errno == ERANGE)
        return -2;
    *out = (int64_t)v;
    return 0;
}

int cli_read_id_lines(const char *path, size_t n_fields, cli_id_line_fn fn,
                      void *user, size_t *out_lines)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return cli_error(CLI_EDATA, "%s: cannot open: %s", path,
                         strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    size_t lineno = 0, data_lines = 0;
    int code = CLI_OK;
    int first = 1;
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        char *fields[8];
        size_t n = split_fields(line, fields, n_fields);
        if (n == 0)
            continue; /* blank line */
        int64_t ids[8];
        int bad = 0;
        for (size_t i = 0; i < n && !bad; i++) {
            int r = parse_id(fields[i], &ids[i]);
            if (r == -1 && first && i == 0) {
                bad = 2; /* header line */
            } else if (r == -1) {
                code = cli_error(CLI_EDATA, "%s:%zu: '%s' is not an integer id",
                                 path, lineno, fields[i]);
                bad = 1;
            } else if (r == -2) {
                code = cli_error(CLI_EDATA, "%s:%zu: id '%s' overflows int64",
                                 path, lineno, fields[i]);
                bad = 1;
            }
        }
        first = 0;
        if (bad == 2)
            continue;
        if (bad)
            break;
        if (n < n_fields) {
            code =
                cli_error(CLI_EDATA, "%s:%zu: expected %zu fields, found %zu",
                          path, lineno, n_fields, n);
            break;
        }
        data_lines++;
        code = fn(ids, lineno, user);
        if (code != CLI_OK)
            break;
    }
    if (code == CLI_OK && ferror(f))
        code =
            cli_error(CLI_EDATA, "%s: read error: %s", path, strerror(errno));
    if (code == CLI_OK && data_lines == 0)
        code = cli_error(CLI_EDATA, "%s: no data lines", path);
    free(line);
    fclose(f);
    if (out_lines != NULL)
        *out_lines = data_lines;
    return code;
}
