"""lti's migrations: a course's gradebook column, once kept on the platform, moves to
the course's gradebook link."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("lti", "0001_platform_roster_departure_sent_score")]
AFTER = [("lti", "0002_gradebook_link")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_existing_column_becomes_the_courses_link(settings):
    settings.LTI_GRADE_SOURCE = "participation.grades.for_lms"
    old = migrate(BEFORE)
    registration = old.get_model("lti_tool", "LtiRegistration").objects.create(
        name="LMS", issuer="https://lms.example.edu", client_id="c"
    )
    deployment = old.get_model("lti_tool", "LtiDeployment").objects.create(
        registration=registration, deployment_id="d"
    )
    context = old.get_model("lti_tool", "LtiContext").objects.create(
        deployment=deployment, id_on_platform="course-1", title="History"
    )
    column = old.get_model("lti_tool", "LtiLineItem").objects.create(
        context=context, url="https://lms.example.edu/lineitems/1", label="Blog", maximum_score=50
    )
    old.get_model("lti", "Platform").objects.create(
        registration=registration, course_context=context, grade_line_item=column
    )
    try:
        new = migrate(AFTER)
        link = new.get_model("lti", "GradebookLink").objects.get()
        assert (link.context_id, link.line_item_id) == (context.pk, column.pk)
        assert (link.label, link.maximum, link.source) == (
            "Blog",
            50,
            "participation.grades.for_lms",
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
