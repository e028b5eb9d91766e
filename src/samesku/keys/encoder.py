"""Text encoders: offer titles to dense, L2-normalised vectors.

The default is a hashed character n-gram TF-IDF (works for any script, no vocabulary to
grow, so it streams) projected to ``dims`` dimensions by a truncated SVD fitted on a
sample. A sentence-transformers model loaded from a local path can stand in behind the
same interface; nothing is ever downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import HashingVectorizer

from samesku.config import EncoderConfig
from samesku.errors import ConfigError


class TextEncoder(Protocol):
    """What the pipeline needs of an encoder."""

    dims: int

    def fit(self, texts: list[str]) -> TextEncoder: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _l2_normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)


class CharNgramEncoder:
    """Hashed char n-gram TF-IDF -> truncated SVD -> L2-normalised float32 vectors."""

    def __init__(self, config: EncoderConfig | None = None) -> None:
        self.config = config or EncoderConfig()
        self.dims = self.config.dims
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(self.config.ngram_min, self.config.ngram_max),
            n_features=self.config.n_features,
            alternate_sign=False,
            norm=None,
            lowercase=False,  # titles arrive already case-folded by analysis
            dtype=np.float32,
        )
        self.idf: np.ndarray | None = None
        # The projection only has weight on n-grams seen in the fit sample, so it is kept
        # compact: col_map sends a hashed column to its row in proj (or -1), which keeps
        # memory at (seen n-grams x dims) instead of (2**20 x dims).
        self.col_map: np.ndarray | None = None
        self.proj: np.ndarray | None = None

    def _tfidf(self, texts: list[str]):  # type: ignore[no-untyped-def]
        counts = self._vectorizer.transform(texts)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf: repeated n-grams saturate
        assert self.idf is not None
        counts = counts.multiply(self.idf).tocsr()
        return counts

    def fit(self, texts: list[str]) -> CharNgramEncoder:
        """Fit IDF and the projection on a sample of texts (bounded by ``fit_sample``)."""
        rng = np.random.default_rng(self.config.seed)
        if len(texts) > self.config.fit_sample:
            idx = np.sort(rng.choice(len(texts), self.config.fit_sample, replace=False))
            texts = [texts[i] for i in idx]
        counts = self._vectorizer.transform(texts)
        df = np.bincount(counts.indices, minlength=self.config.n_features).astype(np.float32)
        n = max(len(texts), 1)
        self.idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        seen = np.flatnonzero(df)
        # SVD on the seen columns only: the hashing space is mostly empty and the randomized
        # solver's cost grows with the column count.
        x = self._tfidf(texts)[:, seen]
        dims = max(1, min(self.config.dims, x.shape[0] - 1, x.shape[1] - 1))
        svd = TruncatedSVD(n_components=dims, random_state=self.config.seed, algorithm="randomized", n_iter=4)
        svd.fit(x)
        self._set_projection(seen, svd.components_.T)
        return self

    def _set_projection(self, seen: np.ndarray, proj: np.ndarray) -> None:
        col_map = np.full(self.config.n_features, -1, dtype=np.int64)
        col_map[seen] = np.arange(len(seen))
        full = np.zeros((len(seen), self.config.dims), dtype=np.float32)
        full[:, : proj.shape[1]] = proj
        self.col_map, self.proj = col_map, full

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts to (len(texts), dims) float32 unit vectors (zero for empty text)."""
        if self.proj is None or self.col_map is None:
            raise ConfigError("encoder is not fitted")
        x = self._tfidf(texts)
        cols = self.col_map[x.indices]
        keep = cols >= 0
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        compact = sp.csr_matrix(
            (x.data[keep], (rows[keep], cols[keep])), shape=(x.shape[0], self.proj.shape[0])
        )
        dense = np.asarray(compact @ self.proj, dtype=np.float32)
        return _l2_normalise(dense)

    def save(self, path: str | Path) -> None:
        """Save the fitted state (IDF + projection) as a compressed .npz."""
        assert self.idf is not None and self.col_map is not None and self.proj is not None
        np.savez_compressed(
            path, idf=self.idf, seen=np.flatnonzero(self.col_map >= 0), proj=self.proj,
            config=np.array([self.config.ngram_min, self.config.ngram_max, self.config.n_features, self.config.dims]),
        )

    @classmethod
    def load(cls, path: str | Path) -> CharNgramEncoder:
        """Load an encoder saved by :meth:`save`."""
        with np.load(path) as z:
            nmin, nmax, nfeat, dims = (int(v) for v in z["config"])
            enc = cls(EncoderConfig(ngram_min=nmin, ngram_max=nmax, n_features=nfeat, dims=dims))
            enc.idf = z["idf"]
            enc._set_projection(z["seen"], z["proj"])
        return enc


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory (never downloaded)."""

    def __init__(self, model_path: str) -> None:
        if not Path(model_path).is_dir():
            raise ConfigError(f"encoder.model_path {model_path!r} is not a local directory")
        try:
            from sentence_transformers import SentenceTransformer  # optional, heavy
        except ImportError as exc:  # pragma: no cover - depends on an optional extra
            raise ConfigError("encoder.model_path needs the 'sentence-transformers' package") from exc
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.dims = int(self._model.get_sentence_embedding_dimension() or 0)

    def fit(self, texts: list[str]) -> SentenceTransformerEncoder:
        """Nothing to fit: the model is pre-trained."""
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts to unit vectors."""
        vecs = self._model.encode(texts, batch_size=256, show_progress_bar=False)
        return _l2_normalise(np.asarray(vecs, dtype=np.float32))


def make_encoder(config: EncoderConfig) -> TextEncoder:
    """The encoder the config asks for."""
    if config.model_path:
        return SentenceTransformerEncoder(config.model_path)
    return CharNgramEncoder(config)
