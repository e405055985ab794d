/* caerec_dataset_load_file and caerec_dataset_read_file: read the whole
 * file, parse it into records (parse.c), and only then touch the dataset,
 * so a bad line anywhere leaves it exactly as it was. */
#include "data/parse.h"

#include "common/alloc.h"
#include "common/error.h"
#include "data/cells.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int caerec__read_whole_file(char **out, size_t *out_len, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return caerec__fail(CAEREC_EIO, "%s: cannot open: %s", path,
                            strerror(errno));
    /* A regular file's size sizes the buffer at once (it may still grow if
     * the file grows while being read); pipes and the like start small. */
    size_t len = 0, cap = 1 << 16;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size < SIZE_MAX - 2)
        cap = (size_t)st.st_size + 2;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (cap - len < 2) {
            size_t ncap;
            if (!caerec__mul(cap, 2, &ncap)) {
                free(buf);
                fclose(f);
                return caerec__fail(CAEREC_ETOOBIG, "%s: file too large", path);
            }
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return caerec__fail(CAEREC_ENOMEM,
                                    "%s: out of memory reading %zu bytes", path,
                                    len);
            }
            buf = nb;
            cap = ncap;
        }
        errno = 0;
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            int err = errno;
            if (ferror(f)) {
                free(buf);
                fclose(f);
                return caerec__fail(CAEREC_EIO, "%s: read error: %s", path,
                                    strerror(err ? err : EIO));
            }
            break;
        }
    }
    fclose(f);
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return 0;
}

int caerec__dataset_load_buffer(caerec_dataset *ds, const void *buf, size_t len,
                                caerec_file_format format, const char *name)
{
    caerec__scale scale;
    caerec__records rec;
    caerec__scale_from_dataset(&scale, ds);
    int rc = caerec__parse_ratings(&rec, &scale, buf, len, format, name);
    if (rc)
        return rc;
    rc = caerec__dataset_apply(ds, rec.n, rec.user, rec.item, rec.level,
                               rec.type, name);
    caerec__records_free(&rec);
    return rc;
}

int caerec__dataset_read_buffer(caerec_dataset **out, const void *buf,
                                size_t len, caerec_file_format format,
                                const char *name)
{
    caerec__scale scale;
    caerec__records rec;
    caerec_dataset *ds = NULL;
    caerec__scale_infer(&scale);
    int rc = caerec__parse_ratings(&rec, &scale, buf, len, format, name);
    if (!rc && caerec__scale_finish(&scale, &rec))
        rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", name);
    if (!rc)
        rc = caerec__dataset_new(&ds, scale.levels, scale.n_levels,
                                 (const char *const *)scale.names,
                                 scale.n_types);
    if (!rc)
        rc = caerec__dataset_apply(ds, rec.n, rec.user, rec.item, rec.level,
                                   rec.type, name);
    caerec__records_free(&rec);
    caerec__scale_free(&scale);
    if (rc) {
        caerec_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return 0;
}

CAEREC_API int caerec_dataset_load_file(caerec_dataset *ds, const char *path,
                                        caerec_file_format format)
{
    CAEREC_CHECK_NULL(ds);
    CAEREC_CHECK_NULL(path);
    if ((unsigned)format > CAEREC_FORMAT_DAT)
        return caerec__fail(CAEREC_EINVAL, "%s: unknown file format %d", path,
                            (int)format);
    char *buf;
    size_t len;
    int rc = caerec__read_whole_file(&buf, &len, path);
    if (rc)
        return rc;
    rc = caerec__dataset_load_buffer(ds, buf, len, format, path);
    free(buf);
    return rc;
}

CAEREC_API int caerec_dataset_read_file(caerec_dataset **out, const char *path,
                                        caerec_file_format format)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(path);
    if ((unsigned)format > CAEREC_FORMAT_DAT)
        return caerec__fail(CAEREC_EINVAL, "%s: unknown file format %d", path,
                            (int)format);
    char *buf;
    size_t len;
    int rc = caerec__read_whole_file(&buf, &len, path);
    if (rc)
        return rc;
    rc = caerec__dataset_read_buffer(out, buf, len, format, path);
    free(buf);
    return rc;
}
