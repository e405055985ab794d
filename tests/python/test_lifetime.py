"""Handles are freed: many create/free cycles keep the resident set
bounded; close() and context managers free at once; the garbage collector
frees the rest."""

import gc
import os
import unittest

from support import TestCase, caerec, small_ratings

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


@unittest.skipUnless(os.path.exists("/proc/self/statm"), "needs /proc")
class LeakTest(TestCase):
    CYCLES = 2000

    def assert_bounded(self, cycle, limit_mb):
        for _ in range(100):  # warm up allocator pools and caches
            cycle()
        gc.collect()
        before = rss_bytes()
        for _ in range(self.CYCLES):
            cycle()
        gc.collect()
        grown = rss_bytes() - before
        self.assertLess(grown, limit_mb << 20,
                        "RSS grew by %.1f MiB over %d cycles"
                        % (grown / 2 ** 20, self.CYCLES))

    def test_datasets(self):
        users, items, ratings = small_ratings(n_users=60, per_user=10)

        def cycle():
            with caerec.Dataset(users, items, ratings) as ds:
                train, test = ds.split(0.2, seed=1)
            train.close()
            del test  # left to the garbage collector
        # 600 ratings per dataset, three datasets per cycle: a leak would
        # cost tens of MiB
        self.assert_bounded(cycle, 8)

    def test_models_and_configs(self):
        data = caerec.Dataset.synthetic(n_users=30, n_items=20,
                                        mean_per_user=5, seed=2)
        config = caerec.Config(hidden=16, epochs=1)

        def cycle():
            with caerec.Model(config).prepare(data) as m:
                m.train_step()
            m = caerec.Model(hidden=16).prepare(data)
            del m  # freed by the garbage collector

        self.assert_bounded(cycle, 8)

    def test_loaded_models_and_scorers(self):
        data = caerec.Dataset.synthetic(n_users=30, n_items=20,
                                        mean_per_user=5, seed=2)
        template = caerec.Model(hidden=16, epochs=1, seed=1).fit(data)
        blob = template.to_bytes()
        user = template.user_ids()[0]

        def cycle():
            m = caerec.Model.from_bytes(blob)
            m.recommend(user, k=3)
            m.predict(user, [m.item_id(0)])
            m.to_bytes()  # caerec_free of the saved buffer
            del m  # freed by the garbage collector

        self.assert_bounded(cycle, 8)

    def test_close_is_idempotent_and_del_after_close(self):
        ds = caerec.Dataset([1], [2], [3.0])
        ds.close()
        ds.close()
        del ds
        gc.collect()


if __name__ == "__main__":
    unittest.main()
