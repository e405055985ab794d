#!/usr/bin/python3
"""Accuracy of libcaerec on MovieLens (protocols E/I-100K and E/I-1M of
evaluation.md), next to same-split baselines, in one command:

    CAEREC_LIBRARY=build/lib/libcaerec.so \\
        /usr/bin/python3 examples/accuracy/run.py --data ../shared/data \\
        [--datasets ml-100k,ml-1m] [--seeds 1,2,3] [--set key=value,...]

For each dataset and seed:
 1. a validation carve-out is taken from the TRAIN file only (10% of its
    lines, numpy RandomState(2024) permutation, as evaluation.md's
    baselines);
 2. a model with the library defaults (plus --set options) is fitted on the
    other 90% with early stopping on the carve-out (best epoch restored);
 3. a fresh model with the same options and seed is trained on the whole
    train file for exactly the number of epochs kept in step 2, without
    validation (--keep skips this and evaluates the step-2 model; its top-k
    ranking then does not exclude the carve-out items, which counts them as
    misses; --epochs N,... skips step 2 and uses epoch counts that an
    earlier run with the same options selected, one per seed);
 4. that one model is evaluated on the test file: RMSE/MAE of the expected
    rating, Recall/NDCG@10/20/50 ranking by P(i | u) over all items not in
    the user's train set (caerec_evaluate_ratings / caerec_evaluate_topk).
The baselines (global mean, item mean, Popularity, EASE) are computed in
numpy on the same files. --json also keeps, per seed, step 2's validation
figures of every epoch at full precision (`valid_history`), from which
replay_stop.py tells where another early-stopping rule would stop. Exit status 0; 3 when the data folder lacks the
files (nothing is run).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

import common


STOP_FILE = None


def stop_requested():
    """True when the --stop-file exists: training then ends after the
    current epoch, keeping the best epoch so far (for long runs on a busy
    machine)."""
    return bool(STOP_FILE) and os.path.exists(STOP_FILE)


def select_epochs(caerec, train_t, opts, seed, log):
    """Step 2: early stopping on the carve-out. Returns the model (trained
    on the fit part), its best-epoch record and the seconds it took."""
    fit_t, valid_t = common.carve(train_t)
    fit_ds, valid_ds = common.to_dataset(fit_t), common.to_dataset(valid_t)
    t0 = time.time()
    model = caerec.Model(**opts)
    def on_epoch(r):
        log(common.epoch_line(r))
        if stop_requested():
            log("    (stop file found: fit ends here, best epoch kept)")
            return True
        return False

    model.fit(fit_ds, valid=valid_ds, callback=on_epoch)
    best = model.best
    t_select = time.time() - t0
    log("  seed %d: kept epoch %d of %d (valid rmse %.4f ndcg@20 %.4f), "
        "%.0fs" % (seed, best["epoch"], len(model.history),
                   best["valid_rmse"], best["valid_ndcg"], t_select))
    return model, best, t_select


def valid_history(model):
    """The selection fit's per-epoch validation figures at full precision
    (the log prints 4 digits), for the JSON: enough to replay another
    early-stopping rule on the same training offline."""
    keys = ("epoch", "valid_loss", "valid_rmse", "valid_ndcg", "improved")
    return [{k: r[k] for k in keys} for r in model.history]


def train_and_evaluate(caerec, train_t, test_t, opts, seed, keep, log,
                       save_path=None, epochs=None):
    o = dict(opts)
    o["seed"] = str(seed)
    if epochs is None:
        model, best, t_select = select_epochs(caerec, train_t, o, seed, log)
        history = valid_history(model)
        epochs = best["epoch"]
    else:
        model, best, t_select, history = None, {}, 0.0, []
        log("  seed %d: %d epochs, as selected by an earlier run (--epochs)"
            % (seed, epochs))
    t_final = 0.0
    if not keep:
        if model:
            model.close()
        o["epochs"] = str(epochs)
        t1 = time.time()
        model = caerec.Model(**o)
        model.fit(common.to_dataset(train_t))
        t_final = time.time() - t1
        log("  seed %d: retrained on the whole train file for %d epochs, "
            "%.0fs" % (seed, epochs, t_final))
    test_ds = common.to_dataset(test_t)
    m = model.evaluate(test_ds, ks=common.KS)
    if keep:
        # the library ranks every item outside the model's training data,
        # carve-out items included: rank again without them.
        m.update(topk_excluding(model, test_t, common.carve(train_t)[1]))
    if save_path:
        model.save(save_path)
        log("  seed %d: model saved to %s" % (seed, save_path))
    model.close()
    m["epochs"] = epochs
    m["seconds"] = t_select + t_final
    m["select_seconds"] = t_select
    m["final_seconds"] = t_final
    m["valid_rmse"] = best.get("valid_rmse", float("nan"))
    m["valid_ndcg"] = best.get("valid_ndcg", float("nan"))
    m["valid_history"] = history
    return m


def topk_excluding(model, test_t, valid_t, ks=common.KS):
    """Recall/NDCG@k of the test cells of users known to the model, with
    the validation carve-out's items also excluded from each ranking."""
    known_items = set(model.item_ids())
    known_users = set(model.user_ids())
    test = {}
    for u, i in zip(test_t[0].tolist(), test_t[1].tolist()):
        if u in known_users and i in known_items:
            test.setdefault(u, set()).add(i)
    deny = {}
    for u, i in zip(valid_t[0].tolist(), valid_t[1].tolist()):
        deny.setdefault(u, set()).add(i)
    users = sorted(test)
    kmax = max(ks) + max((len(deny.get(u, ())) for u in users), default=0)
    lists = model.recommend_batch(users, k=kmax)
    disc = 1.0 / np.log2(np.arange(2, max(ks) + 2))
    sums = {k: [0.0, 0.0] for k in ks}
    for u, lst in zip(users, lists):
        d = deny.get(u, set())
        top = [i for i, _ in lst if i not in d][:max(ks)]
        rel = np.array([1.0 if i in test[u] else 0.0 for i in top])
        for k in ks:
            n = min(k, len(test[u]))
            sums[k][0] += rel[:k].sum() / n
            sums[k][1] += (rel[:k] * disc[:len(rel[:k])]).sum() / \
                disc[:n].sum()
    out = {}
    for k in ks:
        out["recall@%d" % k] = sums[k][0] / len(users)
        out["ndcg@%d" % k] = sums[k][1] / len(users)
    return out


