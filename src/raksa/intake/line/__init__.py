"""ESS Help Me on LINE: the Official Account's webhook and its conversation (docs/line.md)."""
