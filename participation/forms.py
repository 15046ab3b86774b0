from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.roles import is_instructor
from coursblog.text import refuse_control_characters
from participation import report, weeks
from participation.models import (
    FEEDBACK_MAX_LENGTH,
    Grade,
    GradingScale,
    Preferences,
    format_number,
)
from participation.weeks import Period


class DayInput(forms.DateInput):
    """A date picker. Text that is no date is not shown back in it (HTML allows only a
    date there); the error message quotes it instead."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class DayField(forms.DateField):
    widget = DayInput

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                "“%(value)s” is not a date: pick one, or type it as year-month-day.",
                code="invalid",
                params={"value": value},
            ) from None


class RangeForm(forms.Form):
    """The participation page's period and layout (GET)."""

    start = DayField(required=False)
    end = DayField(required=False)
    view = forms.ChoiceField(
        choices=[("totals", "Totals"), ("weeks", "Week by week")], required=False
    )
    sort = forms.ChoiceField(choices=[(key, key) for key in report.COLUMNS], required=False)
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)

    def __init__(self, data, *, expectations, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.expectations = expectations

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end comes before the start: swap them or pick another day.")
        elif start or end:
            term = report.term(self.expectations)
            period = Period.covering(
                start or term.first_day, end or term.last_day, self.expectations.week_starts_on
            )
            if len(period) > weeks.MAX_WEEKS:
                self.add_error(
                    "start", f"Choose at most {weeks.MAX_WEEKS} weeks (this is {len(period)})."
                )
            data["period"] = period
        return data

    def period(self) -> Period:
        """The chosen weeks, or the whole term (also when the form has errors)."""
        if self.is_valid() and "period" in self.cleaned_data:
            return self.cleaned_data["period"]
        return report.term(self.expectations)

    def choice(self, name: str, default: str) -> str:
        return (self.cleaned_data.get(name) if self.is_valid() else None) or default


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label="Private feedback",
        max_length=FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the post's author and the instructors will see it.",
        error_messages={"required": "Write your feedback before sending it."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        refuse_control_characters(body)
        return body


class GradeForm(forms.Form):
    """A post's grade on the course's scale: points out of its maximum, or a letter."""

    points = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    letter = forms.ChoiceField(required=False)

    def __init__(self, *args, scale: GradingScale, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scale = scale
        if scale.kind == GradingScale.Kind.POINTS:
            del self.fields["letter"]
            field = self.fields["points"]
            field.required = True
            field.max_value = scale.out_of
            field.label = f"Points out of {format_number(scale.out_of)}"
            field.widget.attrs["max"] = str(scale.out_of)
            field.error_messages["required"] = "Give the points, or remove the grade."
            field.validators.append(_at_most(scale.out_of))
        else:
            del self.fields["points"]
            field = self.fields["letter"]
            field.required = True
            field.label = "Letter grade"
            field.choices = [("", "Choose a letter"), *((x, x) for x in scale.letter_choices)]
            field.error_messages["required"] = "Choose a letter, or remove the grade."

    def save(self, post, *, by) -> Grade:
        data = self.cleaned_data
        values = (
            {"points": data["points"], "out_of": self.scale.out_of, "letter": ""}
            if "points" in data
            else {"points": None, "out_of": None, "letter": data["letter"]}
        )
        grade, _ = Grade.objects.update_or_create(
            post=post, defaults={**values, "given_by": by, "given_at": timezone.now()}
        )
        return grade


def _at_most(maximum: Decimal):
    def validate(value: Decimal | None) -> None:
        if value is not None and value > maximum:
            raise forms.ValidationError(f"At most {format_number(maximum)} points.")

    return validate


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["email_feedback", "list_exemplary", "keyboard_shortcuts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_instructor(self.instance.user):  # only instructors moderate comments
            del self.fields["keyboard_shortcuts"]
