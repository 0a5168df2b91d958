"""Label a Spark DataFrame with a triage model (``pip install 'complaint-triage[spark]'``).

::

    from pyspark.sql import SparkSession
    import triage.spark

    spark = SparkSession.builder.getOrCreate()
    sdf = spark.read.parquet("hdfs:///complaints/")
    triage.spark.label(sdf, text_col="text").write.parquet("hdfs:///labelled/")

With ``spark-submit`` on YARN or Kubernetes, every executor needs
``complaint-triage`` in the Python that ``PYSPARK_PYTHON`` names (otherwise
workers start whatever ``python3`` is on their PATH). The model is broadcast to
executors once and loaded there once per Python worker.
"""

from __future__ import annotations

from ._model import RESULT_KINDS
from .exceptions import MissingDependencyError

__all__ = ["label", "result_schema"]


def _spark():
    try:
        import pyspark.sql.types as T
    except ImportError as e:
        raise MissingDependencyError("triage.spark needs pyspark: pip install 'complaint-triage[spark]'") from e
    return T


def result_schema(input_schema, model=None):
    """The input schema plus the result columns (``mapInPandas`` needs it).

    The result columns are ``model.result_columns`` (``None``: the default
    model's, :data:`triage.RESULT_COLUMNS`).
    """
    T = _spark()
    types = {"bool": T.BooleanType, "float": T.DoubleType, "str": T.StringType}
    kinds = RESULT_KINDS if model is None else model.result_kinds
    # an input column with a result column's name is replaced in place, as predict_frame does
    fields = [T.StructField(f.name, types[kinds[f.name]](), True) if f.name in kinds else f for f in input_schema.fields]
    present = set(input_schema.fieldNames())
    fields += [T.StructField(col, types[kind](), True) for col, kind in kinds.items() if col not in present]
    return T.StructType(fields)


def label(sdf, text_col: str = "text", model=None, *, mask_pii: bool = False):
    """Add the triage result columns to a Spark DataFrame via ``mapInPandas``.

    Parameters
    ----------
    sdf : pyspark.sql.DataFrame
    text_col : str, default="text"
    model : TriageModel, default=None
        ``None`` uses the bundled model.
    mask_pii : bool, default=False
        Mask personal data in ``text_col`` of the output (:func:`triage.mask_pii`);
        labels are predicted on the original text.

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy; the input columns plus the model's :attr:`~triage.TriageModel.result_columns`
        (:data:`triage.RESULT_COLUMNS` for the default model).
    """
    _spark()
    from . import load
    from .exceptions import InputFormatError

    if text_col not in sdf.columns:
        raise InputFormatError(f"triage.spark.label: no column {text_col!r}; the frame has {sdf.columns[:20]}")
    model = model if model is not None else load()
    shared = sdf.sparkSession.sparkContext.broadcast(model)
    columns = list(sdf.columns) + [c for c in model.result_columns if c not in sdf.columns]

    def run(batches):
        from triage.batch import _label_chunk

        m = shared.value  # unpickled once per Python worker; the tokenizer is rebuilt there
        for pdf in batches:
            out = _label_chunk(m, pdf, text_col, mask_pii)
            yield out[columns]

    return sdf.mapInPandas(run, schema=result_schema(sdf.schema, model))
