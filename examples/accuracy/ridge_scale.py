#!/usr/bin/python3
"""The scale of decoder-l2 regressed's regression on the carve-out's fit
part: the diagonal of X^T X (X_j = the mean over the rows of column j), in
both orientations, and what mu = 0.1 is as a multiple of its mean and
median. A data-scaled rule for mu would be such a multiple.

    python3 examples/accuracy/ridge_scale.py --data ../shared/data
"""
import argparse

import numpy as np

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--datasets", default="ml-100k,ml-1m")
    ap.add_argument("--mu", type=float, default=0.1)
    ap.add_argument("--item-fraction", type=float, default=1.0,
                    help="as run.py: a seeded fraction of the items")
    args = ap.parse_args()
    names = args.datasets.split(",")
    if common.report_missing(args.data, names):
        return 3
    print("dataset  orientation  rows  mean diag  median diag  "
          "mu/mean  mu/median")
    for name in names:
        train, _ = common.read_protocol(args.data, name, args.item_fraction)
        (u, i, _), _ = common.carve(train)
        _, ui = np.unique(u, return_inverse=True)
        _, ii = np.unique(i, return_inverse=True)
        for orient, rows, cols in (("item", ii, ui), ("user", ui, ii)):
            per_col = np.bincount(cols)  # |R_j|
            diag = np.bincount(rows, weights=1.0 / per_col[cols] ** 2)
            print("%-8s %-12s %5d  %9.5f  %11.5f  %7.2f  %9.2f"
                  % (name, orient, len(diag), diag.mean(), np.median(diag),
                     args.mu / diag.mean(), args.mu / np.median(diag)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
