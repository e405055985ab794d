#!/usr/bin/python3
"""Replays early stopping on the selection histories that run.py writes to
its --json (`valid_history`, full precision): for each seed and each
min-improvement value, the epoch where patience would stop the fit and the
epoch it would keep, as the library's rule does (docs/model.md,
`min-improvement`). Training does not depend on the stopping rule, so this
is exact for any rule that stops no later than the recorded run did.

    python3 examples/accuracy/replay_stop.py --patience 5 \\
        --tols 0,1e-4,3e-4 examples/accuracy/logs/run-1m-s9-seed*.json
"""
import argparse
import json
import sys


def replay(history, tol, patience):
    """(stop epoch, kept epoch, kept RMSE, truncated): truncated when the
    recorded history ends before the rule would stop."""
    progress, since, best, kept = None, 0, None, None
    for r in history:
        x = r["valid_rmse"]
        if best is None or x < best:
            best, kept = x, r["epoch"]
        if progress is None or x < progress - tol * abs(progress):
            progress, since = x, 0
        else:
            since += 1
            if since >= patience:
                return r["epoch"], kept, best, False
    return history[-1]["epoch"], kept, best, True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", nargs="+")
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--tols", default="0,1e-4,2e-4,3e-4,1e-3")
    args = ap.parse_args()
    tols = [float(t) for t in args.tols.split(",")]
    for path in args.json:
        with open(path) as f:
            results = json.load(f)
        for name, res in results.items():
            for i, seed in enumerate(res["per_seed"]):
                h = seed.get("valid_history")
                if not h:
                    print("%s %s #%d: no valid_history" % (path, name, i + 1))
                    continue
                for tol in tols:
                    stop, kept, rmse, cut = replay(h, tol, args.patience)
                    print("%s %s #%d min-improvement %g: stop %d%s, kept %d "
                          "(valid rmse %.6f)" %
                          (path, name, i + 1, tol, stop,
                           " (history ends here)" if cut else "", kept,
                           rmse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
