#!/usr/bin/env python3
"""Where a model's test RMSE is lost: by the user's number of training
ratings, and how much a per-user or per-item mean of the training
residuals would take off it.

Trains one model on a protocol's whole train file for a given number of
epochs (as run.py's retraining step does, so with the same seed and options
it is that model) and reads the test file:

    CAEREC_LIBRARY=build/lib/libcaerec.so /usr/bin/python3 \\
        examples/accuracy/residuals.py --data ../shared/data \\
        --dataset ml-100k --item-fraction 0.1 --epochs 13 [--set k=v,...]

A large gain from the item residuals says the model misses item means that
its own training cells show (session 10, docs/results.md, "Decoder L2
toward the column mean"). The test file is only scored, never fitted.
"""
import argparse
import sys

import numpy as np

import common

BUCKETS = ((0, 5), (5, 10), (10, 20), (20, None))


def residual_means(index, resid, n, shrink):
    """Mean residual per index, shrunk by `shrink` pseudo-cells of 0."""
    return (np.bincount(index, weights=resid, minlength=n) /
            (np.bincount(index, minlength=n) + shrink))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-100k",
                    choices=sorted(common.PROTOCOLS))
    ap.add_argument("--item-fraction", type=float, default=1.0)
    ap.add_argument("--epochs", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", default="")
    a = ap.parse_args()
    if common.report_missing(a.data, [a.dataset]):
        return 3
    import caerec
    train, test = common.read_protocol(a.data, a.dataset, a.item_fraction)
    opts = common.parse_opts(a.set)
    opts.update(seed=str(a.seed), epochs=str(a.epochs))
    with caerec.Model(**opts) as m:
        m.fit(common.to_dataset(train))
        idx = common.Index(train)
        tu, ti, tr, skipped = idx.map(test)
        fu, fi, fr, _ = idx.map(train)
        users, items = idx.users, idx.items
        pt = np.asarray(m.predict(users[tu], items[ti], scores=["rating"],
                                  levels=False)["rating"])
        pf = np.asarray(m.predict(users[fu], items[fi], scores=["rating"],
                                  levels=False)["rating"])

    def rmse(pred, truth):
        return common.rating_metrics(pred, truth)["rmse"]

    print("# residuals.py --dataset %s --item-fraction %g --epochs %d "
          "--seed %d --set '%s' (%d test cells skipped)" %
          (a.dataset, a.item_fraction, a.epochs, a.seed, a.set, skipped))
    print("test RMSE %.4f, train RMSE %.4f" % (rmse(pt, tr), rmse(pf, fr)))
    print("mean prediction: train %.3f (truth %.3f), test %.3f (truth %.3f)"
          % (pf.mean(), fr.mean(), pt.mean(), tr.mean()))
    resid = fr - pf
    for shrink in (0, 5):
        bu = residual_means(fu, resid, len(users), shrink)
        bi = residual_means(fi, resid, len(items), shrink)
        print("train residual means added (shrink %d): per user %.4f, "
              "per item %.4f" % (shrink, rmse(pt + bu[tu], tr),
                                 rmse(pt + bi[ti], tr)))
    count = np.bincount(fu, minlength=len(users))[tu]
    for lo, hi in BUCKETS:
        sel = (count >= lo) & (count < hi if hi else True)
        print("users with %d%s training ratings: %d test cells, RMSE %.4f" %
              (lo, "-%d" % (hi - 1) if hi else "+", sel.sum(),
               rmse(pt[sel], tr[sel]) if sel.any() else float("nan")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
