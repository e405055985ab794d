#!/usr/bin/python3
"""Can the item-item path of itemitem.py learn what EASE has in closed form
if it is fitted well, or with another objective? A prototype, in numpy,
of the logit s_iu = sum_{i' in O_u, i' != i} G[i', i] + c_u (item
orientation: softmax over the users of each item) trained on

   L_i = alpha * NLL_i + delta * R_i + 0.5 * lam_i |G_i|^2

with NLL_i = -sum_{u in O_i} log P(u|i), lam_i = --l2 * |O_i| (the ridge
that matches EASE's lambda 1000 on ML-1M is about 0.17 |O_i|), and R_i a
dense per-cell proper scoring rule on the consumption probability
c_iu = 1 - (1 - P(u|i))^{N_i}:
   --rule brier:     R_i = sum_u (c_iu - x_iu)^2
   --rule bernoulli: R_i = -sum_u [x log c + (1-x) log(1-c)]

Each item column is a separate convex problem once the user biases are
fixed, and appears in one batch per epoch, so Adam (one step per column
per epoch) cannot fit it; here every visit takes --inner steps of a
diagonally preconditioned conjugate-gradient direction with a line search
on the full objective. --init-ease W starts from W times EASE's weights;
--dropout p fits it as a denoising path (EASE's zero diagonal is the
one-item case of predicting a user's items from the others).
--gradcheck compares the gradient with finite differences on a tiny
example. Reads the TRAIN file only; reports Recall/NDCG@20 on its
validation carve-out after every epoch.

    python3 examples/accuracy/itemitem_objectives.py --data ../shared/data \
        --init-ease 4 --rule brier --alpha 1 --delta 10 --epochs 3

(The session-9 logs, itemitem-s9-*.log, name it itemitem_brier.py, its
name while the runs were made.)
"""
import argparse
import os
import sys
import time

import numpy as np



def cell_terms(S, Xr, N, alpha, delta, rule, need_gn=False):
    """S, Xr: users x nb (float64); N: nb.  Returns per-column (nll, reg),
    dF/dS (users x nb) and, when need_gn, the per-cell pieces for the
    Gauss-Newton curvature: (P, J = dc/dS_uu-ish factor N pw P, w)."""
    mx = S.max(axis=0)
    E = np.exp(S - mx)
    Z = E.sum(axis=0)
    P = E / Z
    lse = np.log(Z) + mx
    nll = N * lse - (S * Xr).sum(axis=0)
    log1mP = np.log1p(-np.minimum(P, 1 - 1e-15))
    pw = np.exp((N - 1)[None, :] * log1mP)        # (1-P)^(N-1)
    lonemc = N[None, :] * log1mP                  # log (1-c)
    c = -np.expm1(lonemc)
    dcdP = N[None, :] * pw
    J = dcdP * P                                  # dc/dP * P
    if delta == 0:
        reg = np.zeros_like(nll)
        Pa = np.zeros_like(S)
        K = None
    elif rule == "brier":
        r = c - Xr
        reg = (r * r).sum(axis=0)
        Pa = 2.0 * r * J
        K = 2.0 * J * J                           # GN weight (w J^2)
    else:                                         # bernoulli, log-domain
        logP = S - lse
        small = -lonemc < 1e-8
        logc = np.where(small, np.log(N)[None, :] + logP,
                        np.log(-np.expm1(np.minimum(lonemc, -1e-300))))
        Jc = np.exp(logP + np.log(N)[None, :] +
                    (N - 1)[None, :] * log1mP - logc)   # P dc/dP / c
        reg = -(Xr * logc + (1 - Xr) * lonemc).sum(axis=0)
        Pa = -Xr * Jc + (1 - Xr) * N[None, :] * P / np.maximum(1 - P, 1e-15)
        K = Jc * J / np.maximum(1 - c, 1e-15)     # Fisher J^2 / (c(1-c))
    dR = Pa - P * Pa.sum(axis=0)
    dF = alpha * (N[None, :] * P - Xr) + delta * dR
    if not need_gn:
        return nll, reg, dF
    return nll, reg, dF, (P, K)


def objective_1d(base, Xd, Xr, N, alpha, delta, rule, lam, g, d, al):
    """phi(al) per column and phi'(al)."""
    S = base + al[None, :] * Xd
    nll, reg, dF = cell_terms(S, Xr, N, alpha, delta, rule)
    gn = g + al[:, None] * d
    phi = alpha * nll + delta * reg + 0.5 * lam * (gn * gn).sum(axis=1)
    dphi = (dF * Xd).sum(axis=0) + lam * (gn * d).sum(axis=1)
    return phi, dphi


