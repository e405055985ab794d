#!/usr/bin/env python3
"""Diagnostic: does a per-item offset fitted on the user side lift the
model's ranking?

In item orientation the model is fitted by the likelihood of P(u | i) (each
item's distribution over users) and ranks a user's items by P(i | u), built
from it through the item shares pi_i (docs/model.md). This fits one offset
b_i per item to the saved model's log P(i | u) by the user-side likelihood
sum_u sum_{i in O_u} log P'(i | u), P'(i | u) proportional to
P(i | u) exp(b_i), on the fit part of the carve-out (iterative scaling: at
the optimum every item's expected count sum_u |O_u| P'(i | u) equals its
count), and ranks the carve-out again. The test file is never read.

    item_offsets.py --data DIR --dataset ml-1m --model M.cmod [--rounds N]

The model must be trained on the same carve-out's fit part, e.g. with
`run.py --keep --save-models DIR`.
"""
import argparse
import sys

import numpy as np

import common
from lowrank import model_log_probs


def user_loglik(S, X):
    """Mean log P(i | u) over X's cells, the scores softmaxed per user."""
    return float(((S - common.logsumexp(S, 1)) * X).sum() / X.sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-100k",
                    choices=sorted(common.PROTOCOLS))
    ap.add_argument("--model", required=True)
    ap.add_argument("--rounds", type=int, default=30)
    a = ap.parse_args()
    if common.report_missing(a.data, [a.dataset]):
        return 3
    co = common.CarveOut(a.data, a.dataset)
    X = co.X
    S = model_log_probs(a.model, co.idx)
    b = common.fit_offsets(S, X, 1, a.rounds)
    print("| ranking | train log P(i \\| u) / cell | valid Recall@20 "
          "| valid NDCG@20 |")
    print("|---|---:|---:|---:|")
    for name, scale in (("model", 0.0), ("model + b / 2", 0.5),
                        ("model + b (fitted, %d rounds)" % a.rounds, 1.0)):
        T = S + scale * b
        m = common.topk_metrics(T, X, co.vu, co.vi, ks=(20,))
        print("| %s | %.4f | %.4f | %.4f |" % (name, user_loglik(T, X),
                                               m["recall@20"], m["ndcg@20"]))
    pop = np.log(X.sum(axis=0) / X.sum())
    print("corr(b, log pi_i) = %.3f; b: sd %.3f, range %.2f .. %.2f"
          % (np.corrcoef(b, pop)[0, 1], b.std(), b.min(), b.max()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
