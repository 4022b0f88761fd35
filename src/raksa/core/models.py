from django.db import models


class TimeStampedModel(models.Model):
    """Every row knows when it was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RateCount(models.Model):
    """How many requests one client made in one fixed window of one rate limit (raksa.core.ratelimit).

    One row per (scope, key, window length, window start), counted up in place by an UPDATE, so every web process
    shares the count; rows of windows that have ended are deleted whenever a new window starts. `key` is a keyed
    hash of the client's address, never the address itself.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    seconds = models.PositiveIntegerField()
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "seconds", "window_start"], name="rate_count_window_unique"
            )
        ]
        indexes = [models.Index(fields=["seconds", "window_start"], name="rate_count_prune")]

    def __str__(self) -> str:
        return (
            f"{self.scope} {self.key[:8]} {self.seconds}s @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
        )
