from django.contrib import admin

from .models import Course, PlanItem, SkillModule, TrainingClass, TrainingPlan


@admin.register(SkillModule)
class SkillModuleAdmin(admin.ModelAdmin[SkillModule]):
    list_display = ["code", "name", "level", "standard"]
    list_filter = ["level"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = ["title", "topic", "hours", "is_active"]
    list_filter = ["topic", "is_active"]
    filter_horizontal = ["modules"]


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin[TrainingClass]):
    list_display = ["title", "course", "starts_on", "ends_on", "capacity", "status"]
    list_filter = ["status"]
    # Enrolments, attendance and certificates change only through the services (audited).
    readonly_fields = ["organiser", "created_by", "status"]


class PlanItemInline(admin.TabularInline[PlanItem, TrainingPlan]):
    model = PlanItem
    extra = 0


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin[TrainingPlan]):
    list_display = ["agency", "year", "reported_classes", "reported_officials"]
    inlines = [PlanItemInline]
