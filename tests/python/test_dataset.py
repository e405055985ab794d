"""Dataset: construction from lists, numpy arrays, files and the synthetic
generator; facts, ids, split, clone, error translation."""

import array
import ctypes
import os
import tempfile
import unittest

from support import HAVE_NUMPY, TestCase, caerec, small_ratings, write
from caerec._arrays import as_c_array


class ArraysTest(unittest.TestCase):
    """The C-array conversion, which needs no library."""

    def test_lists_become_c_arrays(self):
        a = as_c_array([1, 2, 2 ** 40], ctypes.c_int64)
        self.assertEqual(a.n, 3)
        self.assertEqual(a.ptr[2], 2 ** 40)
        self.assertFalse(a.zero_copy)
        d = as_c_array((0.5, 1.5), ctypes.c_double)
        self.assertEqual([d.ptr[0], d.ptr[1]], [0.5, 1.5])
        e = as_c_array([], ctypes.c_double)
        self.assertEqual(e.n, 0)
        self.assertFalse(e.ptr)  # NULL for empty input

    def test_integers_are_checked(self):
        with self.assertRaises(TypeError):
            as_c_array([1, 2.5], ctypes.c_int64, "users")
        with self.assertRaises(OverflowError):
            as_c_array([2 ** 64], ctypes.c_int64, "users")
        self.assertEqual(as_c_array([3.0], ctypes.c_int64).ptr[0], 3)

    def test_array_module_input_is_borrowed(self):
        arr = array.array("q", [5, 6])
        a = as_c_array(arr, ctypes.c_int64)
        self.assertIs(a.keep, arr)
        self.assertEqual(ctypes.addressof(a.ptr.contents),
                         arr.buffer_info()[0])

    @unittest.skipUnless(HAVE_NUMPY, "numpy not installed")
    def test_numpy_zero_copy(self):
        import numpy as np
        users = np.arange(10, dtype=np.int64)
        a = as_c_array(users, ctypes.c_int64)
        self.assertTrue(a.zero_copy)
        self.assertEqual(ctypes.addressof(a.ptr.contents), users.ctypes.data)
        values = np.linspace(1, 5, 9)
        self.assertTrue(as_c_array(values, ctypes.c_double).zero_copy)
        # a strided view or another dtype is copied, with the same values
        strided = as_c_array(users[::2], ctypes.c_int64)
        self.assertFalse(strided.zero_copy)
        self.assertEqual([strided.ptr[i] for i in range(5)], [0, 2, 4, 6, 8])
        small = as_c_array(np.array([1, 2], dtype=np.int32), ctypes.c_int64)
        self.assertFalse(small.zero_copy)
        self.assertEqual(small.ptr[1], 2)
        with self.assertRaises(TypeError):
            as_c_array(np.array([1.5]), ctypes.c_int64)
        with self.assertRaises(ValueError):
            as_c_array(np.zeros((2, 2), dtype=np.int64), ctypes.c_int64)


