"""Labelling files: CSV, JSONL, Parquet and Excel in, the same rows with result columns out.

:func:`label_file` streams the input in chunks (memory is bounded by the
chunk size, not the file size), labels each chunk with every head, and writes
the output under a temporary name that is renamed into place only when the
whole file is done, so a half-written output never carries the final name.
Rows whose text is missing, empty or not text keep their place and get an
``error`` value and default labels.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import InputFormatError, MissingDependencyError

__all__ = ["label_file", "LabelSummary", "FORMATS", "detect_format"]

logger = logging.getLogger(__name__)

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
_SUFFIX = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
           ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xls": "xlsx"}


def detect_format(path: str | os.PathLike[str], given: str | None = None) -> str:
    """The file format from ``given`` or the file's suffix."""
    if given:
        if given not in FORMATS:
            raise InputFormatError(f"--format must be one of {FORMATS}, got {given!r}")
        return given
    fmt = _SUFFIX.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputFormatError(
            f"cannot tell the format of {str(path)!r} from its suffix; pass --format with one of {FORMATS}"
        )
    return fmt


def _need(module: str, extra: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingDependencyError(f"{extra} files need {module}: pip install 'complaint-triage[{extra}]'") from e


def _sniff_encoding(path: Path, given: str | None) -> str:
    if given:
        try:
            "".encode(given)
        except LookupError:
            raise InputFormatError(f"unknown encoding {given!r}; try --encoding utf-8 or --encoding gb18030") from None
        return given
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a multi-byte character cut by the sample
            return "utf-8"
    try:
        head.decode("gb18030")
    except UnicodeDecodeError:
        raise InputFormatError(
            f"{str(path)!r} is neither UTF-8 nor GB18030; pass its encoding with --encoding"
        ) from None
    logger.info("%s is not UTF-8 but decodes as GB18030: reading it as gb18030", path)
    return "gb18030"


def _read_chunks(path: Path, fmt: str, chunk_size: int, encoding: str | None, text_col: str) -> Iterator:
    import pandas as pd

    if fmt == "csv":
        enc = _sniff_encoding(path, encoding)
        with open(path, encoding=enc, errors="strict", newline="") as fh:
            sample = fh.read(1 << 16)
        try:
            dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",\t;|")
            sep = dialect.delimiter
        except csv.Error:
            sep = ","
        header = next(csv.reader(io.StringIO(sample), delimiter=sep), [])
        if text_col not in header:
            raise InputFormatError(
                f"{str(path)!r} has no column {text_col!r}; its header is {header[:20]}. "
                "Pass the text column with --text-col (and check the delimiter: ',', tab, ';' or '|')"
            )
        reader = pd.read_csv(
            path, sep=sep, encoding=enc, dtype=str, keep_default_na=False, na_values=[],
            chunksize=chunk_size, encoding_errors="replace",
        )
        yield from reader
    elif fmt == "jsonl":
        enc = _sniff_encoding(path, encoding)
        first = True
        for chunk in pd.read_json(path, lines=True, chunksize=chunk_size, dtype=False, encoding=enc):
            if first and text_col not in chunk.columns:
                raise InputFormatError(
                    f"{str(path)!r} has no key {text_col!r}; its keys are {list(chunk.columns)[:20]}; pass --text-col"
                )
            first = False
            yield chunk
    elif fmt == "parquet":
        pq = _need("pyarrow.parquet", "parquet")
        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
        if text_col not in names:
            raise InputFormatError(f"{str(path)!r} has no column {text_col!r}; its columns are {names[:20]}; pass --text-col")
        for batch in pf.iter_batches(batch_size=chunk_size):
            yield batch.to_pandas()
    else:
        _need("openpyxl", "excel")
        df = pd.read_excel(path, dtype=str, keep_default_na=False, na_values=[])
        if text_col not in df.columns:
            raise InputFormatError(f"{str(path)!r} has no column {text_col!r}; its columns are {list(df.columns)[:20]}; pass --text-col")
        for start in range(0, max(len(df), 1), chunk_size):
            yield df.iloc[start : start + chunk_size]


