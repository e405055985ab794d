/* Interaction files: every format, header lines, CRLF, BOM, missing final
 * newline, typed and two-column lines, each error with its code and its
 * "PATH:LINE: problem `text`" message, all-or-nothing loading, and scale
 * inference by caerec_dataset_read_file. */
#include "data_test_util.h"

#include "data/parse.h"

#include <errno.h>
#include <sys/stat.h>

static const double five[] = {1, 2, 3, 4, 5};
static const char *const vc[] = {"view", "click"};

static caerec_dataset *make(void)
{
    caerec_dataset *ds = NULL;
    assert_int_equal(caerec_dataset_create(&ds, five, 5, vc, 2), CAEREC_OK);
    return ds;
}

/* Loads text into a fresh 1..5 + view/click dataset; returns the status
 * and the dataset through *out (freed by the caller). */
static int load_text(caerec_dataset **out, const char *text,
                     caerec_file_format fmt)
{
    caerec_dataset *ds = make();
    int rc = caerec_dataset_load_file(ds, tmp_write_str("in.txt", text), fmt);
    *out = ds;
    return rc;
}

static void assert_rating(const caerec_dataset *ds, int64_t u, int64_t i,
                          int level)
{
    int l;
    uint32_t t;
    assert_true(find_cell(ds, u, i, &l, &t));
    assert_int_equal(l, level);
}

static void assert_types(const caerec_dataset *ds, int64_t u, int64_t i,
                         uint32_t mask)
{
    int l;
    uint32_t t;
    assert_true(find_cell(ds, u, i, &l, &t));
    assert_int_equal(t, mask);
}

/* The message names the file, the line and the offending text. */
static void assert_message(const char *line_tag, const char *text)
{
    const char *m = caerec_last_error();
    assert_non_null(strstr(m, tmp_dir));
    assert_non_null(strstr(m, line_tag));
    assert_non_null(strstr(m, text));
}

static void test_udata(void **state)
{
    (void)state;
    caerec_dataset *ds;
    const char *text = "196\t242\t3\t881250949\n"
                       "186\t302\t3\t891717742\n"
                       "22\t377\t1\t878887116\n"
                       "196\t377\t5\t881250949\n";
    assert_int_equal(load_text(&ds, text, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_users(ds), 3);
    assert_int_equal(caerec_dataset_n_items(ds), 3);
    assert_int_equal(caerec_dataset_n_ratings(ds), 4);
    assert_rating(ds, 196, 242, 2);
    assert_rating(ds, 22, 377, 0);
    assert_rating(ds, 196, 377, 4);
    caerec_dataset_free(ds);
    /* explicit TSV, space separated, runs of blanks */
    assert_int_equal(
        load_text(&ds, "1  2 \t 4\n  3 4 5 77 extra\n", CAEREC_FORMAT_TSV), 0);
    assert_rating(ds, 1, 2, 3);
    assert_rating(ds, 3, 4, 4);
    caerec_dataset_free(ds);
}

static void test_dat(void **state)
{
    (void)state;
    caerec_dataset *ds;
    const char *text = "1::1193::5::978300760\n"
                       "1::661::3::978302109\n"
                       "2::1193::4::978298413\n";
    assert_int_equal(load_text(&ds, text, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_ratings(ds), 3);
    assert_rating(ds, 1, 1193, 4);
    assert_rating(ds, 2, 1193, 3);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, text, CAEREC_FORMAT_DAT), 0);
    assert_int_equal(caerec_dataset_n_ratings(ds), 3);
    caerec_dataset_free(ds);
}

static void test_csv_header_crlf_bom(void **state)
{
    (void)state;
    caerec_dataset *ds;
    const char *text = "\xef\xbb\xbfuserId,movieId,rating,timestamp\r\n"
                       "1,31,2.0,1260759144\r\n"
                       "\r\n"
                       "   \r\n"
                       "1, 1029 ,3,1260759179\r\n"
                       "\"2\",\"10\",\"5\"\r\n"
                       "2,10,click"; /* no final newline */
    assert_int_equal(load_text(&ds, text, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_cells(ds), 3);
    assert_int_equal(caerec_dataset_n_ratings(ds), 3);
    assert_rating(ds, 1, 31, 1);
    assert_rating(ds, 1, 1029, 2);
    assert_rating(ds, 2, 10, 4);
    assert_types(ds, 2, 10, 2);
    caerec_dataset_free(ds);
    /* header detection works for each format */
    assert_int_equal(
        load_text(&ds, "user\titem\trating\n5\t6\t1\n", CAEREC_FORMAT_AUTO), 0);
    assert_rating(ds, 5, 6, 0);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "u::i::r\n5::6::1\n", CAEREC_FORMAT_DAT),
                     0);
    assert_rating(ds, 5, 6, 0);
    caerec_dataset_free(ds);
    /* only the first line may be a header */
    assert_int_equal(
        load_text(&ds, "1,2,3\nuser,item,rating\n", CAEREC_FORMAT_AUTO),
        CAEREC_EPARSE);
    assert_message(":2:", "user");
    caerec_dataset_free(ds);
}

