"""`python -m clinic_shared.migrate_cli SERVICE_DIR DATABASE_URL`: run a service's migrations to head."""

from __future__ import annotations

import sys
from pathlib import Path

from clinic_shared.db import upgrade


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    upgrade(Path(sys.argv[1]), sys.argv[2])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
