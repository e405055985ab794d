/*
 * cli.h - shared declarations of the caerec command-line tool.
 *
 * The tool uses only the public API (caerec.h). Each subcommand lives in its
 * own cmd_*.c file and returns a process exit code (see cli_exit).
 */
#ifndef CAEREC_CLI_H
#define CAEREC_CLI_H

#include "caerec.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in docs/caerec.md. Scripts rely on them. */
enum cli_exit {
    CLI_OK = 0,
    CLI_EOTHER = 1, /* anything else (memory, divergence, unwritable output) */
    CLI_EUSAGE = 2, /* bad command line */
    CLI_EDATA =
        3, /* bad input data: parse, range, unreadable, empty, unknown id */
    CLI_EMODEL = 4 /* bad or incompatible model file */
};

/* What a failing library call was working on: decides the exit code of
 * CAEREC_EIO and of the other codes (cli_fail). */
enum cli_subject {
    CLI_SUBJECT_DATA,  /* reading a data file (ratings, pairs, ids, history) */
    CLI_SUBJECT_MODEL, /* loading a model or checkpoint file */
    CLI_SUBJECT_OTHER  /* anything else (creating, training, saving) */
};

/* ---- subcommands (cmd_*.c) ------------------------------------------- */

int cli_cmd_demo(int argc, char **argv);
int cli_cmd_train(int argc, char **argv);
int cli_cmd_eval(int argc, char **argv);
int cli_cmd_predict(int argc, char **argv);
int cli_cmd_recommend(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);

/* ---- errors (errors.c) ------------------------------------------------ */

/* Prints "caerec: <caerec_last_error()>" (one line) on stderr and returns
 * the exit code of status for that subject. */
int cli_fail(int status, enum cli_subject subject);

/* Prints "caerec: <formatted message>" (one line) and returns code. */
int cli_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "caerec: <cmd>: <message> (see 'caerec <cmd> --help')" and returns
 * CLI_EUSAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "caerec: warning: <message>" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- command-line arguments (args.c) ---------------------------------- */

/* Walks the arguments of a subcommand: flags "--name value", "--name=value",
 * "-k value" and switches "--name". No positional arguments. */
typedef struct cli_args {
    int argc;
    char **argv;
    int next;                 /* index of the next argument */
    const char *cmd;          /* subcommand name, for messages */
    const char *name;         /* current flag without dashes ("k" for "-k") */
    const char *flag;         /* current flag as typed, without any "=value" */
    const char *inline_value; /* the text after '=' or NULL */
    char name_buf[128];
} cli_args;

void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv);

/* Advances to the next flag. Returns 1 when a flag was read, 0 at the end,
 * CLI_EUSAGE (after printing a message) on a positional argument. */
int cli_args_next(cli_args *a);

/* The value of the current flag (inline or the next argument). Returns NULL
 * after printing a usage message when the value is missing. */
const char *cli_args_value(cli_args *a);

/* Whether the current flag is a switch with an inline value ("--quiet=1"):
 * switches take no value; returns CLI_EUSAGE after a message if one was
 * given, 0 otherwise. */
int cli_args_switch(cli_args *a);

/* Strict number parsing: the whole text must be the number. Return 0 on
 * success, -1 otherwise (no message). */
int cli_parse_i64(const char *text, int64_t *out);
int cli_parse_size(const char *text, size_t *out);   /* non-negative */
int cli_parse_double(const char *text, double *out); /* finite */

/* Parses a flag's value with a usage message naming the flag on error. */
int cli_flag_size(cli_args *a, size_t *out);
int cli_flag_double(cli_args *a, double *out);
int cli_flag_i64(cli_args *a, int64_t *out);

/* "auto", "tsv", "csv", "dat". */
int cli_parse_format(const char *text, caerec_file_format *out);

/* Parses "1,2,3,4,5" or "MIN:MAX:STEP" into levels (capacity
 * CAEREC_MAX_LEVELS). On error writes a message into err. */