static void test_typed_and_two_column(void **state)
{
    (void)state;
    caerec_dataset *ds;
    const char *text = "1,2,view\n"
                       "1,2,click,123\n"
                       "1,2,4\n"
                       "1,2,2\n" /* last write wins */
                       "3,4\n"   /* type 0 */
                       "5,6,click\n"
                       "5,6\n";
    assert_int_equal(load_text(&ds, text, CAEREC_FORMAT_CSV), 0);
    assert_int_equal(caerec_dataset_n_cells(ds), 3);
    assert_int_equal(caerec_dataset_n_ratings(ds), 1);
    assert_int_equal(caerec_dataset_n_typed(ds, 0), 3);
    assert_int_equal(caerec_dataset_n_typed(ds, 1), 2);
    assert_rating(ds, 1, 2, 1);
    assert_types(ds, 1, 2, 3);
    assert_types(ds, 3, 4, 1);
    assert_rating(ds, 3, 4, CAEREC_NO_LEVEL);
    assert_types(ds, 5, 6, 3);
    caerec_dataset_free(ds);
    /* loading appends to existing data, merging into existing cells */
    ds = make();
    assert_int_equal(caerec_dataset_add_rating(ds, 3, 4, 5), 0);
    assert_int_equal(caerec_dataset_load_file(ds, tmp_write_str("a.csv", text),
                                              CAEREC_FORMAT_AUTO),
                     0);
    assert_rating(ds, 3, 4, 4);
    assert_types(ds, 3, 4, 1);
    caerec_dataset_free(ds);
}

/* The value column decides rating vs type; a two-column line needs a
 * declared type. */
