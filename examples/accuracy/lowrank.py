#!/usr/bin/python3
"""Diagnostic: top-k accuracy of low-rank linear models (PureSVD: scores =
X V_d V_d^T, V_d the top-d right singular vectors of the binary fit
matrix) against EASE, on the validation carve-out of a TRAIN file (the test
file is never read). Shows how ranking depends on the rank of the model.

    python3 examples/accuracy/lowrank.py --data ../shared/data --dataset ml-1m \
        [--model M.cmod]

With --model (a model trained on the same carve-out's fit part, e.g. from
`run.py --keep --save-models DIR`), also ranks by the model's log P(i | u)
and by blends a * z(log P(i | u)) + (1 - a) * z(EASE), z standardising
each user's scores over the unseen items: how much of what EASE knows the
model lacks; and where in the popularity range each one's top-20 slots and
hits fall. With --other M2 as well (e.g. the same data in the other
orientation), also by blends a * z(model) + (1 - a) * z(M2).
"""
import argparse
import sys

import numpy as np

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-1m",
                    choices=sorted(common.PROTOCOLS))
    ap.add_argument("--ranks", default="50,100,200,300,500,1000")
    ap.add_argument("--model", default=None,
                    help="also rank by this model and its blends with EASE")
    ap.add_argument("--other", default=None,
                    help="with --model: also blend it with this model")
    ap.add_argument("--weights", default="1,0.8,0.6,0.4",
                    help="blend weights a of the model (with --model)")
    args = ap.parse_args()
    if common.report_missing(args.data, [args.dataset]):
        return 3
    co = common.CarveOut(args.data, args.dataset)
    X, vu, vi, lam = co.X, co.vu, co.vi, co.ease_lambda
    ranks = [int(r) for r in args.ranks.split(",") if r]
    Vt = np.linalg.svd(X, full_matrices=False)[2] if ranks else None
    print("| model | valid Recall@20 | valid NDCG@20 |\n|---|---:|---:|")
    for d in ranks:
        V = Vt[:d].T
        m = common.topk_metrics((X @ V) @ V.T, X, vu, vi, ks=(20,))
        print("| PureSVD d=%d | %.4f | %.4f |" % (d, m["recall@20"],
                                                  m["ndcg@20"]))
    ease = common.ease_scores(X, lam)
    m = common.topk_metrics(ease, X, vu, vi, ks=(20,))
    print("| EASE lambda %g | %.4f | %.4f |" % (lam, m["recall@20"],
                                                m["ndcg@20"]))
    if args.model:
        model = model_log_probs(args.model, co.idx)
        zm, ze = standardise(model, X), standardise(ease, X)
        for a in [float(w) for w in args.weights.split(",")]:
            m = common.topk_metrics(a * zm + (1 - a) * ze, X, vu, vi,
                                    ks=(20,))
            print("| %g model + %g EASE | %.4f | %.4f |" %
                  (a, 1 - a, m["recall@20"], m["ndcg@20"]))
        if args.other:
            zo = standardise(model_log_probs(args.other, co.idx), X)
            for a in [float(w) for w in args.weights.split(",")] + [0.0]:
                m = common.topk_metrics(a * zm + (1 - a) * zo, X, vu, vi,
                                        ks=(20,))
                print("| %g model + %g other | %.4f | %.4f |" %
                      (a, 1 - a, m["recall@20"], m["ndcg@20"]))
        print()
        popularity_table({"model": model, "EASE": ease}, X, vu, vi)
    return 0


def popularity_table(scores, X, vu, vi, k=20):
    """Top-k slots and hits per item-popularity bucket (train counts: the
    bottom half of the items, 50-80%, 80-95%, the top 5%)."""
    pop = X.sum(axis=0)
    bucket = np.digitize(pop, np.quantile(pop, [0.5, 0.8, 0.95]))
    rel = np.zeros(X.shape, dtype=bool)
    rel[vu, vi] = True
    names = ["<50%", "50-80%", "80-95%", "top 5%"]
    print("| top-%d by item popularity | %s |" % (k, " | ".join(names)))
    print("|---|" + "---:|" * len(names))
    print("| carve-out cells | %s |" % " | ".join(
        str(int((bucket[vi] == b).sum())) for b in range(len(names))))
    for name, S in scores.items():
        S = np.where(X > 0, -np.inf, S)
        top = np.argsort(-S, axis=1, kind="stable")[:, :k]
        hits = np.take_along_axis(rel, top, axis=1)
        slot_bucket = bucket[top]
        print("| %s hits / slots | %s |" % (name, " | ".join(
            "%d / %d" % (hits[slot_bucket == b].sum(),
                         (slot_bucket == b).sum())
            for b in range(len(names)))))


def model_log_probs(path, idx):
    """log P(i | u) of a saved model for idx's users x items."""
    import caerec
    model = caerec.Model.load(path)
    col = {int(i): j for j, i in enumerate(model.item_ids())}
    cols = np.array([col[int(i)] for i in idx.items])
    out = np.empty((len(idx.users), len(idx.items)))
    for k, u in enumerate(idx.users):
        p = model.score_all(int(u), "sample", as_numpy=True)
        out[k] = np.log(np.maximum(p.astype(np.float64), 1e-30))[cols]
    model.close()
    return out


def standardise(S, X):
    """Each user's scores over the items outside the user's row, to mean 0
    and standard deviation 1 (seen items set to 0: they are not ranked)."""
    A = np.where(X > 0, np.nan, S)
    A = (A - np.nanmean(A, axis=1, keepdims=True)) / \
        np.nanstd(A, axis=1, keepdims=True)
    return np.where(X > 0, 0.0, A)


if __name__ == "__main__":
    sys.exit(main())
