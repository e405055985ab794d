"""The binding and the caerec command-line tool agree on the same model
file.  Skipped when the tool is not available (CAEREC_CLI, set by meson)."""

import math
import os
import subprocess
import tempfile
import unittest

from support import TINY, TestCase, caerec, write

CLI = os.environ.get("CAEREC_CLI")


def _num(text):
    return float("nan") if text == "NA" else float(text)


def run_predict(model_path, pairs_path):
    """`caerec predict` output: (header, rows of fields)."""
    out = subprocess.run([CLI, "predict", "--model", model_path,
                          "--pairs", pairs_path], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise AssertionError("caerec predict failed (%d): %s"
                             % (out.returncode, out.stderr))
    lines = out.stdout.splitlines()
    return lines[0].split("\t"), [l.split("\t") for l in lines[1:]], \
        out.stderr


@unittest.skipUnless(CLI and os.access(CLI, os.X_OK),
                     "caerec CLI not available (set CAEREC_CLI)")
class CliAgreementTest(TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def check_model(self, model, users, items):
        model_path = os.path.join(self.tmp.name, "m.caerec")
        model.save(model_path)
        pairs = list(zip(users, items))
        pairs_path = write(os.path.join(self.tmp.name, "pairs.tsv"),
                           "".join("%d\t%d\n" % p for p in pairs)
                           + "987654321\t%d\n" % items[0])  # unknown user
        header, rows, stderr = run_predict(model_path, pairs_path)
        self.assertIn("skipped 1", stderr)
        self.assertEqual(header[:2], ["user", "item"])
        self.assertEqual(len(rows), len(pairs))
        with caerec.Model.load(model_path) as loaded:
            expected = loaded.predict(users, items)
        for name in header[2:]:
            if name not in expected:
                # models without a scale: NA columns the binding omits
                self.assertTrue(all(r[header.index(name)] == "NA"
                                    for r in rows), name)
                continue
            column = header.index(name)
            for row, want, pair in zip(rows, expected[name], pairs):
                self.assertEqual((int(row[0]), int(row[1])), pair)
                got = _num(row[column])
                # the tool prints 6 significant digits (%.6g)
                self.assertTrue(math.isclose(got, want, rel_tol=1e-5,
                                             abs_tol=1e-300),
                                "%s %s: tool %r, binding %r"
                                % (name, pair, row[column], want))
        self.assertTrue(set(header[2:]) & set(expected))

    def test_explicit_model(self):
        data = caerec.Dataset.synthetic(n_users=40, n_items=30,
                                        mean_per_user=6, seed=4)
        with caerec.Model(**TINY).fit(data) as model:
            users = [u for u in model.user_ids()[:6] for _ in range(5)]
            items = [model.item_id((3 * j) % model.n_items)
                     for j in range(len(users))]
            self.check_model(model, users, items)

    def test_implicit_model(self):
        data = caerec.Dataset.synthetic(n_users=30, n_items=20,
                                        mean_per_user=4, n_levels=0, seed=4)
        with caerec.Model(**TINY).fit(data) as model:
            users = model.user_ids()[:8]
            items = [model.item_id(j % model.n_items) for j in range(8)]
            self.check_model(model, users, items)

    def test_cli_trained_model_loads_in_python(self):
        users, items, values = [], [], []
        for u in range(1, 31):
            for j in range(6):
                users.append(u)
                items.append(1 + (u * 7 + j * 3) % 25)
                values.append(1 + (u + j) % 5)
        train = write(os.path.join(self.tmp.name, "train.tsv"), "".join(
            "%d\t%d\t%d\n" % r for r in zip(users, items, values)))
        model_path = os.path.join(self.tmp.name, "cli.caerec")
        out = subprocess.run([CLI, "train", "--train", train, "--model",
                              model_path, "--hidden", "16", "--epochs", "2",
                              "--quiet"], capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        with caerec.Model.load(model_path) as model:
            self.assertEqual(model.n_users, 30)
            self.assertEqual(model.levels, (1.0, 2.0, 3.0, 4.0, 5.0))
            self.assertEqual(model.config["hidden"], 16)
            self.check_model(model, users[:10], items[:10])


if __name__ == "__main__":
    unittest.main()
