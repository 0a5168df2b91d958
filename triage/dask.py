"""Label a Dask DataFrame with a triage model (``pip install 'complaint-triage[dask]'``).

::

    import dask.dataframe as dd
    import triage.dask

    ddf = dd.read_parquet("complaints/*.parquet")
    labelled = triage.dask.label(ddf, text_col="text")
    labelled.to_parquet("labelled/")

On a cluster, connect a client first (``dask.distributed.Client("tcp://scheduler:8786")``);
every worker needs ``complaint-triage`` installed. The model is sent to each worker
once (``client.scatter(..., broadcast=True)`` or Dask's task-graph dedup) and its
tokenizer is rebuilt there on first use. In scripts that start a ``LocalCluster``,
put the work under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

from ._model import RESULT_KINDS
from .exceptions import MissingDependencyError

__all__ = ["label", "result_meta"]


def _dask():
    try:
        import dask.dataframe as dd
    except ImportError as e:
        raise MissingDependencyError("triage.dask needs dask: pip install 'complaint-triage[dask]'") from e
    return dd


def result_meta(frame_meta, model=None):
    """The empty frame Dask needs as ``meta``: the input's columns plus the result columns.

    Passing ``meta`` stops Dask from calling the model on a dummy frame of ``pd.NA``.
    The result columns are ``model.result_columns`` (``None``: the default model's,
    :data:`triage.RESULT_COLUMNS`), so a retrained model's own heads are there.
    """
    import pandas as pd

    meta = frame_meta.iloc[:0].copy()
    dtypes = {"bool": bool, "float": float, "str": object}
    kinds = RESULT_KINDS if model is None else model.result_kinds
    for col, kind in kinds.items():
        meta[col] = pd.Series(dtype=dtypes[kind])
    return meta


def _label_partition(part, model, text_col, mask_pii=False):
    from .batch import _label_chunk

    return _label_chunk(model, part, text_col, mask_pii)


def label(ddf, text_col: str = "text", model=None, *, mask_pii: bool = False):
    """Add the triage result columns to every partition of a Dask DataFrame.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    text_col : str, default="text"
    model : TriageModel, default=None
        ``None`` uses the bundled model.
    mask_pii : bool, default=False
        Mask personal data in ``text_col`` of the output (:func:`triage.mask_pii`);
        labels are predicted on the original text.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; the input columns plus the model's :attr:`~triage.TriageModel.result_columns`
        (:data:`triage.RESULT_COLUMNS` for the default model), rows in input order.
    """
    _dask()
    from . import load
    from .exceptions import InputFormatError

    if text_col not in ddf.columns:
        raise InputFormatError(f"triage.dask.label: no column {text_col!r}; the frame has {list(ddf.columns)[:20]}")
    model = model if model is not None else load()
    try:
        from dask.distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        client = None
    meta = result_meta(ddf._meta, model)
    if client is not None:
        model = client.scatter(model, broadcast=True)
    return ddf.map_partitions(_label_partition, model, text_col, mask_pii, meta=meta)