static void test_value_errors(void **state)
{
    (void)state;
    caerec_dataset *ds;
    assert_int_equal(load_text(&ds, "1,2,3\n1,3,3.5\n", CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_message(":2:", "`3.5`");
    assert_int_equal(caerec_dataset_n_cells(ds), 0);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1,2,nan\n", CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_message(":1:", "`nan`");
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1\t2\tinf\n", CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1\t2\t1e999\n", CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1,2,purchase\n", CAEREC_FORMAT_AUTO),
                     CAEREC_ENOTFOUND);
    assert_message(":1:", "`purchase`");
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1,2,\n", CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    caerec_dataset_free(ds);

    /* no types declared: two-column lines and names fail */
    caerec_dataset *explicit = NULL;
    assert_int_equal(caerec_dataset_create(&explicit, five, 5, NULL, 0), 0);
    assert_int_equal(caerec_dataset_load_file(explicit,
                                              tmp_write_str("b", "1,2\n"),
                                              CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    assert_message(":1:", "`1,2`");
    assert_int_equal(caerec_dataset_load_file(explicit,
                                              tmp_write_str("b", "1,2,view"),
                                              CAEREC_FORMAT_AUTO),
                     CAEREC_ENOTFOUND);
    caerec_dataset_free(explicit);
    /* no scale: numbers fail */
    caerec_dataset *implicit = NULL;
    assert_int_equal(caerec_dataset_create(&implicit, NULL, 0, vc, 2), 0);
    assert_int_equal(caerec_dataset_load_file(implicit,
                                              tmp_write_str("b", "1,2,4\n"),
                                              CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_int_equal(caerec_dataset_load_file(implicit,
                                              tmp_write_str("b", "1,2\n"),
                                              CAEREC_FORMAT_AUTO),
                     0);
    assert_types(implicit, 1, 2, 1);
    caerec_dataset_free(implicit);
}

static void test_line_errors(void **state)
{
    (void)state;
    caerec_dataset *ds;
    /* too few fields */
    assert_int_equal(load_text(&ds, "1,2,3\n\n17\n", CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    assert_message(":3:", "`17`");
    caerec_dataset_free(ds);
    /* ids that are not integers */
    assert_int_equal(load_text(&ds, "1,2,3\nx1,2,3\n", CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    assert_message(":2:", "`x1`");
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1,2.5,3\n", CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    assert_message(":1:", "item id");
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1,-,3\n", CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    caerec_dataset_free(ds);
    /* id overflow; the extremes themselves load */
    assert_int_equal(
        load_text(&ds, "9223372036854775808,1,3\n", CAEREC_FORMAT_AUTO),
        CAEREC_ERANGE);
    assert_message(":1:", "9223372036854775808");
    caerec_dataset_free(ds);
    assert_int_equal(
        load_text(&ds, "1,-9223372036854775809,3\n", CAEREC_FORMAT_AUTO),
        CAEREC_ERANGE);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds,
                               "1,2,3\n1,"
                               "99999999999999999999999999999999999999999999"
                               "99999999999999999999,3\n",
                               CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_message(":2:", "..."); /* long text is cut */
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds,
                               "9223372036854775807,-9223372036854775808,1\n"
                               "+5,-0,2\n",
                               CAEREC_FORMAT_AUTO),
                     0);
    assert_rating(ds, INT64_MAX, INT64_MIN, 0);
    assert_rating(ds, 5, 0, 1);
    caerec_dataset_free(ds);
    /* explicit format that does not match the file */
    assert_int_equal(load_text(&ds, "1\t2\t3\n", CAEREC_FORMAT_CSV),
                     CAEREC_EPARSE);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "1,2,3\n", CAEREC_FORMAT_DAT),
                     CAEREC_EPARSE);
    caerec_dataset_free(ds);
}

static void test_empty_and_io(void **state)
{
    (void)state;
    caerec_dataset *ds;
    assert_int_equal(load_text(&ds, "", CAEREC_FORMAT_AUTO), CAEREC_EEMPTY);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "\n\r\n  \n", CAEREC_FORMAT_AUTO),
                     CAEREC_EEMPTY);
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "user,item,rating\n", CAEREC_FORMAT_AUTO),
                     CAEREC_EEMPTY);
    assert_non_null(strstr(caerec_last_error(), "no data"));
    caerec_dataset_free(ds);
    assert_int_equal(load_text(&ds, "\xef\xbb\xbf", CAEREC_FORMAT_AUTO),
                     CAEREC_EEMPTY);
    caerec_dataset_free(ds);

    ds = make();
    char missing[600];
    snprintf(missing, sizeof missing, "%s/does-not-exist.csv", tmp_dir);
    assert_int_equal(caerec_dataset_load_file(ds, missing, CAEREC_FORMAT_AUTO),
                     CAEREC_EIO);
    assert_non_null(strstr(caerec_last_error(), missing));
    assert_non_null(strstr(caerec_last_error(), strerror(ENOENT)));
    caerec_dataset *out = (caerec_dataset *)0x1;
    assert_int_equal(
        caerec_dataset_read_file(&out, missing, CAEREC_FORMAT_AUTO),
        CAEREC_EIO);
    assert_ptr_equal(out, (caerec_dataset *)0x1);
    /* a directory cannot be read */
    assert_int_equal(caerec_dataset_load_file(ds, tmp_dir, CAEREC_FORMAT_AUTO),
                     CAEREC_EIO);
    assert_non_null(strstr(caerec_last_error(), strerror(EISDIR)));
    /* argument errors */
    const char *p = tmp_write_str("ok", "1,2,3\n");
    assert_int_equal(caerec_dataset_load_file(NULL, p, CAEREC_FORMAT_AUTO),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_load_file(ds, NULL, CAEREC_FORMAT_AUTO),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_load_file(ds, p, (caerec_file_format)4),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_load_file(ds, p, (caerec_file_format)-1),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_read_file(NULL, p, CAEREC_FORMAT_AUTO),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_read_file(&out, NULL, CAEREC_FORMAT_AUTO),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_read_file(&out, p, (caerec_file_format)9),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_dataset_n_cells(ds), 0);
    caerec_dataset_free(ds);
}

/* A bad last line of a long file leaves the dataset as it was. */
static void test_load_all_or_nothing(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    assert_int_equal(caerec_dataset_add_rating(ds, 1, 1, 2), 0);
    assert_int_equal(caerec_dataset_add_interaction(ds, 2, 1, 1), 0);
    caerec_dataset *before = NULL;
    assert_int_equal(caerec_dataset_clone(&before, ds), 0);
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    for (int e = 0; e < 20000; e++)
        len += (size_t)snprintf(text + len, cap - len, "%d,%d,%d\n", e % 300,
                                e % 211 + (e % 7 == 0 ? 0 : 1000), 1 + e % 5);
    const char *bad[] = {"5,5,6\n", "5,5,like\n", "5,x,1\n", "5\n",
                         "5,99999999999999999999,1\n"};
    int codes[] = {CAEREC_ERANGE, CAEREC_ENOTFOUND, CAEREC_EPARSE,
                   CAEREC_EPARSE, CAEREC_ERANGE};
    for (size_t b = 0; b < 5; b++) {
        size_t l = len + (size_t)snprintf(text + len, cap - len, "%s", bad[b]);
        const char *p = tmp_write("big.csv", text, l);
        assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO),
                         codes[b]);
        assert_message(":20001:", "`");
        assert_same_dataset(ds, before);
    }
    const char *p = tmp_write("big.csv", text, len);
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO), 0);
    assert_true(caerec_dataset_n_users(ds) > 200);
    free(text);
    caerec_dataset_free(before);
    caerec_dataset_free(ds);
}

