/* errors.c - one-line error messages and the exit code of each failure. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Writes text on one line: newlines inside a message would break scripts
 * that read stderr line by line. */
static void put_one_line(const char *text)
{
    for (const char *p = text; *p; p++)
        fputc((*p == '\n' || *p == '\r') ? ' ' : *p, stderr);
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fputs("caerec: ", stderr);
    fputs(prefix, stderr);
    put_one_line(buf);
    fputc('\n', stderr);
}

int cli_fail(int status, enum cli_subject subject)
{
    const char *msg = caerec_last_error();
    if (msg == NULL || msg[0] == '\0')
        msg = caerec_strerror(status);
    fputs("caerec: ", stderr);
    put_one_line(msg);
    fputc('\n', stderr);

    switch (status) {
    case CAEREC_EFORMAT:
    case CAEREC_EVERSION:
    case CAEREC_ECORRUPT: return CLI_EMODEL;
    case CAEREC_EIO:
        if (subject == CLI_SUBJECT_MODEL)
            return CLI_EMODEL;
        return subject == CLI_SUBJECT_DATA ? CLI_EDATA : CLI_EOTHER;
    case CAEREC_ETOOBIG:
        /* Sizes in a model file that overflow are a bad model file. */
        return subject == CLI_SUBJECT_MODEL ? CLI_EMODEL : CLI_EOTHER;
    case CAEREC_EPARSE:
    case CAEREC_ERANGE:
    case CAEREC_EEMPTY:
    case CAEREC_ENOTFOUND:
        return subject == CLI_SUBJECT_MODEL ? CLI_EMODEL : CLI_EDATA;
    default: return CLI_EOTHER;
    }
}

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    return code;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (cmd != NULL)
        return cli_error(CLI_EUSAGE, "%s: %s (see 'caerec %s --help')", cmd,
                         buf, cmd);
    return cli_error(CLI_EUSAGE, "%s (see 'caerec --help')", buf);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}
