/* Line tokenising and field parsing of interaction files (formats in
 * caerec.h, caerec_file_format). Works on a length-delimited buffer, so
 * embedded NUL bytes, very long lines and a missing final newline need no
 * special case: every field is a (pointer, length) pair. */
#include "data/parse.h"

#include "common/alloc.h"
#include "common/error.h"
#include "data/cells.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct field {
    const char *p;
    size_t n;
} field;

/* ---- records ----------------------------------------------------------- */

void caerec__records_free(caerec__records *r)
{
    free(r->user);
    free(r->item);
    free(r->level);
    free(r->type);
    memset(r, 0, sizeof *r);
}

static int records_push(caerec__records *r, int64_t user, int64_t item,
                        int8_t level, uint32_t type)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        int64_t *u = caerec__realloc_array(r->user, cap, sizeof *u);
        if (!u)
            return CAEREC_ENOMEM;
        r->user = u;
        int64_t *i = caerec__realloc_array(r->item, cap, sizeof *i);
        if (!i)
            return CAEREC_ENOMEM;
        r->item = i;
        int8_t *l = caerec__realloc_array(r->level, cap, sizeof *l);
        if (!l)
            return CAEREC_ENOMEM;
        r->level = l;
        uint32_t *t = caerec__realloc_array(r->type, cap, sizeof *t);
        if (!t)
            return CAEREC_ENOMEM;
        r->type = t;
        r->cap = cap;
    }
    r->user[r->n] = user;
    r->item[r->n] = item;
    r->level[r->n] = level;
    r->type[r->n] = type;
    r->n++;
    return 0;
}

/* ---- scales ------------------------------------------------------------ */

void caerec__scale_from_dataset(caerec__scale *s, const caerec_dataset *ds)
{
    memset(s, 0, sizeof *s);
    s->n_levels = ds->n_levels;
    if (ds->n_levels)
        memcpy(s->levels, ds->levels, ds->n_levels * sizeof *s->levels);
    s->n_types = ds->n_types;
    for (size_t t = 0; t < ds->n_types; t++)
        s->names[t] = ds->type_names[t];
}

void caerec__scale_infer(caerec__scale *s)
{
    memset(s, 0, sizeof *s);
    s->infer = 1;
}

void caerec__scale_free(caerec__scale *s)
{
    if (s->infer)
        for (size_t t = 0; t < s->n_types; t++)
            free(s->names[t]);
    s->n_types = 0;
}

