"""A background task as the admin API shows it."""
from flask import url_for
from marshmallow import Schema, fields

from . import service


class TaskSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    done = fields.Integer()
    total = fields.Integer(allow_none=True)
    percent = fields.Integer(allow_none=True)
    attempts = fields.Integer()
    error = fields.String(allow_none=True)
    summary = fields.Dict(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    result_url = fields.Method("_result_url", allow_none=True,
                               metadata={"description": "The result file, once the task is done"})

    def _result_url(self, task):
        return url_for("tasks.download_result", task_id=task.id) if service.has_result(task) else None
