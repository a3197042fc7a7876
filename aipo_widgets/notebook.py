"""The one module the phase notebooks import (being built: see docs/CONTRIBUTING.md)."""
