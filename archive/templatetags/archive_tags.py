from django import template

from archive.forms import StaticSiteForm

register = template.Library()


@register.inclusion_tag("archive/_static_site_form.html", takes_context=True)
def static_site_form(context) -> dict:
    """The admin's "Download the archive" form (Course settings)."""
    return {"form": StaticSiteForm(), "csrf_token": context.get("csrf_token")}
