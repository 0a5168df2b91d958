"""Retraining on your own labels: :class:`Trainer` fits any set of heads, cross-validates, searches.

A head is one column of labels: single-label (one label per row, e.g. ``type``)
or multi-label (``;``- or ``|``-joined labels, e.g. ``flags``). Heads named
``type``, ``emotion``, ``urgency``, ``is_complaint``, ``flags`` and
``secondary`` fill the result fields of the same name; any other name is a
custom head (``TriageResult.custom``). A head keeps the label guide's special
decoding only where its label set is the guide's (see :class:`triage.TriageModel`).

With ``cv=k`` the trainer runs k-fold cross-validation first (stratified, or
grouped with ``group_col``) and uses the out-of-fold logits twice: for the
report (:class:`~triage._cv.CVReport`) and to calibrate the final heads (one
temperature per head, one threshold per multi-label label), so cross-validated
training costs about what plain training costs. With ``cv=0`` each head
calibrates itself on inner folds, exactly as :func:`triage.train_model` does.
"""

from __future__ import annotations

import logging
import math
import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._model import RESULT_COLUMNS, LinearHead, TriageModel, _softmax_rows
from .exceptions import InputFormatError
from .features import ComplaintVectorizer
from .labels import EMOTIONS, FLAGS, MODEL_FLAGS, NONE_TYPE, TYPES, URGENCIES
from .models._heads import CalibratedLinearClassifier, ThresholdedMultiLabel, fit_temperature

__all__ = ["Trainer", "STANDARD_HEADS", "SEARCH_GRID", "CLASSIFIERS"]

logger = logging.getLogger(__name__)

#: The heads of the corpus schema (``datasets/complaints.csv``), trained when ``heads=None``.
STANDARD_HEADS: dict[str, dict[str, Any]] = {
    "type": {"column": "type", "labels": TYPES},
    "emotion": {"column": "emotion", "labels": EMOTIONS},
    "urgency": {"column": "urgency", "labels": URGENCIES},
    "is_complaint": {"column": "is_complaint", "labels": ("0", "1")},
    "flags": {"column": "flags", "labels": MODEL_FLAGS, "multilabel": True},
    "secondary": {"column": "type_secondary", "labels": TYPES, "multilabel": True},
}
#: Linear classifiers a single-label head can use; each freezes to plain weights (a LinearHead).
CLASSIFIERS: tuple[str, ...] = ("logreg", "svm", "nb")
#: The grid of ``search=True``: every C for each single-label head, crossed with the word n-gram range.
SEARCH_GRID: dict[str, tuple] = {"word_ngram_range": ((1, 2), (1, 1)), "C": (0.25, 1.0, 4.0, 16.0)}

# the label guide's label sets, for the heads whose names are standard
_GUIDE_LABELS = {
    "type": set(TYPES) | {NONE_TYPE},
    "emotion": set(EMOTIONS),
    "urgency": set(URGENCIES),
    "is_complaint": {"0", "1"},
    "flags": set(FLAGS),
    "secondary": set(TYPES),
}
# result fields, and the fields a TicketDecision adds to them (model.triage(...).to_dict())
_RESERVED = set(RESULT_COLUMNS) | {"secondary_types", "probabilities", "notes", "custom", "complaint_probability", "complaint"}
_RESERVED |= {"priority", "priority_name", "reasons", "created_at", "deadlines", "sla", "route", "reply", "metadata"}
_SPEC_KEYS = {"column", "labels", "multilabel", "model", "C", "class_weight"}
_FEATURE_KEYS = {
    "engine", "user_dict", "stop_words", "convert_traditional", "word_ngram_range", "char_ngram_range",
    "min_df", "max_features", "word_weight", "char_weight", "cue_weight",
}
_TRUE, _FALSE = {"1", "1.0", "true", "yes", "y", "是"}, {"0", "0.0", "false", "no", "n", "否"}
_SPLIT = str.maketrans({"|": ";"})
# logit given to a class that a fold's training rows lack (probability ~ e^-30 of the others)
_ABSENT_LOGIT = -30.0


@dataclass
class _Head:
    """One head, resolved against the data."""

    name: str
    column: str
    multilabel: bool
    declared: tuple[str, ...] | None
    kind: str
    C: float
    class_weight: Any
    labels: tuple[str, ...] = ()
    y: Any = None  # single: object array of labels ("" = unlabelled); multi: 0/1 matrix
    rows: Any = None  # bool mask: the rows that train this head
    truth: Any = None  # multi: the label sets a result is scored against
    counts: dict = field(default_factory=dict)


@dataclass
class _Data:
    texts: list[str]
    n_user: int
    heads: list[_Head]
    groups: np.ndarray | None
    sha256: str
    source_rows: int

    @property
    def single(self) -> list[_Head]:
        return [h for h in self.heads if not h.multilabel]

    @property
    def multi(self) -> list[_Head]:
        return [h for h in self.heads if h.multilabel]


