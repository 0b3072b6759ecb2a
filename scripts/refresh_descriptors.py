"""Rewrite every report package's table schemas from the library's (after a schema change).

The descriptors carry a copy of :func:`pxanalysis.data.report_schema.schema` (for
Frictionless); a test keeps the copies equal to the library's. Run this after
changing the schema, then check the packages still validate (it validates them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pxanalysis.data import report_schema

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    for descriptor in sorted((ROOT / "data").glob("*/[12][0-9][0-9][0-9]/datapackage.json")):
        content = json.loads(descriptor.read_text(encoding="utf-8"))
        for resource in content["resources"]:
            if resource["name"] in report_schema.FIELDS:
                resource["schema"] = report_schema.schema(resource["name"])
        descriptor.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", "utf-8")
        report_schema.validate(descriptor.parent)
        print(f"refreshed {descriptor.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
