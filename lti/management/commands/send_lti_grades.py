from django.core.management.base import BaseCommand, CommandError

from lti.grades import GradeError, send_grades
from lti.models import Platform


class Command(BaseCommand):
    help = (
        "Send the participation grade of every member to the LMS gradebook (LTI Assignment "
        "and Grade Services): changed scores and earlier failures only. Run it from cron."
    )

    def handle(self, *args, **options) -> None:
        failed = False
        for platform in (
            Platform.objects.active()
            .filter(course_context__isnull=False)
            .select_related("registration", "course_context", "grade_line_item")
        ):
            try:
                report = send_grades(platform)
            except GradeError as error:
                failed, message = True, f"{platform}: {error}"
                self.stderr.write(message)
                continue
            self.stdout.write(f"{platform}: {report}")
            failed = failed or bool(report.failed)
        if failed:
            raise CommandError("Some grades did not reach the LMS; they are tried again next time.")
