"""The keys index: every stored offer's blocking keys, which new offers look their candidates up in."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from samesku import tasks
from samesku.config import Config
from samesku.fitting import FittedState
from samesku.keys.candidates import family_keys

KEYS_SCHEMA = pa.schema([("family", pa.string()), ("key", pa.string()), ("offer_key", pa.int64())])


def indexed_families(config: Config) -> list[tuple[str, int]]:
    """(family, stage) of every key family the stages block on, each at the first stage using it
    (the stage number seeds the hashed families as the batch run seeds them)."""
    stages = list(enumerate(config.blocking.stages, start=1))
    first = {fam: si for si, families in reversed(stages) for fam in families}   # the earliest stage wins
    return sorted(first.items(), key=lambda kv: (kv[1], [f for _, fs in stages for f in fs].index(kv[0])))


def title_vectors(offers: pa.Table, fitted: FittedState, chunk: int = 100_000) -> np.ndarray:
    """Unit title vectors of analysed offers, as the encode step makes them."""
    parts = [fitted.encoder.encode(tasks.encoder_texts(offers.slice(i, chunk))) for i in range(0, offers.num_rows, chunk)]
    if not parts:
        return np.zeros((0, 1), dtype=np.float32)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def index_keys(offers: pa.Table, vectors: np.ndarray, offer_keys: np.ndarray, fitted: FittedState,
               config: Config) -> pa.Table:
    """(family, key, offer_key) of every key of every offer (row i is ``offer_keys[i]``)."""
    fams, keys, owners = [], [], []
    for fam, stage in indexed_families(config):
        rows, k = family_keys(fam, offers, vectors, config.blocking, config.seed + stage, fitted.name_df,
                              fitted.codebooks, fitted.placeholders)
        if len(rows) == 0:
            continue
        fams.append(np.full(len(rows), fam, dtype=object))
        keys.append(k)
        owners.append(offer_keys[rows])
    if not fams:
        return KEYS_SCHEMA.empty_table()
    return pa.table({"family": pa.array(np.concatenate(fams).tolist(), pa.string()),
                     "key": pa.array(np.concatenate(keys).tolist(), pa.string()),
                     "offer_key": pa.array(np.concatenate(owners), pa.int64())}, schema=KEYS_SCHEMA)
