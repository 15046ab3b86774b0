from django import forms


class StaticSiteForm(forms.Form):
    """What the static archive holds (archive/static_site.py)."""

    content = forms.ChoiceField(
        label="What goes in",
        choices=[
            ("public", "The public posts: what anyone could read"),
            (
                "everything",
                "Everything the class could read, class-only posts too: for your own keeping",
            ),
        ],
        initial="public",
        widget=forms.RadioSelect,
    )

    @property
    def everything(self) -> bool:
        return self.cleaned_data["content"] == "everything"
