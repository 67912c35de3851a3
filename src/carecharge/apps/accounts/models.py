"""Sign-in protection. Users and roles are Django's own User and Group."""

from django.db import models


class SignInThrottle(models.Model):
    """Failed sign-ins per user name, kept even for names that do not exist.

    Counting by the name typed (not only real users) means a locked-out message cannot be used
    to discover which user names are real.
    """

    username = models.CharField(max_length=150, unique=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failed_attempts} failed"
