from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from wordpress import exporter, importer, jobs
from wordpress.models import ImportJob


class ImportJobForm(forms.ModelForm):
    file = forms.FileField(
        label="WordPress export (WXR file)",
        help_text="In WordPress: Tools › Export › All content. The .xml file it downloads.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    class Meta:
        model = ImportJob
        fields = ["file", "as_author", "invite"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_author"].queryset = User.objects.filter(is_active=True).order_by("username")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("Choose the .xml file WordPress exported.")
        return upload


class ExportForm(forms.Form):
    include_private = forms.BooleanField(
        label="Include unpublished posts (drafts and submitted posts, with their status)",
        required=False,
    )


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Upload a WordPress export; its page then shows the import's progress and report."""

    form = ImportJobForm
    list_display = ["original_name", "state", "created_by", "created_at", "items_done"]
    list_select_related = ["created_by"]
    change_list_template = "admin/wordpress/importjob/change_list.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/step/",
                self.admin_site.admin_view(self.step_view),
                name="wordpress_importjob_step",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="wordpress_export",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request: HttpRequest, obj: ImportJob, form, change: bool) -> None:
        obj.original_name = form.cleaned_data["file"].name[:300]
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request: HttpRequest, obj: ImportJob, post_url_continue=None):
        return HttpResponseRedirect(obj.get_absolute_url())

    def delete_model(self, request: HttpRequest, obj: ImportJob) -> None:
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for job in queryset:
            job.file.delete(save=False)
        super().delete_queryset(request, queryset)

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        """The job's progress while it runs, and its report once done (not a form)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=object_id)
        report = importer.Report.from_json(job.report) if job.state == job.State.DONE else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Import of {job.original_name}",
            "job": job,
            "status": jobs.status(job),
            "report": report,
        }
        return TemplateResponse(request, "admin/wordpress/importjob/progress.html", context)

    @staticmethod
    def _step(request: HttpRequest, pk: int) -> HttpResponse:
        get_object_or_404(ImportJob, pk=pk)
        job = jobs.step(pk, request)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse(jobs.status(job))
        return HttpResponseRedirect(job.get_absolute_url())

    def step_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return require_POST(self._step)(request, pk)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """A form, then the whole blog as a WXR download (streamed as it is written)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET or None)
        if request.GET.get("download") and form.is_valid():
            include_private = form.cleaned_data["include_private"]
            pieces = (piece.encode() for piece in exporter.pieces(include_private=include_private))
            response = StreamingHttpResponse(pieces, content_type="application/xml; charset=utf-8")
            name = f"coursblog.wordpress.{timezone.localdate():%Y-%m-%d}.xml"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Export for WordPress",
            "form": form,
            "import_url": reverse("admin:wordpress_importjob_add"),
        }
        return TemplateResponse(request, "admin/wordpress/importjob/export.html", context)
