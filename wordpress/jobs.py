"""The admin's imports, a step at a time.

An upload becomes an ImportJob; the job's page then asks for one step after
another (static/js/wordpress-import.js, or a button without JavaScript). A step
runs for at most WXR_IMPORT_STEP_SECONDS and stops at the end of an item, so no
request runs for minutes. The first step reads the whole file (importer.scan),
refusing a broken one before anything changes; each later step imports the next
items and keeps the running report.

Why steps rather than a queue worker: the site has no worker process or scheduler
to run, and an import only moves while its page is open, so it cannot run
unattended and fail unseen. Several app servers can serve the steps: the file is in
the media storage, and a step holds the job's row lock (PostgreSQL: FOR UPDATE SKIP
LOCKED; SQLite's IMMEDIATE transactions serialise writers), so two polls never run
the same job at once: the second one just reports where the first has got to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from wordpress import importer, wxr
from wordpress.models import ImportJob


def step(pk: int, request: HttpRequest | None = None) -> ImportJob:
    """Advance job ``pk`` by one bounded step (unless it is finished or busy); return it."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if job is None or job.finished:
            return job or ImportJob.objects.get(pk=pk)
        if job.scan is None:
            _scan(job)
        else:
            _import(job, request)
        job.save()
    if job.finished:
        job.file.delete(save=True)  # the blog's content and people: keep no copy
    return job


def _scan(job: ImportJob) -> None:
    try:
        with job.file.open("rb") as source:
            found = importer.scan(source)
    except wxr.WxrError as refused:
        job.state, job.error = ImportJob.State.FAILED, f"{refused} Nothing was imported."
        return
    job.scan = found.as_json()
    job.state = ImportJob.State.RUNNING
    job.report = importer.Report().as_json()


def _import(job: ImportJob, request: HttpRequest | None) -> None:
    found = importer.Scan.from_json(job.scan)
    options = importer.Options(
        as_author=job.as_author, invite=job.invite, request=request, owner=job.created_by
    )
    run = importer.Importer(found, options, importer.Report.from_json(job.report))
    read = {"comments": 0}

    def progress(items: int, comments: int) -> None:
        read["comments"] = comments

    with job.file.open("rb") as source:
        next_item = run.run(
            source,
            start=job.items_done,
            seconds=settings.WXR_IMPORT_STEP_SECONDS,
            progress=progress,
        )
    job.comments_done += read["comments"]
    job.items_done = found.items if next_item is None else next_item
    job.report = run.report.as_json()
    if next_item is None:
        job.state = ImportJob.State.DONE


def status(job: ImportJob) -> dict:
    """What the job's page shows while it runs (its JSON)."""
    found = job.scan or {}
    return {
        "state": job.state,
        "stateDisplay": job.get_state_display(),
        "finished": job.finished,
        "itemsDone": job.items_done,
        "itemsTotal": found.get("items"),
        "commentsDone": job.comments_done,
        "commentsTotal": found.get("comments"),
        "error": job.error,
    }
