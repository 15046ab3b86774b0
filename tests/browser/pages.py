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