class Trainer:
    """Train a triage model on your own labelled texts: any heads, cross-validated, with a model card.

    Parameters
    ----------
    heads : dict, default=None
        ``{name: column}`` or ``{name: spec}`` with spec keys ``column``,
        ``labels`` (the declared label set: other values are an error; default:
        read from the data), ``multilabel`` (labels joined with ``;`` or ``|``;
        default True for ``flags`` and ``secondary``), ``model``, ``C`` and
        ``class_weight`` (per-head overrides of the parameters below).
        ``None`` trains the corpus schema (:data:`STANDARD_HEADS`), as
        :func:`triage.train_model` does. An empty label cell leaves a row out of
        that head only (a multi-label head reads it as "no labels").
    text_col : str, default="text"
    features : dict, default=None
        :class:`~triage.features.ComplaintVectorizer` parameters
        (``word_ngram_range``, ``char_ngram_range``, ``min_df``, ``max_features``,
        ``*_weight``, ``engine``, ``convert_traditional``) plus ``user_dict`` (a
        jieba dictionary file or a list of words) and ``stop_words`` (a file with
        one word a line, or a list). Words are stored in the model, so it needs
        no file after saving. Defaults: :data:`triage._train.DEFAULT_VECTORIZER_PARAMS`.
    model : {"logreg", "svm", "nb"} or dict, default="logreg"
        Linear classifier of the single-label heads, or ``{head: kind}``:
        logistic regression, a linear SVM or complement naive Bayes, each with
        temperature-scaled probabilities. Multi-label heads use logistic regression.
    class_weight : "balanced", None or dict, default="balanced"
        ``"balanced"`` weights classes inversely to their frequency; a dict
        ``{head: "balanced" | None | {label: weight}}`` sets it per head.
    C : float or dict, default=None
        Inverse regularisation strength, or ``{head: C}``. ``None``: the default
        model's settings for the standard heads, 4.0 for others. For ``nb`` the
        smoothing is ``alpha = 1 / C``.
    seed : int, default=0
        Seed of every split and solver: the same data and seed give the same model, byte for byte.
    cv : int, default=5
        Folds of the cross-validation run before the final fit (stratified on
        the first single-label head); ``0`` or ``None`` skips it.
    group_col : str, default=None
        Rows sharing a value of this column (a customer, a thread, near-duplicates)
        stay on the same side of every split (``StratifiedGroupKFold``).
    include_default_corpus : bool, default=False
        Add the bundled corpus's rows to the training rows of each head whose
        name is standard and whose labels are the label guide's; they are never
        scored in cross-validation. Heads with other labels train on your rows
        only (and an error is raised if no head can use the corpus).
    search : bool, default=False
        Cross-validated grid search over :data:`SEARCH_GRID` (the word n-gram
        range, and C per single-label head), chosen by mean macro-F1 over the
        folds; the scores and the choice are in :attr:`search_` and the manifest.
    solver : {"newton-cg", "lbfgs"}, default="newton-cg"
        Solver of the logistic regressions; both reach the same optimum.
        ``"newton-cg"`` (measured 3-5x faster on 10k texts) runs with one BLAS
        thread, so the same data and seed give the same bytes on any machine.
        ``"lbfgs"`` is the bundled model's recipe (:func:`triage.train_model`,
        ``triage train`` without ``--data``): the library's BLAS threads, and the
        bundled model rebuilt bit for bit.
    name : str, default=None
        Title of the model card.

    Attributes
    ----------
    model_ : TriageModel
        The model of the last :meth:`fit`.
    cv_report_ : CVReport or None
        Cross-validation report of the last :meth:`fit` (``None`` with ``cv=0``).
    search_ : dict or None
        Grid-search scores and the chosen setting (``None`` without ``search``).

    Examples
    --------
    >>> import pandas as pd, triage
    >>> from triage.datasets import load_complaints
    >>> df = load_complaints("train").head(240)
    >>> df["team"] = df["type"].map({"product": "售后", "timeliness": "物流"}).fillna("其他")
    >>> model = triage.Trainer(heads={"team": "team", "emotion": "emotion"}, cv=0).fit(df)
    >>> r = model.predict_one("快递一个礼拜还没到")
    >>> r.custom["team"] in {"售后", "物流", "其他"}, r.urgency is None
    (True, True)
    """

    def __init__(
        self,
        *,
        heads: dict[str, Any] | None = None,
        text_col: str = "text",
        features: dict[str, Any] | None = None,
        model: str | dict[str, str] = "logreg",
        class_weight: Any = "balanced",
        C: float | dict[str, float] | None = None,
        seed: int = 0,
        cv: int | None = 5,
        group_col: str | None = None,
        include_default_corpus: bool = False,
        search: bool = False,
        solver: str = "newton-cg",
        name: str | None = None,
    ):
        self.heads = heads
        self.text_col = text_col
        self.features = features
        self.model = model
        self.class_weight = class_weight
        self.C = C
        self.seed = seed
        self.cv = cv
        self.group_col = group_col
        self.include_default_corpus = include_default_corpus
        self.search = search
        self.solver = solver
        self.name = name

    # -- public API -------------------------------------------------------------------
    def fit(self, df, *, source: str = "dataframe") -> TriageModel:
        """Train on ``df`` (after cross-validation and search, if asked) and return the model.

        Parameters
        ----------
        df : pandas.DataFrame
            ``text_col`` and every head's column (and ``group_col``).
        source : str, default="dataframe"
            Where the data came from, for the manifest and model card.

        Returns
        -------
        TriageModel
            Also kept as :attr:`model_`; ``model.save(path)`` writes it with its model card.

        Raises
        ------
        InputFormatError
            A column is missing, a text is empty, a label is outside a head's
            declared labels, a head has fewer than two classes, or a class has
            fewer rows than the folds need; the message names them and the fix.
        """
        t0 = time.perf_counter()
        data = self._prepare(df)
        vparams = self._vectorizer_params()
        self.cv_report_ = None
        with self._blas():
            self._tune(data, vparams)
            oof = None
            if self._folds():
                oof = self._cross_fit(data, vparams)
                self.cv_report_ = self._report(data, oof, time.perf_counter() - t0)
            model = self._fit_final(data, vparams, oof)
        model.manifest = self._manifest(data, vparams, model, source)
        self.model_ = model
        logger.info("trained %r in %.1f s", model, time.perf_counter() - t0)
        return model

    def cross_validate(self, df):
        """k-fold cross-validation only (no final model): the :class:`~triage._cv.CVReport`.

        Examples
        --------
        >>> import triage
        >>> from triage.datasets import load_complaints
        >>> df = load_complaints("train").head(300)
        >>> rep = triage.Trainer(heads={"emotion": "emotion"}, cv=3).cross_validate(df)
        >>> sorted(rep.summary()["emotion"])
        ['accuracy', 'ece', 'macro_f1']
        """
        t0 = time.perf_counter()
        data = self._prepare(df)
        vparams = self._vectorizer_params()
        if not self._folds():
            raise ValueError(f"Trainer.cross_validate: cv must be an int >= 2, got {self.cv!r}")
        with self._blas():
            self._tune(data, vparams)
            oof = self._cross_fit(data, vparams)
        return self._report(data, oof, time.perf_counter() - t0)

    def cross_val_predict(self, df) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
        """Out-of-fold probabilities of every head for every row of ``df``.

        Returns
        -------
        dict
            ``{head: (labels, proba)}`` with ``proba`` of shape ``(len(df), len(labels))``,
            rows in ``df`` order. Single-label heads: calibrated class probabilities
            (each row sums to 1; the temperature is fitted on the other folds).
            Multi-label heads: each label's probability (rows do not sum to 1).

        Examples
        --------
        >>> import triage
        >>> from triage.datasets import load_complaints
        >>> df = load_complaints("train").head(300)
        >>> labels, P = triage.Trainer(heads={"emotion": "emotion"}, cv=3).cross_val_predict(df)["emotion"]
        >>> P.shape == (300, len(labels)), bool(abs(P.sum(axis=1) - 1).max() < 1e-6)
        (True, True)
        """
        data = self._prepare(df)
        if not self._folds():
            raise ValueError(f"Trainer.cross_val_predict: cv must be an int >= 2, got {self.cv!r}")
        vparams = self._vectorizer_params()
        with self._blas():
            self._tune(data, vparams)
            oof = self._cross_fit(data, vparams)
        return {h.name: (h.labels, oof.proba[h.name]) for h in data.heads}

    def __repr__(self) -> str:
        heads = "corpus schema" if self.heads is None else list(self.heads)
        return f"Trainer(heads={heads}, cv={self.cv}, seed={self.seed}, search={self.search})"

    def _blas(self):
        """One BLAS thread while training: the same bytes on any machine, and no oversubscription
        when processes share the cores (lbfgs measured 3-5x faster that way under load).

        ``solver="lbfgs"``, the bundled model's recipe, keeps the library's default threads,
        so the bundled model still rebuilds bit for bit as :func:`triage.train_model` always built it.
        """
        import contextlib

        from threadpoolctl import threadpool_limits

        if self._solver() == "lbfgs":
            return contextlib.nullcontext()
        return threadpool_limits(limits=1, user_api="blas")

    def _tune(self, data: _Data, vparams: dict) -> None:
        """Run the grid search if asked, and apply its choice to ``vparams`` and the heads."""
        self.search_ = None
        if self.search:
            self.search_ = self._search(data, vparams)
            vparams["word_ngram_range"] = tuple(self.search_["chosen"]["word_ngram_range"])
            for h in data.single:
                h.C = self.search_["chosen"]["C"][h.name]

    # -- parameters -------------------------------------------------------------------
    def _folds(self) -> int:
        cv = self.cv
        if cv is None or cv == 0:
            return 0
        if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
            raise ValueError(f"Trainer: cv must be 0, None or an int >= 2, got {cv!r}")
        return cv

    def _vectorizer_params(self) -> dict[str, Any]:
        from ._train import DEFAULT_VECTORIZER_PARAMS
        from .features._tokenize import user_entries

        feats = dict(self.features or {})
        unknown = sorted(set(feats) - _FEATURE_KEYS)
        if unknown:
            raise ValueError(f"Trainer: features has unknown keys {unknown}; allowed: {sorted(_FEATURE_KEYS)}")
        params = {**DEFAULT_VECTORIZER_PARAMS, **feats}
        for key in ("word_ngram_range", "char_ngram_range"):
            if isinstance(params.get(key), list):
                params[key] = tuple(params[key])
        if params.get("user_dict") is not None:
            # read now and keep the words in the model: a saved model must not depend on a file
            params["user_dict"] = tuple(user_entries(params["user_dict"]))
        if params.get("stop_words") is not None:
            params["stop_words"] = _read_words(params["stop_words"], "stop_words")
        return params

    def _head_specs(self) -> list[_Head]:
        from ._train import DEFAULT_HEAD_PARAMS

        raw = STANDARD_HEADS if self.heads is None else self.heads
        if not isinstance(raw, dict) or not raw:
            raise ValueError(f"Trainer: heads must be None or a non-empty dict of head name to column or spec, got {raw!r}")
        names = list(raw)
        for param in ("model", "C", "class_weight"):
            value = getattr(self, param)
            if isinstance(value, dict):
                extra = sorted(set(value) - set(names))
                if extra:
                    raise ValueError(
                        f"Trainer: {param} as a dict maps head names to settings, and {extra} are not heads "
                        f"({names}); per-label class weights go in a head's spec: heads={{name: {{'class_weight': {{...}}}}}}"
                    )
        specs = []
        for name, spec in raw.items():
            if not isinstance(name, str) or not name.isidentifier() or name.endswith("_proba") or name in _RESERVED - {
                "type", "emotion", "urgency", "flags", "is_complaint"
            }:
                raise ValueError(
                    f"Trainer: head name {name!r} is not allowed: use a name like 'region' or '地区' "
                    "(an identifier, not ending in '_proba', not a result or decision field such as 'error', 'notes' or 'priority')"
                )
            spec = {"column": spec} if isinstance(spec, str) else dict(spec)
            bad = sorted(set(spec) - _SPEC_KEYS)
            if bad or "column" not in spec:
                raise ValueError(f"Trainer: head {name!r}: spec needs 'column' and may have {sorted(_SPEC_KEYS)}, got {sorted(spec)}")
            kind = spec.get("model", self.model.get(name, "logreg") if isinstance(self.model, dict) else self.model)
            if kind not in CLASSIFIERS:
                raise ValueError(f"Trainer: model of head {name!r} must be one of {CLASSIFIERS}, got {kind!r}")
            multilabel = bool(spec.get("multilabel", name in ("flags", "secondary")))
            if multilabel and kind != "logreg":
                raise ValueError(f"Trainer: multi-label head {name!r} uses logistic regression; model={kind!r} is for single-label heads")
            C = spec.get("C", self.C.get(name) if isinstance(self.C, dict) else self.C)
            if C is None:
                C = DEFAULT_HEAD_PARAMS.get(name, {}).get("C", 4.0)
            if isinstance(C, bool) or not isinstance(C, (int, float)) or not (C > 0 and math.isfinite(C)):
                raise ValueError(f"Trainer: C of head {name!r} must be a finite number > 0, got {C!r}")
            cw = self.class_weight.get(name, "balanced") if isinstance(self.class_weight, dict) else self.class_weight
            cw = spec.get("class_weight", cw)
            if not (cw is None or cw == "balanced" or isinstance(cw, dict)):
                raise ValueError(f"Trainer: class_weight of head {name!r} must be 'balanced', None or {{label: weight}}, got {cw!r}")
            declared = spec.get("labels")
            if declared is not None:
                if isinstance(declared, str) or not all(isinstance(v, str) and v for v in declared):
                    raise ValueError(f"Trainer: labels of head {name!r} must be a list of non-empty str, got {declared!r}")
                declared = tuple(dict.fromkeys(v.strip() for v in declared))
            specs.append(_Head(name, str(spec["column"]), multilabel, declared, kind, float(C), cw))
        return specs

    # -- data -------------------------------------------------------------------------
    def _prepare(self, df) -> _Data:
        from ._train import _REQUIRED, data_sha256

        if not hasattr(df, "columns"):
            raise TypeError(f"Trainer.fit expects a pandas DataFrame, got {type(df).__name__}")
        heads = self._head_specs()
        needed = [self.text_col, *(h.column for h in heads)] + ([self.group_col] if self.group_col else [])
        missing = [c for c in dict.fromkeys(needed) if c not in df.columns]
        if missing:
            hint = " (the corpus schema is in datasets/README.md)" if self.heads is None else ""
            raise InputFormatError(
                f"train: the data lacks columns {missing}; it has {list(df.columns)[:20]}{hint}. "
                "Name the text column with text_col (--text-col) and each head's column with heads (--head NAME=COLUMN)"
            )
        df = df.reset_index(drop=True)
        texts = [_cell(v, strip=False) for v in df[self.text_col].tolist()]
        empty = [i for i, t in enumerate(texts) if not t.strip()]
        if empty:
            raise InputFormatError(
                f"train: column {self.text_col!r} has {len(empty)} empty or missing texts (data rows "
                f"{_rows(empty)}); drop those rows or fill them in"
            )
        n_user = len(texts)
        cells = {h.name: [_cell(v) for v in df[h.column].tolist()] for h in heads}
        groups = None
        if self.group_col:
            groups = np.array([_cell(v) for v in df[self.group_col].tolist()], dtype=object)
            blank = np.flatnonzero(groups == "")
            if len(blank):
                raise InputFormatError(
                    f"train: group column {self.group_col!r} is empty in {len(blank)} rows (data rows {_rows(blank)}); "
                    "every row needs a group (e.g. its customer id)"
                )
        by_name = {h.name: h for h in heads}
        if "is_complaint" in by_name:
            cells["is_complaint"] = [_flag01(v, i, by_name["is_complaint"].column) for i, v in enumerate(cells["is_complaint"])]
        complaint = [c != "0" for c in cells["is_complaint"]] if "is_complaint" in by_name else [True] * n_user
        for h in heads:
            gated = h.name in ("type", "secondary", "flags")  # read on complaints only (see _build_targets)
            self._check_declared(h, [c if (ok or not gated) else "" for c, ok in zip(cells[h.name], complaint)])
        if self.heads is None:  # the columns (and order) train_model has always hashed
            hashed = [self.text_col, *_REQUIRED]
        else:
            hashed = list(dict.fromkeys([self.text_col, *(h.column for h in heads)]))
        sha = data_sha256(df, hashed)
        extra_rows = 0
        if self.include_default_corpus:
            extra_rows = self._add_default_corpus(heads, texts, cells)
        self._build_targets(heads, cells, n_user)
        for h in heads:
            h.counts = self._check_head(h)
        return _Data(texts, n_user, heads, groups, sha, n_user + extra_rows)

    @staticmethod
    def _check_declared(h: _Head, cells: list[str]) -> None:
        if h.declared is None:
            return
        allowed = set(h.declared)
        if h.name == "flags":  # the guide's metadata-only reason: valid in data, never learned from text
            allowed.add("vip_customer")
        bad: dict[str, list[int]] = {}
        for i, c in enumerate(cells):
            for v in _labels_of(c) if h.multilabel else ([c] if c else []):
                if v not in allowed:
                    bad.setdefault(v, []).append(i)
        if bad:
            listed = "; ".join(
                f"{v!r}: {len(rows)} row{'s' if len(rows) > 1 else ''} (data rows {_rows(rows, 3)})"
                for v, rows in sorted(bad.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:10]
            )
            raise InputFormatError(
                f"train: head {h.name!r} (column {h.column!r}) has values outside its declared labels "
                f"{list(h.declared)}: {listed}. Fix those rows, or add the values to the head's labels"
            )

    def _add_default_corpus(self, heads: list[_Head], texts: list[str], cells: dict[str, list[str]]) -> int:
        """Append the bundled corpus's rows, labelled for the heads that share the label guide's labels."""
        from .datasets import load_complaints

        corpus = load_complaints()
        used = []
        for h in heads:
            observed = set(h.declared or ()) | {v for c in cells[h.name] for v in (_labels_of(c) if h.multilabel else [c]) if v}
            if h.name in _GUIDE_LABELS and observed <= _GUIDE_LABELS[h.name]:
                used.append(h.name)
            else:
                logger.info("default corpus: head %r has its own labels; it trains on your rows only", h.name)
        if not used:
            raise InputFormatError(
                "train: include_default_corpus (--include-default-corpus) adds the bundled corpus's rows to heads "
                "that use the label guide's labels (type, emotion, urgency, is_complaint, flags, secondary), and "
                f"none of your heads {[h.name for h in heads]} does. Map your labels to those, or train without it"
            )
        is_c = corpus["is_complaint"].astype(int).astype(str).tolist()
        # unlabelled for a head: None (a multi-label head must not read it as "no labels")
        source = {
            "type": [t if c == "1" else NONE_TYPE for t, c in zip(corpus["type"], is_c)],
            "emotion": corpus["emotion"].tolist(),
            "urgency": corpus["urgency"].tolist(),
            "is_complaint": is_c,
            "flags": corpus["flags"].tolist(),
            "secondary": corpus["type_secondary"].tolist(),
        }
        for h in heads:
            if h.name in used:
                col = source[h.name]
                if h.name == "type":
                    has_none = NONE_TYPE in (h.declared or ()) or NONE_TYPE in cells["type"]
                    col = [t if (t != NONE_TYPE or has_none) else "" for t in col]
                cells[h.name] += col
            else:
                cells[h.name] += [None] * len(corpus)
        texts += corpus["text"].tolist()
        logger.info("default corpus: %d rows added for heads %s", len(corpus), used)
        return len(corpus)

    def _build_targets(self, heads: list[_Head], cells: dict[str, list], n_user: int) -> None:
        by_name = {h.name: h for h in heads}
        n = len(next(iter(cells.values())))
        complaint = np.ones(n, dtype=bool)
        if "is_complaint" in by_name:
            complaint = np.array([c != "0" for c in cells["is_complaint"]])
        not_low = np.ones(n, dtype=bool)
        if "urgency" in by_name:
            not_low = np.array([c != "low" for c in cells["urgency"]])
        for h in heads:
            col = cells[h.name]
            known = np.array([c is not None for c in col])
            if h.multilabel:
                sets = [set(_labels_of(c)) if c is not None else set() for c in col]
                h.truth = [frozenset(s) for s in sets]
                if h.name == "secondary" and "type" in by_name:
                    # the standard secondary head learns every type a ticket involves, its primary included
                    sets = [s | {t} if t else s for s, t in zip(sets, cells["type"])]
                if h.declared is not None:
                    labels = h.declared
                elif h.name in STANDARD_HEADS and set().union(*sets) <= set(STANDARD_HEADS[h.name]["labels"]):
                    labels = STANDARD_HEADS[h.name]["labels"]
                else:
                    freq = Counter(v for s in sets for v in s)
                    labels = tuple(sorted(freq, key=lambda v: (-freq[v], v)))
                h.labels = tuple(labels)
                h.y = np.array([[lab in s for lab in h.labels] for s in sets], dtype=int).reshape(n, len(h.labels))
                rows = known.copy()
            else:
                h.y = np.array(["" if c is None else c for c in col], dtype=object)
                rows = known & (h.y != "")
            if h.name in ("type", "secondary", "flags"):
                rows &= complaint  # decoding gates these heads on is_complaint
            if h.name == "flags" and "urgency" in by_name and set(cells["urgency"]) - {None, ""} <= set(URGENCIES):
                rows &= not_low  # with the guide's urgency, flags are read only on medium/high rows
            h.rows = rows
            if not h.multilabel:
                h.labels = tuple(str(v) for v in np.unique(h.y[rows])) if rows.any() else ()

    def _check_head(self, h: _Head) -> dict[str, int]:
        n = int(h.rows.sum())
        if n == 0:
            raise InputFormatError(f"train: head {h.name!r} (column {h.column!r}) has no labelled rows")
        if h.multilabel:
            counts = {lab: int(h.y[h.rows, j].sum()) for j, lab in enumerate(h.labels)}
            if not any(counts.values()):
                raise InputFormatError(f"train: multi-label head {h.name!r} (column {h.column!r}) has no label on any row")
            if len(h.labels) < 2:
                raise InputFormatError(
                    f"train: multi-label head {h.name!r} (column {h.column!r}) has one label only ({h.labels[0]!r}); "
                    "train it as a single-label head (multilabel=False) with a value for the rows without it"
                )
            return counts
        counts = dict(sorted(Counter(h.y[h.rows].tolist()).items()))
        if len(counts) < 2:
            raise InputFormatError(
                f"train: head {h.name!r} (column {h.column!r}) has one class only ({next(iter(counts))!r} on {n} rows); "
                "a head needs at least two labels"
            )
        if h.declared is not None:
            unseen = [v for v in h.declared if v not in counts]
            if unseen:
                logger.warning("head %r: declared labels %s have no rows and cannot be predicted", h.name, unseen)
        return counts

    # -- fitting ----------------------------------------------------------------------
    def _solver(self) -> str:
        if self.solver not in ("newton-cg", "lbfgs"):
            raise ValueError(f"Trainer: solver must be 'newton-cg' or 'lbfgs', got {self.solver!r}")
        return self.solver

    def _single_estimator(self, h: _Head, calibrate: bool):
        cal = "temperature" if calibrate else None
        return CalibratedLinearClassifier(
            estimator=h.kind, solver=self._solver(), C=h.C, class_weight=h.class_weight, calibration=cal,
            random_state=self.seed,
        )

    def _multi_estimator(self, h: _Head, calibrate: bool):
        threshold = "f1" if calibrate else 0.5
        return ThresholdedMultiLabel(
            solver=self._solver(), C=h.C, class_weight=h.class_weight, threshold=threshold, random_state=self.seed
        )

    def _fit_heads(self, data: _Data, X, rows: np.ndarray, *, calibrate: bool) -> tuple[dict, dict]:
        """Fit every head on the given rows of ``X`` (aligned with ``rows``)."""
        singles, multis = {}, {}
        for h in data.heads:
            take = np.flatnonzero(h.rows[rows])
            if h.multilabel:
                est = self._multi_estimator(h, calibrate).fit(X[take], h.y[rows][take])
                multis[h.name] = (est, h.labels)
            else:
                est = self._single_estimator(h, calibrate).fit(X[take], h.y[rows][take])
                singles[h.name] = est
        return singles, multis

    def _fit_final(self, data: _Data, vparams: dict, oof) -> TriageModel:
        vec = ComplaintVectorizer(**vparams).fit(data.texts)
        X = vec.transform(data.texts)
        logger.info("vectorised %d texts into %d features", X.shape[0], X.shape[1])
        everything = np.arange(len(data.texts))
        singles, multis = self._fit_heads(data, X, everything, calibrate=oof is None)
        if oof is not None:
            # calibrate on the out-of-fold logits of the cross-validation (the user's rows)
            for h in data.single:
                singles[h.name].temperature_ = oof.temperature[h.name]
            for h in data.multi:
                multis[h.name][0].thresholds_ = oof.thresholds[h.name]
        return TriageModel(vec, singles, multis, {})

    # -- cross-validation ---------------------------------------------------------------
    def _splits(self, data: _Data, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

        n = data.n_user
        strat = data.single[0] if data.single else None
        if strat is not None:
            y = np.where(strat.rows[:n], strat.y[:n], "")
        else:
            y = np.array(["" for _ in range(n)], dtype=object)
        # a class too small for k folds cannot be spread over them: say so instead of a warning
        for h in data.heads:
            if not h.rows[:n].any():
                raise InputFormatError(
                    f"train: head {h.name!r} has no labelled rows of yours, and cross-validation scores your rows; "
                    "label some, drop the head, or skip cross-validation (cv=0 / --cv 0)"
                )
        for h in data.single:
            user = h.rows[:n]
            small = {lab: c for lab, c in Counter(h.y[:n][user].tolist()).items() if c < k}
            if small:
                raise InputFormatError(
                    f"train: {k}-fold cross-validation needs at least {k} rows of every label; head {h.name!r} "
                    f"has fewer for {dict(sorted(small.items()))}. Label more rows, merge or drop those labels, "
                    f"or use fewer folds (cv / --cv {max(2, min(small.values()))}, or 0 to skip cross-validation)"
                )
        counts = Counter(y.tolist())
        rare = [lab for lab, c in counts.items() if c < k]
        if rare:  # only the unlabelled rows ("") can be this rare: stratify them with the commonest label
            y = np.where(np.isin(y, rare), counts.most_common(1)[0][0], y)
        if data.groups is not None:
            n_groups = len(set(data.groups.tolist()))
            if n_groups < k:
                raise InputFormatError(f"train: group column {self.group_col!r} has {n_groups} groups; {k} folds need at least {k}")
            splitter = StratifiedGroupKFold(k, shuffle=True, random_state=self.seed)
            return list(splitter.split(np.zeros(n), y, data.groups))
        return list(StratifiedKFold(k, shuffle=True, random_state=self.seed).split(np.zeros(n), y))

    def _cross_fit(self, data: _Data, vparams: dict) -> _OOF:
        k = self._folds() or 5
        n = data.n_user
        splits = self._splits(data, k)
        extra = np.arange(n, len(data.texts))
        widths = {h.name: len(h.labels) for h in data.heads}
        order = [h.name for h in data.single] + [h.name for h in data.multi]
        offsets = np.cumsum([0] + [widths[name] for name in order])
        where = {name: slice(int(offsets[i]), int(offsets[i + 1])) for i, name in enumerate(order)}
        Z = np.zeros((n, int(offsets[-1])), dtype=np.float32)
        notes: list = [()] * n
        norms: list = [""] * n
        fold_of = np.full(n, -1)
        for f, (tr, te) in enumerate(splits):
            t0 = time.perf_counter()
            rows = np.concatenate([tr, extra])
            vec = ComplaintVectorizer(**vparams).fit([data.texts[i] for i in rows])
            X = vec.transform([data.texts[i] for i in rows])
            singles, multis = self._fit_heads(data, X, rows, calibrate=False)
            heads = {h.name: _widen(singles[h.name], h.labels) for h in data.single}
            multi = {h.name: (LinearHead.from_estimator(multis[h.name][0]), h.labels) for h in data.multi}
            fold_model = TriageModel(vec, heads, multi, {})
            prepared = [fold_model._prepare(data.texts[i]) for i in te]
            Zf, nf = fold_model._scores([t for t, _ in prepared])
            for name in order:  # the fold model stacks heads in the same order
                Z[te, where[name]] = Zf[:, fold_model._slices[name]]
            for j, i in enumerate(te):
                notes[i], norms[i] = prepared[j][1], nf[j]
            fold_of[te] = f
            logger.info("fold %d/%d: %d training rows, %d scored, %.1f s", f + 1, k, len(rows), len(te), time.perf_counter() - t0)
        oof = _OOF(k, splits, fold_of, Z, where, notes, norms)
        Z64 = Z.astype(np.float64)
        for h in data.single:
            user = h.rows[:n]
            y_idx = np.searchsorted(np.array(h.labels, dtype=object), h.y[:n])
            logits = Z64[:, where[h.name]]
            oof.temperature[h.name] = fit_temperature(logits[user], y_idx[user])
            folds_t = [fit_temperature(logits[user & (fold_of != f)], y_idx[user & (fold_of != f)]) for f in range(k)]
            oof.fold_temperature[h.name] = folds_t
            T = np.array(folds_t)[fold_of][:, None]
            oof.proba[h.name] = _softmax_rows(logits / T)
        for h in data.multi:
            user = h.rows[:n]
            P = 1.0 / (1.0 + np.exp(-Z64[:, where[h.name]]))
            Y = h.y[:n]
            oof.proba[h.name] = P
            oof.thresholds[h.name] = _thresholds(P[user], Y[user], k, ThresholdedMultiLabel._best_threshold)
            oof.fold_thresholds[h.name] = [
                _thresholds(P[user & (fold_of != f)], Y[user & (fold_of != f)], k, ThresholdedMultiLabel._best_threshold)
                for f in range(k)
            ]
        oof.results = self._decode_oof(data, oof)
        return oof

    def _decode_oof(self, data: _Data, oof: _OOF) -> list:
        """The results each fold's calibrated model gives its held-out rows (what ``predict`` would return)."""
        results: list = [None] * data.n_user
        for f in range(oof.k):
            te = np.flatnonzero(oof.fold_of == f)
            heads = {}
            for h in data.single:
                K = len(h.labels)
                heads[h.name] = LinearHead(
                    classes_=np.array(h.labels, dtype=object), coef_=np.zeros((K, 1)), intercept_=np.zeros(K),
                    temperature_=oof.fold_temperature[h.name][f],
                )
            multi = {}
            for h in data.multi:
                L = len(h.labels)
                head = LinearHead(coef_=np.zeros((L, 1)), intercept_=np.zeros(L), thresholds_=oof.fold_thresholds[h.name][f])
                multi[h.name] = (head, h.labels)
            decoder = TriageModel(None, heads, multi, {})
            cols = np.concatenate([np.arange(oof.where[n].start, oof.where[n].stop) for n in decoder._slices])
            out = decoder._decode_all(oof.Z[te][:, cols], [oof.notes[i] for i in te], [oof.norms[i] for i in te])
            for i, r in zip(te, out):
                results[i] = r
        return results

    def _report(self, data: _Data, oof: _OOF, seconds: float):
        from ._cv import CVReport, score_head

        n = data.n_user
        heads = {}
        for h in data.heads:
            user = np.flatnonzero(h.rows[:n])
            heads[h.name] = score_head(h, [oof.results[i] for i in user], user, oof.fold_of[user], oof.k)
        return CVReport(
            {
                "k": oof.k,
                "splitter": "StratifiedGroupKFold" if data.groups is not None else "StratifiedKFold",
                "stratify_on": data.single[0].name if data.single else None,
                "group_col": self.group_col,
                "seed": self.seed,
                "rows": n,
                "extra_training_rows": len(data.texts) - n,
                "seconds": round(seconds, 1),
                "search": self.search_,
                "heads": heads,
            }
        )

    # -- search -------------------------------------------------------------------------
    def _search(self, data: _Data, vparams: dict) -> dict:
        from sklearn.metrics import f1_score

        t0 = time.perf_counter()
        k = self._folds() or 5
        n = data.n_user
        splits = self._splits(data, k)
        extra = np.arange(n, len(data.texts))
        if not data.single:
            raise ValueError("Trainer: search tunes single-label heads, and this trainer has none")
        scores: dict[str, dict[str, dict[str, list[float]]]] = {}
        for ngrams in SEARCH_GRID["word_ngram_range"]:
            key = f"{ngrams[0]}-{ngrams[1]}"
            scores[key] = {h.name: {str(C): [] for C in SEARCH_GRID["C"]} for h in data.single}
            for tr, te in splits:
                rows = np.concatenate([tr, extra])
                vec = ComplaintVectorizer(**{**vparams, "word_ngram_range": ngrams}).fit([data.texts[i] for i in rows])
                X = vec.transform([data.texts[i] for i in rows])
                Xte = vec.transform([data.texts[i] for i in te])
                for h in data.single:
                    take = np.flatnonzero(h.rows[rows])
                    test = te[h.rows[te]]
                    y_true = h.y[test]
                    for C in SEARCH_GRID["C"]:
                        est = self._single_estimator(_with_C(h, C), calibrate=False).fit(X[take], h.y[rows][take])
                        pred = est.predict(Xte[h.rows[te]])
                        f1 = f1_score(y_true, pred, labels=sorted(set(y_true)), average="macro", zero_division=0)
                        scores[key][h.name][str(C)].append(float(f1))
            logger.info("search: word n-grams %s done (%.1f s)", key, time.perf_counter() - t0)
        mean = {g: {h: {c: round(float(np.mean(v)), 4) for c, v in per.items()} for h, per in heads.items()} for g, heads in scores.items()}
        best_C = {g: {h: max(per, key=lambda c: (per[c], -abs(math.log(float(c) / 4.0)))) for h, per in heads.items()} for g, heads in mean.items()}
        overall = {g: round(float(np.mean([mean[g][h][best_C[g][h]] for h in mean[g]])), 4) for g in mean}
        chosen_g = max(overall, key=lambda g: overall[g])  # ties keep the first (the default (1, 2))
        lo, hi = (int(x) for x in chosen_g.split("-"))
        return {
            "grid": {"word_ngram_range": [list(g) for g in SEARCH_GRID["word_ngram_range"]], "C": list(SEARCH_GRID["C"])},
            "folds": k,
            "metric": "macro-F1 of each single-label head's top label, mean over the folds",
            "mean_macro_f1": mean,
            "score_by_word_ngram_range": overall,
            "chosen": {"word_ngram_range": [lo, hi], "C": {h: float(c) for h, c in best_C[chosen_g].items()}},
            "seconds": round(time.perf_counter() - t0, 1),
        }

    # -- manifest -------------------------------------------------------------------------
    def _manifest(self, data: _Data, vparams: dict, model: TriageModel, source: str) -> dict:
        from . import __version__
        from .models._persist import _versions

        standard = self.heads is None
        heads = {}
        for h in data.heads:
            heads[h.name] = {
                "column": h.column,
                "kind": "multilabel" if h.multilabel else "single",
                "labels": list(h.labels),
                "declared_labels": None if h.declared is None else list(h.declared),
                "decoding": _decoding(model, h),
                "model": h.kind,
                "C": h.C,
                "class_weight": h.class_weight,
                "rows": int(h.rows.sum()),
            }
        metrics = {}
        if self.cv_report_ is not None:
            metrics[f"cross-validation ({self.cv_report_.k}-fold)"] = self.cv_report_.summary()
        vec_params = {k: _jsonable(v) for k, v in vparams.items() if k not in ("user_dict", "stop_words")}
        vec_params["user_dict_words"] = len(vparams.get("user_dict") or ())
        vec_params["stop_words"] = len(vparams.get("stop_words") or ())
        manifest = {
            "name": self.name or ("triage default model" if standard else "triage model (custom heads)"),
            "triage_version": __version__,
            "seed": self.seed,
            "training_data": {
                "rows": int(data.n_user),
                "source": source,
                "sha256": data.sha256,
                "default_corpus_rows": int(len(data.texts) - data.n_user),
                "label_counts": {h.name: h.counts for h in data.heads},
            },
            "params": {
                "vectorizer": vec_params,
                "heads": {h.name: {"C": h.C, "class_weight": h.class_weight, "model": h.kind} for h in data.heads},
                "text_col": self.text_col,
                "cv": self._folds(),
                "group_col": self.group_col,
                "include_default_corpus": bool(self.include_default_corpus),
                "search": bool(self.search),
                "solver": self._solver(),
            },
            "heads": heads,
            "n_features": int(model.vectorizer.n_features_out_),
            "metrics": metrics,
            "versions": {**_versions(), "python": platform.python_version()},
        }
        if self.search_ is not None:
            manifest["search"] = {k: v for k, v in self.search_.items() if k != "seconds"}
        if self.cv_report_ is not None:
            rep = self.cv_report_.to_dict()
            manifest["cv"] = {k: rep[k] for k in ("k", "splitter", "stratify_on", "group_col", "rows", "extra_training_rows")}
        return manifest


@dataclass
class _OOF:
    """Out-of-fold logits of the user's rows, and the calibration fitted on them."""

    k: int
    splits: list
    fold_of: np.ndarray
    Z: np.ndarray
    where: dict
    notes: list
    norms: list
    temperature: dict = field(default_factory=dict)
    fold_temperature: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)
    fold_thresholds: dict = field(default_factory=dict)
    proba: dict = field(default_factory=dict)
    results: list = field(default_factory=list)


