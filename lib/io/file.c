/* The public persistence functions: model files and checkpoints to and from
 * files and memory. Saving builds the whole image in memory (write.c) and
 * replaces the target atomically; loading reads the whole file with one
 * read and hands the bytes to the parser (read.c), the same one that serves
 * caerec_model_load_buffer. */
#include "caerec.h"
#include "common/error.h"
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* strerror is not thread-safe; the XSI strerror_r is. */
static const char *errtext(int err, char *buf, size_t cap)
{
    if (strerror_r(err, buf, cap) != 0)
        snprintf(buf, cap, "error %d", err);
    return buf;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (w == 0)
            return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Makes the rename durable. Best effort: some file systems refuse to fsync
 * a directory, and the data itself is already on disk by then. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else if ((dir = malloc((size_t)(slash - path) + 1))) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Writes data to "path.tmp.XXXXXX" in the target's directory, syncs it and
 * renames it over path. On any failure the temporary file is removed and
 * whatever was at path is untouched. */
static int atomic_write(const char *path, const unsigned char *data, size_t len)
{
    char eb[128];
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
    if (!tmp)
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory", path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return caerec__fail(CAEREC_EIO,
                            "%s: cannot create a temporary file next to it: %s",
                            path, errtext(err, eb, sizeof eb));
    }
    /* mkstemp makes the file private (0600); a saved model is an ordinary
     * data file. */
    fchmod(fd, 0644);
    const char *step = "write";
    int err = write_all(fd, data, len);
    if (!err && fsync(fd) != 0) {
        err = errno;
        step = "sync";
    }
    if (close(fd) != 0 && !err) {
        err = errno;
        step = "close";
    }
    if (!err && rename(tmp, path) != 0) {
        err = errno;
        step = "rename the temporary file to";
    }
    if (err) {
        unlink(tmp);
        free(tmp);
        return caerec__fail(CAEREC_EIO,
                            "%s: cannot %s it (%zu bytes): %s; the previous "
                            "file, if any, is unchanged",
                            path, step, len, errtext(err, eb, sizeof eb));
    }
    free(tmp);
    sync_parent(path);
    return CAEREC_OK;
}

/* Reads a whole regular file with one read (repeated only if the kernel
 * returns less). *out is malloc'ed; at least 1 byte is allocated. */
static int read_file(const char *path, unsigned char **out, size_t *out_len)
{
    char eb[128];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        int err = errno;
        return caerec__fail(CAEREC_EIO, "%s: cannot open: %s", path,
                            errtext(err, eb, sizeof eb));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = errno;
        close(fd);
        if (err && !S_ISREG(st.st_mode))
            err = 0;
        return caerec__fail(CAEREC_EIO, "%s: %s", path,
                            err ? errtext(err, eb, sizeof eb)
                                : "not a regular file");
    }
    if ((unsigned long long)st.st_size > (unsigned long long)SIZE_MAX - 1) {
        close(fd);
        return caerec__fail(CAEREC_ETOOBIG,
                            "%s: %lld bytes do not fit in memory", path,
                            (long long)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory for %zu bytes",
                            path, size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int err = r < 0 ? errno : 0;
            close(fd);
            free(buf);
            if (!err)
                return caerec__fail(
                    CAEREC_EIO,
                    "%s: the file shrank while being read (%zu of %zu bytes)",
                    path, got, size);
            return caerec__fail(CAEREC_EIO, "%s: read error: %s", path,
                                errtext(err, eb, sizeof eb));
        }
        got += (size_t)r;
    }
    close(fd);
    *out = buf;
    *out_len = size;
    return CAEREC_OK;
}

static int save(const caerec_model *model, const char *path, int checkpoint)
{
    caerec_wbuf w;
    caerec__wb_init(&w);
    int rc = caerec__serialize(model, checkpoint, &w);
    if (rc) {
        char why[400];
        snprintf(why, sizeof why, "%s", caerec_last_error());
        caerec__wb_free(&w);
        return caerec__fail(rc, "%s: %s", path, why);
    }
    rc = atomic_write(path, w.data, w.len);
    caerec__wb_free(&w);
    return rc;
}

/* Refuses a file that does not start with a caerec magic before reading
 * all of it (a multi-gigabyte CSV passed by mistake is not slurped). The
 * parser produces the message from the first bytes. */
static int check_magic(const char *path, int flags)
{
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (!f)
        return CAEREC_OK; /* read_file reports it */
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n == sizeof head && memcmp(head, "CAEREC\0", 7) != 0) {
        caerec_model *unused = NULL;
        return caerec__parse(&unused, head, n, path, flags);
    }
    return CAEREC_OK;
}

static int load(caerec_model **out, const char *path, int flags)
{
    unsigned char *data;
    size_t size;
    int rc = check_magic(path, flags);
    if (!rc)
        rc = read_file(path, &data, &size);
    if (rc)
        return rc;
    rc = caerec__parse(out, data, size, path, flags);
    free(data);
    return rc;
}

CAEREC_API int caerec_model_save(const caerec_model *model, const char *path)
{
    CAEREC_CHECK_NULL(model);
    CAEREC_CHECK_NULL(path);
    return save(model, path, 0);
}

CAEREC_API int caerec_model_load(caerec_model **out, const char *path)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(path);
    return load(out, path, 0);
}

CAEREC_API int caerec_model_save_buffer(const caerec_model *model,
                                        void **out_buffer, size_t *out_size)
{
    CAEREC_CHECK_NULL(model);
    CAEREC_CHECK_NULL(out_buffer);
    CAEREC_CHECK_NULL(out_size);
    caerec_wbuf w;
    caerec__wb_init(&w);
    int rc = caerec__serialize(model, 0, &w);
    if (rc) {
        caerec__wb_free(&w);
        return rc;
    }
    *out_buffer = w.data; /* malloc'ed: caerec_free releases it */
    *out_size = w.len;
    return CAEREC_OK;
}

CAEREC_API int caerec_model_load_buffer(caerec_model **out, const void *buffer,
                                        size_t size)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(buffer);
    return caerec__parse(out, buffer, size, "<buffer>", 0);
}

CAEREC_API int caerec_checkpoint_save(const caerec_model *model,
                                      const char *path)
{
    CAEREC_CHECK_NULL(model);
    CAEREC_CHECK_NULL(path);
    if (!model->train)
        return caerec__fail(
            CAEREC_ESTATE,
            "%s: this model has no training state (it was loaded from a model "
            "file); only a trainable model can be checkpointed",
            path);
    return save(model, path, 1);
}

CAEREC_API int caerec_checkpoint_load(caerec_model **out, const char *path)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(path);
    return load(out, path, CAEREC_PARSE_CHECKPOINT);
}
