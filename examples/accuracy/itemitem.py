#!/usr/bin/python3
"""Prototype, in numpy, of a full-rank item-item path in the consumption
logit, trained the way the library trains (softmax likelihood, Adam,
mini-batches of item rows, coupled L2, learning-rate decay per epoch): the
logit of user u for item i is sum_{i' in O_u, i' != i} G[i', i] + c_u, a
softmax over the users of each item (item orientation). Alone, without the
autoencoder, to see whether such a path learns what EASE has in closed
form. Reads the TRAIN file only and reports Recall/NDCG@20 on its
validation carve-out after every epoch.

    python3 examples/accuracy/itemitem.py --data ../shared/data \\
        --dataset ml-1m --lr 3e-4 --epochs 6
"""
import argparse
import sys
import time

import numpy as np

import common


class Adam:
    def __init__(self, shape, lr):
        self.m = np.zeros(shape, np.float32)
        self.v = np.zeros(shape, np.float32)
        self.lr, self.t = lr, 0

    def step(self, p, g):
        self.t += 1
        self.m *= 0.9
        self.m += 0.1 * g
        self.v *= 0.999
        self.v += 0.001 * g * g
        mh = self.m / (1 - 0.9 ** self.t)
        vh = self.v / (1 - 0.999 ** self.t)
        p -= self.lr * mh / (np.sqrt(vh) + 1e-8)


def ranking(X, G, c, vu, vi):
    """Recall/NDCG@20 ranking by log P(i | u) = log pi_i + log P(u | i)."""
    L = X @ G + c[:, None]                      # users x items logits
    m = common.topk_metrics(common.item_oriented_logp(L, X)[0], X, vu, vi,
                            ks=(20,))
    return m["recall@20"], m["ndcg@20"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", default="ml-1m",
                    choices=sorted(common.PROTOCOLS))
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--l2", type=float, default=0.1)
    ap.add_argument("--lr-decay", type=float, default=0.9)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    if common.report_missing(args.data, [args.dataset]):
        return 3
    co = common.CarveOut(args.data, args.dataset)
    vu, vi = co.vu, co.vi
    X = co.X.astype(np.float32)                 # users x items
    n_users, n_items = X.shape
    counts = X.sum(axis=0)
    G = np.zeros((n_items, n_items), np.float32)
    c = np.zeros(n_users, np.float32)
    opt_g, opt_c = Adam(G.shape, args.lr), Adam(c.shape, args.lr)
    rng = np.random.default_rng(1)
    diag = np.arange(n_items)
    for epoch in range(1, args.epochs + 1):
        t0, loss = time.time(), 0.0
        order = rng.permutation(n_items)
        for start in range(0, n_items, args.batch):
            rows = order[start:start + args.batch]
            L = X @ G[:, rows] + c[:, None]     # users x batch
            mx = L.max(axis=0)
            P = np.exp(L - mx)
            Z = P.sum(axis=0)
            P /= Z
            loss += float((counts[rows] * (np.log(Z) + mx) -
                           (L * X[:, rows]).sum(axis=0)).sum())
            D = (counts[rows][None, :] * P - X[:, rows]) / len(rows)
            grad = args.l2 * G
            gb = X.T @ D
            gb[rows, np.arange(len(rows))] = 0.0    # G's diagonal stays 0
            grad[:, rows] += gb
            opt_g.step(G, grad)
            opt_c.step(c, D.sum(axis=1))
            G[diag, diag] = 0.0
        opt_g.lr *= args.lr_decay
        opt_c.lr *= args.lr_decay
        print("epoch %d loss %.1f valid Recall@20 %.4f NDCG@20 %.4f (%.0fs)"
              % ((epoch, loss / n_items) + ranking(X, G, c, vu, vi) +
                 (time.time() - t0,)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
