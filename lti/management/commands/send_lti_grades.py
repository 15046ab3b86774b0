from django.core.management.base import BaseCommand, CommandError

from lti.grades import GradeError, send_grades
from lti.models import Platform


class Command(BaseCommand):
    help = (
        "Send the grade each LMS course's gradebook link names to the LMS gradebook (LTI "
        "Assignment and Grade Services): changed scores and earlier failures only, or with "
        "--retry-failed the earlier failures alone. Run it from cron."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Send only the scores that failed to reach the LMS before.",
        )

    def handle(self, *args, retry_failed: bool = False, **options) -> None:
        failed = False
        for platform in (
            Platform.objects.active()
            .filter(course_context__isnull=False)
            .select_related("registration", "course_context")
        ):
            try:
                report = send_grades(platform, only_failed=retry_failed)
            except GradeError as error:
                failed, message = True, f"{platform}: {error}"
                self.stderr.write(message)
                continue
            self.stdout.write(f"{platform}: {report}")
            failed = failed or bool(report.failed)
        if failed:
            raise CommandError("Some grades did not reach the LMS; they are tried again next time.")
