"""The home page's gathering: what needs the signed-in person, across every app (it sits above them all)."""
