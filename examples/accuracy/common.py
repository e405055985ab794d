"""Shared pieces of the accuracy harness: data loading, the validation
carve-out, metrics and the baselines (numpy only).

The data files are read from the folder given on the command line; nothing
is copied anywhere.
"""
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))

LEVELS = [1.0, 2.0, 3.0, 4.0, 5.0]

# protocol name -> (train file, test file, EASE lambda)
PROTOCOLS = {
    "ml-100k": ("ml-100k/u1.base", "ml-100k/u1.test", 500.0),
    "ml-1m": ("ml-1m/split-90-10/train.dat", "ml-1m/split-90-10/test.dat",
              1000.0),
}

KS = (10, 20, 50)
VALID_FRACTION = 0.1
VALID_SEED = 2024  # as the same-split baselines of evaluation.md
BIAS_LAMBDA = 10.0
ITEM_SAMPLE_SEED = 7  # --item-fraction's choice of items


def data_missing(data_dir, names):
    """Paths of the protocol files absent under data_dir."""
    missing = []
    for name in names:
        train, test, _ = PROTOCOLS[name]
        for rel in (train, test):
            if not os.path.isfile(os.path.join(data_dir, rel)):
                missing.append(os.path.join(data_dir, rel))
    return missing


def report_missing(data_dir, names):
    """True (after saying which files) when data_dir lacks a protocol's
    files: the scripts then exit 3 without running anything."""
    missing = data_missing(data_dir, names)
    if missing:
        print("data not found: %s" % ", ".join(missing))
    return bool(missing)


def parse_opts(text):
    """'key=value,key=value' -> {key: value} (caerec_config_set names;
    '-' and '_' both accepted)."""
    opts = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        opts[key.strip().replace("-", "_")] = value.strip()
    return opts


def read_triples(path):
    """(users, items, ratings) int64/int64/float64 arrays of a MovieLens
    file (tab separated u.data style or '::' separated ratings.dat style)."""
    with open(path, "r", encoding="latin-1") as f:
        text = f.read()
    first = text.split("\n", 1)[0]
    sep = "::" if "::" in first else None
    if sep:
        text = text.replace("::", "\t")
    ncol = len(first.replace("::", "\t").split())
    arr = np.array(text.split(), dtype=np.int64).reshape(-1, ncol)
    return arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].astype(np.float64)


def read_protocol(data_dir, name, item_fraction=1.0):
    """(train, test) triples of a protocol's files under data_dir, cut to a
    smaller catalogue by keep_items when item_fraction < 1."""
    train_rel, test_rel, _ = PROTOCOLS[name]
    train = read_triples(os.path.join(data_dir, train_rel))
    test = read_triples(os.path.join(data_dir, test_rel))
    if item_fraction < 1.0:
        train, test = keep_items(train, test, item_fraction)
    return train, test


def keep_items(train, test, fraction, seed=ITEM_SAMPLE_SEED):
    """A smaller catalogue from a protocol's files: a RandomState(seed)
    choice of `fraction` of the items of train and test together, and the
    cells of both files on those items. Returns (train, test)."""
    items = np.unique(np.concatenate([train[1], test[1]]))
    rs = np.random.RandomState(seed)
    kept = rs.choice(items, int(len(items) * fraction), replace=False)
    out = []
    for u, i, r in (train, test):
        sel = np.isin(i, kept)
        out.append((u[sel], i[sel], r[sel]))
    return out[0], out[1]


def carve(triples, fraction=VALID_FRACTION, seed=VALID_SEED):
    """Splits the train file's lines: a numpy RandomState(seed) permutation,
    the first `fraction` of the lines to validation (as evaluation.md's
    baselines did). Returns (fit_triples, valid_triples)."""
    u, i, r = triples
    perm = np.random.RandomState(seed).permutation(len(u))
    n_valid = int(round(fraction * len(u)))
    va, tr = perm[:n_valid], perm[n_valid:]
    tr = np.sort(tr)  # keep file order inside the fit part
    return (u[tr], i[tr], r[tr]), (u[va], i[va], r[va])



class CarveOut:
    """The validation carve-out of a protocol's TRAIN file as dense arrays,
    for the carve-out diagnostics: X (binary users x items matrix of the
    fit part, Index idx), the carve-out's cells (vu, vi), EASE's lambda."""

    def __init__(self, data_dir, dataset):
        train_rel, _, self.ease_lambda = PROTOCOLS[dataset]
        fit, valid = carve(read_triples(os.path.join(data_dir, train_rel)))
        self.idx = Index(fit)
        self.vu, self.vi, _, _ = self.idx.map(valid)
        self.X = self.idx.matrix(fit)

def to_dataset(triples, levels=LEVELS):
    import caerec
    u, i, r = triples
    return caerec.Dataset(np.ascontiguousarray(u), np.ascontiguousarray(i),
                          np.ascontiguousarray(r), levels=levels)


def epoch_line(r):
    """One line of a fit's per-epoch history (a caerec fit callback's
    record), as every harness log writes it."""
    return ("    ep %2d loss %.4f vloss %.4f vrmse %.4f vndcg %.4f %.1fs%s" %
            (r["epoch"], r["loss"], r["valid_loss"], r["valid_rmse"],
             r["valid_ndcg"], r["seconds"], " *" if r["improved"] else ""))