def gradcheck(rule, alpha, delta):
    rng = np.random.default_rng(0)
    nu, ni = 25, 7
    X = (rng.random((nu, ni)) < 0.3).astype(np.float64)
    X[0] = 1
    GT = rng.normal(0, 0.7, (ni, ni))
    np.fill_diagonal(GT, 0)
    c = rng.normal(0, 0.3, nu)
    N = X.sum(axis=0)
    lam = 0.1 * N

    def f(GT):
        S = X @ GT.T + c[:, None]
        nll, reg, dF = cell_terms(S, X, N, alpha, delta, rule)
        return (alpha * nll + delta * reg).sum() + 0.5 * (lam[:, None] * GT * GT).sum(), dF

    f0, dF = f(GT)
    gr = (X.T @ dF).T + lam[:, None] * GT
    num = np.zeros_like(GT)
    h = 1e-6
    for i in range(ni):
        for j in range(ni):
            Gp = GT.copy(); Gp[i, j] += h
            Gm = GT.copy(); Gm[i, j] -= h
            num[i, j] = (f(Gp)[0] - f(Gm)[0]) / (2 * h)
    err = np.abs(num - gr).max() / max(np.abs(num).max(), 1e-12)
    return err


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--dataset", default="ml-1m")
    ap.add_argument("--rule", default="brier", choices=["brier", "bernoulli"])
    ap.add_argument("--alpha", type=float, default=1.0)
    ap.add_argument("--delta", type=float, default=0.0)
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--lr-c", type=float, default=3e-3)
    ap.add_argument("--l2", type=float, default=0.17)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--inner", type=int, default=3)
    ap.add_argument("--ls", type=int, default=3, help="line-search evals")
    ap.add_argument("--init-ease", type=float, default=0.0)
    ap.add_argument("--dropout", type=float, default=0.0,
                    help="input dropout p: each visit's logits are computed "
                    "from a fresh mask of the users' items (kept cells "
                    "scaled by 1/(1-p)), the targets stay whole")
    ap.add_argument("--gradcheck", action="store_true")
    ap.add_argument("--log", default=None)
    args = ap.parse_args()
    if args.gradcheck:
        for rule in ("brier", "bernoulli"):
            for a, dl in ((1, 0), (0, 1), (1, 3)):
                print("gradcheck rule=%s alpha=%g delta=%g rel.err %.2e" %
                      (rule, a, dl, gradcheck(rule, a, dl)))
        return 0
    import common
    if common.report_missing(args.data, [args.dataset]):
        return 3
    emit = common.tee(args.log)
    emit("# " + " ".join(sys.argv))
    co = common.CarveOut(args.data, args.dataset)
    vu, vi = co.vu, co.vi
    X = co.X.astype(np.float32)
    XT = np.ascontiguousarray(X.T)
    n_users, n_items = X.shape
    counts = X.sum(axis=0).astype(np.float64)
    lam_all = args.l2 * counts
    GT = np.zeros((n_items, n_items), np.float32)
    c = np.zeros(n_users, np.float32)

    def ranking():
        L = X @ GT.T + c[:, None]
        lp = common.item_oriented_logp(L, X)[0]
        m = common.topk_metrics(lp, X, vu, vi, ks=(20,))
        # also rank by consumption probability c_iu
        lpP = lp - np.log(counts / counts.sum())[None, :]   # log P(u|i)
        cons = -np.expm1(counts[None, :] * np.log1p(-np.minimum(np.exp(lpP), 1 - 1e-12)))
        m2 = common.topk_metrics(cons, X, vu, vi, ks=(20,))
        return m["recall@20"], m["ndcg@20"], m2["ndcg@20"]

    if args.init_ease:
        A = (XT @ X).astype(np.float64)
        A[np.diag_indices_from(A)] += co.ease_lambda
        Pi = np.linalg.inv(A)
        B = -Pi / np.diag(Pi)[None, :]
        B[np.diag_indices_from(B)] = 0.0
        GT[:] = (args.init_ease * B.T).astype(np.float32)
        del A, Pi, B
        r, n, nc = ranking()
        emit("epoch 0 (EASE init w=%g) valid Recall@20 %.4f NDCG@20 %.4f "
             "NDCG@20(rank by c) %.4f" % (args.init_ease, r, n, nc))
    cm, cv, ct = np.zeros_like(c), np.zeros_like(c), 0
    alpha, delta, rule = args.alpha, args.delta, args.rule
    rng = np.random.default_rng(1)
    drng = np.random.default_rng(2)
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        tot_nll = tot_reg = tot_f = 0.0
        nback = 0
        order = rng.permutation(n_items)
        for start in range(0, n_items, args.batch):
            rows = order[start:start + args.batch]
            nb = len(rows)
            ar = np.arange(nb)
            g = GT[rows].astype(np.float64)
            Xr = X[:, rows].astype(np.float64)
            N = counts[rows]
            if args.dropout:
                keep = drng.random(X.shape, dtype=np.float32) >= args.dropout
                Xin = X * keep * np.float32(1.0 / (1.0 - args.dropout))
                XinT = np.ascontiguousarray(Xin.T)
                del keep
            else:
                Xin, XinT = X, XT
            lam = lam_all[rows]
            for k in range(args.inner):
                S = (Xin @ g.T.astype(np.float32)).astype(np.float64) + c[:, None]
                nll, reg, dF, (P, K) = cell_terms(S, Xr, N, alpha, delta,
                                                     rule, need_gn=True)
                if k == 0:
                    tot_nll += nll.sum(); tot_reg += reg.sum()
                    tot_f += (alpha * nll + delta * reg +
                              0.5 * lam * (g * g).sum(axis=1)).sum()
                # one matmul for gradient and preconditioner pieces
                stack = [dF, P]
                if delta:
                    stack.append(K * (1 - P) ** 2)
                Q = (XinT @ np.concatenate(stack, axis=1).astype(np.float32)
                     ).astype(np.float64)
                gr = Q[:, :nb].T + lam[:, None] * g
                q = Q[:, nb:2 * nb].T
                H = alpha * N[:, None] * (q - q * q) + lam[:, None]
                if delta:
                    H += delta * Q[:, 2 * nb:].T
                gr[ar, rows] = 0.0
                s_ = gr / np.maximum(H, 1e-12)
                s_[ar, rows] = 0.0
                if k > 0:
                    beta = ((s_ * (gr - gprev)).sum(axis=1) /
                            np.maximum((sprev * gprev).sum(axis=1), 1e-30))
                    d = -s_ + np.maximum(beta, 0.0)[:, None] * d
                else:
                    d = -s_
                gd = (gr * d).sum(axis=1)
                bad = gd >= 0
                if bad.any():
                    d[bad] = -s_[bad]
                    gd[bad] = (gr[bad] * d[bad]).sum(axis=1)
                Xd = (Xin @ d.T.astype(np.float32)).astype(np.float64)
                # Gauss-Newton 1-D curvature along d
                m1 = (P * Xd).sum(axis=0)
                curv = alpha * N * ((P * Xd * Xd).sum(axis=0) - m1 * m1)
                if delta:
                    v_ = Xd - m1[None, :]
                    curv += delta * (K * v_ * v_).sum(axis=0)
                curv += lam * (d * d).sum(axis=1)
                al = args.lr * (-gd / np.maximum(curv, 1e-30))
                phi0 = alpha * nll + delta * reg + 0.5 * lam * (g * g).sum(axis=1)
                a_prev, dp_prev = np.zeros(nb), gd
                best_a, best_phi = np.zeros(nb), phi0.copy()
                for it in range(args.ls):
                    phi, dphi = objective_1d(S, Xd, Xr, N, alpha, delta, rule,
                                             lam, g, d, al)
                    ok = np.isfinite(phi) & (phi < best_phi)
                    best_a[ok], best_phi[ok] = al[ok], phi[ok]
                    # next trial: secant on phi' where ok, halving where not
                    den = dphi - dp_prev
                    sec = al - dphi * (al - a_prev) / np.where(
                        np.abs(den) > 1e-30, den, 1e-30)
                    sec = np.clip(sec, 0.0, 4.0 * np.maximum(al, 1e-30))
                    nxt = np.where(ok, sec, 0.5 * al)
                    nback += int((~ok).sum())
                    a_prev = np.where(ok, al, a_prev)
                    dp_prev = np.where(ok, dphi, dp_prev)
                    al = np.where(np.isfinite(nxt), nxt, 0.5 * al)
                g += best_a[:, None] * d
                g[ar, rows] = 0.0
                gprev, sprev = gr, s_
                # user bias: one Adam step on the (batch-mean) gradient
                gc = dF.sum(axis=1) / nb
                ct += 1
                cm = 0.9 * cm + 0.1 * gc
                cv = 0.999 * cv + 0.001 * gc * gc
                c -= (args.lr_c * (cm / (1 - 0.9 ** ct)) /
                      (np.sqrt(cv / (1 - 0.999 ** ct)) + 1e-8)).astype(np.float32)
            GT[rows] = g.astype(np.float32)
        tt = time.time() - t0
        r, n, nc = ranking()
        emit("epoch %d obj %.2f nll %.2f reg(%s) %.3f (per item, at visit) "
             "valid Recall@20 %.4f NDCG@20 %.4f NDCG@20(rank by c) %.4f "
             "train %.1fs |G|rms %.4f ls-rejects %d" %
             (epoch, tot_f / n_items, tot_nll / n_items, rule,
              tot_reg / n_items, r, n, nc, tt, np.sqrt((GT * GT).mean()),
              nback))
    return 0


if __name__ == "__main__":
    sys.exit(main())
