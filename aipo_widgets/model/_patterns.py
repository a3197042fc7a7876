"""Text fields with a pattern, whose error says in words what is expected.

pydantic's own pattern error shows the regular expression (and the kit's translation of it
assumes an id); these fields check the pattern first with their own message, and keep the
pattern in the JSON Schema so that an editor flags a wrong value as the person types.

Examples
--------
>>> from pydantic import TypeAdapter
>>> TypeAdapter(SHA256).validate_python("ab" * 32) == "ab" * 32
True
>>> TypeAdapter(SHA256).validate_python("abc")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for function-before[...]
  must be a SHA-256 digest: 64 hexadecimal digits (aipo signoff writes it), got 'abc' ...
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = ["ENV_NAME", "HTTP_URL", "SHA256", "check_pattern"]


def check_pattern(pattern: str, expected: str) -> BeforeValidator:
    """Return a validator that fails with ``expected`` in words when text does not match."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not compiled.fullmatch(value):
            raise PydanticCustomError("text_pattern", "must be {expected}, got {value}",
                                      {"expected": expected, "value": repr(value)})
        return value

    return BeforeValidator(check)


_SHA256 = r"[0-9a-f]{64}"
SHA256 = Annotated[str, Field(json_schema_extra={"pattern": f"^{_SHA256}$"}),
                   check_pattern(_SHA256, "a SHA-256 digest: 64 hexadecimal digits (aipo "
                                 "signoff writes it)")]
_ENV = r"([A-Za-z_][A-Za-z0-9_]*)?"
ENV_NAME = Annotated[str, Field(json_schema_extra={"pattern": f"^{_ENV}$"}),
                     check_pattern(_ENV, "the name of an environment variable, e.g. "
                                   "AIPO_SLACK_URL (its name, not its value)")]
_URL = r"(https?://\S+)?"
HTTP_URL = Annotated[str, Field(json_schema_extra={"pattern": f"^{_URL}$"}),
                     check_pattern(_URL, "an http:// or https:// URL")]
