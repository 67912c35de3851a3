"""Background tasks: the screens queue a run's preview (pre-flight checks and the preview,
worked out together) and its posting here, so a council of any size is worked out by the
worker (`carecharge serve` runs one) and not in a web request."""

from __future__ import annotations

from django.contrib.auth.models import User
from django_tasks import task

from . import operations
from .models import BillingRun


def _actor(user_id: int | None) -> User | None:
    return None if user_id is None else User.objects.get(pk=user_id)


@task()
def preview_run(run_id: int) -> None:
    run = BillingRun.objects.get(pk=run_id)
    try:
        operations.continue_preview(run)
    except Exception as error:
        operations.record_failure(run, error)
        raise


@task()
def post_run(run_id: int, user_id: int) -> None:
    run = BillingRun.objects.get(pk=run_id)
    try:
        operations.continue_post(run, actor=_actor(user_id))
    except Exception as error:
        operations.record_failure(run, error)
        raise
