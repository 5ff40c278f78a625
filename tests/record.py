"""The parts of a Minutes that every rendition of one meeting must agree on."""

from typing import Any

from boardkeeper.minutes import Minutes


def record(m: Minutes) -> dict[str, Any]:
    data = m.to_json()
    return {
        "meeting": {k: data["meeting"][k] for k in ("title", "date", "next_meeting_date")},
        "people": data["people"],
        "items": [
            {"number": i["number"], "title": i["title"], "case_mentions": i["case_mentions"]}
            for i in data["items"]
        ],
        "actions": [
            {k: a[k] for k in ("item", "text", "owners", "owner_text", "origin")}
            for a in data["actions"]
            if a["origin"] != "prose"
        ],
        "commitments": [
            {k: a[k] for k in ("item", "owners", "text")} for a in data["actions"] if a["origin"] == "prose"
        ],
    }
