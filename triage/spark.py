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

from ._model import RESULT_COLUMNS, RESULT_KINDS
from .exceptions import MissingDependencyError

__all__ = ["label", "result_schema"]


def _spark():
    try:
        import pyspark.sql.types as T
    except ImportError as e:
        raise MissingDependencyError("triage.spark needs pyspark: pip install 'complaint-triage[spark]'") from e
    return T


def result_schema(input_schema):
    """The input schema plus the result columns (``mapInPandas`` needs it)."""
    T = _spark()
    types = {"bool": T.BooleanType, "float": T.DoubleType, "str": T.StringType}
    fields = list(input_schema.fields)
    fields += [T.StructField(col, types[kind](), True) for col, kind in RESULT_KINDS.items()]
    return T.StructType(fields)


def label(sdf, text_col: str = "text", model=None):
    """Add the triage result columns to a Spark DataFrame via ``mapInPandas``.

    Parameters
    ----------
    sdf : pyspark.sql.DataFrame
    text_col : str, default="text"
    model : TriageModel, default=None
        ``None`` uses the bundled model.

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy; the input columns plus :data:`triage.RESULT_COLUMNS`.
    """
    _spark()
    from . import load
    from .exceptions import InputFormatError

    if text_col not in sdf.columns:
        raise InputFormatError(f"triage.spark.label: no column {text_col!r}; the frame has {sdf.columns[:20]}")
    model = model if model is not None else load()
    shared = sdf.sparkSession.sparkContext.broadcast(model)
    columns = list(sdf.columns)

    def run(batches):
        m = shared.value  # unpickled once per Python worker; the tokenizer is rebuilt there
        for pdf in batches:
            out = m.predict_frame(pdf, text_col=text_col)
            yield out[columns + list(RESULT_COLUMNS)]

    return sdf.mapInPandas(run, schema=result_schema(sdf.schema))
