"""The triage model: one vectoriser, several linear heads, one matrix product.

A :class:`TriageModel` is built by :func:`triage.train_model` (or loaded with
:func:`triage.load`). At prediction time every head's weights are stacked into
one matrix, so a message is normalised, segmented and vectorised once and all
heads are scored by a single sparse × dense product.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ._result import TriageResult
from .features._docs import check_documents
from .features._features import FrozenVectorizer
from .features._lexicon import high_triggers
from .labels import EMOTIONS, FLAGS, HIGH_FLAGS, NONE_TYPE, TYPES, URGENCIES

__all__ = ["TriageModel", "LinearHead", "DEFAULT_MAX_CHARS", "RESULT_COLUMNS"]

logger = logging.getLogger(__name__)

#: Texts longer than this many characters are cut before analysis (``notes`` says so).
DEFAULT_MAX_CHARS = 2000
#: Columns that :meth:`TriageModel.predict_frame` adds with the default model (a retrained
#: model's own columns are :attr:`TriageModel.result_columns`).
RESULT_COLUMNS: tuple[str, ...] = (
    "type",
    "secondary_types",
    "emotion",
    "urgency",
    "flags",
    "is_complaint",
    "type_proba",
    "emotion_proba",
    "urgency_proba",
    "complaint_proba",
    "error",
)
#: Kind of each result column: "bool", "float" or "str" (the Dask meta and Spark schema use it).
RESULT_KINDS: dict[str, str] = {
    c: "bool" if c == "is_complaint" else "float" if c.endswith("_proba") else "str" for c in RESULT_COLUMNS
}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class LinearHead:
    """The fitted weights of one head, without scikit-learn (what saved models hold).

    Attributes mirror the estimator it came from: ``classes_``, ``coef_``
    (float32), ``intercept_``, ``temperature_`` (single-label heads) and
    ``thresholds_`` (multi-label heads).
    """

    _ATTRS = ("classes_", "coef_", "intercept_", "temperature_", "thresholds_")

    def __init__(self, **attrs):
        for k, v in attrs.items():
            setattr(self, k, v)

    @classmethod
    def from_estimator(cls, est) -> LinearHead:
        return cls(**{k: getattr(est, k) for k in cls._ATTRS if hasattr(est, k)})

    def __repr__(self) -> str:
        return f"LinearHead(classes_={getattr(self, 'classes_', None)!r}, n_features={self.coef_.shape[1]})"


class TriageModel:
    """A fitted multi-head complaint model.

    Build one with :func:`triage.train_model` or load one with :func:`triage.load`;
    the constructor is for those functions.

    Parameters
    ----------
    vectorizer : ComplaintVectorizer or FrozenVectorizer
        Fitted vectoriser.
    heads : dict of str to CalibratedLinearClassifier
        Fitted single-label heads; ``"type"``, ``"emotion"``, ``"urgency"`` and
        ``"is_complaint"`` (classes 0/1) for the standard model.
    multilabel : dict of str to (ThresholdedMultiLabel, tuple of str)
        Fitted multi-label heads with their label names: ``"flags"`` and
        ``"secondary"`` for the standard model.
    manifest : dict
        Training metadata saved with the model.
    max_chars : int, default=2000
        Longer texts are truncated (the result's ``notes`` has ``"truncated"``).
    rules : bool, default=True
        Apply the label guide's definitional triggers (:data:`triage.features.HIGH_TRIGGERS`):
        a complaint that states a safety risk, fraud, a data leak, an external
        escalation or a broad impact is ``high`` with that reason.

    Notes
    -----
    A model is safe to share between threads: prediction reads the fitted state
    and never changes it (the tokenizer is built once, under a lock).
    """

    def __init__(
        self,
        vectorizer,
        heads: dict,
        multilabel: dict,
        manifest: dict,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        rules: bool = True,
    ):
        self.vectorizer = vectorizer
        self.rules = rules
        self.heads = dict(heads)
        self.multilabel = dict(multilabel)
        self.manifest = manifest
        self.max_chars = max_chars
        self._compile()

    # -- compiled inference state ---------------------------------------------------
    def _compile(self) -> None:
        blocks, bias, slices, start = [], [], {}, 0
        heads = [*self.heads.items(), *((n, h) for n, (h, _) in self.multilabel.items())]
        for name, head in heads:
            # prediction runs in float32: keep the heads' weights in float32 too (half the file size)
            head.coef_ = np.ascontiguousarray(head.coef_, dtype=np.float32)
            k = head.coef_.shape[0]
            blocks.append(head.coef_)
            bias.append(head.intercept_)
            slices[name] = slice(start, start + k)
            start += k
        self._W = np.ascontiguousarray(np.vstack(blocks).T, dtype=np.float32)
        self._b = np.concatenate(bias).astype(np.float32)
        self._slices = slices
        self._roles = _Roles.of(self.heads, self.multilabel)
        self._kinds = self._column_kinds()

    def __getstate__(self):
        # saved as plain weights and a frozen vectoriser: loading needs no scikit-learn
        state = self.__dict__.copy()
        for k in ("_W", "_b", "_slices", "_roles", "_kinds"):
            state.pop(k, None)
        vec = self.vectorizer
        state["vectorizer"] = vec if isinstance(vec, FrozenVectorizer) else vec.freeze()
        state["heads"] = {n: h if isinstance(h, LinearHead) else LinearHead.from_estimator(h) for n, h in self.heads.items()}
        state["multilabel"] = {
            n: (h if isinstance(h, LinearHead) else LinearHead.from_estimator(h), tuple(labels))
            for n, (h, labels) in self.multilabel.items()
        }
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._compile()
        self.vectorizer.warm_up()

    # -- properties -----------------------------------------------------------------
    @property
    def labels(self) -> dict[str, tuple[str, ...]]:
        """Label set of every head."""
        out = {n: tuple(str(c) for c in h.classes_) for n, h in self.heads.items()}
        out.update({n: labels for n, (_h, labels) in self.multilabel.items()})
        return out

    # -- input handling -------------------------------------------------------------
    def _prepare(self, text: str) -> tuple[str, tuple[str, ...]]:
        notes = []
        if len(text) > self.max_chars:
            text = text[: self.max_chars]
            notes.append("truncated")
        if not text.strip():
            notes.append("empty_text")
        elif not _HAN.search(text):
            notes.append("no_chinese")
        return text, tuple(notes)

    @staticmethod
    def _check_text(text: Any, where: str) -> str:
        if isinstance(text, str):
            return text
        if isinstance(text, (bytes, bytearray)):
            raise TypeError(f"{where} expects str, got bytes; decode it first, e.g. data.decode('utf-8')")
        if text is None:
            raise TypeError(f"{where} expects str, got None")
        if isinstance(text, float) and math.isnan(text):
            raise TypeError(f"{where} expects str, got NaN (a missing value)")
        raise TypeError(f"{where} expects str, got {type(text).__name__}")

    # -- scoring --------------------------------------------------------------------
    def _scores(self, texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """Logits of every head for each text, and the normalised texts.

        Each row's logits are ``b + sum_j x_j * W[j]``, summed in column order by
        ``np.add.reduceat`` (no BLAS call whose rounding could depend on memory
        alignment), so a text gets bit-identical results alone or in a batch.
        """
        vec = self.vectorizer
        norms = [vec.normalize(t) for t in texts]
        indptr, cols, vals = vec.transform_arrays(norms)
        vals = vals.astype(np.float32)
        W, b = self._W, self._b
        n = len(norms)
        Z = np.tile(b, (n, 1))
        step = 512
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            s, e = indptr[lo], indptr[hi]
            nonempty = np.flatnonzero(np.diff(indptr[lo : hi + 1]) > 0)
            if len(nonempty) == 0:
                continue
            P = W[cols[s:e]] * vals[s:e, None]
            Z[lo + nonempty] += np.add.reduceat(P, indptr[lo + nonempty] - s, axis=0)
        return Z, norms

    def _decode_all(self, Z: np.ndarray, notes: Sequence[tuple[str, ...]], norms: Sequence[str]) -> list[TriageResult]:
        """Results of a batch of logits: probabilities computed for all rows at once.

        Softmax and sigmoid are row-wise, so a row's numbers do not depend on the
        other rows in the batch.
        """
        Z = Z.astype(np.float64)
        single = {}
        for name, head in self.heads.items():
            labels = [str(c) for c in head.classes_]
            P = _softmax_rows(Z[:, self._slices[name]] / head.temperature_)
            single[name] = (labels, P.tolist(), P.argmax(axis=1).tolist())
        multi = {}
        for name, (head, labels) in self.multilabel.items():
            P = 1.0 / (1.0 + np.exp(-Z[:, self._slices[name]]))
            multi[name] = (labels, P.tolist(), head.thresholds_.tolist())
        out = []
        for i in range(len(norms)):
            probs = {n: dict(zip(labels, rows[i])) for n, (labels, rows, _) in single.items()}
            top = {n: labels[arg[i]] for n, (labels, _, arg) in single.items()}
            m = {n: (labels, rows[i], thr) for n, (labels, rows, thr) in multi.items()}
            out.append(self._decode(probs, top, m, notes[i], norms[i]))
        return out

    def _decode(self, probs, top, multi, notes: tuple[str, ...], norm: str = "") -> TriageResult:
        roles = self._roles
        if roles.complaint:
            p_complaint = probs.pop("is_complaint")["1"]
            is_complaint = p_complaint >= 0.5 and "empty_text" not in notes
            complaint = is_complaint
        else:  # no is_complaint head: nothing is gated, and is_complaint stays unknown (None)
            p_complaint = is_complaint = None
            complaint = True
        urgency = top.get("urgency")
        flags: tuple[str, ...] = ()
        secondary: tuple[str, ...] = ()
        triggers = high_triggers(norm) if (complaint and self.rules and roles.urgency) else ()
        if triggers:
            urgency = "high"
        if complaint:
            typ = top.get("type")
            if "secondary" in multi:
                labels, p, thr = multi["secondary"]
                cands = sorted(
                    ((p[i], lab) for i, lab in enumerate(labels) if lab != typ and p[i] >= thr[i]), reverse=True
                )
                secondary = tuple(lab for _, lab in cands[:2])
            if "flags" in multi and roles.flags:
                if urgency != "low":
                    labels, p, thr = multi["flags"]
                    on = [(p[i], lab) for i, lab in enumerate(labels) if p[i] >= thr[i] or lab in triggers]
                    if urgency == "high" and not any(lab in HIGH_FLAGS for _, lab in on):
                        on.append(max((p[i], lab) for i, lab in enumerate(labels) if lab in HIGH_FLAGS))
                    if not on:
                        on.append(max((p[i], lab) for i, lab in enumerate(labels)))
                    flags = tuple(lab for _, lab in sorted(on, reverse=True))
            elif "flags" in multi:
                flags = _above_threshold(*multi["flags"])
            else:  # no flags head: a rule that raised the urgency is still its reason
                flags = tuple(triggers)
        else:
            typ = NONE_TYPE if "type" in top else None
            if roles.urgency:
                urgency = "low"
        custom = {n: top[n] for n in roles.custom_single}
        for n in roles.custom_multi:
            custom[n] = _above_threshold(*multi[n])
        return TriageResult(
            type=typ,
            secondary_types=secondary,
            emotion=top.get("emotion"),
            urgency=urgency,
            flags=flags,
            is_complaint=None if is_complaint is None else bool(is_complaint),
            complaint_probability=None if p_complaint is None else float(p_complaint),
            probabilities=probs,
            notes=notes,
            custom=custom,
        )

    # -- public API -----------------------------------------------------------------
    def predict_one(self, text: str) -> TriageResult:
        """Triage one message.

        Parameters
        ----------
        text : str
            The customer's message, simplified or traditional Chinese.

        Returns
        -------
        TriageResult

        Raises
        ------
        TypeError
            If ``text`` is not a str (``bytes`` must be decoded first).

        Notes
        -----
        Empty or whitespace-only text is not a complaint (``is_complaint=False``,
        type ``none``, urgency ``low``, ``notes=("empty_text",)``). Text with no
        Chinese character is scored as usual and marked ``"no_chinese"``: the
        model was trained on Chinese, so treat that result as low-confidence.
        Text over ``max_chars`` characters is truncated and marked ``"truncated"``.

        Examples
        --------
        >>> import triage
        >>> model = triage.load()
        >>> r = model.predict_one("快递一个礼拜还没到，客服电话也打不通！！")
        >>> r.type, r.is_complaint
        ('timeliness', True)
        """
        text, notes = self._prepare(self._check_text(text, "predict_one"))
        Z, norms = self._scores([text])
        return self._decode_all(Z, [notes], norms)[0]

    def predict(self, texts: Iterable[str], *, batch_size: int = 2048) -> list[TriageResult]:
        """Triage many messages (vectorised); a bare str is refused.

        Parameters
        ----------
        texts : iterable of str
        batch_size : int, default=2048
            Messages scored per matrix product.

        Returns
        -------
        list of TriageResult, in input order.

        Examples
        --------
        >>> import triage
        >>> [r.type for r in triage.load().predict(["屏幕碎了", "退款一直不到账"])]
        ['product', 'timeliness']
        """
        docs = check_documents(texts, "predict")
        prepared = [self._prepare(d) for d in docs]
        out: list[TriageResult] = []
        for start in range(0, len(prepared), batch_size):
            part = prepared[start : start + batch_size]
            Z, norms = self._scores([t for t, _ in part])
            out.extend(self._decode_all(Z, [n for _, n in part], norms))
        return out

    def predict_frame(self, df, text_col: str = "text", *, batch_size: int = 2048):
        """Label a pandas DataFrame: input columns kept, result columns added.

        Rows whose text is missing, empty or not a str are not scored: they get
        an ``error`` value and default labels (``none``/``calm``/``low``); every
        row is kept, in order.

        Parameters
        ----------
        df : pandas.DataFrame
        text_col : str, default="text"
        batch_size : int, default=2048

        Returns
        -------
        pandas.DataFrame
            A copy of ``df`` with :attr:`result_columns` added (:data:`RESULT_COLUMNS`
            for the default model).

        Examples
        --------
        >>> import pandas as pd, triage
        >>> out = triage.load().predict_frame(pd.DataFrame({"text": ["饭菜是凉的", None]}))
        >>> out["error"].tolist()
        ['', 'missing text']
        """
        import pandas as pd

        from .exceptions import InputFormatError

        if text_col not in df.columns:
            raise InputFormatError(
                f"predict_frame: no column {text_col!r}; the frame has {list(df.columns)[:20]}; pass text_col=..."
            )
        texts = df[text_col].tolist()
        ok_idx, ok_texts, errors = [], [], [""] * len(texts)
        for i, t in enumerate(texts):
            err = row_error(t)
            if err:
                errors[i] = err
            else:
                ok_idx.append(i)
                ok_texts.append(t)
        results = self.predict(ok_texts, batch_size=batch_size) if ok_texts else []
        columns, kinds = self.result_columns, self.result_kinds
        cols = {c: [None] * len(texts) for c in columns}
        defaults = self.default_row()
        for i in range(len(texts)):
            for c, v in defaults.items():
                cols[c][i] = v
        for i, r in zip(ok_idx, results):
            for c, v in self.result_row(r).items():
                cols[c][i] = v
        cols["error"] = errors
        out = df.copy()
        for c in columns:
            out[c] = pd.Series(cols[c], index=df.index, dtype=float if kinds[c] == "float" else object)
        if "is_complaint" in kinds:
            out["is_complaint"] = out["is_complaint"].astype(bool)
        return out

    @property
    def result_columns(self) -> tuple[str, ...]:
        """The columns :meth:`predict_frame` adds for this model's heads (then ``error``).

        The default model's are :data:`RESULT_COLUMNS`. A head the model lacks has
        no column (a model without ``urgency`` has no ``urgency``/``urgency_proba``);
        a custom single-label head ``region`` adds ``region`` and ``region_proba``,
        a custom multi-label head ``tags`` adds ``tags`` (labels joined with ``;``).

        Examples
        --------
        >>> import triage
        >>> triage.load().result_columns == triage.RESULT_COLUMNS
        True
        """
        return tuple(self.result_kinds)

    @property
    def result_kinds(self) -> dict[str, str]:
        """Kind of each of :attr:`result_columns`: ``"bool"``, ``"float"`` or ``"str"`` (Dask meta, Spark schema)."""
        return dict(self._kinds)

    def _column_kinds(self) -> dict[str, str]:
        roles = self._roles
        heads, multi = self.heads, self.multilabel
        labels = [c for c, on in (("type", "type" in heads), ("secondary_types", "secondary" in multi),
                                  ("emotion", "emotion" in heads), ("urgency", "urgency" in heads),
                                  ("flags", "flags" in multi)) if on]
        kinds = {c: "str" for c in labels}
        if roles.complaint:
            kinds["is_complaint"] = "bool"
        kinds.update({n: "str" for n in (*roles.custom_single, *roles.custom_multi)})
        for c in ("type", "emotion", "urgency"):
            if c in heads:
                kinds[f"{c}_proba"] = "float"
        if roles.complaint:
            kinds["complaint_proba"] = "float"
        kinds.update({f"{n}_proba": "float" for n in roles.custom_single})
        kinds["error"] = "str"
        return kinds

    def result_row(self, r: TriageResult) -> dict[str, Any]:
        """The :attr:`result_columns` values of one result (flat, for tables)."""
        p = r.probabilities
        row: dict[str, Any] = {}
        for c in self._kinds:
            if c in ("secondary_types", "flags"):
                row[c] = ";".join(getattr(r, c))
            elif c == "complaint_proba":
                row[c] = r.complaint_probability
            elif c == "error":
                row[c] = ""
            elif c.endswith("_proba"):
                head = c[: -len("_proba")]
                row[c] = max(p[head].values()) if head in p else float("nan")
            elif c in r.custom:
                v = r.custom[c]
                row[c] = ";".join(v) if isinstance(v, tuple) else v
            else:
                row[c] = getattr(r, c)
        return row

    def default_row(self) -> dict[str, Any]:
        """Result columns of a row that could not be scored.

        The standard heads get ``none``/``calm``/``low``, no flags and
        ``is_complaint=False``; a head with a custom label set gets ``None``
        (an empty cell); probabilities are NaN.
        """
        std = {"type": NONE_TYPE, "emotion": "calm", "urgency": "low"}
        row: dict[str, Any] = {}
        for c, kind in self.result_kinds.items():
            if kind == "float":
                row[c] = float("nan")
            elif kind == "bool":
                row[c] = False
            elif c in ("secondary_types", "flags", "error") or c in self._roles.custom_multi:
                row[c] = ""
            elif c in std and self._roles.standard_labels.get(c):
                row[c] = std[c]
            else:
                row[c] = None
        return row

    def explain(self, text: str, *, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """The features that pushed each head toward its predicted label.

        For each single-label head, the ``top`` features with the largest
        contribution ``x_j * (w_j[label] - mean_k w_j[k])`` to the predicted
        label's logit, as ``(feature, contribution)`` pairs. Feature names carry
        their block: ``w:`` a word n-gram, ``c:`` a character n-gram,
        ``cue:`` a lexicon or shape cue.

        Examples
        --------
        >>> import triage
        >>> ex = triage.load().explain("骑手态度恶劣还骂人")
        >>> ex["type"][0][0].startswith(("w:", "c:", "cue:"))
        True
        """
        text, _ = self._prepare(self._check_text(text, "explain"))
        Z, norms = self._scores([text])
        z = Z[0]
        _, idx, val = self.vectorizer.transform_arrays(norms)
        names = self.vectorizer.names_of(idx)
        out = {}
        for name in self.heads:
            s = self._slices[name]
            k = int(np.argmax(z[s]))
            W = self._W[idx, s]
            contrib = val * (W[:, k] - W.mean(axis=1))
            order = np.argsort(-contrib)[:top]
            out[name] = [(names[j], round(float(contrib[j]), 4)) for j in order if contrib[j] > 0]
        return out

    def save(self, path, *, format: str = "joblib") -> None:
        """Save to a model directory (``manifest.json`` + payload); see :func:`triage.load`.

        Parameters
        ----------
        path : str or path
            Directory to write (created; an existing model there is replaced).
        format : {"joblib", "skops"}, default="joblib"
            ``"skops"`` writes a file that :func:`triage.load` can open without
            running code from it: use it for models you share.
        """
        from .models._persist import save_model

        save_model(self, path, format=format)

    def __repr__(self) -> str:
        heads = ", ".join(self.labels)
        return f"<TriageModel heads=[{heads}] features={self.vectorizer.n_features_out_}>"

    def triage(
        self,
        text: str,
        *,
        customer_tier: str | None = None,
        channel: str | None = None,
        repeat_count: int = 0,
        created_at=None,
        amount: float | None = None,
        affected_users: int | None = None,
        customer: str | None = None,
        order_id: str | None = None,
        policy=None,
    ):
        """Triage one ticket: :meth:`predict_one` plus priority, reasons, SLA deadlines, route and reply.

        Parameters
        ----------
        text : str
            The customer's message.
        customer_tier : str, default=None
            One of ``policy.customer_tiers``; ``vip`` and ``enterprise`` raise the priority.
        channel : str, default=None
            Where the ticket came from; a public channel (``weibo``, ``douyin``…) raises it.
        repeat_count : int, default=0
            Earlier contacts about the same issue; 2 or more raise it.
        created_at : datetime or str, default=None
            Aware (any zone), naive (local time in the policy's zone) or ISO-8601; ``None`` is now.
        amount : float, default=None
            Money at stake, CNY; ``policy.amount_threshold`` (5000) or more raises it.
        affected_users : int, default=None
            ``policy.affected_users_threshold`` (10) or more raises it.
        customer : str, default=None
            Name or form of address for the reply (``张女士``); default ``您``.
        order_id : str, default=None
            Order number for the reply; when absent, one found by ``triage.extract`` if available.
        policy : triage.Policy, default=None
            The rules; ``None`` is the default policy.

        Returns
        -------
        triage.TicketDecision

        Raises
        ------
        TypeError, ValueError
            Bad text or metadata; the message names the parameter, what is allowed and what was received.

        Examples
        --------
        >>> import triage
        >>> from datetime import datetime
        >>> t = triage.load().triage("快递一个礼拜还没到，客服电话也打不通！！", repeat_count=3,
        ...                          created_at=datetime(2026, 9, 30, 17, 0))
        >>> t.priority, [r.id for r in t.reasons]
        ('P1', ['strong_emotion', 'repeat_complaint'])
        >>> t.deadlines.resolution.isoformat()   # 3 working days: 8, 9 and Saturday 10 October (调休)
        '2026-10-10T17:00:00+08:00'
        """
        from .decisions._decide import decide

        return decide(
            self.predict_one(text),
            text,
            policy=policy,
            customer_tier=customer_tier,
            channel=channel,
            repeat_count=repeat_count,
            created_at=created_at,
            amount=amount,
            affected_users=affected_users,
            customer=customer,
            order_id=order_id,
        )


def _softmax_rows(Z: np.ndarray) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _above_threshold(labels, p, thr) -> tuple[str, ...]:
    """The labels of a multi-label head at or above their thresholds, most probable first."""
    return tuple(lab for _, lab in sorted(((p[i], lab) for i, lab in enumerate(labels) if p[i] >= thr[i]), reverse=True))


_STANDARD_SETS = {"type": set(TYPES), "emotion": set(EMOTIONS), "urgency": set(URGENCIES), "is_complaint": {"0", "1"}}
_STANDARD_SINGLE = ("type", "emotion", "urgency", "is_complaint")
_STANDARD_MULTI = ("flags", "secondary")


class _Roles:
    """How a model's heads are decoded, read from their names and label sets (never saved).

    ``complaint``: an ``is_complaint`` head with classes 0/1 gates the others
    (a non-complaint is type ``none``, urgency ``low``, no flags). ``urgency``:
    the urgency head has the LABELS.md set, so the HIGH triggers apply.
    ``flags``: the flags head has LABELS.md reasons and urgency is standard, so
    flags appear only on medium/high and a high result carries a HIGH reason.
    Any other head is custom: its label goes to ``TriageResult.custom``.
    """

    __slots__ = ("complaint", "urgency", "flags", "standard_labels", "custom_single", "custom_multi")

    @classmethod
    def of(cls, heads: dict, multilabel: dict) -> _Roles:
        r = cls()
        classes = {n: {str(c) for c in h.classes_} for n, h in heads.items()}
        r.standard_labels = {n: classes.get(n) == _STANDARD_SETS[n] for n in _STANDARD_SINGLE if n in classes}
        r.complaint = r.standard_labels.get("is_complaint", False)
        r.urgency = r.standard_labels.get("urgency", False)
        flag_labels = set(multilabel["flags"][1]) if "flags" in multilabel else set()
        r.flags = r.urgency and bool(flag_labels) and flag_labels <= set(FLAGS) and bool(flag_labels & set(HIGH_FLAGS))
        r.custom_single = tuple(n for n in heads if n not in _STANDARD_SINGLE or (n == "is_complaint" and not r.complaint))
        r.custom_multi = tuple(n for n in multilabel if n not in _STANDARD_MULTI)
        return r


def row_error(value: Any) -> str:
    """Why a batch value cannot be scored ('' when it can)."""
    if value is None:
        return "missing text"
    if isinstance(value, float) and math.isnan(value):
        return "missing text"
    if isinstance(value, (bytes, bytearray)):
        return "bytes, not text: decode the column"
    if not isinstance(value, str):
        try:
            import pandas as pd

            if value is pd.NA or value is pd.NaT:
                return "missing text"
        except ImportError:  # pragma: no cover
            pass
        return f"not text: {type(value).__name__}"
    if not value.strip():
        return "empty text"
    if "\ufffd" in value:
        return "undecodable text (contains U+FFFD)"
    return ""

