import pytest

from accounts.roles import make_student
from tests.factories import make_user


@pytest.fixture
def writer(client):
    """A student, logged in."""
    user = make_user("anderson", first_name="Anderson")
    make_student(user)
    client.force_login(user)
    return user
