"""Exceptions that end a job with a message a chat user may read."""


class JobError(Exception):
    """A job failure whose message is returned to the caller as {"error": message}.

    The message states what went wrong, with the offending value, and what to do next.
    It must not contain a secret such as a bucket key; the handler redacts known ones.
    """


class InputError(JobError):
    """The request does not follow the worker's input contract; the sender can fix it."""


class WorkerError(JobError):
    """The worker failed on a valid request: model, GPU, storage or configuration."""


class ConfigError(Exception):
    """An environment variable of the worker has an invalid value."""
