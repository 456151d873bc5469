"""Theme suggestions for passages of national returns: offline, explainable, learning from coding.

Pure Python and numpy, no Django: `suggest(themes, passages, coded)`.
"""

from oversight.lib.themes.engine import UnknownTheme, suggest
from oversight.lib.themes.model import Coded, Passage, Settings, Suggestion, Theme
from oversight.lib.themes.stemmer import stem

__all__ = ["Coded", "Passage", "Settings", "Suggestion", "Theme", "UnknownTheme", "stem", "suggest"]
