"""Steps the browser tests share."""

DEMO_PASSWORD = "coursblog-demo"


def fill_login_form(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """On the site's login page (allauth): log in and wait for the next page."""
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.stacked-form button.submit")


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    fill_login_form(page, username, password)


def log_in_to_the_admin(page, next_path: str, username: str = "instructor") -> None:
    """On the admin's own login page, going on to ``next_path``."""
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
