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
    """Hashed char n-gram TF-IDF -> sparse random projection -> L2-normalised float32 vectors.

    A sparse random projection (each hashed n-gram adds +-1 to two of ``dims`` output
    coordinates) preserves cosine similarity in expectation (Johnson-Lindenstrauss) and
    keeps the fine detail that separates ``iphone 8 64gb`` from ``iphone 8 256gb``; a
    truncated SVD of the same TF-IDF keeps only the dominant directions and lost most of
    the neighbour recall on PriceRunner (0.30 vs 0.81 transitive recall at k=10 within
    category). Only the IDF is fitted, on a sample; the projection is a function of the seed.
    """

    _HASHES_PER_NGRAM = 2

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
        self._projection = self._make_projection()

    def _make_projection(self) -> sp.csr_matrix:
        rng = np.random.default_rng(self.config.seed + 104729)
        n, s, d = self.config.n_features, self._HASHES_PER_NGRAM, self.config.dims
        rows = np.repeat(np.arange(n, dtype=np.int64), s)
        cols = rng.integers(0, d, n * s)
        signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), n * s)
        return sp.csr_matrix((signs, (rows, cols)), shape=(n, d), dtype=np.float32)

    def _tfidf(self, texts: list[str]) -> sp.csr_matrix:
        if not texts:
            return sp.csr_matrix((0, self.config.n_features), dtype=np.float32)
        counts = self._vectorizer.transform(texts)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf: repeated n-grams saturate
        assert self.idf is not None
        return counts.multiply(self.idf).tocsr()

    def fit(self, texts: list[str]) -> CharNgramEncoder:
        """Fit the IDF on a sample of texts (bounded by ``fit_sample``)."""
        rng = np.random.default_rng(self.config.seed)
        if len(texts) > self.config.fit_sample:
            idx = np.sort(rng.choice(len(texts), self.config.fit_sample, replace=False))
            texts = [texts[i] for i in idx]
        # no texts (an empty catalog): every n-gram unseen, so every weight is the same
        counts = self._vectorizer.transform(texts) if texts else sp.csr_matrix((0, self.config.n_features))
        df = np.bincount(counts.indices, minlength=self.config.n_features).astype(np.float32)
        n = max(len(texts), 1)
        self.idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts to (len(texts), dims) float32 unit vectors (zero for empty text)."""
        if self.idf is None:
            raise ConfigError("encoder is not fitted")
        dense = (self._tfidf(texts) @ self._projection).toarray()
        return _l2_normalise(np.asarray(dense, dtype=np.float32))

    def save(self, path: str | Path) -> None:
        """Save the fitted state (IDF + config) as a compressed .npz."""
        assert self.idf is not None
        c = self.config
        np.savez_compressed(path, idf=self.idf, config=np.array([c.ngram_min, c.ngram_max, c.n_features, c.dims, c.seed]))

    @classmethod
    def load(cls, path: str | Path) -> CharNgramEncoder:
        """Load an encoder saved by :meth:`save`."""
        with np.load(path) as z:
            nmin, nmax, nfeat, dims, seed = (int(v) for v in z["config"])
            enc = cls(EncoderConfig(ngram_min=nmin, ngram_max=nmax, n_features=nfeat, dims=dims, seed=seed))
            enc.idf = z["idf"]
        return enc


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory (never downloaded)."""

    def __init__(self, model_path: str) -> None:
        if not Path(model_path).is_dir():
            raise ConfigError(f"encoder.model_path {model_path!r} is not a local directory")
        self.model_path = model_path
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