int cli_parse_scale(const char *text, double *levels, size_t *n_levels,
                    char *err, size_t err_size);

/* Writes the help text of a command on stdout and returns CLI_OK. */
int cli_print_help(const char *text);

/* ---- data and model loading (load.c) ---------------------------------- */

/* Loads a model file; on error prints the message and returns the exit code
 * (CLI_EMODEL for unreadable/bad files), else CLI_OK. */
int cli_load_model(caerec_model **out, const char *path);
/* The same for a training checkpoint. */
int cli_load_model_checkpoint(caerec_model **out, const char *path);

/* Creates an empty dataset with the model's scale and types and loads a
 * file into it. Returns an exit code as cli_load_model. */
int cli_load_with_model_scale(caerec_dataset **out, const caerec_model *model,
                              const char *path, caerec_file_format format);

/* The same with the scale and types of another dataset. */
int cli_load_with_dataset_scale(caerec_dataset **out,
                                const caerec_dataset *like, const char *path,
                                caerec_file_format format);

/* ---- text input of ids (idfile.c) -------------------------------------- */

/* Reads the lines of a file of ids: each non-blank line holds `n_fields`
 * integer ids (more fields are ignored), separated by blanks, tabs, commas
 * or colons. A first line whose first field is not an integer is a header
 * and skipped. Calls fn for every line; fn returns 0 to go on or an exit
 * code to stop. Errors name file:line. Returns an exit code. */
typedef int (*cli_id_line_fn)(const int64_t *ids, size_t line, void *user);
int cli_read_id_lines(const char *path, size_t n_fields, cli_id_line_fn fn,
                      void *user, size_t *out_lines);

/* ---- score columns shared by predict and recommend (columns.c) ---------- */

/* The score columns of one (user, item): p_sample p_consume rating p_like
 * p_<level>... */
typedef struct cli_columns {
    size_t n_levels;
    double levels[CAEREC_MAX_LEVELS];
    double probs[CAEREC_MAX_LEVELS];
} cli_columns;

void cli_columns_init(cli_columns *c, const caerec_model *model);
/* Writes the tab-separated column names (no leading or trailing tab). */
void cli_columns_header(const cli_columns *c, FILE *out);
/* Writes prefix, then the values for item of the scorer's current user, then
 * a newline. Returns the library status (CAEREC_ENOTFOUND for an unknown
 * item); on error nothing is written. */
int cli_columns_row(cli_columns *c, const caerec_scorer *scorer, int64_t item,
                    const char *prefix, FILE *out);

/* ---- small output helpers (output.c) ------------------------------------ */

/* A number for TSV: "%.6g", or "NA" when not finite. */
void cli_tsv_num(FILE *out, double v);
/* A level value as a column suffix: 1 -> "1", 0.5 -> "0.5". */
void cli_level_text(char *buf, size_t size, double v);

/* A minimal JSON writer: objects and arrays with comma handling; pretty
 * (indented, one member per line) or compact (one line). Non-finite numbers
 * are written as null. */
typedef struct cli_json {
    FILE *out;
    int pretty;
    int depth;
    int count[32]; /* members written at each depth */
} cli_json;

void cli_json_init(cli_json *j, FILE *out, int pretty);
void cli_json_begin_object(cli_json *j, const char *key); /* key NULL at top */
void cli_json_end_object(cli_json *j);
void cli_json_begin_array(cli_json *j, const char *key);
void cli_json_end_array(cli_json *j);
void cli_json_num(cli_json *j, const char *key, double v);
void cli_json_int(cli_json *j, const char *key, int64_t v);
void cli_json_uint(cli_json *j, const char *key, uint64_t v);
void cli_json_str(cli_json *j, const char *key, const char *v);
void cli_json_bool(cli_json *j, const char *key, int v);
void cli_json_null(cli_json *j, const char *key);
/* Ends the top-level value with a newline. */
void cli_json_finish(cli_json *j);

#endif
