"""`ledger extract`: propose the forward-looking statements of an article as claims, for an
analyst to review (see docs/extract.md). Pure text work: no database, no model download."""

from ledger.extract.propose import Proposal, propose
from ledger.extract.reading import Article, read_article

__all__ = ["Article", "Proposal", "propose", "read_article"]
