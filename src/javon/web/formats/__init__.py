"""Local formats Django lacks (FORMAT_MODULE_PATH): Uzbek in Cyrillic."""
