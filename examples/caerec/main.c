/* main.c - the caerec command-line tool: dispatch to subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: caerec <command> [options]\n"
    "\n"
    "A 1x1 convolutional autoencoder recommender for ratings and implicit\n"
    "feedback (libcaerec).\n"
    "\n"
    "commands:\n"
    "  demo        train and evaluate on synthetic data, show recommendations\n"
    "  train       train a model on a ratings file and save it\n"
    "  eval        rating and top-k accuracy of a model on a test file (JSON)\n"
    "  predict     scores of (user, item) pairs (TSV)\n"
    "  recommend   top-k items for users, or for new users from a history "
    "(TSV)\n"
    "  info        sizes, configuration and scale of a model file (JSON)\n"
    "\n"
    "options:\n"
    "  -h, --help      this help; 'caerec <command> --help' for a command\n"
    "  --version       print the library version\n"
    "\n"
    "exit codes: 0 success, 1 other error, 2 usage error, 3 bad input data,\n"
    "            4 bad or incompatible model file\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"demo", cli_cmd_demo},           {"train", cli_cmd_train},
    {"eval", cli_cmd_eval},           {"predict", cli_cmd_predict},
    {"recommend", cli_cmd_recommend}, {"info", cli_cmd_info},
};

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(NULL, "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("caerec %s (libcaerec %s)\n", CAEREC_VERSION_STRING,
               caerec_version_string());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            int code = commands[i].run(argc - 2, argv + 2);
            /* Output that could not be written (full disk, closed pipe) is
             * an error too. */
            if (fflush(stdout) != 0 || ferror(stdout)) {
                if (code == CLI_OK)
                    code = cli_error(CLI_EOTHER, "error writing output");
            }
            return code;
        }
    }
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