def main():
    ap = argparse.ArgumentParser(
        description="libcaerec accuracy on MovieLens vs baselines")
    ap.add_argument("--data", required=True,
                    help="folder holding ml-100k/ and ml-1m/ "
                         "(e.g. ../shared/data)")
    ap.add_argument("--datasets", default="ml-100k,ml-1m")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--set", default="",
                    help="extra options, key=value,... (default: none: the "
                         "library defaults)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--keep", action="store_true",
                    help="evaluate the early-stopped model (no retraining "
                         "on the whole train file)")
    ap.add_argument("--epochs", default=None, metavar="N,...",
                    help="one epoch count per seed, selected by an earlier "
                         "run with the same options: skip the carve-out fit "
                         "and only train on the whole train file")
    ap.add_argument("--item-fraction", type=float, default=1.0,
                    metavar="F",
                    help="keep a seeded random fraction F of the items "
                         "(train and test cells on them): the same data "
                         "with a smaller catalogue")
    ap.add_argument("--no-model", action="store_true",
                    help="baselines only")
    ap.add_argument("--log", default=None, help="append the output here")
    ap.add_argument("--stop-file", default=None,
                    help="when this file appears, end the early-stopping "
                         "fit after the current epoch (best epoch kept)")
    ap.add_argument("--json", default=None, help="write all results here")
    ap.add_argument("--save-models", default=None, metavar="DIR",
                    help="save each evaluated model as "
                         "DIR/<dataset>-seed<N>.cmod (for discovery.py)")
    args = ap.parse_args()

    names = [n for n in args.datasets.split(",") if n]
    for n in names:
        if n not in common.PROTOCOLS:
            ap.error("unknown dataset %r (known: %s)" %
                     (n, ", ".join(sorted(common.PROTOCOLS))))
    if not 0.0 < args.item_fraction <= 1.0:
        ap.error("--item-fraction must be in (0, 1]")
    seeds = [int(s) for s in args.seeds.split(",") if s]
    epochs = [None] * len(seeds)
    if args.epochs:
        epochs = [int(e) for e in args.epochs.split(",") if e]
        if len(epochs) != len(seeds) or min(epochs) < 1 or args.keep:
            ap.error("--epochs needs one positive count per seed, "
                     "without --keep")
    missing = common.data_missing(args.data, names)
    if missing:
        print("accuracy: data not found, nothing run. Missing: %s\n"
              "(see ../shared/data/README.md; the data is never part of the "
              "project)" % ", ".join(missing))
        return 3

    global STOP_FILE
    STOP_FILE = args.stop_file
    log = common.tee(args.log)

    opts = common.parse_opts(args.set)
    if args.threads:
        opts["threads"] = str(args.threads)
    log("# %s run.py --data %s --datasets %s --seeds %s --set '%s'%s%s%s" %
        (time.strftime("%Y-%m-%d %H:%M"), args.data, args.datasets,
         args.seeds, args.set, " --keep" if args.keep else "",
         " --epochs " + args.epochs if args.epochs else "",
         " --item-fraction %g" % args.item_fraction
         if args.item_fraction < 1.0 else ""))
    results = {}
    for name in names:
        train_rel, test_rel, lam = common.PROTOCOLS[name]
        train_t, test_t = common.read_protocol(args.data, name,
                                               args.item_fraction)
        sample = ""
        if args.item_fraction < 1.0:
            sample = ", items kept %g (%d)" % (
                args.item_fraction, len(np.unique(train_t[1])))
        log("\n## %s%s: train %s (%d ratings), test %s (%d ratings)" %
            (name, sample, train_rel, len(train_t[0]), test_rel,
             len(test_t[0])))
        rows = []
        per_seed = []
        if not args.no_model:
            import caerec
            for seed, n_epochs in zip(seeds, epochs):
                save = None
                if args.save_models:
                    os.makedirs(args.save_models, exist_ok=True)
                    save = os.path.join(args.save_models,
                                        "%s-seed%d.cmod" % (name, seed))
                per_seed.append(train_and_evaluate(caerec, train_t, test_t,
                                                   opts, seed, args.keep,
                                                   log, save, n_epochs))
                log("  seed %d: test " % seed + " ".join(
                    "%s %.4f" % (k, per_seed[-1][k]) for k in
                    ["rmse", "mae", "recall@10", "recall@20", "recall@50",
                     "ndcg@10", "ndcg@20", "ndcg@50"]))
            keys = [c[0] for c in common.COLUMNS]
            mean = {}
            for k in keys:
                vals = [r[k] for r in per_seed if k in r]
                if vals:
                    mean[k] = float(np.mean(vals))
            mean["epochs"] = "/".join(str(r["epochs"]) for r in per_seed)
            label = "caerec (defaults%s)" % (", " + args.set if args.set
                                             else "")
            if len(seeds) > 1:
                label += " mean of %d seeds" % len(seeds)
                sd = {k: float(np.std([r[k] for r in per_seed], ddof=1))
                      for k in ["rmse", "mae", "recall@20", "ndcg@20"]}
                log("  seed spread (sd): " + " ".join(
                    "%s %.4f" % kv for kv in sd.items()))
                mean["sd"] = sd
            rows.append((label, mean))
            log("  skipped test ratings (unknown user/item): %d" %
                per_seed[0].get("skipped", 0))
        t0 = time.time()
        rows += common.baselines(train_t, test_t, lam)
        log("  baselines: %.1fs" % (time.time() - t0))
        log("")
        log(common.format_table(rows))
        results[name] = {"rows": rows, "per_seed": per_seed}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
