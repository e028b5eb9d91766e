"""The input data contract: reading, validating and quarantining offers.

``read_offers`` reads CSV, JSON Lines and Parquet files (or folders of them), renames
columns per the ``--map`` mapping, and splits records into valid ``offers`` and
``rejected`` rows (with a reason and the raw input) so that bad input never stops a
run and is never lost.
"""

from samesku.io.paths import expand_inputs, parse_mapping, write_table
from samesku.io.read import ReadResult, read_offers

__all__ = ["ReadResult", "expand_inputs", "parse_mapping", "read_offers", "write_table"]
