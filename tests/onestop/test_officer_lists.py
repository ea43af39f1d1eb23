"""The one-stop officer's dashboard counts the dossiers at the counter, due for return,
awaiting supplements and late; each count links to its list, which shows the same number. The
clerk's queue lists the dossiers whose result awaits issue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.catalogue.constants import StepRole
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus, StepState
from lienthong.onestop.models import Dossier, DossierStep
from tests.onestop.conftest import filed_online

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submitted(world, n: int) -> Dossier:  # n: only to tell them apart when reading
    dossier = filed_online(world)
    return services.submit_dossier(actor=world.citizen, dossier=dossier)


def received(world, n: int) -> Dossier:
    return services.receive_dossier(actor=world.counter, dossier=submitted(world, n))


def test_counter_cards_link_to_lists_of_the_same_number(world) -> None:
    w = world
    at_counter = [submitted(w, 1), submitted(w, 2)]
    late = received(w, 3)
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    on_time = received(w, 4)
    supplement = received(w, 5)
    Dossier.objects.filter(pk=supplement.pk).update(status=DossierStatus.SUPPLEMENT_REQUESTED)
    ready = received(w, 6)
    Dossier.objects.filter(pk=ready.pk).update(status=DossierStatus.DONE)

    page = signed_in(w.counter).get(reverse("dashboard")).content.decode()
    cards = {
        key: (url.replace("&amp;", "&"), int(count))
        for url, key, count in re.findall(
            r'href="([^"]*\?list=(\w+))"><span class="queue-count">(\d+)</span>', page
        )
    }
    assert {key: count for key, (_url, count) in cards.items()} == {
        "counter": 2,
        "return": 1,
        "supplement": 1,
        "late": 1,
    }
    expected = {
        "counter": {d.code for d in at_counter},
        "return": {ready.code},
        "supplement": {supplement.code},
        "late": {late.code},
    }
    for key, (url, count) in cards.items():
        listed = signed_in(w.counter).get(url).content.decode()
        shown = re.search(r'data-testid="counter-list-count">(\d+)<', listed)
        assert shown is not None and int(shown.group(1)) == count, key
        table = listed.split('data-testid="counter-list"')[1].split("</table>")[0]
        codes = set(re.findall(r'href="/mot-cua/ho-so/\d+/">([^<]+)</a>', table))
        assert codes == expected[key], key
    assert on_time.code not in str(expected)
    # The counter of another agency counts and lists none of them.
    outsider = signed_in(w.outsider).get(reverse("dashboard")).content.decode()
    assert set(re.findall(r'\?list=\w+"><span class="queue-count">(\d+)<', outsider)) == {"0"}
    other = signed_in(w.outsider).get(f"{reverse('onestop:queue')}?list=counter").content.decode()
    assert 'data-testid="counter-list-count">0<' in other
    assert not any(d.code in other for d in at_counter)


def test_the_clerks_queue_lists_dossiers_whose_result_awaits_issue(world) -> None:
    w = world
    processing = received(w, 1)
    finished = received(w, 2)
    DossierStep.objects.filter(dossier=finished).exclude(role=StepRole.RESULT).update(
        state=StepState.DONE
    )
    DossierStep.objects.filter(dossier=finished, role=StepRole.RESULT).update(
        state=StepState.QUEUED
    )
    queue = reverse("workflows:queue")
    page = signed_in(w.clerk).get(f"{queue}?tab=results_to_issue").content.decode()
    assert 'aria-current="page" data-testid="tab-results_to_issue"' in page
    assert finished.code in page and processing.code not in page
    assert reverse("onestop:dossier", args=[finished.pk]) in page
    count = re.search(r'data-testid="tab-results_to_issue"><span class="queue-count">(\d+)<', page)
    assert count is not None and count.group(1) == "1"
    dashboard = signed_in(w.clerk).get(reverse("dashboard")).content.decode()
    assert f'{queue}?tab=results_to_issue"><span class="queue-count">1<' in dashboard
    # Not the counter officer's: the tab is the clerk's.
    assert "results_to_issue" not in signed_in(w.counter).get(queue).content.decode()
