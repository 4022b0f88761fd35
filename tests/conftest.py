import os

# Tests never reach the real LINE servers.
os.environ.setdefault("LINE_API_BASE", "http://127.0.0.1:9")
