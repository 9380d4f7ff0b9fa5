"""Task forms: the fields a task page posts, read by the project's task type into its payload.

Each task type reads its own form (``read_form``, beside its ``form.html``); whether the payload
is a valid label is for the task type's ``validate`` to say, through the SDK.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from mentor.annotate.forms import text
from mentor.annotate.tasks import TaskTypeBase
from mentor.errors import InputError

Payload = dict[str, Any]


def payload_from_form(task: TaskTypeBase, form: FormData) -> Payload:
    """The label a task form posted, as the task type's payload (not yet validated)."""
    return task.read_form(form)


def client_id(form: FormData) -> str:
    """The id the form was rendered with (a retry of the same form sends it again)."""
    value = text(form, "client_id")
    if not value:
        raise InputError(
            "the form has no client id; reload the page and send it again", field="client_id"
        )
    return value