class _Writer:
    """Appends chunks to a temporary output file; :meth:`commit` renames it into place."""

    def __init__(self, out: Path, fmt: str):
        self.out, self.fmt = out, fmt
        self.tmp = out.with_name(f".{out.name}.partial")
        self._pq = None
        self._frames = []
        self._first = True

    def write(self, df) -> None:
        if self.fmt == "csv":
            df.to_csv(self.tmp, mode="w" if self._first else "a", header=self._first, index=False, encoding="utf-8")
        elif self.fmt == "jsonl":
            text = df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
            if text and not text.endswith("\n"):
                text += "\n"
            with open(self.tmp, "w" if self._first else "a", encoding="utf-8") as fh:
                fh.write(text)
        elif self.fmt == "parquet":
            pa = _need("pyarrow", "parquet")
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.tmp, table.schema)
            self._pq.write_table(table.cast(self._pq.schema))
        else:
            self._frames.append(df)
        self._first = False

    def commit(self) -> None:
        if self.fmt == "parquet" and self._pq is not None:
            self._pq.close()
        if self.fmt == "xlsx":
            import pandas as pd

            _need("openpyxl", "excel")
            pd.concat(self._frames, ignore_index=True).to_excel(self.tmp, index=False)
        if self._first and self.fmt in ("csv", "jsonl"):
            self.tmp.write_text("", encoding="utf-8")
        os.replace(self.tmp, self.out)

    def abort(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self.tmp.exists():
            self.tmp.unlink()


@dataclass
class LabelSummary:
    """What a labelling run did."""

    rows_read: int = 0
    rows_written: int = 0
    rows_with_errors: int = 0
    seconds: float = 0.0
    counts: dict[str, Counter] = field(default_factory=lambda: {"type": Counter(), "emotion": Counter(), "urgency": Counter()})

    def render(self) -> str:
        lines = [
            f"rows read: {self.rows_read}",
            f"rows written: {self.rows_written}",
            f"rows with errors: {self.rows_with_errors}",
            f"wall time: {self.seconds:.1f} s ({self.rows_written / max(self.seconds, 1e-9):,.0f} rows/s)",
        ]
        for head, c in self.counts.items():
            lines.append(f"{head}: " + ", ".join(f"{k} {v}" for k, v in c.most_common()))
        return "\n".join(lines)


class _Progress:
    def __init__(self, enabled: bool, total: int | None):
        self.enabled, self.total, self.start = enabled, total, time.monotonic()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        el = time.monotonic() - self.start
        rate = done / el if el > 0 else 0.0
        msg = f"\r{done:,} rows  {rate:,.0f} rows/s"
        if self.total:
            left = (self.total - done) / rate if rate else 0
            msg = f"\r{done:,}/{self.total:,} rows  {rate:,.0f} rows/s  ETA {left:,.0f} s"
        sys.stderr.write(msg)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _count_rows(path: Path, fmt: str) -> int | None:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    return None


def label_file(
    in_path,
    out_path,
    *,
    model=None,
    text_col: str = "text",
    chunk_size: int = 10_000,
    in_format: str | None = None,
    out_format: str | None = None,
    encoding: str | None = None,
    progress: bool | None = None,
) -> LabelSummary:
    """Label every row of a file and write the rows with result columns added.

    Parameters
    ----------
    in_path, out_path : str or path
    model : TriageModel, default=None
        ``None`` loads the bundled model.
    text_col : str, default="text"
    chunk_size : int, default=10000
        Rows read, labelled and written at a time (memory is bounded by it).
    in_format, out_format : {"csv", "jsonl", "parquet", "xlsx"}, default=None
        Taken from the file suffixes when not given.
    encoding : str, default=None
        Text encoding of CSV/JSONL input; UTF-8 and GB18030 are detected.
    progress : bool, default=None
        Show a progress line on stderr; ``None`` shows it when stderr is a terminal.

    Returns
    -------
    LabelSummary
    """
    from . import load

    src, dst = Path(in_path), Path(out_path)
    if not src.is_file():
        raise InputFormatError(f"no input file at {str(src)!r}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    fin = detect_format(src, in_format)
    fout = detect_format(dst, out_format)
    model = model if model is not None else load()
    summary = LabelSummary()
    bar = _Progress(sys.stderr.isatty() if progress is None else progress, _count_rows(src, fin))
    writer = _Writer(dst, fout)
    t0 = time.monotonic()
    try:
        for chunk in _read_chunks(src, fin, chunk_size, encoding, text_col):
            out = model.predict_frame(chunk, text_col=text_col)
            writer.write(out)
            summary.rows_read += len(chunk)
            summary.rows_written += len(out)
            summary.rows_with_errors += int((out["error"] != "").sum())
            for head in summary.counts:
                summary.counts[head].update(out[head].tolist())
            bar.update(summary.rows_written)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        bar.close()
    summary.seconds = time.monotonic() - t0
    return summary
