from django.contrib import admin

from .models import AgendaItem, Meeting, MeetingDraft, Participant, Room, Schedule, ScheduleEntry


class EntryInline(admin.TabularInline[ScheduleEntry, Schedule]):
    model = ScheduleEntry
    extra = 0
    fields = ("starts_at", "ends_at", "place", "chair_name", "content", "cancelled")
    readonly_fields = fields
    can_delete = False


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin[Schedule]):
    list_display = ("agency", "week_start", "state", "revision")
    list_filter = ("state",)
    search_fields = ("agency__name",)
    readonly_fields = (
        "agency",
        "week_start",
        "state",
        "created_by",
        "approved_by",
        "published_at",
        "revision",
    )
    inlines = [EntryInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin[Room]):
    list_display = ("name", "agency", "kind", "capacity", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "agency__name")


class ParticipantInline(admin.TabularInline[Participant, Meeting]):
    model = Participant
    extra = 0
    fields = ("user", "agency", "required", "reply", "deputy_name", "attended")
    readonly_fields = fields
    can_delete = False


class AgendaInline(admin.TabularInline[AgendaItem, Meeting]):
    model = AgendaItem
    extra = 0
    fields = ("ordinal", "title", "confidential", "file_name")
    readonly_fields = fields
    can_delete = False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ("title", "agency", "starts_at", "state", "video_provider")
    list_filter = ("state", "video_provider")
    search_fields = ("title", "agency__name")
    date_hierarchy = "starts_at"
    readonly_fields = ("agency", "created_by", "video_room", "reminded_at")
    inlines = [ParticipantInline, AgendaInline]


@admin.register(MeetingDraft)
class MeetingDraftAdmin(admin.ModelAdmin[MeetingDraft]):
    list_display = ("meeting", "kind", "draft")
    readonly_fields = ("meeting", "kind", "draft")
