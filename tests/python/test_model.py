"""Model: training, prediction, recommendation, fold-in, evaluation,
persistence, errors, lifetime and thread safety."""

import io
import math
import os
import pickle
import tempfile
import threading
import unittest

from support import HAVE_NUMPY, TINY, TestCase, caerec


def synthetic(**kw):
    opts = dict(n_users=60, n_items=40, n_groups=3, mean_per_user=8, seed=11)
    opts.update(kw)
    return caerec.Dataset.synthetic(**opts)


class TrainedModelTest(TestCase):
    """Tests sharing one small trained model."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = synthetic()
        cls.train, cls.test = cls.data.split(0.2, seed=3)
        cls.model = caerec.Model(orientation="user", **TINY).fit(cls.train)
        cls.users = cls.model.user_ids()[:5]
        cls.items = cls.model.item_ids()

    @classmethod
    def tearDownClass(cls):
        cls.model.close()
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_facts(self):
        m = self.model
        self.assertEqual(m.n_users, self.train.n_users)
        self.assertEqual(m.n_items, self.train.n_items)
        self.assertEqual(m.levels, self.data.levels)
        self.assertEqual(m.types, self.data.types)
        self.assertGreater(m.n_params, 0)
        self.assertEqual(m.epoch, TINY["epochs"])
        self.assertEqual(len(m.history), TINY["epochs"])
        self.assertEqual(m.item_id(m.item_index(self.items[3])),
                         self.items[3])
        self.assertEqual(sorted(m.user_ids()), sorted(self.train.user_ids()))
        with m.config as cfg:
            self.assertEqual(cfg["hidden"], TINY["hidden"])
        self.assertIn("users=", repr(m))
        self.assertIsNotNone(m.best)
        self.assertEqual(m.best["epoch"], TINY["epochs"])

    def test_score_names(self):
        for i, name in enumerate(caerec.SCORES):
            self.assertEqual(caerec.score_name(i), name)
            self.assertEqual(caerec.score_from_name(name), i)
        with self.assertRaises(caerec.InvalidArgument):
            caerec.score_from_name("popularity")

    def test_predict_scores_are_consistent(self):
        user = self.users[0]
        p = self.model.predict(user, self.items)
        levels = self.model.levels
        self.assertEqual(set(p), set(caerec.SCORE_KEYS) | {"p_levels"}
                         | {"p_%g" % v for v in levels})
        self.assertAlmostEqual(sum(p["p_sample"]), 1.0, places=4)
        for j in range(len(self.items)):
            probs = p["p_levels"][j]
            self.assertEqual(len(probs), len(levels))
            self.assertEqual(probs, [p["p_%g" % v][j] for v in levels])
            self.assertAlmostEqual(sum(probs), 1.0, places=6)
            self.assertAlmostEqual(
                p["rating"][j], sum(v * q for v, q in zip(levels, probs)),
                places=6)
            self.assertAlmostEqual(p["p_joint"][j],
                                   p["p_sample"][j] * p["p_like"][j],
                                   places=9)
            self.assertAlmostEqual(p["discovery"][j],
                                   p["p_like"][j] * (1 - p["p_consume"][j]),
                                   places=9)
            self.assertTrue(0 <= p["p_consume"][j] <= 1)
        one = self.model.predict_one(user, self.items[2], "like")
        self.assertEqual(one, p["p_like"][2])
        only = self.model.predict([user], [self.items[2]], scores=["rating"],
                                  levels=False)
        self.assertEqual(list(only), ["rating"])
        self.assertEqual(only["rating"][0], p["rating"][2])

    def test_score_all_matches_predict(self):
        user = self.users[1]
        values = self.model.score_all(user, "sample", as_numpy=False)
        p = self.model.predict(user, self.items, scores=["sample"])
        self.assertEqual(len(values), len(self.items))
        for a, b in zip(values, p["p_sample"]):
            self.assertAlmostEqual(a, b, delta=1e-6 + 1e-5 * b)

    @unittest.skipUnless(HAVE_NUMPY, "numpy not installed")
    def test_numpy_and_lists_give_identical_results(self):
        import numpy as np
        users = [u for u in self.users for _ in range(6)]
        items = [self.items[(7 * j) % len(self.items)]
                 for j in range(len(users))]
        a = self.model.predict(users, items)
        b = self.model.predict(np.array(users), np.array(items))
        self.assertEqual(set(a), set(b))
        for key in a:
            self.assertIsInstance(b[key], np.ndarray)
            self.assertEqual(np.asarray(a[key]).tolist(), b[key].tolist(),
                             key)
        recs_l = self.model.recommend(users[0], k=5, deny=items[:3])
        recs_n = self.model.recommend(np.int64(users[0]), k=5,
                                      deny=np.array(items[:3]))
        self.assertEqual(recs_l, recs_n)
        all_n = self.model.score_all(users[0], as_numpy=True)
        self.assertEqual(all_n.dtype, np.float32)

    def test_recommend(self):
        user = self.users[0]
        recs = self.model.recommend(user, k=5)
        self.assertEqual(len(recs), 5)
        scores = [s for _, s in recs]
        self.assertEqual(scores, sorted(scores, reverse=True))
        p = self.model.predict(user, [i for i, _ in recs], scores=["sample"])
        self.assertEqual(scores, p["p_sample"])
        for item, _ in recs:
            self.assertFalse(self.model.seen(user, item))
        seen = [i for i in self.items if self.model.seen(user, i)]
        self.assertTrue(seen)
        with_seen = self.model.recommend(user, k=len(self.items),
                                         exclude_seen=False)
        self.assertEqual(len(with_seen), len(self.items))
        without = self.model.recommend(user, k=len(self.items))
        self.assertEqual(len(without), len(self.items) - len(seen))
        allowed = self.model.recommend(user, k=10, allow=self.items[:4],
                                       exclude_seen=False)
        self.assertEqual(sorted(i for i, _ in allowed),
                         sorted(self.items[:4]))
        self.assertEqual(self.model.recommend(user, k=10, allow=[]), [])
        top = recs[0][0]
        denied = self.model.recommend(user, k=5, deny=[top, 123456789])
        self.assertNotIn(top, [i for i, _ in denied])
        by_like = self.model.recommend(user, k=3, score="p_like")
        like = self.model.predict(user, [i for i, _ in by_like],
                                  scores=["like"])["p_like"]
        self.assertEqual([s for _, s in by_like], like)
        with self.assertRaises(caerec.InvalidArgument):
            self.model.recommend(user, score="popularity")

    def test_recommend_batch_matches_recommend(self):
        batch = self.model.recommend_batch(self.users, k=4, score="joint")
        self.assertEqual(len(batch), len(self.users))
        for user, recs in zip(self.users, batch):
            single = self.model.recommend(user, k=4, score="joint")
            self.assertEqual([i for i, _ in recs], [i for i, _ in single])
            for (_, a), (_, b) in zip(recs, single):
                self.assertAlmostEqual(a, b, delta=1e-6 * max(1, abs(b)))
        with self.assertRaises(caerec.NotFound):
            self.model.recommend_batch([self.users[0], -5], k=3)

    def test_unknown_ids_raise_not_found(self):
        with self.assertRaises(caerec.NotFound) as ctx:
            self.model.recommend(987654321)
        self.assertEqual(ctx.exception.status, -6)
        self.assertIn("987654321", str(ctx.exception))
        with self.assertRaises(caerec.NotFound):
            self.model.predict(self.users[0], [987654321])
        with self.assertRaises(caerec.NotFound):
            self.model.predict_one(987654321, self.items[0])
        with self.assertRaises(caerec.NotFound):
            self.model.item_index(987654321)

    def test_fold_in(self):
        user = self.users[2]
        history = [i for i in self.items if self.model.seen(user, i)]
        ratings = self.model.predict(user, history, scores=["rating"])
        ratings = [min(self.model.levels, key=lambda v: abs(v - r))
                   for r in ratings["rating"]]
        recs, skipped = self.model.recommend_for_history(
            history + [987654321], ratings=ratings + [5.0], k=5,
            return_skipped=True)
        self.assertEqual(skipped, 1)
        self.assertEqual(len(recs), 5)
        self.assertFalse(set(i for i, _ in recs) & set(history))
        scores = [s for _, s in recs]
        self.assertEqual(scores, sorted(scores, reverse=True))
        with self.assertRaises(caerec.InvalidArgument):
            self.model.recommend_for_history(history)  # no types, no ratings
        with self.assertRaises(caerec.RangeError):
            self.model.recommend_for_history(history[:1], ratings=[9.0])

    def test_evaluate(self):
        metrics = self.model.evaluate(self.test, ks=(5, 10))
        for key in ("rmse", "mae", "n_ratings", "skipped", "recall@5",
                    "ndcg@5", "precision@5", "hit_rate@5", "users@5",
                    "recall@10"):
            self.assertIn(key, metrics)
        self.assertGreater(metrics["rmse"], 0)
        self.assertLessEqual(metrics["mae"], metrics["rmse"] + 1e-12)
        self.assertEqual(metrics["n_ratings"] + metrics["skipped"],
                         self.test.n_ratings)
        for k in (5, 10):
            for name in ("recall", "ndcg", "precision", "hit_rate"):
                self.assertTrue(0 <= metrics["%s@%d" % (name, k)] <= 1)
        self.assertGreater(metrics["users@5"], 0)
        self.assertGreaterEqual(metrics["recall@10"], metrics["recall@5"])
        with self.assertRaises(caerec.InvalidArgument):
            self.model.evaluate(self.test, ks=(0,))

    def test_save_load_and_bytes(self):
        path = self.path("m.caerec")
        self.model.save(path)
        expected = self.model.predict(self.users, self.items[:5])
        with caerec.Model.load(path) as loaded:
            self.assertEqual(loaded.predict(self.users, self.items[:5]),
                             expected)
            self.assertEqual(loaded.item_ids(), self.items)
            self.assertEqual(loaded.levels, self.model.levels)
            with self.assertRaises(caerec.StateError):
                loaded.train_epoch()
        self.assertTrue(loaded.closed)
        with self.assertRaises(caerec.StateError):
            loaded.predict(self.users, self.items[:5])
        blob = self.model.to_bytes()
        self.assertIsInstance(blob, bytes)
        with caerec.Model.from_bytes(blob) as copy:
            self.assertEqual(copy.predict(self.users, self.items[:5]),
                             expected)
        with caerec.Model.from_bytes(bytearray(blob)) as copy:
            self.assertEqual(copy.n_items, len(self.items))
        clone = pickle.loads(pickle.dumps(self.model))
        self.assertEqual(clone.recommend(self.users[0], k=3),
                         self.model.recommend(self.users[0], k=3))
        clone.close()

    def test_persistence_errors(self):
        blob = self.model.to_bytes()
        with self.assertRaises(caerec.CorruptModel):
            caerec.Model.from_bytes(blob[:len(blob) // 2])
        with self.assertRaises(caerec.FormatError):
            caerec.Model.from_bytes(b"not a model file at all" * 4)
        with self.assertRaises(caerec.CaerecIOError):
            caerec.Model.load(self.path("no-such-model"))
        with self.assertRaises(caerec.CaerecIOError):
            self.model.save(self.path("no-such-dir/m.caerec"))
        flipped = bytearray(blob)
        flipped[len(flipped) // 2] ^= 0xFF
        with self.assertRaises(caerec.CorruptModel):
            caerec.Model.from_bytes(bytes(flipped))

    def test_concurrent_predictions_agree(self):
        expected = {u: self.model.recommend(u, k=5) for u in self.users}
        errors = []

        def worker():
            try:
                for _ in range(20):
                    for u in self.users:
                        if self.model.recommend(u, k=5) != expected[u]:
                            errors.append("mismatch for %d" % u)
            except Exception as exc:  # pragma: no cover
                errors.append(repr(exc))

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


class TrainingTest(TestCase):
    def test_options_map_to_config_names(self):
        with caerec.Model(l2=0.1, act_out="sigmoid", lr_decay=0.9) as m:
            cfg = m.config
            self.assertEqual((cfg["l2"], cfg["act-out"], cfg["lr_decay"]),
                             (0.1, "sigmoid", 0.9))
        base = caerec.Config(hidden=20)
        m = caerec.Model(base, epochs=2)
        base["hidden"] = 30  # the model keeps its own copy
        self.assertEqual(m.config["hidden"], 20)
        self.assertEqual(caerec.Model({"hidden": 12}).config["hidden"], 12)
        with self.assertRaises(caerec.InvalidArgument):
            caerec.Model(no_such_option=1)
        with self.assertRaises(caerec.StateError):
            caerec.Model().recommend(1)  # not trained

    def test_callback_and_verbose(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5)
        train, valid = data.split(0.2, seed=1)
        reports = []
        out = io.StringIO()
        model = caerec.Model(**dict(TINY, epochs=4))
        model.fit(train, valid, callback=reports.append, verbose=out)
        self.assertEqual([r["epoch"] for r in reports], [1, 2, 3, 4])
        for r in reports:
            self.assertTrue(math.isfinite(r["loss"]))
            self.assertTrue(math.isfinite(r["valid_rmse"]))
            self.assertTrue(math.isfinite(r["valid_ndcg"]))
            self.assertGreaterEqual(r["seconds"], 0)
            self.assertEqual(set(r["train"]),
                             {"sample", "rating", "error", "l2", "total"})
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 4)
        self.assertTrue(lines[0].startswith("epoch   1"))
        self.assertIn("rmse", lines[0])
        # returning True stops after that epoch
        stopped = caerec.Model(**TINY).fit(train, callback=lambda r: True)
        self.assertEqual(stopped.epoch, 1)
        self.assertEqual(len(stopped.history), 1)

        # an exception in the callback stops training and propagates
        def boom(report):
            raise KeyError("from callback")
        with self.assertRaises(KeyError):
            caerec.Model(**TINY).fit(train, callback=boom)

    def test_fit_is_deterministic(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5)
        a = caerec.Model(**TINY).fit(data)
        b = caerec.Model(**TINY).fit(data)
        self.assertEqual(a.to_bytes(), b.to_bytes())

    @unittest.skipUnless(HAVE_NUMPY, "numpy not installed")
    def test_numpy_and_list_datasets_train_identical_models(self):
        import numpy as np
        from support import small_ratings
        users, items, ratings = small_ratings()
        a = caerec.Model(**TINY).fit(caerec.Dataset(users, items, ratings))
        b = caerec.Model(**TINY).fit(caerec.Dataset(
            np.array(users), np.array(items), np.array(ratings)))
        self.assertEqual(a.to_bytes(), b.to_bytes())
        self.assertEqual(a.predict(users[:20], items[:20]),
                         {k: v.tolist() for k, v in b.predict(
                             np.array(users[:20]),
                             np.array(items[:20])).items()})

    def test_manual_steps_and_checkpoint(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        m = caerec.Model(**TINY).prepare(data)
        self.assertEqual(m.epoch, 0)
        losses, ended = m.train_step()
        self.assertEqual(set(losses), {"sample", "rating", "error", "l2",
                                       "total"})
        self.assertTrue(math.isfinite(losses["total"]))
        epoch_losses = m.train_epoch()
        self.assertTrue(math.isfinite(epoch_losses["total"]))
        self.assertEqual(m.epoch, 1)
        path = os.path.join(tmp.name, "ck")
        m.save_checkpoint(path)
        resumed = caerec.Model.load_checkpoint(path)
        m.train_epoch()
        resumed.train_epoch()
        self.assertEqual(resumed.epoch, 2)
        self.assertEqual(resumed.to_bytes(), m.to_bytes())
        loaded = caerec.Model.from_bytes(m.to_bytes())
        with self.assertRaises(caerec.StateError):
            loaded.save_checkpoint(path)

    def test_estimate_memory(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5)
        training, serving = caerec.Model(hidden=16).estimate_memory(data)
        self.assertGreater(training, serving)
        self.assertGreater(serving, 0)
        big, _ = caerec.Model(hidden=16).estimate_memory(data, hidden=64)
        self.assertGreater(big, training)
        with self.assertRaises(caerec.TooBig):
            caerec.Model(hidden=16, max_memory=1000).fit(data)

    def test_implicit_model(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5, n_levels=0)
        with caerec.Model(orientation="user", **TINY).fit(data) as model:
            self.assertEqual(model.levels, ())
            user = model.user_ids()[0]
            p = model.predict(user, model.item_ids()[:3])
            self.assertEqual(set(p), {"p_sample", "p_consume"})
            metrics = model.evaluate(data, ks=(5,))
            self.assertNotIn("rmse", metrics)
            self.assertIn("recall@5", metrics)
            with self.assertRaises(caerec.Unsupported):
                model.predict_one(user, model.item_ids()[0], "rating")
            history = model.item_ids()[:3]
            recs = model.recommend_for_history(history, k=3)
            self.assertEqual(len(recs), 3)

    def test_item_orientation_folds_in(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5)
        with caerec.Model(orientation="item", **TINY).fit(data) as model:
            user = model.user_ids()[0]
            self.assertEqual(len(model.recommend(user, k=3)), 3)
            history = model.item_ids()[:2]
            recs = model.recommend_for_history(history, ratings=[5, 4], k=3)
            self.assertEqual(len(recs), 3)
            # the history is excluded, like a training user's items
            self.assertFalse(set(history) & {item for item, _ in recs})

    def test_close_and_context_manager(self):
        data = synthetic(n_users=30, n_items=20, mean_per_user=5)
        with caerec.Model(**TINY).fit(data) as model:
            self.assertGreater(model.n_items, 0)
        self.assertTrue(model.closed)
        model.close()  # idempotent
        with self.assertRaises(caerec.StateError):
            model.n_items


if __name__ == "__main__":
    unittest.main()
