from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Unit, User
from .permissions import access_agency, access_user


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = access_agency(request.user, pk)
    units = Unit.objects.filter(agency=agency).order_by("name")
    officials = (
        User.objects.filter(agency=agency, is_active=True)
        .select_related("unit", "position")
        .prefetch_related("role_grants")
        .order_by("position__rank", "full_name")
    )
    return render(
        request,
        "accounts/agency_detail.html",
        {"agency": agency, "units": units, "officials": officials},
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    official = access_user(request.user, pk)
    return render(request, "accounts/user_detail.html", {"official": official})
