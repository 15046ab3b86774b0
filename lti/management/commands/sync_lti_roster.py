from django.core.management.base import BaseCommand, CommandError

from lti.models import Platform
from lti.roster import RosterError, sync_roster


class Command(BaseCommand):
    help = (
        "Fetch each LMS course's members (LTI Names and Role Provisioning) and create, "
        "update or turn off the site's accounts to match."
    )

    def handle(self, *args, **options) -> None:
        failed = False
        for platform in Platform.objects.active().select_related("registration", "course_context"):
            try:
                report = sync_roster(platform)
            except RosterError as error:
                failed = True
                self.stderr.write(f"{platform}: {error}")
            else:
                self.stdout.write(f"{platform}: {report}")
        if failed:
            raise CommandError("The roster of at least one LMS course could not be synced.")
