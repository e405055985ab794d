#!/usr/bin/python3
"""Diagnostic: top-k accuracy of low-rank linear models (PureSVD: scores =
X V_d V_d^T, V_d the top-d right singular vectors of the binary fit
matrix) against EASE, on the validation carve-out of a TRAIN file (the test
file is never read). Shows how ranking depends on the rank of the model.

    python3 examples/accuracy/lowrank.py --data ../shared/data --dataset ml-1m
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
    args = ap.parse_args()
    missing = common.data_missing(args.data, [args.dataset])
    if missing:
        print("data not found: %s" % ", ".join(missing))
        return 3
    train_rel, _, lam = common.PROTOCOLS[args.dataset]
    fit, valid = common.carve(common.read_triples(
        "%s/%s" % (args.data, train_rel)))
    idx = common.Index(fit)
    vu, vi, _, _ = idx.map(valid)
    X = idx.matrix(fit)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    print("| model | valid Recall@20 | valid NDCG@20 |\n|---|---:|---:|")
    for d in [int(r) for r in args.ranks.split(",")]:
        V = Vt[:d].T
        m = common.topk_metrics((X @ V) @ V.T, X, vu, vi, ks=(20,))
        print("| PureSVD d=%d | %.4f | %.4f |" % (d, m["recall@20"],
                                                  m["ndcg@20"]))
    m = common.topk_metrics(common.ease_scores(X, lam), X, vu, vi,
                            ks=(20,))
    print("| EASE lambda %g | %.4f | %.4f |" % (lam, m["recall@20"],
                                                m["ndcg@20"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
