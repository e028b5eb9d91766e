"""Throughput of ``analyse_offers`` on real titles (not a test; run by hand).

    .venv/bin/python benchmarks/analyse_throughput.py [path/to/pricerunner_aggregate.csv]

Arrow is limited to one thread so the figure is titles per second per core.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from samesku import schema as S
from samesku.analyse import BrandGazetteer, analyse_offers

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "pricerunner" / "pricerunner_aggregate.csv"


def main(path: Path) -> None:
    pa.set_cpu_count(1)
    raw = pacsv.read_csv(path)
    offers = pa.table({S.OFFER_ID: raw["product_id"].cast(pa.string()), S.TITLE: raw["product_title"]})
    analyse_offers(offers.slice(0, 100))  # compile regexes and automata outside the timing
    start = time.perf_counter()
    gazetteer = BrandGazetteer.learn(offers)
    learn = time.perf_counter() - start
    for label, gaz in (("without gazetteer", None), ("with gazetteer", gazetteer)):
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            analyse_offers(offers, gaz)
            runs.append(time.perf_counter() - start)
        runs.sort()
        print(
            f"{offers.num_rows} titles {label}: best {runs[0]:.2f}s ({offers.num_rows / runs[0]:,.0f}/s), "
            f"median {runs[2]:.2f}s ({offers.num_rows / runs[2]:,.0f}/s)"
        )
    print(f"BrandGazetteer.learn: {learn:.2f}s, {len(gazetteer)} names")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
