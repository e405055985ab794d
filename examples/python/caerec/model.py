"""The autoencoder model (caerec_model): training, prediction,
recommendation, evaluation and persistence."""

import ctypes
import math
import os
import sys

from . import _lib
from ._arrays import as_c_array, is_ndarray, output
from .config import Config
from .dataset import Dataset
from .errors import InvalidArgument, StateError

#: caerec_score enum values, in header order
SCORES = ("sample", "consume", "rating", "like", "joint", "discovery")
#: the keys of Model.predict's result for each score
SCORE_KEYS = ("p_sample", "p_consume", "rating", "p_like", "p_joint",
              "discovery")
#: scores that need a rating scale (K > 0)
RATING_SCORES = frozenset((2, 3, 4, 5))


def level_text(value):
    """A rating level as the caerec tool prints it in column names."""
    return "%.10g" % value


def score_id(score):
    """The caerec_score value of 'sample', 'p_sample', 'like', 2, ..."""
    if isinstance(score, int) and 0 <= score < len(SCORES):
        return score
    if isinstance(score, str):
        name = score[2:] if score.startswith("p_") else score
        if name in SCORES:
            return SCORES.index(name)
        if score in SCORE_KEYS:
            return SCORE_KEYS.index(score)
    raise InvalidArgument("unknown score %r (one of %s)"
                          % (score, ", ".join(SCORES)), -1)


def score_name(score):
    """caerec_score_name: the library's name of a score value."""
    name = _lib.lib().caerec_score_name(score_id(score))
    return None if name is None else name.decode()


def score_from_name(name):
    """caerec_score_from_name: the score value of a library name."""
    lib = _lib.lib()
    out = ctypes.c_int()
    lib.check(lib.caerec_score_from_name(name.encode(), ctypes.byref(out)))
    return out.value


def _ids(values):
    """Python ints of a scalar, sequence or numpy array."""
    if is_ndarray(values):
        return [int(v) for v in values.tolist()]
    return [int(v) for v in values]


class _Scorer:
    """One caerec_scorer, private to one call (so calls on one model from
    several threads never share scratch space)."""

    def __init__(self, model):
        self._lib = model._lib
        self._model = model  # the model must outlive the scorer
        self._handle = _lib.scorer_p()
        self._lib.check(self._lib.caerec_scorer_create(
            ctypes.byref(self._handle), model.handle))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        handle, self._handle = self._handle, None
        if handle:
            self._lib.caerec_scorer_free(handle)

    def set_user(self, user):
        self._lib.check(self._lib.caerec_scorer_set_user(self._handle, user))

    def set_history(self, history, user):
        skipped = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_scorer_set_history(
            self._handle, history.handle, user, ctypes.byref(skipped)))
        return skipped.value

    def get(self, item, score, out=ctypes.c_double):
        value = out()
        self._lib.check(self._lib.caerec_scorer_get(
            self._handle, item, score, ctypes.byref(value)))
        return value.value

    def levels(self, item, k):
        probs = (ctypes.c_double * max(k, 1))()
        n = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_scorer_levels(
            self._handle, item, probs, k, ctypes.byref(n)))
        return list(probs[:min(k, n.value)])

    def seen(self, item):
        out = ctypes.c_int()
        self._lib.check(self._lib.caerec_scorer_seen(self._handle, item,
                                                     ctypes.byref(out)))
        return bool(out.value)

    def all(self, score, n_items):
        out = (ctypes.c_float * max(n_items, 1))()
        self._lib.check(self._lib.caerec_scorer_all(self._handle, score, out,
                                                    n_items))
        return out, n_items

    def recommend(self, k, opts):
        items = (ctypes.c_int64 * max(k, 1))()
        scores = (ctypes.c_double * max(k, 1))()
        n = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_scorer_recommend(
            self._handle, k, ctypes.byref(opts), items, scores,
            ctypes.byref(n)))
        return [(items[j], scores[j]) for j in range(n.value)]


