"""The match service and review page over a cluster store (``samesku serve``, see ``docs/serve.md``)."""

from samesku.serve.app import create_app

__all__ = ["create_app"]
