"""Domain errors. Each has a stable `code` that the CLI and the API report unchanged."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused by a business rule. Nothing was written."""

    code: str = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The command names something the ledger does not know."""

    code = "not_found"


class InvalidInput(DomainError):
    """A value is malformed or outside its allowed range."""

    code = "invalid_input"


class RuleViolated(DomainError):
    """The command is well-formed but the current state does not allow it."""

    code = "rule_violated"
