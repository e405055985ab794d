/* output.c - number formatting for TSV and a minimal JSON writer. */
#include "cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

void cli_tsv_num(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("NA", out);
}

void cli_level_text(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.10g", v);
}

void cli_json_init(cli_json *j, FILE *out, int pretty)
{
    j->out = out;
    j->pretty = pretty;
    j->depth = 0;
    j->count[0] = 0;
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* Separator, indentation and key of the next member. */
static void member(cli_json *j, const char *key)
{
    if (j->depth > 0) {
        if (j->count[j->depth] > 0)
            fputc(',', j->out);
        if (j->pretty) {
            fputc('\n', j->out);
            for (int i = 0; i < j->depth; i++)
                fputs("  ", j->out);
        }
        j->count[j->depth]++;
    }
    if (key != NULL) {
        put_string(j->out, key);
        fputs(j->pretty ? ": " : ":", j->out);
    }
}

static void json_open(cli_json *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->out);
    if (j->depth + 1 < (int)(sizeof j->count / sizeof j->count[0]))
        j->depth++;
    j->count[j->depth] = 0;
}

static void json_close(cli_json *j, char c)
{
    if (j->pretty && j->count[j->depth] > 0) {
        fputc('\n', j->out);
        for (int i = 0; i < j->depth - 1; i++)
            fputs("  ", j->out);
    }
    fputc(c, j->out);
    if (j->depth > 0)
        j->depth--;
}

void cli_json_begin_object(cli_json *j, const char *key)
{
    json_open(j, key, '{');
}
void cli_json_end_object(cli_json *j) { json_close(j, '}'); }
void cli_json_begin_array(cli_json *j, const char *key)
{
    json_open(j, key, '[');
}
void cli_json_end_array(cli_json *j) { json_close(j, ']'); }

void cli_json_num(cli_json *j, const char *key, double v)
{
    member(j, key);
    if (isfinite(v))
        fprintf(j->out, "%.10g", v);
    else
        fputs("null", j->out);
}

void cli_json_int(cli_json *j, const char *key, int64_t v)
{
    member(j, key);
    fprintf(j->out, "%" PRId64, v);
}

void cli_json_uint(cli_json *j, const char *key, uint64_t v)
{
    member(j, key);
    fprintf(j->out, "%" PRIu64, v);
}

void cli_json_str(cli_json *j, const char *key, const char *v)
{
    member(j, key);
    if (v == NULL)
        fputs("null", j->out);
    else
        put_string(j->out, v);
}

void cli_json_bool(cli_json *j, const char *key, int v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->out);
}

void cli_json_null(cli_json *j, const char *key)
{
    member(j, key);
    fputs("null", j->out);
}

void cli_json_finish(cli_json *j) { fputc('\n', j->out); }
