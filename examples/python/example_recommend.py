#!/usr/bin/env python3
"""Train a caerec model and print recommendations for a few users.

    python3 example_recommend.py                     # synthetic data
    python3 example_recommend.py ratings.dat         # MovieLens 1M
    python3 example_recommend.py u.data --epochs 20  # MovieLens 100K

Any MovieLens ratings file works (u.data, ratings.csv, ratings.dat: the
format is detected).  Needs libcaerec: set CAEREC_LIBRARY to the path of
libcaerec.so when it is neither installed nor in a build directory of this
checkout.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caerec  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ratings", nargs="?",
                        help="ratings file (MovieLens u.data, .csv or .dat);"
                             " synthetic data when omitted")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--users", type=int, default=3,
                        help="how many users to show")
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--score", default="joint",
                        choices=caerec.SCORES, help="ranking score")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    if args.ratings:
        data = caerec.Dataset.from_file(args.ratings)
        source = args.ratings
    else:
        data = caerec.Dataset.synthetic(n_users=300, n_items=200,
                                        mean_per_user=20, seed=args.seed)
        source = "synthetic data"
    print("%s: %d users, %d items, %d ratings, scale %s"
          % (source, data.n_users, data.n_items, data.n_ratings,
             list(data.levels)))

    train, test = data.split(0.2, seed=args.seed)
    score = args.score
    if not data.levels and score not in ("sample", "consume"):
        score = "sample"  # implicit data: no rating-based scores

    # user orientation: the fold-in of a new user below is one encoder pass
    with caerec.Model(orientation="user", hidden=args.hidden,
                      epochs=args.epochs, seed=args.seed,
                      threads=os.cpu_count() or 1) as model:
        model.fit(train, valid=test, verbose=True)
        metrics = model.evaluate(test, ks=(10, 20))
        print("test: " + "  ".join("%s %.4f" % (k, v) for k, v in
                                   metrics.items() if isinstance(v, float)))

        for index in range(min(args.users, model.n_users)):
            user = model.user_id(index)
            print("\nuser %d, top %d by %s:" % (user, args.k, score))
            for item, value in model.recommend(user, k=args.k, score=score):
                line = "  item %-8d %s %.5f" % (item, score, value)
                if data.levels:
                    p = model.predict([user], [item])
                    line += "  expected rating %.2f  p_like %.3f" % (
                        p["rating"][0], p["p_like"][0])
                print(line)

        # A new user known only by a few items they rated highly.
        liked = model.item_ids()[:5]
        if data.levels:
            recs = model.recommend_for_history(
                liked, ratings=[data.levels[-1]] * len(liked), k=5,
                score=score)
        else:
            recs = model.recommend_for_history(liked, k=5, score=score)
        print("\nnew user who liked items %s:" % liked)
        for item, value in recs:
            print("  item %-8d %s %.5f" % (item, score, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
