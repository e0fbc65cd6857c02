"""The peer benchmark suite: reluflow against the Python tools researchers use (see ../README.md)."""
