"""Export files prepared by the RQ worker, kept in Redis for their download.

One job is a Redis hash (who asked, what, its state) and, once done, the file's bytes; both expire
after the TTL (`EXPORT_TTL`, one hour by default). Keys start with the export queue's name, like
the queue's other keys. The RQ job carries only the job id: the request is read from the hash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

EXPORT_JOB_TIMEOUT = 600  # seconds one export may take in the worker


class RedisExportStore:
    def __init__(self, redis: Any, queue: Any, ttl: int) -> None:
        self.redis, self.queue, self.ttl = redis, queue, ttl

    def _record(self, job_id: str) -> str:
        return f"{self.queue.name}:export:{job_id}"

    def _file(self, job_id: str) -> str:
        return f"{self.queue.name}:export:{job_id}:file"

    def submit(self, func: Callable[[str], Any], job_id: str, record: Mapping[str, str],
               description: str) -> None:
        """Keep the job's record, then queue func(job_id) under the same id."""
        pipe = self.redis.pipeline()
        pipe.hset(self._record(job_id), mapping=dict(record))
        pipe.expire(self._record(job_id), self.ttl)
        pipe.execute()
        self.queue.enqueue(func, job_id, job_id=job_id, job_timeout=EXPORT_JOB_TIMEOUT, result_ttl=0,
                           failure_ttl=self.ttl, description=description)

    def has_worker(self) -> bool:
        """Whether a worker listens to the export queue now. RQ workers register themselves with a
        heartbeat; the registrations of workers that died without a word are dropped first (their
        heartbeat key has expired)."""
        from rq import Worker
        from rq.worker_registration import clean_worker_registry

        clean_worker_registry(self.queue)
        return Worker.count(connection=self.redis, queue=self.queue) > 0

    def record(self, job_id: str) -> dict[str, str] | None:
        found = self.redis.hgetall(self._record(job_id))
        return {k.decode(): v.decode() for k, v in found.items()} if found else None

    def update(self, job_id: str, **fields: str) -> None:
        """Change fields of a record that still exists (an expired job stays expired)."""
        key = self._record(job_id)
        if self.redis.exists(key):
            self.redis.hset(key, mapping=fields)

    def put_file(self, job_id: str, data: bytes) -> None:
        """Keep the file for as long as its record lives (at least a moment, should it be about to
        expire: the download then finds neither)."""
        remaining = self.redis.ttl(self._record(job_id))
        self.redis.set(self._file(job_id), data, ex=max(int(remaining), 1) if remaining > 0 else self.ttl)

    def file(self, job_id: str) -> bytes | None:
        data: bytes | None = self.redis.get(self._file(job_id))
        return data

    def runner_lost(self, job_id: str) -> bool:
        """True when RQ no longer runs the job and never will: it failed, was stopped or
        cancelled (a worker killed mid-job), or it is gone without having finished."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            job = Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return True
        return job.get_status(refresh=False) in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