def _rec_options(score, exclude_seen, allow, deny):
    """A RecOptions struct and the arrays it points into (keep both alive
    for the duration of the call)."""
    opts = _lib.RecOptions.new()
    opts.score = score_id(score)
    opts.include_seen = 0 if exclude_seen else 1
    keep = []
    if allow is not None:
        a = as_c_array(allow, ctypes.c_int64, "allow")
        keep.append(a)
        # a non-NULL pointer even when empty: "only these (no) items"
        opts.allow = a.ptr if a.n else (ctypes.c_int64 * 1)()
        opts.n_allow = a.n
    if deny is not None:
        d = as_c_array(deny, ctypes.c_int64, "deny")
        keep.append(d)
        opts.deny, opts.n_deny = d.ptr, d.n
    return opts, keep


class Model:
    """A 1x1 convolutional autoencoder recommender.

        model = Model(hidden=64, epochs=20)        # options as caerec_config
        model.fit(train, valid, verbose=True)      # names, '_' for '-'
        model.recommend(user, k=10, score='joint')
        model.predict(users, items)['rating']
        model.save('m.caerec'); Model.load('m.caerec')

    The C model is freed by close(), at the end of a `with` block, or by the
    garbage collector.  Prediction methods may be called from several
    threads at once (each call uses its own scorer); fit() and close() need
    exclusive use.
    """

    def __init__(self, config=None, **options):
        self._lib = _lib.lib()
        self._handle = None
        self._free = self._lib.caerec_model_free
        if config is None:
            self._config = Config()
        elif isinstance(config, Config):
            self._config = config.copy()
        elif isinstance(config, dict):
            self._config = Config(**config)
        else:
            raise TypeError("config must be a Config or a dict, got %r"
                            % type(config).__name__)
        self._config.update(**options)
        self.history = []
        self.best = None

    @classmethod
    def _wrap(cls, handle, lib):
        self = cls.__new__(cls)
        self._lib = lib
        self._handle = handle
        self._free = lib.caerec_model_free
        self._config = None
        self.history = []
        self.best = None
        return self

    def _replace(self, handle):
        old, self._handle = self._handle, handle
        if old:
            self._free(old)

    @property
    def handle(self):
        if not self._handle:
            raise StateError("the model is not trained or loaded (call fit(),"
                             " prepare() or Model.load()), or is closed", -7)
        return self._handle

    # -- configuration -------------------------------------------------------
    @property
    def config(self):
        """The configuration (a copy for a created model)."""
        if self._handle:
            out = _lib.config_p()
            self._lib.check(self._lib.caerec_model_config(ctypes.byref(out),
                                                          self._handle))
            return Config._wrap(out, self._lib)
        if self._config is None:
            raise StateError("the model is closed", -7)
        return self._config.copy()

    def set_params(self, **options):
        """Sets options for the next fit()."""
        if self._config is None:
            self._config = self.config
        self._config.update(**options)
        return self

    def estimate_memory(self, train, **options):
        """(training bytes, serving bytes) a model on `train` would need."""
        cfg = self._config.copy() if self._config else self.config
        with cfg:
            cfg.update(**options)
            return cfg.estimate_memory(train)

    # -- training ------------------------------------------------------------
    def prepare(self, train, **options):
        """Creates the C model for `train` with fresh parameters (fit() does
        this itself); then train_step()/train_epoch() train by hand."""
        if not isinstance(train, Dataset):
            raise TypeError("train must be a caerec.Dataset")
        self.set_params(**options)
        out = _lib.model_p()
        self._lib.check(self._lib.caerec_model_create(
            ctypes.byref(out), self._config.handle, train.handle))
        self._replace(out)
        self.history = []
        self.best = None
        return self

    def fit(self, train, valid=None, callback=None, verbose=False,
            **options):
        """Trains a new model on `train` for up to `epochs` epochs.

        valid: a Dataset of held-out cells for early stopping (the best
        epoch's parameters are kept).  callback(report) is called after each
        epoch with a dict (epoch, loss, train losses, valid_loss, valid_rmse,
        valid_ndcg, seconds, improved); returning True stops training.
        verbose: print one line per epoch (to sys.stdout, or to the file
        object given instead of True).  Options as for Model(...).
        Returns self; self.history holds the reports, self.best the report
        of the kept epoch."""
        self.prepare(train, **options)
        out = sys.stdout if verbose is True else verbose
        failures = []

        def on_epoch(report_p, _user):
            try:
                report = report_p.contents.to_dict()
                self.history.append(report)
                if out:
                    print(_format_report(report), file=out, flush=True)
                if callback is not None and callback(report):
                    return 1
                return 0
            except BaseException as exc:  # incl. KeyboardInterrupt
                failures.append(exc)
                return 1

        c_callback = _lib.EPOCH_CALLBACK(on_epoch)
        best = _lib.EpochReport.new()
        status = self._lib.caerec_model_fit(
            self._handle, valid.handle if valid is not None else None,
            c_callback, None, ctypes.byref(best))
        if failures:
            raise failures[0]
        self._lib.check(status)
        self.best = best.to_dict()
        return self

    def train_step(self):
        """One mini-batch step: (losses dict, True if it ended an epoch)."""
        losses = _lib.Losses()
        status = self._lib.check(self._lib.caerec_model_train_step(
            self.handle, ctypes.byref(losses)))
        return losses.to_dict(), status == 1

    def train_epoch(self):
        """The rest of the current epoch: its averaged losses (dict)."""
        losses = _lib.Losses()
        self._lib.check(self._lib.caerec_model_train_epoch(
            self.handle, ctypes.byref(losses)))
        return losses.to_dict()

    @property
    def epoch(self):
        return self._lib.caerec_model_epoch(self.handle)

    # -- facts -------------------------------------------------------------
    @property
    def n_users(self):
        return self._lib.caerec_model_n_users(self.handle)

    @property
    def n_items(self):
        return self._lib.caerec_model_n_items(self.handle)

    @property
    def n_params(self):
        return self._lib.caerec_model_n_params(self.handle)

    @property
    def levels(self):
        n = self._lib.caerec_model_n_levels(self.handle)
        out = (ctypes.c_double * max(n, 1))()
        got = self._lib.caerec_model_levels(self.handle, out, n)
        return tuple(out[:min(n, got)])

    @property
    def types(self):
        n = self._lib.caerec_model_n_types(self.handle)
        return tuple(self._lib.caerec_model_type_name(self.handle, t).decode()
                     for t in range(n))

    type_names = types

    def user_id(self, index):
        out = ctypes.c_int64()
        self._lib.check(self._lib.caerec_model_user_id(self.handle, index,
                                                       ctypes.byref(out)))
        return out.value

    def item_id(self, index):
        out = ctypes.c_int64()
        self._lib.check(self._lib.caerec_model_item_id(self.handle, index,
                                                       ctypes.byref(out)))
        return out.value

    def item_index(self, item):
        out = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_model_item_index(
            self.handle, item, ctypes.byref(out)))
        return out.value

    def user_ids(self, as_numpy=False):
        return output([self.user_id(i) for i in range(self.n_users)],
                      as_numpy, "int64")

    def item_ids(self, as_numpy=False):
        """Item ids in the model's item order (the order of score_all)."""
        return output([self.item_id(i) for i in range(self.n_items)],
                      as_numpy, "int64")

    # -- prediction --------------------------------------------------------
    def predict_one(self, user, item, score="sample"):
        """One score of one pair (caerec_predict)."""
        out = ctypes.c_double()
        self._lib.check(self._lib.caerec_predict(
            self.handle, user, item, score_id(score), ctypes.byref(out)))
        return out.value

    def predict(self, users, items, scores=None, levels=True):
        """The named scores of (user, item) pairs.

        users: one id for all items, or a sequence as long as items.
        Returns a dict with the keys of `scores` (default: p_sample,
        p_consume and, for models with a rating scale, rating, p_like,
        p_joint, discovery) and, if levels, 'p_levels': per pair the
        probabilities of the K rating levels (model.levels), and the same
        per level as 'p_<level>' ('p_1' ... 'p_5', 'p_0.5'), the column
        names of `caerec predict`.  Values are
        lists, or numpy arrays when users or items was a numpy array.
        Unknown users or items raise NotFound."""
        like_numpy = is_ndarray(users) or is_ndarray(items)
        items = _ids(items)
        if isinstance(users, (int,)) or (hasattr(users, "ndim") and
                                         users.ndim == 0):
            users = [int(users)] * len(items)
        else:
            users = _ids(users)
        if len(users) != len(items):
            raise InvalidArgument("users and items differ in length (%d, %d)"
                                  % (len(users), len(items)), -1)
        k = self._lib.caerec_model_n_levels(self.handle)
        if scores is None:
            wanted = [s for s in range(len(SCORES))
                      if k > 0 or s not in RATING_SCORES]
        else:
            wanted = [score_id(s) for s in scores]
        want_levels = levels and k > 0
        n = len(items)
        result = {SCORE_KEYS[s]: [0.0] * n for s in wanted}
        columns = [(result[SCORE_KEYS[s]], s) for s in wanted]
        probs = [None] * n if want_levels else None
        by_user = {}
        for j, user in enumerate(users):
            by_user.setdefault(user, []).append(j)
        with _Scorer(self) as scorer:
            for user, rows in by_user.items():
                scorer.set_user(user)
                for j in rows:
                    item = items[j]
                    for column, s in columns:
                        column[j] = scorer.get(item, s)
                    if want_levels:
                        probs[j] = scorer.levels(item, k)
        out = {key: output(values, like_numpy) for key, values in
               result.items()}
        if want_levels:
            out["p_levels"] = output(probs, like_numpy)
            # one column per level too, named as the caerec tool's columns
            for k, value in enumerate(self.levels):
                out["p_%s" % level_text(value)] = output(
                    [row[k] for row in probs], like_numpy)
        return out

    def score_all(self, user, score="sample", as_numpy=None):
        """One score of a training user for every item, in the model's item
        order (item_ids()); float32 precision.  A numpy array if as_numpy
        (default: when numpy is imported), else a list."""
        n = self.n_items
        with _Scorer(self) as scorer:
            scorer.set_user(user)
            values, n = scorer.all(score_id(score), n)
        np = sys.modules.get("numpy")
        if as_numpy or (as_numpy is None and np is not None):
            import numpy
            return numpy.ctypeslib.as_array(values)[:n].copy()
        return list(values[:n])

    def seen(self, user, item):
        """Whether the user interacted with the item in the training data."""
        with _Scorer(self) as scorer:
            scorer.set_user(user)
            return scorer.seen(item)

    def recommend(self, user, k=10, score="sample", exclude_seen=True,
                  allow=None, deny=None):
        """The top-k items of a training user: a list of (item, score), best
        first.  allow: only these items are candidates; deny: never these."""
        opts, keep = _rec_options(score, exclude_seen, allow, deny)
        with _Scorer(self) as scorer:
            scorer.set_user(user)
            result = scorer.recommend(int(k), opts)
        del keep
        return result

    def recommend_batch(self, users, k=10, score="sample", exclude_seen=True,
                        allow=None, deny=None):
        """recommend() for many training users in one call
        (caerec_recommend_batch): a list of lists of (item, score)."""
        u = as_c_array(users, ctypes.c_int64, "users")
        k = int(k)
        opts, keep = _rec_options(score, exclude_seen, allow, deny)
        size = max(u.n * k, 1)
        items = (ctypes.c_int64 * size)()
        scores = (ctypes.c_double * size)()
        counts = (ctypes.c_size_t * max(u.n, 1))()
        self._lib.check(self._lib.caerec_recommend_batch(
            self.handle, u.ptr, u.n, k, ctypes.byref(opts), items, scores,
            counts))
        del keep
        return [[(items[r * k + j], scores[r * k + j])
                 for j in range(counts[r])] for r in range(u.n)]

    def history_dataset(self, items, ratings=None, types=None, user=0):
        """A one-user Dataset with the model's scale holding a history."""
        ds = Dataset.empty(self.levels, self.types)
        try:
            n = len(items)
            if ratings is not None:
                ds.add_ratings([user] * n, items, ratings)
            if types is not None:
                ds.add_interactions([user] * n, items, types)
            if ratings is None and types is None:
                if not ds.types:
                    raise InvalidArgument(
                        "the model has no interaction types: give the "
                        "history's ratings", -1)
                ds.add_interactions([user] * n, items, None)
        except BaseException:
            ds.close()
            raise
        return ds

    def recommend_for_history(self, items, ratings=None, types=None, k=10,
                              score="sample", exclude_seen=True, allow=None,
                              deny=None, return_skipped=False):
        """Top-k for a new user described by the items they interacted with
        (fold-in): `ratings` (on the model's scale) and/or `types` (names
        or indices) per item; neither means interaction type 0.  Items the
        model does not know are skipped; with return_skipped the result is
        (recommendations, number skipped)."""
        opts, keep = _rec_options(score, exclude_seen, allow, deny)
        with self.history_dataset(items, ratings, types) as history, \
                _Scorer(self) as scorer:
            skipped = scorer.set_history(history, 0)
            result = scorer.recommend(int(k), opts)
        del keep
        return (result, skipped) if return_skipped else result

    # -- evaluation ------------------------------------------------------
    def evaluate(self, test, ks=(10, 20, 50)):
        """Metrics on held-out cells: rmse, mae, n_ratings, skipped (models
        with a rating scale) and recall@k, ndcg@k, precision@k, hit_rate@k,
        users@k for each k."""
        result = {}
        if self._lib.caerec_model_n_levels(self.handle) > 0:
            rm = _lib.RatingMetrics.new()
            self._lib.check(self._lib.caerec_evaluate_ratings(
                self.handle, test.handle, ctypes.byref(rm)))
            result.update(rmse=rm.rmse, mae=rm.mae, n_ratings=rm.n_ratings,
                          skipped=rm.skipped)
        ks = [int(k) for k in ks]
        if ks:
            c_ks = (ctypes.c_size_t * len(ks))(*ks)
            out = (_lib.TopkMetrics * len(ks))()
            for m in out:
                m.struct_size = ctypes.sizeof(_lib.TopkMetrics)
            self._lib.check(self._lib.caerec_evaluate_topk(
                self.handle, test.handle, c_ks, len(ks), out))
            for m in out:
                for name in ("recall", "ndcg", "precision", "hit_rate",
                             "users"):
                    result["%s@%d" % (name, m.k)] = getattr(m, name)
        return result

    # -- persistence -----------------------------------------------------
    def save(self, path):
        self._lib.check(self._lib.caerec_model_save(self.handle,
                                                    os.fsencode(path)))

    @classmethod
    def load(cls, path):
        lib = _lib.lib()
        out = _lib.model_p()
        lib.check(lib.caerec_model_load(ctypes.byref(out), os.fsencode(path)))
        return cls._wrap(out, lib)

    def save_checkpoint(self, path):
        """Model plus optimizer state, to resume training exactly."""
        self._lib.check(self._lib.caerec_checkpoint_save(self.handle,
                                                         os.fsencode(path)))

    @classmethod
    def load_checkpoint(cls, path):
        lib = _lib.lib()
        out = _lib.model_p()
        lib.check(lib.caerec_checkpoint_load(ctypes.byref(out),
                                             os.fsencode(path)))
        return cls._wrap(out, lib)

    def to_bytes(self):
        """The model file's bytes (caerec_model_save_buffer)."""
        buf = ctypes.c_void_p()
        size = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_model_save_buffer(
            self.handle, ctypes.byref(buf), ctypes.byref(size)))
        try:
            return ctypes.string_at(buf, size.value)
        finally:
            self._lib.caerec_free(buf)

    @classmethod
    def from_bytes(cls, data):
        lib = _lib.lib()
        data = bytes(data)
        out = _lib.model_p()
        lib.check(lib.caerec_model_load_buffer(ctypes.byref(out), data,
                                               len(data)))
        return cls._wrap(out, lib)

    def __reduce__(self):  # pickle through the model file format
        return (Model.from_bytes, (self.to_bytes(),))

    # -- lifetime --------------------------------------------------------
    def close(self):
        """Frees the C model (and configuration) now."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._free(handle)
        config, self._config = getattr(self, "_config", None), None
        if config is not None:
            config.close()

    @property
    def closed(self):
        return not self._handle and self._config is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self):
        if not getattr(self, "_handle", None):
            return "<caerec.Model (not trained)>"
        return ("<caerec.Model users=%d items=%d levels=%s types=%s "
                "params=%d>" % (self.n_users, self.n_items, list(self.levels),
                                list(self.types), self.n_params))


def _format_report(r):
    line = "epoch %3d  loss %.5f" % (r["epoch"], r["loss"])
    if not math.isnan(r["valid_loss"]):
        line += "  valid loss %.5f" % r["valid_loss"]
    if not math.isnan(r["valid_rmse"]):
        line += "  rmse %.4f" % r["valid_rmse"]
    if not math.isnan(r["valid_ndcg"]):
        line += "  ndcg@20 %.4f" % r["valid_ndcg"]
    line += "  %.2fs" % r["seconds"]
    if r["improved"]:
        line += " *"
    return line
