from django.contrib import admin

from images.models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "width", "height", "created"]
    readonly_fields = ["file", "width", "height", "renditions", "owner", "created"]

    def has_add_permission(self, request) -> bool:
        return False  # images arrive through the editor, where they are checked
