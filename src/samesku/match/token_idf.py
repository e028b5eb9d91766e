"""Inverse document frequency of match tokens (:class:`TokenIdf`), fitted on a sample of offers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samesku import schema as S
from samesku._arrays import unique_int, unique_int_inverse
from samesku.match.arrays import _TOKENS
from samesku.match.tokens import _column, _list_matrix, match_tokens


@dataclass
class TokenIdf:
    """Inverse document frequency of match tokens, fitted on a sample of offers.

    IDF is normalised to [0, 1] by the largest possible value for the sample size, so the
    features mean the same on a 35k-offer catalog and on a million-offer one; a token
    the sample never saw gets the largest IDF (it is rare).
    """

    hashes: np.ndarray   # sorted int64 token hashes
    idf: np.ndarray      # float32, aligned with hashes
    n: int               # offers in the sample

    @classmethod
    def fit(cls, offers: pa.Table) -> TokenIdf:
        """Fit on analysed offers (each (offer, token) counted once)."""
        n = offers.num_rows
        titles = pc.fill_null(_column(offers, S.TITLE_CLEAN, pa.string()), "")
        tokens = match_tokens(titles)
        _, parents, hashes = _list_matrix(tokens, _TOKENS, n)
        uniq, inv = unique_int_inverse(hashes)
        if len(uniq) == 0:
            return cls(np.empty(0, np.int64), np.empty(0, np.float32), n)
        row_token = unique_int(parents * len(uniq) + inv)
        df = np.bincount(row_token % len(uniq), minlength=len(uniq))
        idf = ((np.log((1 + n) / (1 + df)) + 1.0) / (np.log(1 + n) + 1.0)).astype(np.float32)
        return cls(uniq.astype(np.int64), idf, n)

    #: IDF of a token the sample never saw (df = 0 gives the normalised maximum, 1)
    unseen = 1.0

    def save(self, path: str | Path) -> None:
        """Write the fitted IDF as a compressed .npz."""
        np.savez_compressed(path, hashes=self.hashes, idf=self.idf, n=np.array([self.n]))

    @classmethod
    def load(cls, path: str | Path) -> TokenIdf:
        """Read an IDF written by :meth:`save`."""
        with np.load(path) as z:
            return cls(z["hashes"], z["idf"], int(z["n"][0]))

    def lookup(self, token_hash: np.ndarray) -> np.ndarray:
        """IDF of each hash of a token matrix (-1 padding gives 0)."""
        out = np.full(token_hash.shape, self.unseen, dtype=np.float32)
        if len(self.hashes):
            pos = np.clip(np.searchsorted(self.hashes, token_hash), 0, len(self.hashes) - 1)
            found = self.hashes[pos] == token_hash
            out = np.where(found, self.idf[pos], out).astype(np.float32)
        out[token_hash == -1] = 0.0
        return out
