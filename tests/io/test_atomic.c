/* Saving is atomic: a failed save (no such directory, a "directory" that is
 * a file, a target that is a directory, a write that fails half-way) leaves
 * the previous file byte-identical and no temporary file behind. Tests run
 * as root in CI, where permissions do not stop writes, so the failures are
 * made with paths and a file size limit instead of chmod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_test_util.h"

static char tmpdir[] = "/tmp/caerec-io-at-XXXXXX";

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_file_is(const char *path, const char *text)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[256] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(buf, text, n);
}

/* Entries of dir other than . and .. whose name contains ".tmp.". */
static int temp_files_in(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static void path_errors(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *m = small_model(&s);
    char path[512], file[256];
    snprintf(path, sizeof path, "%s/no/such/dir/model.cmod", tmpdir);
    assert_int_equal(caerec_model_save(m, path), CAEREC_EIO);
    assert_non_null(strstr(caerec_last_error(), path));
    assert_int_equal(caerec_checkpoint_save(m, path), CAEREC_EIO);
    /* The parent "directory" is a regular file: no temp file can exist. */
    snprintf(file, sizeof file, "%s/plainfile", tmpdir);
    put_file(file, "not a directory\n");
    snprintf(path, sizeof path, "%s/model.cmod", file);
    assert_int_equal(caerec_model_save(m, path), CAEREC_EIO);
    assert_file_is(file, "not a directory\n");
    /* The target is a directory: rename fails, the temp file is removed. */
    snprintf(path, sizeof path, "%s/adir", tmpdir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(caerec_model_save(m, path), CAEREC_EIO);
    assert_non_null(strstr(caerec_last_error(), "unchanged"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(temp_files_in(tmpdir), 0);
    rmdir(path);
    unlink(file);
    caerec_model_free(m);
}

/* A write that fails half-way (file size limit below the model's size)
 * leaves the old file as it was. */
static void failed_write_keeps_old_file(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *m = small_model(&s);
    char path[512];
    snprintf(path, sizeof path, "%s/model.cmod", tmpdir);
    const char *old = "previous model, must survive\n";
    put_file(path, old);

    struct rlimit saved, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = saved;
    lim.rlim_cur = 1000; /* the model is several KB */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc = caerec_model_save(m, path);
    int rc2 = caerec_checkpoint_save(m, path);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, prev);

    assert_int_equal(rc, CAEREC_EIO);
    assert_int_equal(rc2, CAEREC_EIO);
    assert_file_is(path, old);
    assert_int_equal(temp_files_in(tmpdir), 0);

    /* Without the limit the save replaces the file, leaving nothing else. */
    assert_int_equal(caerec_model_save(m, path), CAEREC_OK);
    caerec_model *back = NULL;
    assert_int_equal(caerec_model_load(&back, path), CAEREC_OK);
    assert_int_equal(caerec_model_n_users(back), caerec_model_n_users(m));
    assert_int_equal(temp_files_in(tmpdir), 0);
    caerec_model_free(back);
    unlink(path);
    caerec_model_free(m);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_errors),
        cmocka_unit_test(failed_write_keeps_old_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
