"""Word segmentation with jieba's dictionary in precise mode: the engine-owning :class:`Tokenizer`.

Two engines cut with the same dictionary and the same algorithm:

``"rjieba"`` (default)
    The Rust port (jieba-rs). Measured by ``benchmarks/segmentation.py``: the
    same tokens as jieba on nearly all texts, many times faster, no cold start
    and no cache file.
``"jieba"``
    The reference Python implementation. Its cache file goes to
    ``$TRIAGE_CACHE_DIR`` (default ``~/.cache/triage``), never to a shared temp dir.

The tokenizer is an instance owned by a :class:`Tokenizer`, created lazily on
first use, dropped when pickling and rebuilt after loading: the global
``jieba`` object is never touched. The package ships a domain user dictionary
(``triage/features/data/userdict.txt``: express companies, platforms, banks,
telecom terms, complaint slang such as 踢皮球 and 霸王条款); ``user_dict`` adds
the user's own, in jieba's ``word [freq] [tag]`` line format.
"""

from __future__ import annotations

import logging
import os
import threading
from importlib import resources
from pathlib import Path

from ..exceptions import MissingDependencyError
from ._normalize import split_placeholders

__all__ = ["Tokenizer", "ENGINES", "engine_version", "read_user_dict", "user_entries"]

logger = logging.getLogger(__name__)

ENGINES: tuple[str, ...] = ("rjieba", "jieba")
_PIP = {"rjieba": "pip install rjieba", "jieba": "pip install jieba"}


def engine_version(engine: str) -> str:
    """The installed version of a segmentation engine."""
    from importlib.metadata import version

    return version(engine)


def read_user_dict(path: str | os.PathLike[str] | None) -> list[tuple[str, int | None, str | None]]:
    """Read a jieba user dictionary: one ``word [freq] [tag]`` per line.

    ``None`` reads the domain dictionary shipped with the package.
    """
    if path is None:
        text = resources.files("triage.features").joinpath("data/userdict.txt").read_text(encoding="utf-8")
        where = "triage/features/data/userdict.txt"
    else:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"user_dict: no file at {str(p)!r}; pass the path of a jieba user dictionary")
        text = p.read_text(encoding="utf-8-sig")
        where = str(p)
    entries = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        if len(parts) > 1:
            if not parts[1].isdigit():
                raise ValueError(f"{where} line {lineno}: frequency must be a whole number, got {parts[1]!r}")
            freq = int(parts[1])
        if len(parts) > 2:
            tag = parts[2]
        entries.append((word, freq, tag))
    return entries


class _JiebaLogger:
    """Silence jieba's DEBUG messages for our own calls only (jieba adds a stderr handler at import)."""

    def __enter__(self):
        self.log = logging.getLogger("jieba")
        self.level = self.log.level
        self.log.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self.log.setLevel(self.level)


def user_entries(user_dict) -> list[tuple[str, int | None, str | None]]:
    """The entries of ``user_dict``: a dictionary file's path, or words given in the model itself.

    A sequence holds words (``"物流仓"``) or ``(word, freq, tag)`` tuples (freq and tag may be
    ``None``): a model trained with its own words keeps them, so it needs no file after saving.

    Examples
    --------
    >>> user_entries(["菜鸟仓", ("退货险", 5, "n")])
    [('菜鸟仓', None, None), ('退货险', 5, 'n')]
    """
    if user_dict is None:
        return []
    if isinstance(user_dict, (str, os.PathLike)):
        return read_user_dict(user_dict)
    out = []
    for entry in user_dict:
        if isinstance(entry, str):
            word, freq, tag = entry, None, None
        else:
            word, freq, tag = (*entry, None, None)[:3]
        if not isinstance(word, str) or not word.strip() or any(ch.isspace() for ch in word):
            raise ValueError(f"user_dict: a word must be a non-empty str without spaces, got {word!r}")
        if freq is not None and not (isinstance(freq, int) and freq >= 0):
            raise ValueError(f"user_dict: frequency of {word!r} must be a whole number >= 0 or None, got {freq!r}")
        out.append((word, freq, tag))
    return out


def _build_tokenizer(engine: str, user_dict):
    entries = read_user_dict(None) + user_entries(user_dict)
    if engine == "rjieba":
        try:
            import rjieba
        except ImportError as e:  # pragma: no cover - rjieba is a core dependency
            raise MissingDependencyError(f"engine='rjieba' needs rjieba: {_PIP['rjieba']}") from e
        tok = rjieba.Jieba()
        for word, freq, tag in entries:
            tok.add_word(word, freq, tag)
        return tok.cut
    try:
        import jieba
    except ImportError as e:
        raise MissingDependencyError(f"engine='jieba' needs jieba: {_PIP['jieba']}") from e
    cache_dir = Path(os.environ.get("TRIAGE_CACHE_DIR", Path.home() / ".cache" / "triage"))
    with _JiebaLogger():
        tok = jieba.Tokenizer()
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tok.tmp_dir = str(cache_dir)
        except OSError:
            # read-only home: jieba then rebuilds its prefix dict in memory each time
            tok.cache_file = os.devnull
        tok.initialize()
        for word, freq, tag in entries:
            tok.add_word(word, freq, tag)
    return lambda text, hmm=True: tok.lcut(text, HMM=hmm)


class Tokenizer:
    """A jieba-dictionary word cutter that owns its tokenizer instance (no scikit-learn).

    Parameters are those of :class:`Segmenter`. The engine's tokenizer is built on
    first use under a lock, dropped when pickling and rebuilt after loading.
    """

    def __init__(self, engine: str = "rjieba", user_dict=None, hmm: bool = True):
        if engine not in ENGINES:
            raise ValueError(f"Segmenter: engine must be one of {ENGINES}, got {engine!r}")
        self.engine = engine
        self.user_dict = user_dict
        self.hmm = hmm
        self._cut = None

    def _cutter(self):
        cut = self._cut
        if cut is None:
            with _LOCK:
                cut = self._cut
                if cut is None:
                    cut = self._cut = _build_tokenizer(self.engine, self.user_dict)
        return cut

    def cut(self, text: str) -> list[str]:
        """Segment one normalised text; placeholders such as ``<MONEY>`` stay whole, spaces are dropped."""
        cut = self._cutter()
        hmm = self.hmm
        out: list[str] = []
        for i, part in enumerate(split_placeholders(text)):
            if i % 2:
                out.append(part)
            elif part:
                out.extend(t for t in cut(part, hmm) if not t.isspace())
        return out

    def __getstate__(self):
        return {"engine": self.engine, "user_dict": self.user_dict, "hmm": self.hmm}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._cut = None


_LOCK = threading.Lock()