def _with_C(h: _Head, C: float) -> _Head:
    from dataclasses import replace

    return replace(h, C=float(C))


def _widen(est, labels: tuple[str, ...]) -> LinearHead:
    """A fold's head over the full label set: a class the fold never saw gets a very low logit."""
    head = LinearHead.from_estimator(est)
    have = [str(c) for c in est.classes_]
    if have == list(labels):
        return head
    coef = np.zeros((len(labels), est.coef_.shape[1]))
    intercept = np.full(len(labels), _ABSENT_LOGIT)
    for j, c in enumerate(have):
        i = labels.index(c)
        coef[i] = est.coef_[j]
        intercept[i] = est.intercept_[j]
    return LinearHead(classes_=np.array(labels, dtype=object), coef_=coef, intercept_=intercept, temperature_=1.0)


def _thresholds(P: np.ndarray, Y: np.ndarray, k: int, best) -> np.ndarray:
    out = []
    for j in range(P.shape[1]):
        y = Y[:, j]
        out.append(0.5 if min(y.sum(), len(y) - y.sum()) < k else best(P[:, j], y))
    return np.array(out)


def _decoding(model: TriageModel, h: _Head) -> str:
    roles = model._roles
    if h.name in roles.custom_single or h.name in roles.custom_multi:
        return "custom"
    if h.name == "is_complaint" or (h.name == "urgency" and roles.urgency) or (h.name == "flags" and roles.flags):
        return "standard"
    return "standard" if roles.standard_labels.get(h.name) else "plain"