/* Very long lines, NUL bytes, odd bytes. */
static void test_odd_bytes(void **state)
{
    (void)state;
    caerec_dataset *ds;
    size_t n = 3 << 20;
    char *text = malloc(n + 64);
    memcpy(text, "1,2,3,", 6);
    memset(text + 6, 'z', n);
    memcpy(text + 6 + n, "\n4,5,1\n", 7);
    const char *p = tmp_write("long.csv", text, n + 13);
    ds = make();
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_ratings(ds), 2);
    caerec_dataset_free(ds);
    /* a huge value field: cut in the message */
    memcpy(text, "1,2,", 4);
    memset(text + 4, '7', n);
    p = tmp_write("long.csv", text, n + 4);
    ds = make();
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_true(strlen(caerec_last_error()) < 400);
    caerec_dataset_free(ds);
    free(text);

    static const char nul_value[] = "1,2,3\n1,3,vi\0ew\n";
    ds = make();
    p = tmp_write("nul.csv", nul_value, sizeof nul_value - 1);
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE);
    assert_message(":2:", "vi\\x00ew");
    assert_int_equal(caerec_dataset_n_cells(ds), 0);
    caerec_dataset_free(ds);
    /* (on line 1 it would be taken for a header line) */
    static const char nul_id[] = "1,2,3\n1\0,2,3\n";
    ds = make();
    p = tmp_write("nul.csv", nul_id, sizeof nul_id - 1);
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_CSV),
                     CAEREC_EPARSE);
    assert_message(":2:", "`1\\x00`");
    caerec_dataset_free(ds);
    static const char nul_extra[] = "1,2,3,\0\0\xff\n";
    ds = make();
    p = tmp_write("nul.csv", nul_extra, sizeof nul_extra - 1);
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO), 0);
    assert_rating(ds, 1, 2, 2);
    caerec_dataset_free(ds);
    /* a lone CR inside a line is not a line break */
    ds = make();
    p = tmp_write_str("cr.csv", "1,2,3\r4,5,1\n");
    assert_int_equal(caerec_dataset_load_file(ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_EPARSE); /* value `3\r4`: a control character */
    assert_message(":1:", "3\\x0d4");
    caerec_dataset_free(ds);
}

/* read_file infers the scale: sorted distinct numbers, names in order of
 * first appearance. */
static void test_read_file_inference(void **state)
{
    (void)state;
    caerec_dataset *ds = NULL;
    const char *p = tmp_write_str("inf.csv", "user,item,value\n"
                                             "1,10,4.5\n"
                                             "1,11,click\n"
                                             "2,10,0.5\n"
                                             "2,12,view\n"
                                             "3,10,4.5\n"
                                             "3,11,2\n"
                                             "3,13,click\n"
                                             "4,10\n");
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO), 0);
    double lv[8];
    assert_int_equal(caerec_dataset_levels(ds, lv, 8), 3);
    assert_true(lv[0] == 0.5 && lv[1] == 2 && lv[2] == 4.5);
    assert_int_equal(caerec_dataset_n_types(ds), 2);
    assert_string_equal(caerec_dataset_type_name(ds, 0), "click");
    assert_string_equal(caerec_dataset_type_name(ds, 1), "view");
    assert_rating(ds, 1, 10, 2);
    assert_rating(ds, 2, 10, 0);
    assert_rating(ds, 3, 11, 1);
    assert_types(ds, 1, 11, 1);
    assert_types(ds, 2, 12, 2);
    assert_types(ds, 4, 10, 1); /* two columns: type 0 */
    assert_int_equal(caerec_dataset_n_ratings(ds), 4);
    assert_int_equal(caerec_dataset_n_typed(ds, 0), 3);
    caerec_dataset_free(ds);

    /* only user-item pairs: one type named "interaction" */
    p = tmp_write_str("pairs.tsv", "1 2\n3 4\n1 2\n");
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_levels(ds), 0);
    assert_int_equal(caerec_dataset_n_types(ds), 1);
    assert_string_equal(caerec_dataset_type_name(ds, 0), "interaction");
    assert_int_equal(caerec_dataset_n_typed(ds, 0), 2);
    caerec_dataset_free(ds);

    /* values equal within the tolerance are one level */
    p = tmp_write_str("tol.dat", "1::2::3\n1::3::3.0000000001\n2::2::3e0\n");
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_levels(ds), 1);
    assert_int_equal(caerec_dataset_n_types(ds), 0);
    caerec_dataset_free(ds);
}