int caerec__scale_finish(caerec__scale *s, caerec__records *r)
{
    /* Sort the (at most 64) levels with their old positions, then renumber
     * every record through the permutation. */
    int8_t new_index[CAEREC_MAX_LEVELS];
    size_t order[CAEREC_MAX_LEVELS];
    for (size_t k = 0; k < s->n_levels; k++)
        order[k] = k;
    for (size_t a = 1; a < s->n_levels; a++)
        for (size_t b = a;
             b > 0 && s->levels[order[b]] < s->levels[order[b - 1]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    double sorted[CAEREC_MAX_LEVELS];
    for (size_t k = 0; k < s->n_levels; k++) {
        sorted[k] = s->levels[order[k]];
        new_index[order[k]] = (int8_t)k;
    }
    if (s->n_levels)
        memcpy(s->levels, sorted, s->n_levels * sizeof *sorted);
    for (size_t e = 0; e < r->n; e++)
        if (r->level[e] != CAEREC_NO_LEVEL)
            r->level[e] = new_index[r->level[e]];
    if (s->untyped_lines && s->n_types == 0) {
        s->names[0] = caerec__strdup("interaction");
        if (!s->names[0])
            return CAEREC_ENOMEM;
        s->n_types = 1;
    }
    return 0;
}

/* ---- messages ---------------------------------------------------------- */

/* The offending text for a message: printable ASCII as is, other bytes as
 * \xNN, cut after 40 bytes. */
static const char *show(char *buf, size_t size, const char *p, size_t n)
{
    size_t o = 0, i = 0;
    for (; i < n && i < 40 && o + 5 < size; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
    }
    if (i < n && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = 0;
    return buf;
}

typedef struct ctx {
    const char *name;
    size_t line;
} ctx;

static int fail_at(const ctx *c, int status, const char *problem, field f)
{
    char text[200];
    return caerec__fail(status, "%s:%zu: %s `%s`", c->name, c->line, problem,
                        show(text, sizeof text, f.p, f.n));
}

/* ---- fields ------------------------------------------------------------ */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static field trim(field f)
{
    while (f.n && is_blank(f.p[0])) {
        f.p++;
        f.n--;
    }
    while (f.n && is_blank(f.p[f.n - 1]))
        f.n--;
    return f;
}

/* Splits a line into its first `max` fields; returns how many fields the
 * line has (counting beyond max only as far as "more than max"). */
static size_t split(field line, caerec_file_format fmt, field *out, size_t max)
{
    size_t k = 0;
    const char *p = line.p, *end = line.p + line.n;
    if (fmt == CAEREC_FORMAT_TSV) {
        for (;;) {
            while (p < end && is_blank(*p))
                p++;
            if (p == end)
                return k;
            const char *s = p;
            while (p < end && !is_blank(*p))
                p++;
            if (k == max)
                return k + 1;
            out[k++] = (field){s, (size_t)(p - s)};
        }
    }
    for (;;) {
        const char *s = p;
        size_t sep = 1;
        if (fmt == CAEREC_FORMAT_CSV) {
            while (p < end && *p != ',')
                p++;
        } else {
            while (p < end && !(*p == ':' && p + 1 < end && p[1] == ':'))
                p++;
            sep = 2;
        }
        if (k == max)
            return k + 1;
        field f = trim((field){s, (size_t)(p - s)});
        /* CSV exporters quote fields: "1","2","view". */
        if (fmt == CAEREC_FORMAT_CSV && f.n >= 2 && f.p[0] == '"' &&
            f.p[f.n - 1] == '"')
            f = (field){f.p + 1, f.n - 2};
        out[k++] = f;
        if (p == end)
            return k;
        p += sep;
    }
}

/* Integer id: optional sign and decimal digits, any length. 0, EPARSE
 * (not an integer) or ERANGE (overflows int64). */
static int parse_id(field f, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < f.n && (f.p[i] == '+' || f.p[i] == '-'))
        neg = f.p[i++] == '-';
    if (i == f.n)
        return CAEREC_EPARSE;
    int64_t v = 0;
    int overflow = 0;
    for (; i < f.n; i++) {
        unsigned d = (unsigned char)f.p[i] - '0';
        if (d > 9)
            return CAEREC_EPARSE;
        /* Accumulate negatively: INT64_MIN has no positive counterpart. */
        if (!overflow && (__builtin_mul_overflow(v, 10, &v) ||
                          __builtin_sub_overflow(v, (int64_t)d, &v)))
            overflow = 1;
    }
    if (overflow)
        return CAEREC_ERANGE;
    if (!neg) {
        if (v == INT64_MIN)
            return CAEREC_ERANGE;
        v = -v;
    }
    *out = v;
    return 0;
}

/* Whether the field is a number as a whole (strtod syntax); *out its
 * value, possibly NaN or infinite. */
static int parse_number(field f, double *out, int *nomem)
{
    char small[128];
    char *s = small;
    if (f.n == 0)
        return 0;
    if (f.n >= sizeof small) {
        s = malloc(f.n + 1);
        if (!s) {
            *nomem = 1;
            return 0;
        }
    }
    memcpy(s, f.p, f.n);
    s[f.n] = 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int whole = end == s + f.n && end != s;
    if (s != small)
        free(s);
    if (whole)
        *out = v;
    return whole;
}

/* A line whose first field (up to a separator of any format) is not an
 * integer: the optional header. */
static int is_header(field line)
{
    field f = line;
    size_t i = 0;
    while (i < f.n && is_blank(f.p[i]))
        i++;
    size_t s = i;
    while (i < f.n && !is_blank(f.p[i]) && f.p[i] != ',' && f.p[i] != ':')
        i++;
    int64_t v;
    field first = {f.p + s, i - s};
    if (first.n >= 2 && first.p[0] == '"' && first.p[first.n - 1] == '"')
        first = (field){first.p + 1, first.n - 2};
    return parse_id(first, &v) == CAEREC_EPARSE;
}

static caerec_file_format detect(field line)
{
    for (size_t i = 0; i + 1 < line.n; i++)
        if (line.p[i] == ':' && line.p[i + 1] == ':')
            return CAEREC_FORMAT_DAT;
    if (memchr(line.p, ',', line.n))
        return CAEREC_FORMAT_CSV;
    return CAEREC_FORMAT_TSV;
}

/* ---- values ------------------------------------------------------------ */

static int add_level(const ctx *c, caerec__scale *s, double v, field f,
                     int8_t *out)
{
    if (!isfinite(v))
        return fail_at(c, CAEREC_ERANGE, "rating is not finite", f);
    int k = caerec__level_index(s->levels, s->n_levels, v);
    if (k >= 0) {
        *out = (int8_t)k;
        return 0;
    }
    if (!s->infer) {
        if (s->n_levels == 0)
            return fail_at(c, CAEREC_ERANGE,
                           "rating in a dataset without rating scale", f);
        char problem[96];
        snprintf(problem, sizeof problem,
                 "rating is not on the scale (%zu levels %g..%g)", s->n_levels,
                 s->levels[0], s->levels[s->n_levels - 1]);
        return fail_at(c, CAEREC_ERANGE, problem, f);
    }
    if (s->n_levels == CAEREC_MAX_LEVELS)
        return fail_at(c, CAEREC_ERANGE,
                       "more than 64 distinct rating values, at", f);
    s->levels[s->n_levels] = v;
    *out = (int8_t)s->n_levels++;
    return 0;
}

static int add_type(const ctx *c, caerec__scale *s, field f, uint32_t *out)
{
    for (size_t i = 0; i < f.n; i++)
        if ((unsigned char)f.p[i] < 0x20 || f.p[i] == 0x7f)
            return fail_at(c, CAEREC_EPARSE, "control character in type name",
                           f);
    for (size_t t = 0; t < s->n_types; t++)
        if (strlen(s->names[t]) == f.n && memcmp(s->names[t], f.p, f.n) == 0) {
            *out = (uint32_t)1 << t;
            return 0;
        }
    if (!s->infer)
        return fail_at(c, CAEREC_ENOTFOUND,
                       "value is neither a number nor a declared type", f);
    if (s->n_types == CAEREC_MAX_TYPES)
        return fail_at(c, CAEREC_ERANGE, "more than 32 distinct type names, at",
                       f);
    char *name = malloc(f.n + 1);
    if (!name)
        return caerec__fail(CAEREC_ENOMEM, "%s:%zu: out of memory", c->name,
                            c->line);
    memcpy(name, f.p, f.n);
    name[f.n] = 0;
    s->names[s->n_types] = name;
    *out = (uint32_t)1 << s->n_types++;
    return 0;
}

/* One data line into a record. */
static int parse_line(const ctx *c, caerec__scale *s, caerec__records *r,
                      field line, caerec_file_format fmt)
{
    field f[3];
    size_t nf = split(line, fmt, f, 3);
    if (nf < 2)
        return fail_at(c, CAEREC_EPARSE,
                       "expected `user item [value ...]`, got", line);
    int64_t user, item;
    int rc = parse_id(f[0], &user);
    if (rc)
        return fail_at(c, rc,
                       rc == CAEREC_ERANGE ? "user id overflows int64"
                                           : "user id is not an integer",
                       f[0]);
    rc = parse_id(f[1], &item);
    if (rc)
        return fail_at(c, rc,
                       rc == CAEREC_ERANGE ? "item id overflows int64"
                                           : "item id is not an integer",
                       f[1]);
    int8_t level = CAEREC_NO_LEVEL;
    uint32_t type = 0; /* bitmask */
    if (nf == 2) {
        if (!s->infer && s->n_types == 0)
            return fail_at(c, CAEREC_EPARSE,
                           "line without value but the dataset declares no "
                           "interaction type",
                           line);
        s->untyped_lines = 1;
        type = 1; /* type 0 */
    } else if (f[2].n == 0) {
        return fail_at(c, CAEREC_EPARSE, "empty value field in", line);
    } else {
        double v;
        int nomem = 0;
        if (parse_number(f[2], &v, &nomem))
            rc = add_level(c, s, v, f[2], &level);
        else if (nomem)
            rc = caerec__fail(CAEREC_ENOMEM, "%s:%zu: out of memory", c->name,
                              c->line);
        else
            rc = add_type(c, s, f[2], &type);
        if (rc)
            return rc;
    }
    if (records_push(r, user, item, level, type))
        return caerec__fail(CAEREC_ENOMEM, "%s:%zu: out of memory", c->name,
                            c->line);
    return 0;
}

static int parse_lines(caerec__records *out, caerec__scale *scale,
                       const char *buf, size_t len, caerec_file_format format,
                       const char *name)
{
    if (format != CAEREC_FORMAT_AUTO && format != CAEREC_FORMAT_TSV &&
        format != CAEREC_FORMAT_CSV && format != CAEREC_FORMAT_DAT)
        return caerec__fail(CAEREC_EINVAL, "%s: unknown file format %d", name,
                            (int)format);
    ctx c = {name, 0};
    size_t pos = 0;
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        pos = 3; /* UTF-8 byte order mark */
    int first = 1;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        field line = {buf + pos, end - pos};
        pos = nl ? end + 1 : len;
        c.line++;
        if (line.n && line.p[line.n - 1] == '\r')
            line.n--;
        line = trim(line);
        if (line.n == 0)
            continue;
        if (first) {
            first = 0;
            if (is_header(line))
                continue;
        }
        if (format == CAEREC_FORMAT_AUTO)
            format = detect(line);
        int rc = parse_line(&c, scale, out, line, format);
        if (rc) {
            caerec__records_free(out);
            return rc;
        }
    }
    if (out->n == 0)
        return caerec__fail(CAEREC_EEMPTY, "%s: no data line", name);
    return 0;
}

int caerec__parse_ratings(caerec__records *out, caerec__scale *scale,
                          const char *buf, size_t len,
                          caerec_file_format format, const char *name)
{
    memset(out, 0, sizeof *out);
    /* strtod follows the thread's locale: parse numbers as "3.5" whatever
     * locale the program set (uselocale is per thread, so this is safe next
     * to other threads). If the C locale cannot be made, parse in the
     * current one. */
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
    int rc = parse_lines(out, scale, buf, len, format, name);
    if (c_locale) {
        uselocale(old);
        freelocale(c_locale);
    }
    return rc;
}
