#!/usr/bin/python3
"""Does "would enjoy it if exposed" work? Measures, on the test file, how
well the like probability separates liked test items (rating >= --liked)
from the others among the test items that the consumption probability
ranked LOW for their user (bottom half of the user's unseen items), for a
joint model and for a ratings-only model (alpha = 0).

    python3 examples/accuracy/discovery.py --data ../shared/data \
        --dataset ml-1m --joint J.cmod --ratings-only R.cmod

The model files come from `run.py --save-models DIR` (the joint one with
the defaults, the other with `--set alpha=0`). Both models must have been
trained on the protocol's train file (or its carve-out): the test file is
only read here. Prints one markdown table: AUC (Mann-Whitney, ties
averaged) of each score on the low-consumption test cells and on all test
cells, with the cells' counts and share of liked items.
"""
import argparse
import sys

import numpy as np

import common


def auc(score, positive):
    """Area under the ROC curve of `score` for the boolean `positive`
    (probability that a random positive outscores a random negative)."""
    score = np.asarray(score, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sorted_scores = score[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True,
                                 return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) /
                 (n_pos * n_neg))


def known_test_cells(model, test_t):
    users, items = set(model.user_ids()), set(model.item_ids())
    keep = np.array([u in users and i in items
                     for u, i in zip(test_t[0].tolist(), test_t[1].tolist())])
    return test_t[0][keep], test_t[1][keep], test_t[2][keep]


def consumption_percentile(model, train_t, tu, ti):
    """For each test cell (tu, ti): the share of the user's unseen items
    (not in train) that the model's consumption probability ranks strictly
    above the cell's item. 0 = top of the list, near 1 = bottom."""
    col = {item: j for j, item in enumerate(model.item_ids())}
    seen = {}
    for u, i in zip(train_t[0].tolist(), train_t[1].tolist()):
        if i in col:
            seen.setdefault(u, []).append(col[i])
    out = np.empty(len(tu))
    by_user = {}
    for k, u in enumerate(tu.tolist()):
        by_user.setdefault(u, []).append(k)
    for u, cells in by_user.items():
        s = np.asarray(model.score_all(u, "consume", as_numpy=True),
                       dtype=np.float64)
        s[seen.get(u, [])] = np.nan  # not candidates
        cand = np.sort(s[~np.isnan(s)])
        for k in cells:
            v = s[col[ti[k]]]
            above = len(cand) - np.searchsorted(cand, v, side="right")
            out[k] = above / len(cand)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-1m",
                    choices=sorted(common.PROTOCOLS))
    ap.add_argument("--joint", required=True, help="joint model file")
    ap.add_argument("--ratings-only", default=None,
                    help="model file trained with alpha = 0")
    ap.add_argument("--liked", type=float, default=4.0,
                    help="a test rating >= this counts as liked")
    args = ap.parse_args()
    if common.report_missing(args.data, [args.dataset]):
        return 3
    import caerec

    train_t, test_t = common.read_protocol(args.data, args.dataset)
    joint = caerec.Model.load(args.joint)
    tu, ti, tr = known_test_cells(joint, test_t)
    liked = tr >= args.liked
    pct = consumption_percentile(joint, train_t, tu, ti)
    low = pct >= 0.5

    # item mean rating of the train file: the non-personal reference
    idx = common.Index(train_t)
    item_mean = common.item_means(idx, train_t)[
        [idx.iidx[i] for i in ti.tolist()]]

    rows = []
    j = joint.predict(tu, ti, scores=["like", "rating", "consume"],
                      levels=False)
    rows.append(("joint model: like probability", j["p_like"]))
    rows.append(("joint model: expected rating", j["rating"]))
    rows.append(("joint model: consumption probability", j["p_consume"]))
    if args.ratings_only:
        ro = caerec.Model.load(args.ratings_only)
        r = ro.predict(tu, ti, scores=["like"], levels=False)
        rows.append(("ratings-only model (alpha 0): like probability",
                     r["p_like"]))
        ro.close()
    rows.append(("item mean rating (train)", item_mean))
    joint.close()

    print("%s: %d test cells of known users and items; %d (%.1f%%) ranked "
          "in the bottom half of their user's unseen items by the joint "
          "model's consumption probability; liked = rating >= %g: %.1f%% "
          "of all, %.1f%% of the low cells\n" %
          (args.dataset, len(tu), int(low.sum()), 100.0 * low.mean(),
           args.liked, 100.0 * liked.mean(), 100.0 * liked[low].mean()))
    print("| score | AUC, low-consumption cells | AUC, all test cells |")
    print("|---|---:|---:|")
    for name, score in rows:
        score = np.asarray(score, dtype=np.float64)
        print("| %s | %.4f | %.4f |" % (name, auc(score[low], liked[low]),
                                         auc(score, liked)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