def fit_on_carve_out(base, cfg_text, seed, fit_ds, valid_ds, emit,
                     history):
    """A model with options base + cfg_text and the seed, fitted on fit_ds
    with early stopping on valid_ds (every epoch logged through emit when
    history is set). Returns (model, seconds); the caller closes it."""
    import caerec
    opts = parse_opts(base)
    opts.update(parse_opts(cfg_text))
    opts["seed"] = str(seed)
    model = caerec.Model(**opts)
    t0 = time.time()

    def progress(r):
        if history:
            emit(epoch_line(r))
        return False
    model.fit(fit_ds, valid=valid_ds, callback=progress)
    return model, time.time() - t0


def tee(path):
    """A function that prints a line and, when path is given, appends it to
    that log file (flushed, so a stopped run keeps its lines)."""
    log = open(path, "a") if path else None

    def emit(line):
        print(line, flush=True)
        if log:
            log.write(line + "\n")
            log.flush()
    return emit


# --------------------------------------------------------------------------
# Metrics (evaluation.md definitions), used by the baselines and to
# cross-check the library's evaluator.

class Index:
    """Dense indices of the users and items of a train set."""

    def __init__(self, train):
        u, i, _ = train
        self.users = np.unique(u)
        self.items = np.unique(i)
        self.uidx = {int(x): k for k, x in enumerate(self.users)}
        self.iidx = {int(x): k for k, x in enumerate(self.items)}

    def map(self, triples):
        """Indices of the known cells; returns (ui, ii, r, n_skipped)."""
        u, i, r = triples
        ui = np.array([self.uidx.get(int(x), -1) for x in u], dtype=np.int64)
        ii = np.array([self.iidx.get(int(x), -1) for x in i], dtype=np.int64)
        ok = (ui >= 0) & (ii >= 0)
        return ui[ok], ii[ok], r[ok], int((~ok).sum())

    def matrix(self, triples, binary=True):
        ui, ii, r, _ = self.map(triples)
        X = np.zeros((len(self.users), len(self.items)), dtype=np.float64)
        X[ui, ii] = 1.0 if binary else r
        return X


def topk_metrics(scores, train_X, test_ui, test_ii, ks=KS):
    """Recall@k, NDCG@k over users with at least one (known) test item;
    items of the user's training row are excluded from the ranking.
    scores: users x items array."""
    S = np.array(scores, dtype=np.float64, copy=True)
    S[train_X > 0] = -np.inf
    n_users = S.shape[0]
    rel = np.zeros_like(S, dtype=bool)
    rel[test_ui, test_ii] = True
    n_rel = rel.sum(axis=1)
    users = np.nonzero(n_rel > 0)[0]
    kmax = max(ks)
    # top kmax per user (descending score; ties broken by lower index, as
    # the library does: a stable sort, since argpartition picks arbitrary
    # members of a tie at the cut, which matters for Popularity)
    top = np.argsort(-S[users], axis=1, kind="stable")[:, :kmax]
    hits = np.take_along_axis(rel[users], top, axis=1).astype(np.float64)
    disc = 1.0 / np.log2(np.arange(2, kmax + 2))
    out = {}
    for k in ks:
        h = hits[:, :k]
        denom = np.minimum(k, n_rel[users])
        out["recall@%d" % k] = float(np.mean(h.sum(axis=1) / denom))
        dcg = (h * disc[:k]).sum(axis=1)
        idcg = np.array([disc[:m].sum() for m in denom])
        out["ndcg@%d" % k] = float(np.mean(dcg / idcg))
    out["users"] = int(len(users))
    del n_users
    return out


def logsumexp(L, axis):
    """log sum exp of L along axis (kept as a length-1 axis), computed
    after subtracting the maximum."""
    mx = L.max(axis=axis, keepdims=True)
    return np.log(np.exp(L - mx).sum(axis=axis, keepdims=True)) + mx


def item_oriented_logp(L, X):
    """The ranking score of an item-oriented model (docs/model.md) from its
    users x items logits L over the binary train matrix X:
    log P(i | u) + const(u) = log pi_i + L_ui - log sum_u' exp(L_u'i).
    Returns (scores, lse) with lse the per-item log-sum-exp."""
    lse = logsumexp(L, 0)
    pop = X.sum(axis=0)
    return L - lse + np.log(pop / pop.sum()), lse[0]


def fit_offsets(L, X, axis, rounds):
    """Offsets o, one per index along axis, that maximise the likelihood
    sum over X's cells of log softmax(L + o) (the softmax taken along
    axis, e.g. axis 0: each item's distribution over users), found by
    iterative scaling: at the optimum every index's expected count, each
    softmax weighted by its number of cells, equals its count in X."""
    groups = X.sum(axis=axis, keepdims=True)  # cells per softmax
    target = np.maximum(X.sum(axis=1 - axis), 1e-12)  # cells per index
    off = np.zeros(L.shape[axis])
    for _ in range(rounds):
        Lo = L + (off[:, None] if axis == 0 else off[None, :])
        P = np.exp(Lo - logsumexp(Lo, axis))
        off += np.log(target / (groups * P).sum(axis=1 - axis))
    return off


