"""Write the expected record of a fixture (a development aid, run when extraction improves on purpose):

python scripts/expected_record.py tests/fixtures/warwickshire-executive-board-2022-02-23.txt
"""

import json
import sys
from pathlib import Path

from boardkeeper.minutes import extract

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from record import record

path = Path(sys.argv[1])
minutes = extract(path.read_bytes(), path.name)
out = path.with_name(path.name.split(".")[0] + ".expected.json")
out.write_text(json.dumps(record(minutes), indent=2, ensure_ascii=False) + "\n")
print("wrote", out)
