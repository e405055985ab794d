#!/usr/bin/python3
"""Defaults on a rating scale the MovieLens splits do not have: a planted
dataset (no files read) with K levels, and option sets compared on its
10% validation carve-out.

    CAEREC_LIBRARY=build/lib/libcaerec.so /usr/bin/python3 \\
        examples/accuracy/scales.py --levels 0.5:5:0.5 \\
        --configs "c2=8;c2=13" --seeds 1,2 --log examples/accuracy/logs/X.log

The data: users x items with a popularity skew (each user consumes a
Zipf-weighted sample of items, numbers drawn from a log-normal), and a
rating for each consumed cell from a rank-`--rank` factor model with user
and item biases plus Gaussian noise, mapped to the levels by quantiles of
a MovieLens-like rating histogram (so every level is used). Sizes default
to ML-100K's (943 x 1682, ~100k ratings). The carve-out is a
RandomState(2024) permutation of the cells, as run.py's.
"""
import argparse
import sys
import time

import numpy as np

import common


def levels_from(text):
    lo, hi, step = (float(x) for x in text.split(":"))
    n = int(round((hi - lo) / step)) + 1
    return [lo + k * step for k in range(n)]


def planted(levels, n_users, n_items, per_user, rank, seed):
    """(users, items, ratings) of a planted dataset on `levels`."""
    rs = np.random.RandomState(seed)
    pop = 1.0 / np.arange(1, n_items + 1) ** 0.9
    pop = pop[rs.permutation(n_items)]
    pop /= pop.sum()
    counts = np.clip(rs.lognormal(np.log(per_user), 0.9, n_users).astype(int),
                     15, n_items // 2)
    P = rs.normal(0, 1 / np.sqrt(rank), (n_users, rank))
    Q = rs.normal(0, 1 / np.sqrt(rank), (n_items, rank))
    bu, bi = rs.normal(0, 0.4, n_users), rs.normal(0, 0.5, n_items)
    us, its, zs = [], [], []
    for u in range(n_users):
        items = rs.choice(n_items, counts[u], replace=False, p=pop)
        z = bu[u] + bi[items] + 1.5 * Q[items] @ P[u] + rs.normal(0, 0.6,
                                                                 len(items))
        us.append(np.full(len(items), u + 1))
        its.append(items + 1)
        zs.append(z)
    u, i, z = np.concatenate(us), np.concatenate(its), np.concatenate(zs)
    # MovieLens-like level shares (1..5: 6%, 11%, 27%, 34%, 22%),
    # interpolated onto K levels, then cut z at those quantiles.
    ml = np.array([0.06, 0.11, 0.27, 0.34, 0.22])
    x = np.linspace(0, 1, len(levels))
    share = np.interp(x, np.linspace(0, 1, 5), ml)
    share /= share.sum()
    cuts = np.quantile(z, np.cumsum(share)[:-1])
    r = np.asarray(levels)[np.searchsorted(cuts, z)]
    return u.astype(np.int64), i.astype(np.int64), r.astype(np.float64)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--levels", default="0.5:5:0.5", help="lo:hi:step")
    ap.add_argument("--users", type=int, default=943)
    ap.add_argument("--items", type=int, default=1682)
    ap.add_argument("--per-user", type=float, default=80.0)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--data-seed", type=int, default=7)
    ap.add_argument("--base", default="threads=1")
    ap.add_argument("--configs", default="")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--log", default=None)
    ap.add_argument("--history", action="store_true",
                    help="also log every epoch")
    args = ap.parse_args()

    levels = levels_from(args.levels)
    u, i, r = planted(levels, args.users, args.items, args.per_user,
                      args.rank, args.data_seed)
    fit, valid = common.carve((u, i, r))
    fit_ds = common.to_dataset(fit, levels)
    valid_ds = common.to_dataset(valid, levels)
    emit = common.tee(args.log)

    hist = np.array([np.mean(r == v) for v in levels])
    emit("# %s scales.py levels=%s (K=%d) users=%d items=%d ratings=%d "
         "rank=%d data-seed=%d base=[%s]" %
         (time.strftime("%Y-%m-%d %H:%M"), args.levels, len(levels),
          args.users, args.items, len(r), args.rank, args.data_seed,
          args.base))
    emit("# level shares: " + " ".join("%.3f" % s for s in hist))
    emit("# valid RMSE of the fit part's global mean: %.4f" %
         np.sqrt(np.mean((valid[2] - fit[2].mean()) ** 2)))
    for cfg_text in args.configs.split(";"):
        for seed in [int(s) for s in args.seeds.split(",")]:
            model, secs = common.fit_on_carve_out(args.base, cfg_text, seed,
                                                  fit_ds, valid_ds, emit,
                                                  args.history)
            b = model.best
            emit("%-30s seed %d | kept ep %2d of %2d: vrmse %.4f vndcg %.4f "
                 "| %.0fs" % (cfg_text or "(defaults)", seed, b["epoch"],
                              len(model.history), b["valid_rmse"],
                              b["valid_ndcg"], secs))
            model.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