class DatasetTest(TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_from_lists(self):
        users, items, ratings = small_ratings()
        with caerec.Dataset(users, items, ratings) as ds:
            self.assertEqual(ds.n_users, 40)
            self.assertEqual(ds.n_ratings, len(ratings))
            self.assertEqual(ds.n_cells, len(ratings))
            self.assertEqual(len(ds), len(ratings))
            self.assertEqual(ds.levels, (1.0, 2.0, 3.0, 4.0, 5.0))
            self.assertEqual(ds.types, ())
            self.assertEqual(ds.n_items, len(set(items)))
            # dense indices in order of first appearance
            self.assertEqual(ds.user_index(users[0]), 0)
            self.assertEqual(ds.user_id(0), users[0])
            self.assertEqual(ds.item_id(ds.item_index(items[5])), items[5])
            self.assertEqual(ds.user_ids()[:2], [10, 20])
            self.assertEqual(len(ds.item_ids()), ds.n_items)
            self.assertIn("users=40", repr(ds))
        self.assertTrue(ds.closed)
        with self.assertRaises(caerec.InvalidArgument):
            ds.n_users

    def test_typed_and_implicit(self):
        ds = caerec.Dataset([1, 1, 2], [5, 6, 5],
                            types=["view", "click", "view"])
        self.assertEqual(ds.types, ("view", "click"))
        self.assertEqual(ds.n_typed("view"), 2)
        self.assertEqual(ds.n_typed(1), 1)
        self.assertEqual(ds.n_typed(7), 0)
        self.assertEqual(ds.n_ratings, 0)
        ds.add_interaction(3, 6, "click")
        ds.add_interactions([4], [7], ["view"])
        self.assertEqual(ds.n_users, 4)
        with self.assertRaises(caerec.NotFound):
            ds.add_interaction(3, 6, "buy")
        with self.assertRaises(caerec.RangeError):
            ds.add_interactions([1], [2], [5])  # type index out of range
        with self.assertRaises(caerec.RangeError):
            ds.add_rating(1, 2, 3.0)  # no scale
        implicit = caerec.Dataset([1, 2], [3, 4])
        self.assertEqual(implicit.types, ("interaction",))
        self.assertEqual(implicit.n_typed(0), 2)
        mixed = caerec.Dataset([1, 2], [3, 4], [4.0, 5.0], types=[0, 0],
                               type_names=["view"], levels=[1, 2, 3, 4, 5])
        self.assertEqual((mixed.n_ratings, mixed.n_typed("view"),
                          mixed.n_cells), (2, 2, 2))

    def test_add_is_all_or_nothing(self):
        ds = caerec.Dataset.empty(levels=[1, 2, 3])
        ds.add_rating(1, 1, 2)
        with self.assertRaises(caerec.RangeError) as ctx:
            ds.add_ratings([1, 2, 3], [2, 3, 4], [1.0, 2.0, 7.0])
        self.assertIn("2", ctx.exception.message)  # names the bad index
        self.assertEqual(ds.n_ratings, 1)
        with self.assertRaises(caerec.InvalidArgument):
            ds.add_ratings([1, 2], [2], [1.0, 2.0])
        with self.assertRaises(caerec.RangeError):
            ds.add_rating(1, 1, float("nan"))

    @unittest.skipUnless(HAVE_NUMPY, "numpy not installed")
    def test_numpy_matches_lists(self):
        import numpy as np
        users, items, ratings = small_ratings()
        a = caerec.Dataset(users, items, ratings)
        b = caerec.Dataset(np.array(users), np.array(items),
                           np.array(ratings))
        c = caerec.Dataset(np.array(users, dtype=np.int32),
                           np.array(items, dtype=np.uint16),
                           np.array(ratings, dtype=np.float32))
        for ds in (b, c):
            self.assertEqual((ds.n_users, ds.n_items, ds.n_ratings,
                              ds.levels),
                             (a.n_users, a.n_items, a.n_ratings, a.levels))
            self.assertEqual(ds.item_ids(), a.item_ids())
        ids = b.user_ids(as_numpy=True)
        self.assertIsInstance(ids, np.ndarray)
        self.assertEqual(ids.dtype, np.int64)

    def test_from_file_formats(self):
        rows = [(1, 10, 5, 100), (1, 11, 3, 101), (2, 10, 4, 102),
                (2, 12, 1, 103)]
        tsv = write(self.path("u.data"), "".join(
            "%d\t%d\t%d\t%d\n" % r for r in rows))
        csv = write(self.path("ratings.csv"), "userId,movieId,rating,ts\n"
                    + "".join("%d,%d,%d.0,%d\r\n" % r for r in rows))
        dat = write(self.path("ratings.dat"), "".join(
            "%d::%d::%d::%d\n" % r for r in rows))
        for path, fmt in ((tsv, "auto"), (csv, "csv"), (dat, "DAT"),
                          (dat, "auto"), (csv, 2)):
            with caerec.Dataset.from_file(path, format=fmt) as ds:
                self.assertEqual((ds.n_users, ds.n_items, ds.n_ratings),
                                 (2, 3, 4), path)
                self.assertEqual(ds.levels, (1.0, 3.0, 4.0, 5.0))
        with caerec.Dataset.from_file(tsv, scale=[1, 2, 3, 4, 5]) as ds:
            self.assertEqual(ds.levels, (1.0, 2.0, 3.0, 4.0, 5.0))
            ds.load_file(dat)  # same cells again: merge
            self.assertEqual(ds.n_ratings, 4)
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Dataset.from_file(tsv, format="xml")

    def test_file_errors(self):
        bad = write(self.path("bad.tsv"), "1\t2\t5\n1\tx\t3\n")
        with self.assertRaises(caerec.ParseError) as ctx:
            caerec.Dataset.from_file(bad)
        self.assertIn("bad.tsv:2", str(ctx.exception))
        self.assertEqual(ctx.exception.status, -4)
        with self.assertRaises(caerec.CaerecIOError) as ctx:
            caerec.Dataset.from_file(self.path("missing.tsv"))
        self.assertIn("missing.tsv", str(ctx.exception))
        self.assertIsInstance(ctx.exception, OSError)
        empty = write(self.path("empty.tsv"), "\n\n")
        with self.assertRaises(caerec.EmptyError):
            caerec.Dataset.from_file(empty)
        off = write(self.path("off.tsv"), "1\t2\t5\n1\t3\t7\n")
        with self.assertRaises(caerec.RangeError) as ctx:
            caerec.Dataset.from_file(off, scale=[1, 2, 3, 4, 5])
        self.assertIn("off.tsv:2", str(ctx.exception))
        # all or nothing: a failed load leaves the dataset as it was
        ds = caerec.Dataset.empty([1, 2, 3, 4, 5])
        with self.assertRaises(caerec.RangeError):
            ds.load_file(off)
        self.assertEqual(ds.n_cells, 0)

    def test_synthetic(self):
        ds = caerec.Dataset.synthetic(n_users=50, n_items=30,
                                      mean_per_user=6, n_levels=4, seed=5)
        self.assertEqual(ds.levels, (1.0, 2.0, 3.0, 4.0))
        self.assertLessEqual(ds.n_users, 50)
        self.assertLessEqual(ds.n_items, 30)
        self.assertGreater(ds.n_ratings, 50)
        again = caerec.Dataset.synthetic(n_users=50, n_items=30,
                                         mean_per_user=6, n_levels=4, seed=5)
        self.assertEqual((again.n_ratings, again.item_ids()),
                         (ds.n_ratings, ds.item_ids()))
        implicit = caerec.Dataset.synthetic(n_users=20, n_items=10,
                                            mean_per_user=3, n_levels=0)
        self.assertEqual(implicit.levels, ())
        with self.assertRaises(TypeError):
            caerec.Dataset.synthetic(n_user=5)
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Dataset.synthetic(n_items=10, mean_per_user=20)
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Dataset.synthetic(affinity=0.5)

    def test_split_and_clone(self):
        users, items, ratings = small_ratings()
        ds = caerec.Dataset(users, items, ratings)
        train, test = ds.split(0.25, seed=9)
        self.assertEqual(train.n_cells + test.n_cells, ds.n_cells)
        self.assertEqual(test.n_cells, 40 * 2)  # round(0.25 * 8) per user
        self.assertEqual(train.levels, ds.levels)
        train2, test2 = ds.split(0.25, seed=9)
        self.assertEqual(test2.item_ids(), test.item_ids())
        with self.assertRaises(caerec.InvalidArgument):
            ds.split(1.0)
        copy = ds.copy()
        ds.add_rating(999, 1, 5)
        self.assertEqual(copy.n_users, 40)
        self.assertEqual(ds.n_users, 41)

    def test_lookup_errors(self):
        ds = caerec.Dataset([1], [2], [3.0])
        with self.assertRaises(caerec.NotFound):
            ds.user_index(77)
        with self.assertRaises(caerec.NotFound):
            ds.item_id(5)
        with self.assertRaises(LookupError):  # NotFound is a LookupError
            ds.item_index(77)

    def test_bad_scale(self):
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Dataset.empty()  # K + T == 0
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Dataset.empty(type_names=["a", "a"])
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Dataset.empty(levels=[1, float("inf")])


if __name__ == "__main__":
    unittest.main()
