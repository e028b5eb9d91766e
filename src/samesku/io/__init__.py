"""The input data contract: reading, validating and quarantining offers.

``read_offers`` reads CSV, JSON Lines and Parquet files (or folders of them), renames
columns per the ``--map`` mapping, and splits records into valid ``offers`` and
``rejected`` rows (with a reason and the raw input) so that bad input never stops a
run and is never lost. ``read_offers_table`` does the same for a table held in memory
(pyarrow, pandas, Polars: see ``as_arrow_table``).
"""

from samesku.io.arrow import as_arrow_table
from samesku.io.encoding import reading_encoding
from samesku.io.paths import expand_inputs, parse_mapping, write_table
from samesku.io.read import ReadResult, read_offers, read_offers_table

__all__ = [
    "ReadResult",
    "as_arrow_table",
    "expand_inputs",
    "parse_mapping",
    "read_offers",
    "read_offers_table",
    "reading_encoding",
    "write_table",
]
