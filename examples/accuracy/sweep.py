#!/usr/bin/python3
"""Hyper-parameter sweeps on the validation carve-out of a TRAIN file only
(the test file is never read). Each configuration is trained with early
stopping on the carve-out; one result line per (configuration, seed) is
printed and appended to the log.

    python3 examples/accuracy/sweep.py --data ../shared/data --dataset ml-100k \
        --base "threads=1" --configs "l2=0.03;l2=0.1;l2=0.3" --seeds 1,2 \
        --log examples/accuracy/logs/sweep-l2.log

Options are caerec_config_set names (key=value, comma separated); the
library defaults apply to everything not given.
"""
import argparse
import math
import os
import sys
import time

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-100k",
                    choices=sorted(common.PROTOCOLS))
    ap.add_argument("--base", default="", help="options for every run")
    ap.add_argument("--configs", default="",
                    help="';'-separated option sets (empty: defaults)")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--log", default=None)
    ap.add_argument("--history", action="store_true",
                    help="also log every epoch")
    args = ap.parse_args()

    if common.report_missing(args.data, [args.dataset]):
        return 3

    train_file = os.path.join(args.data, common.PROTOCOLS[args.dataset][0])
    fit_t, valid_t = common.carve(common.read_triples(train_file))
    fit_ds, valid_ds = common.to_dataset(fit_t), common.to_dataset(valid_t)
    emit = common.tee(args.log)

    emit("# %s  %s  dataset=%s base=[%s] valid=%.0f%% of train lines "
         "(RandomState(%d))" % (time.strftime("%Y-%m-%d %H:%M"),
                               os.path.basename(sys.argv[0]), args.dataset,
                               args.base, 100 * common.VALID_FRACTION,
                               common.VALID_SEED))
    for cfg_text in args.configs.split(";"):
        for seed in [int(s) for s in args.seeds.split(",")]:
            model, secs = common.fit_on_carve_out(args.base, cfg_text, seed,
                                                  fit_ds, valid_ds, emit,
                                                  args.history)
            h = model.history
            b = model.best
            best_rmse = min(h, key=lambda r: r["valid_rmse"])
            best_ndcg = max(h, key=lambda r: r["valid_ndcg"])
            emit("%-40s seed %d | kept ep %2d: vloss %.4f vrmse %.4f "
                 "vndcg %.4f | best rmse %.4f@%d best ndcg %.4f@%d | "
                 "%d ep %.0fs" % (cfg_text or "(defaults)", seed, b["epoch"],
                                  b["valid_loss"], b["valid_rmse"],
                                  b["valid_ndcg"], best_rmse["valid_rmse"],
                                  best_rmse["epoch"], best_ndcg["valid_ndcg"],
                                  best_ndcg["epoch"], len(h), secs))
            model.close()
            if math.isnan(b["valid_rmse"]):
                emit("    (no validation ratings?)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
