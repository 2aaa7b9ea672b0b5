"""`make bench`: every benchmark, one after the other, printing their figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["import_bench.py"],
    ["search_bench.py", "--records", "100000"],
    ["replica_delay.py"],
    # The full scale is --records 1000000 --texts 5000 (about 45 minutes here).
    ["scale_bench.py", "--records", "300000", "--texts", "1500"],
    ["cranfield.py", "--no-experiments"],
]
if (HERE / "text_quality.py").exists():
    BENCHES.insert(0, ["text_quality.py"])

for bench in BENCHES:
    print(f"\n=== {' '.join(bench)} ===", flush=True)
    subprocess.run([sys.executable, str(HERE / bench[0]), *bench[1:]], check=True, cwd=HERE.parent)