def _cell(v, *, strip: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return str(v).strip() if strip else str(v)


def _flag01(v: str, i: int, column: str) -> str:
    low = v.lower()
    if low in _TRUE:
        return "1"
    if low in _FALSE:
        return "0"
    if not v:
        return ""
    raise InputFormatError(f"train: column {column!r} (is_complaint) must be 0/1 (or true/false), got {v!r} in data row {i + 1}")


def _labels_of(cell) -> list[str]:
    if not cell:
        return []
    return list(dict.fromkeys(v.strip() for v in str(cell).translate(_SPLIT).split(";") if v.strip()))


def _rows(idx, limit: int = 10) -> str:
    idx = [int(i) + 1 for i in list(idx)[:limit]]
    return ", ".join(map(str, idx)) + (", ..." if len(idx) == limit else "")


def _read_words(value, what: str) -> tuple[str, ...]:
    import os
    from pathlib import Path

    if isinstance(value, (str, os.PathLike)):
        p = Path(value)
        if not p.is_file():
            raise FileNotFoundError(f"{what}: no file at {str(p)!r}; pass a file with one word a line, or a list of words")
        words = [w.strip() for w in p.read_text(encoding="utf-8-sig").splitlines()]
        return tuple(dict.fromkeys(w for w in words if w and not w.startswith("#")))
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(w, str) for w in value):
        return tuple(sorted(set(value)) if isinstance(value, (set, frozenset)) else dict.fromkeys(value))
    raise ValueError(f"Trainer: features[{what!r}] must be a path or a list of str, got {type(value).__name__}")


def _jsonable(v):
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    return v
