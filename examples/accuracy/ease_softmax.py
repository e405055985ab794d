#!/usr/bin/env python3
"""EASE's item-item scores used as the model's consumption logit alone.

In item orientation the model ranks items for user u by
log pi_i + s_iu - log sum_u' exp(s_iu') (docs/model.md). This puts
s_iu = w * (X B)[u, i], EASE's score, in that formula and measures the
ranking on the validation carve-out of the TRAIN file, against EASE ranking
by its raw score. It shows what an item-item path costs when it has to live
inside the model's per-item softmax (session 4; see docs/results.md).
With --user-offsets N it also fits the per-user offsets a_u that maximum
likelihood gives those logits (the model's column biases in item
orientation; common.fit_offsets) and ranks with them (session 13).
"""
import argparse
import sys

import common


def measure(L, X, cnt, co):
    """(log-likelihood per training cell, validation NDCG@20) of logits L."""
    score, lse = common.item_oriented_logp(L, X)
    ll = ((L * X).sum() - (cnt * lse).sum()) / X.sum()
    nd = common.topk_metrics(score, X, co.vu, co.vi, ks=(20,))["ndcg@20"]
    return ll, nd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-100k", choices=sorted(common.PROTOCOLS))
    ap.add_argument("--lambdas", default="250,500,1000")
    ap.add_argument("--weights", default="2,4,6,8,12")
    ap.add_argument("--user-offsets", type=int, default=0, metavar="N",
                    help="also fit a per-user offset a_u to the logits (the "
                    "model's column bias in item orientation) by N rounds "
                    "of iterative scaling, which maximise the sampling "
                    "likelihood over a, and rank with it")
    a = ap.parse_args()
    if common.report_missing(a.data, [a.dataset]):
        return 3
    co = common.CarveOut(a.data, a.dataset)
    X = co.X
    cnt = X.sum(axis=0)  # users per item
    print("| lambda | EASE NDCG@20 | w | user offsets | log-likelihood / cell "
          "| NDCG@20 in the softmax |")
    print("|---:|---:|---:|---|---:|---:|")
    for lam in (float(x) for x in a.lambdas.split(",")):
        S = common.ease_scores(X, lam)  # users x items
        base = common.topk_metrics(S, X, co.vu, co.vi, ks=(20,))["ndcg@20"]
        for w in (float(x) for x in a.weights.split(",")):
            L = w * S
            variants = [("none", L)]
            if a.user_offsets:
                a_u = common.fit_offsets(L, X, 0, a.user_offsets)
                variants.append(("fitted, %d rounds" % a.user_offsets,
                                 L + a_u[:, None]))
            for what, Lv in variants:
                print("| %g | %.4f | %g | %s | %.4f | %.4f |"
                      % ((lam, base, w, what) + measure(Lv, X, cnt, co)))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