static void test_read_file_limits(void **state)
{
    (void)state;
    caerec_dataset *ds = (caerec_dataset *)0x1;
    char text[4096];
    size_t len = 0;
    for (int v = 0; v < CAEREC_MAX_LEVELS; v++)
        len +=
            (size_t)snprintf(text + len, sizeof text - len, "1,%d,%d\n", v, v);
    const char *p = tmp_write("levels.csv", text, len);
    caerec_dataset *ok = NULL;
    assert_int_equal(caerec_dataset_read_file(&ok, p, CAEREC_FORMAT_AUTO), 0);
    assert_int_equal(caerec_dataset_n_levels(ok), CAEREC_MAX_LEVELS);
    caerec_dataset_free(ok);
    len += (size_t)snprintf(text + len, sizeof text - len, "1,99,-1\n");
    p = tmp_write("levels.csv", text, len);
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_message(":65:", "`-1`");
    assert_ptr_equal(ds, (caerec_dataset *)0x1);

    len = 0;
    for (int t = 0; t <= CAEREC_MAX_TYPES; t++)
        len +=
            (size_t)snprintf(text + len, sizeof text - len, "1,%d,t%d\n", t, t);
    p = tmp_write("types.csv", text, len);
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_message(":33:", "`t32`");
    assert_ptr_equal(ds, (caerec_dataset *)0x1);
    /* read_file reports line errors like load_file */
    p = tmp_write_str("bad.csv", "1,2,3\n1,2,nan\n");
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_ERANGE);
    assert_message(":2:", "nan");
    p = tmp_write_str("bad.csv", "");
    assert_int_equal(caerec_dataset_read_file(&ds, p, CAEREC_FORMAT_AUTO),
                     CAEREC_EEMPTY);
    assert_ptr_equal(ds, (caerec_dataset *)0x1);
}

/* The buffer entry points used by the fuzzer, and names in messages. */
static void test_buffers(void **state)
{
    (void)state;
    caerec_dataset *ds = make();
    const char text[] = "1\t2\t5";
    assert_int_equal(caerec__dataset_load_buffer(ds, text, sizeof text - 1,
                                                 CAEREC_FORMAT_AUTO, "<mem>"),
                     0);
    assert_rating(ds, 1, 2, 4);
    assert_int_equal(
        caerec__dataset_load_buffer(ds, text, 0, CAEREC_FORMAT_AUTO, "<mem>"),
        CAEREC_EEMPTY);
    assert_non_null(strstr(caerec_last_error(), "<mem>"));
    caerec_dataset *r = NULL;
    /* "1\t2\t": the trailing blank is trimmed, a two-column line */
    assert_int_equal(
        caerec__dataset_read_buffer(&r, text, 4, CAEREC_FORMAT_AUTO, "<mem>"),
        0);
    assert_int_equal(caerec_dataset_n_types(r), 1);
    assert_int_equal(caerec_dataset_n_typed(r, 0), 1);
    caerec_dataset_free(r);
    r = (caerec_dataset *)0x1;
    assert_int_equal(caerec__dataset_read_buffer(&r, "x\n\n", 3,
                                                 CAEREC_FORMAT_AUTO, "<mem>"),
                     CAEREC_EEMPTY);
    assert_ptr_equal(r, (caerec_dataset *)0x1);
    caerec_dataset_free(ds);
}

static int setup(void **state)
{
    (void)state;
    tmp_setup();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmp_teardown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udata),
        cmocka_unit_test(test_dat),
        cmocka_unit_test(test_csv_header_crlf_bom),
        cmocka_unit_test(test_typed_and_two_column),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_line_errors),
        cmocka_unit_test(test_empty_and_io),
        cmocka_unit_test(test_load_all_or_nothing),
        cmocka_unit_test(test_odd_bytes),
        cmocka_unit_test(test_read_file_inference),
        cmocka_unit_test(test_read_file_limits),
        cmocka_unit_test(test_buffers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
