"""The accuracy harness (examples/accuracy) computes the figures of
docs/results.md; these tests check its pieces against brute-force
definitions and against the library, on small data built here (the real
datasets are never needed)."""
import os
import subprocess
import sys
import tempfile
import unittest

from support import HAVE_NUMPY, ROOT, TINY, TestCase, caerec

ACCURACY = os.path.join(ROOT, "examples", "accuracy")
sys.path.insert(0, ACCURACY)

if HAVE_NUMPY:
    import numpy as np
    import common
    import discovery
    import replay_stop


def brute_auc(score, positive):
    """P(score of a random positive > that of a random negative), ties 1/2."""
    pos = [s for s, p in zip(score, positive) if p]
    neg = [s for s, p in zip(score, positive) if not p]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0
               for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


def brute_topk(scores, train, test, k):
    """Recall@k and NDCG@k of evaluation.md, one user at a time."""
    recall, ndcg, users = 0.0, 0.0, 0
    for u in range(scores.shape[0]):
        relevant = set(np.nonzero(test[u])[0].tolist())
        if not relevant:
            continue
        users += 1
        ranked = sorted((i for i in range(scores.shape[1]) if not train[u, i]),
                        key=lambda i: (-scores[u, i], i))[:k]
        hits = [1.0 if i in relevant else 0.0 for i in ranked]
        n = min(k, len(relevant))
        recall += sum(hits) / n
        dcg = sum(h / np.log2(r + 2) for r, h in enumerate(hits))
        ndcg += dcg / sum(1.0 / np.log2(r + 2) for r in range(n))
    return recall / users, ndcg / users


def random_triples(rng, n_users, n_items, per_user):
    users, items = [], []
    for u in range(n_users):
        chosen = rng.choice(n_items, size=per_user, replace=False)
        users += [100 + u] * per_user
        items += (1000 + chosen).tolist()
    ratings = rng.randint(1, 6, size=len(users)).astype(np.float64)
    return (np.array(users, dtype=np.int64), np.array(items, dtype=np.int64),
            ratings)


