"""Labelling files: CSV, JSONL, Parquet and Excel in, the same rows with result columns out.

:func:`label_file` streams the input in chunks (memory is bounded by the
chunk size, not the file size), labels each chunk with every head (in worker
processes with ``jobs > 1``), commits each labelled chunk to a work directory,
and joins the chunks into the output under a temporary name that is renamed
into place only when the whole file is done: a half-written output never
carries the final name, and an interrupted job continues with ``resume=True``.
Rows whose text is missing, empty or not text keep their place and get an
``error`` value and default labels.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import InputFormatError, MissingDependencyError

__all__ = ["label_file", "LabelSummary", "FORMATS", "detect_format", "read_table"]

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


def read_table(
    path: str | os.PathLike[str],
    *,
    text_col: str = "text",
    encoding: str | None = None,
    in_format: str | None = None,
    max_rows: int | None = None,
):
    """Read a whole CSV/JSONL/Parquet/Excel file into one DataFrame, as ``triage label`` reads it.

    The format comes from the extension unless ``in_format`` is given; CSV encodings are sniffed
    (UTF-8, GB18030) and the text column is checked up front. ``max_rows`` keeps the first rows only.
    Raises ``FileNotFoundError`` naming the path when there is no such file.
    """
    import pandas as pd

    src = Path(path)
    if not src.is_file():
        raise FileNotFoundError(f"{str(src)!r}: no such file")
    fmt = detect_format(src, in_format)
    parts, rows = [], 0
    for chunk in _read_chunks(src, fmt, 250_000, encoding, text_col):
        if max_rows is not None and rows + len(chunk) > max_rows:
            chunk = chunk.iloc[: max_rows - rows]
        parts.append(chunk)
        rows += len(chunk)
        if max_rows is not None and rows >= max_rows:
            break
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)


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


class _Journal:
    """Committed chunks of one job, in a work directory beside the output.

    Each labelled chunk is written to ``.OUT.parts/NNNNNNNN.part`` under a
    temporary name and renamed when complete, so a chunk file either exists
    whole or not at all. ``job.json`` records what the job is (input file,
    size, modification time, chunk size, columns, formats): ``--resume``
    continues only the same job. :meth:`finish` joins the chunks in order into
    the output (written under a temporary name, then renamed) and removes the
    work directory.
    """

    def __init__(self, out: Path, fmt: str, job: dict):
        self.out, self.fmt, self.job = out, fmt, job
        self.dir = out.with_name(f".{out.name}.parts")
        self.part_fmt = "parquet" if fmt == "parquet" else ("jsonl" if fmt in ("jsonl", "xlsx") else "csv")

    def open(self, resume: bool) -> int:
        """Prepare the work directory; return how many chunks are already committed."""
        meta = self.dir / "job.json"
        if self.dir.exists() and resume and meta.is_file():
            old = json.loads(meta.read_text(encoding="utf-8"))
            if old != self.job:
                diff = sorted(k for k in set(old) | set(self.job) if old.get(k) != self.job.get(k))
                raise InputFormatError(
                    f"--resume: the unfinished job in {str(self.dir)!r} differs in {diff}; "
                    "rerun with the same input and options, or without --resume to start again"
                )
            done = 0
            while (self.dir / f"{done:08d}.part").is_file():
                done += 1
            for stray in self.dir.glob("*.tmp"):
                stray.unlink()
            return done
        if self.dir.exists():
            if not resume:
                logger.info("removing the unfinished job in %s (pass --resume to continue it)", self.dir)
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        tmp = self.dir / "job.json.tmp"
        tmp.write_text(json.dumps(self.job, sort_keys=True), encoding="utf-8")
        os.replace(tmp, meta)
        return 0

    def commit(self, index: int, df) -> None:
        final = self.dir / f"{index:08d}.part"
        tmp = self.dir / f"{index:08d}.tmp"
        if self.part_fmt == "csv":
            df.to_csv(tmp, header=index == 0, index=False, encoding="utf-8")
        elif self.part_fmt == "jsonl":
            text = df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
            tmp.write_text(text if not text or text.endswith("\n") else text + "\n", encoding="utf-8")
        else:
            df.to_parquet(tmp, index=False)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)

    def finish(self, n_parts: int) -> None:
        parts = [self.dir / f"{i:08d}.part" for i in range(n_parts)]
        tmp = self.out.with_name(f".{self.out.name}.tmp")
        if self.fmt in ("csv", "jsonl"):
            with open(tmp, "wb") as out:
                for p in parts:
                    with open(p, "rb") as fh:
                        shutil.copyfileobj(fh, out)
        elif self.fmt == "parquet":
            pq = _need("pyarrow.parquet", "parquet")
            writer = None
            for p in parts:
                table = pq.read_table(p)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
            if writer is None:
                import pandas as pd

                pd.DataFrame().to_parquet(tmp)
            else:
                writer.close()
        else:
            import pandas as pd

            _need("openpyxl", "excel")
            frames = [pd.read_json(p, lines=True, dtype=False) for p in parts if p.stat().st_size]
            (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()).to_excel(tmp, index=False)
        os.replace(tmp, self.out)
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class LabelSummary:
    """What a labelling run did."""

    rows_read: int = 0
    rows_written: int = 0
    rows_with_errors: int = 0
    seconds: float = 0.0
    counts: dict[str, Counter] = field(default_factory=dict)  # per single-label head the model predicts

    def render(self) -> str:
        lines = [
            f"rows read: {self.rows_read}",
            f"rows written: {self.rows_written}",
            f"rows with errors: {self.rows_with_errors}",
            f"wall time: {self.seconds:.1f} s ({self.rows_written / max(self.seconds, 1e-9):,.0f} rows/s)",
        ]
        for head, c in self.counts.items():
            if c:  # a head the model does not have counts nothing
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
            left = max(self.total - done, 0) / rate if rate else 0
            msg = f"\r{done:,}/~{self.total:,} rows  {rate:,.0f} rows/s  ETA {left:,.0f} s"
        sys.stderr.write(msg)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _count_rows(path: Path, fmt: str) -> int | None:
    """Rows in the input, for the progress ETA: exact for Parquet, estimated from newlines for CSV/JSONL."""
    if fmt == "parquet":
        pq = _need("pyarrow.parquet", "parquet")
        return pq.ParquetFile(path).metadata.num_rows
    if fmt in ("csv", "jsonl"):
        lines = 0
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                lines += block.count(b"\n")
        return max(lines - (1 if fmt == "csv" else 0), 0)
    return None


_WORKER_MODEL = None


def _worker_init(model) -> None:
    """Give a worker process its model once: a loaded model (sent pickled) or a path to load."""
    global _WORKER_MODEL
    from . import TriageModel, load

    _WORKER_MODEL = model if isinstance(model, TriageModel) else load(model)


def _worker_label(chunk, text_col: str, mask_pii: bool = False):
    return _label_chunk(_WORKER_MODEL, chunk, text_col, mask_pii)


def _label_chunk(model, chunk, text_col: str, mask_pii: bool):
    """Predict on the original text, then mask the text column of the output if asked."""
    out = model.predict_frame(chunk, text_col=text_col)
    if mask_pii:
        from ._pii import _mask_column

        out = _mask_column(out, text_col)
    return out


def label_file(
    in_path,
    out_path,
    *,
    model=None,
    model_path=None,
    text_col: str = "text",
    id_col: str | None = None,
    chunk_size: int = 10_000,
    jobs: int = 1,
    resume: bool = False,
    in_format: str | None = None,
    out_format: str | None = None,
    encoding: str | None = None,
    progress: bool | None = None,
    mask_pii: bool = False,
) -> LabelSummary:
    """Label every row of a file and write the rows with result columns added.

    Parameters
    ----------
    in_path, out_path : str or path
    model : TriageModel, default=None
        The model; ``None`` loads ``model_path``. With ``jobs > 1`` it is sent to
        each worker once.
    model_path : str or path, default=None
        Model directory to load when ``model`` is None (``None``: the bundled model).
        With ``jobs > 1`` each worker loads it itself.
    text_col : str, default="text"
    id_col : str, default=None
        A column that must be present (checked up front); every input column is kept anyway.
    chunk_size : int, default=10000
        Rows read, labelled and written at a time (memory is bounded by it).
    jobs : int, default=1
        Worker processes. Each loads the model once; the output is identical for any value.
    resume : bool, default=False
        Continue an interrupted job from its last committed chunk (same input and options).
    in_format, out_format : {"csv", "jsonl", "parquet", "xlsx"}, default=None
        Taken from the file suffixes when not given.
    encoding : str, default=None
        Text encoding of CSV/JSONL input; UTF-8 and GB18030 are detected.
    progress : bool, default=None
        Show a progress line on stderr; ``None`` shows it when stderr is a terminal.
    mask_pii : bool, default=False
        Mask personal data in the text column of the output with
        :func:`triage.mask_pii` (mobile, identity and bank card numbers,
        e-mail addresses, names). Predictions are made on the original text.

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
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    fin = detect_format(src, in_format)
    fout = detect_format(dst, out_format)
    stat = src.stat()
    job = {
        "input": str(src.resolve()),
        "input_size": stat.st_size,
        "input_mtime_ns": stat.st_mtime_ns,
        "chunk_size": chunk_size,
        "text_col": text_col,
        "in_format": fin,
        "out_format": fout,
        "model": str(model_path) if model_path else ("given" if model is not None else "bundled"),
    }
    if mask_pii:
        job["mask_pii"] = True
    journal = _Journal(dst, fout, job)
    chunks = _read_chunks(src, fin, chunk_size, encoding, text_col)
    first = next(chunks, None)  # reading the first chunk checks the file before any work
    if first is not None and id_col is not None and id_col not in first.columns:
        raise InputFormatError(f"{str(src)!r} has no id column {id_col!r}; its columns are {list(first.columns)[:20]}")
    done = journal.open(resume)
    summary = LabelSummary()
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(show, _count_rows(src, fin) if show else None)
    t0 = time.monotonic()

    def account(out) -> None:
        summary.rows_written += len(out)
        summary.rows_with_errors += int((out["error"] != "").sum())
        for col in out.columns:  # every single-label head of the model has a label column and a _proba column
            if f"{col}_proba" in out.columns:
                summary.counts.setdefault(col, Counter())
        for head in summary.counts:
            if head in out.columns:
                summary.counts[head].update(v for v in out[head].tolist() if v is not None)
        bar.update(summary.rows_written)

    n_chunks = [0]

    def pending():
        index = 0
        for source in ([first] if first is not None else []), chunks:
            for c in source:
                summary.rows_read += len(c)
                if index < done:
                    summary.rows_written += len(c)  # committed by the interrupted run
                else:
                    yield index, c
                index += 1
                n_chunks[0] = index

    def commit(index: int, out) -> None:
        journal.commit(index, out)
        account(out)

    try:
        if jobs == 1:
            model = model if model is not None else load(model_path)
            for index, chunk in pending():
                commit(index, _label_chunk(model, chunk, text_col, mask_pii))
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("spawn")
            shipped = model if model is not None else model_path
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init, initargs=(shipped,)) as pool:
                inflight: deque = deque()
                for index, chunk in pending():
                    inflight.append((index, pool.submit(_worker_label, chunk, text_col, mask_pii)))
                    if len(inflight) >= 2 * jobs:  # bounded: memory stays a few chunks deep
                        i, fut = inflight.popleft()
                        commit(i, fut.result())
                while inflight:
                    i, fut = inflight.popleft()
                    commit(i, fut.result())
        journal.finish(n_chunks[0])
    finally:
        bar.close()
    summary.seconds = time.monotonic() - t0
    return summary