def rating_metrics(pred, truth):
    pred = np.clip(pred, LEVELS[0], LEVELS[-1])
    err = pred - truth
    return {"rmse": float(np.sqrt(np.mean(err ** 2))),
            "mae": float(np.mean(np.abs(err)))}


# --------------------------------------------------------------------------
# Baselines

def item_means(idx, train):
    """Mean train rating of each item of idx (idx.items order); the global
    mean for an item without ratings."""
    _, fi, fr, _ = idx.map(train)
    sums = np.bincount(fi, weights=fr, minlength=len(idx.items))
    cnts = np.bincount(fi, minlength=len(idx.items))
    return np.where(cnts > 0, sums / np.maximum(cnts, 1), np.mean(fr))


def bias_predictions(idx, train, tu, ti, lam=BIAS_LAMBDA, sweeps=10):
    """The baseline predictor mu + b_u + b_i (Koren 2008): biases fitted
    by alternating ridge solves, each shrunk by lam pseudo-ratings (a
    textbook value, not tuned here). Predictions for the test cells
    (tu, ti)."""
    fu, fi, fr, _ = idx.map(train)
    mu = float(np.mean(fr))
    bu = np.zeros(len(idx.users))
    bi = np.zeros(len(idx.items))
    nu = np.bincount(fu, minlength=len(idx.users))
    ni = np.bincount(fi, minlength=len(idx.items))
    for _ in range(sweeps):
        bi = np.bincount(fi, weights=fr - mu - bu[fu],
                         minlength=len(idx.items)) / (ni + lam)
        bu = np.bincount(fu, weights=fr - mu - bi[fi],
                         minlength=len(idx.users)) / (nu + lam)
    return mu + bu[tu] + bi[ti]


def ease_scores(X, lam):
    """EASE (Steck 2019): X B with B = I - P diag(1/diag(P)),
    P = (X^T X + lam I)^-1, zero diagonal."""
    G = X.T @ X
    G[np.diag_indices_from(G)] += lam
    P = np.linalg.inv(G)
    B = -P / np.diag(P)[None, :]
    B[np.diag_indices_from(B)] = 0.0
    return X @ B


def baselines(train, test, ease_lambda, ks=KS):
    """Global mean, item mean, user + item bias (RMSE); Popularity and
    EASE (top-k).
    Returns a list of (name, metrics dict)."""
    idx = Index(train)
    tu, ti, tr, skipped = idx.map(test)
    _, _, fr, _ = idx.map(train)
    X = idx.matrix(train)
    rows = []

    t0 = time.time()
    mu = float(np.mean(fr))
    m = rating_metrics(np.full(len(tr), mu), tr)
    m.update(seconds=time.time() - t0, skipped=skipped)
    rows.append(("global mean", m))

    t0 = time.time()
    m = rating_metrics(item_means(idx, train)[ti], tr)
    m.update(seconds=time.time() - t0, skipped=skipped)
    rows.append(("item mean", m))

    t0 = time.time()
    m = rating_metrics(bias_predictions(idx, train, tu, ti), tr)
    m.update(seconds=time.time() - t0, skipped=skipped)
    rows.append(("user + item bias (lambda %g)" % BIAS_LAMBDA, m))

    t0 = time.time()
    pop = X.sum(axis=0)
    m = topk_metrics(np.tile(pop, (X.shape[0], 1)), X, tu, ti, ks)
    m.update(seconds=time.time() - t0)
    rows.append(("Popularity", m))

    t0 = time.time()
    m = topk_metrics(ease_scores(X, ease_lambda), X, tu, ti, ks)
    m.update(seconds=time.time() - t0)
    rows.append(("EASE (lambda %g)" % ease_lambda, m))
    return rows


# --------------------------------------------------------------------------
# Table

COLUMNS = [("rmse", "RMSE", "%.4f"), ("mae", "MAE", "%.4f")] + \
    [("recall@%d" % k, "R@%d" % k, "%.4f") for k in KS] + \
    [("ndcg@%d" % k, "N@%d" % k, "%.4f") for k in KS] + \
    [("seconds", "time s", "%.1f"), ("epochs", "epochs", "%s")]


def format_table(rows, markdown=True):
    head = ["method"] + [c[1] for c in COLUMNS]
    lines = []
    body = []
    for name, m in rows:
        cells = [name]
        for key, _, fmt in COLUMNS:
            v = m.get(key)
            if v is None or (isinstance(v, float) and np.isnan(v)):
                cells.append("-")
            elif isinstance(v, str):
                cells.append(v)
            else:
                cells.append(fmt % v)
        body.append(cells)
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * len(COLUMNS)) + "|")
        for cells in body:
            lines.append("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(r[c]) for r in [head] + body)
                  for c in range(len(head))]
        for cells in [head] + body:
            lines.append("  ".join(s.ljust(w) if c == 0 else s.rjust(w)
                                   for c, (s, w) in
                                   enumerate(zip(cells, widths))))
    return "\n".join(lines)
