from rest_framework.routers import SimpleRouter

from .views import MeetingViewSet, RoomViewSet, ScheduleViewSet

router = SimpleRouter()
router.register("schedules", ScheduleViewSet, basename="schedule")
router.register("rooms", RoomViewSet, basename="room")
router.register("meetings", MeetingViewSet, basename="meeting")

urlpatterns = router.urls