@unittest.skipUnless(HAVE_NUMPY, "the harness needs numpy")
class HarnessTest(TestCase):

    def test_auc_matches_pairwise_definition(self):
        rng = np.random.RandomState(5)
        for _ in range(20):
            n = rng.randint(2, 40)
            score = rng.randint(0, 6, size=n).astype(float)  # many ties
            positive = rng.rand(n) < 0.4
            if positive.all() or not positive.any():
                continue
            self.assertAlmostEqual(discovery.auc(score, positive),
                                   brute_auc(score, positive), places=12)
        self.assertTrue(np.isnan(discovery.auc([1.0, 2.0], [True, True])))

    def test_carve_is_a_seeded_partition(self):
        rng = np.random.RandomState(1)
        t = random_triples(rng, 30, 50, 10)
        fit, valid = common.carve(t)
        again = common.carve(t)
        self.assertTrue(all((a == b).all() for a, b in zip(fit, again[0])))
        self.assertEqual(len(valid[0]), round(0.1 * len(t[0])))
        cells = set(zip(t[0].tolist(), t[1].tolist()))
        fit_cells = set(zip(fit[0].tolist(), fit[1].tolist()))
        valid_cells = set(zip(valid[0].tolist(), valid[1].tolist()))
        self.assertEqual(fit_cells | valid_cells, cells)
        self.assertFalse(fit_cells & valid_cells)

    def test_keep_items_keeps_every_cell_of_a_seeded_item_sample(self):
        rng = np.random.RandomState(3)
        train = random_triples(rng, 40, 60, 12)
        test = random_triples(rng, 40, 60, 3)
        small_train, small_test = common.keep_items(train, test, 0.25)
        again = common.keep_items(train, test, 0.25)
        self.assertTrue((small_train[1] == again[0][1]).all())
        kept = set(small_train[1].tolist()) | set(small_test[1].tolist())
        self.assertLessEqual(len(kept), 15)  # int(0.25 * 60) items
        for full, small in ((train, small_train), (test, small_test)):
            on_kept = [c for c in zip(*(a.tolist() for a in full))
                       if c[1] in kept]
            self.assertEqual(on_kept,
                             list(zip(*(a.tolist() for a in small))))

    def test_bias_baseline_recovers_planted_biases(self):
        # noiseless mu + b_u + b_i, every user rating every item: with a
        # tiny shrinkage the alternating solves must give back the ratings
        rng = np.random.RandomState(4)
        bu, bi = rng.randn(20) * 0.5, rng.randn(15) * 0.5
        u, i = np.meshgrid(np.arange(20), np.arange(15), indexing="ij")
        u, i = u.ravel(), i.ravel()
        r = 3.0 + bu[u] + bi[i]
        train = (u + 100, i + 1000, r)
        idx = common.Index(train)
        pred = common.bias_predictions(idx, train, u, i, lam=1e-6,
                                       sweeps=200)
        self.assertLess(np.abs(pred - r).max(), 1e-4)

    def test_topk_metrics_match_definitions(self):
        rng = np.random.RandomState(2)
        scores = rng.randint(0, 8, size=(25, 30)).astype(float)  # ties
        train = rng.rand(25, 30) < 0.3
        test = (rng.rand(25, 30) < 0.2) & ~train
        test[3] = False  # a user without test items is not counted
        tu, ti = np.nonzero(test)
        for k in (1, 5, 10):
            got = common.topk_metrics(scores, train.astype(float), tu, ti,
                                      ks=(k,))
            recall, ndcg = brute_topk(scores, train, test, k)
            self.assertAlmostEqual(got["recall@%d" % k], recall, places=12)
            self.assertAlmostEqual(got["ndcg@%d" % k], ndcg, places=12)

    def test_fit_offsets_matches_expected_counts(self):
        """Iterative scaling must reach the likelihood's optimum, where
        each index's expected count equals its count, on either axis."""
        rng = np.random.RandomState(7)
        L = rng.randn(30, 20) * 2.0
        X = (rng.rand(30, 20) < 0.25).astype(float)
        X[np.arange(30), rng.randint(0, 20, 30)] = 1.0  # no empty row
        X[rng.randint(0, 30, 20), np.arange(20)] = 1.0  # no empty column

        def loglik(Lo, axis):
            mx = Lo.max(axis=axis, keepdims=True)
            lse = np.log(np.exp(Lo - mx).sum(axis=axis, keepdims=True)) + mx
            return ((Lo - lse) * X).sum()

        for axis in (0, 1):
            off = common.fit_offsets(L, X, axis, 300)
            Lo = L + (off[:, None] if axis == 0 else off[None, :])
            P = np.exp(Lo - Lo.max(axis=axis, keepdims=True))
            P /= P.sum(axis=axis, keepdims=True)
            expected = (X.sum(axis=axis, keepdims=True) * P).sum(
                axis=1 - axis)
            np.testing.assert_allclose(expected, X.sum(axis=1 - axis),
                                       rtol=1e-6)
            self.assertGreater(loglik(Lo, axis), loglik(L, axis) + 1.0)

    def test_harness_metrics_agree_with_the_library(self):
        rng = np.random.RandomState(3)
        t = random_triples(rng, 40, 35, 9)
        train, test = common.carve(t, fraction=0.25, seed=4)
        with caerec.Model(orientation="user", **TINY) as model:
            model.fit(common.to_dataset(train))
            lib = model.evaluate(common.to_dataset(test), ks=(5, 10))
            idx = common.Index(train)
            # the harness indexes ids in sorted order, the model in order
            # of first appearance
            column = [model.item_index(int(i)) for i in idx.items]
            scores = np.array([model.score_all(int(u), "sample")[column]
                               for u in idx.users])
            tu, ti, tr, skipped = idx.map(test)
            ours = common.topk_metrics(scores, idx.matrix(train), tu, ti,
                                       ks=(5, 10))
            rating = model.predict(idx.users[tu], idx.items[ti],
                                   scores=["rating"], levels=False)["rating"]
        self.assertEqual(lib["skipped"], skipped)
        for key in ("recall@5", "ndcg@5", "recall@10", "ndcg@10"):
            self.assertAlmostEqual(lib[key], ours[key], places=6, msg=key)
        self.assertAlmostEqual(
            lib["rmse"], common.rating_metrics(np.asarray(rating), tr)["rmse"],
            places=5)

    def test_replayed_stop_matches_the_library(self):
        """replay_stop.py tells from one full history where the library
        would stop with another min-improvement: the same training,
        stopped by the library, must end and keep the epochs it names."""
        rng = np.random.RandomState(5)
        t = random_triples(rng, 60, 40, 10)
        fit_t, valid_t = common.carve(t, fraction=0.2, seed=6)
        fit_ds, valid_ds = common.to_dataset(fit_t), common.to_dataset(valid_t)
        opts = dict(TINY, orientation="user", epochs=30, lr=0.02, l2=0,
                    dropout=0)
        with caerec.Model(patience=0, **opts) as full:
            full.fit(fit_ds, valid=valid_ds)
            history = full.history
        stopped_early = 0
        for tol in (0.0, 0.002, 0.01, 0.05):
            stop, kept, rmse, cut = replay_stop.replay(history, tol, 3)
            with caerec.Model(patience=3, min_improvement=tol,
                              **opts) as model:
                model.fit(fit_ds, valid=valid_ds)
                self.assertEqual(len(model.history), stop, tol)
                self.assertEqual(model.best["epoch"], kept, tol)
                self.assertEqual(model.best["valid_rmse"], rmse, tol)
            stopped_early += stop < len(history)
        self.assertGreater(stopped_early, 1)

    def test_scripts_exit_3_without_data(self):
        with tempfile.TemporaryDirectory() as empty:
            for script, extra in (("run.py", []), ("sweep.py", []),
                                  ("discovery.py", ["--joint", "x.cmod"]),
                                  ("lowrank.py", []), ("itemitem.py", []),
                                  ("itemitem_objectives.py", []),
                                  ("ease_softmax.py", []),
                                  ("item_offsets.py", ["--model", "x.cmod"]),
                                  ("residuals.py", ["--epochs", "1"])):
                proc = subprocess.run(
                    [sys.executable, os.path.join(ACCURACY, script),
                     "--data", empty] + extra,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    universal_newlines=True, timeout=60)
                self.assertEqual(proc.returncode, 3, script + proc.stdout)
                self.assertIn(os.path.join(empty, "ml-"), proc.stdout, script)

    def test_run_rejects_epoch_counts_that_do_not_match_the_seeds(self):
        """--epochs replaces the selection step, so it needs one count per
        seed; a mismatch is a usage error (exit 2) before any data is
        read."""
        with tempfile.TemporaryDirectory() as empty:
            for extra in (["--seeds", "1,2", "--epochs", "5"],
                          ["--seeds", "1", "--epochs", "0"],
                          ["--seeds", "1", "--epochs", "5", "--keep"]):
                proc = subprocess.run(
                    [sys.executable, os.path.join(ACCURACY, "run.py"),
                     "--data", empty] + extra,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    universal_newlines=True, timeout=60)
                self.assertEqual(proc.returncode, 2, proc.stdout)
                self.assertIn("--epochs", proc.stdout)


if __name__ == "__main__":
    unittest.main()
