"""Recipients on the national document axis chosen in the drafting picker beside the local
agencies: kept with the draft (exchange.AxisAddressee), printed among the recipients (Nơi nhận),
and sent over the axis, one signed package each, when the draft is issued; never for a
confidential document."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lienthong.accounts.services import set_issuing_policy
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import SigningAuthority
from lienthong.drafting.forms import DraftForm
from lienthong.drafting.models import Draft
from lienthong.drafting.services.signing import signing_required
from lienthong.exchange import axis_services
from lienthong.exchange.constants import AxisTransport, BusinessType
from lienthong.exchange.models import AxisAddressee, AxisAgency, AxisDelivery, AxisPackage
from tests.drafting.conftest import doc_type, docx, make_draft, media_root, org  # noqa: F401
from tests.exchange.test_axis_flow import axis  # noqa: F401


def _form(org, **extra):  # noqa: F811
    return {
        "document_type": doc_type("Công văn").pk,
        "subject": "V/v đề nghị Bộ phối hợp",
        "urgency": "0",
        "confidentiality": "0",
        "recipient_agencies": [org.snv.pk],
        "external_recipients": "Như trên",
        "signer": org.director.pk,
        "signing_authority": SigningAuthority.NONE.value,
        **extra,
    }


def test_axis_agencies_are_picked_printed_and_sent_on_issue(
    axis,  # noqa: F811
    org,  # noqa: F811
    client,
    run_tasks,
):
    ministry = AxisAgency.objects.get(code="000.00.00.G01")
    office = AxisAgency.objects.get(code="000.00.01.G01")
    picker = DraftForm(agency=org.stp).fields["axis_recipients"]
    assert {ministry, office} <= set(picker.queryset)  # beside the local agencies' picker

    client.force_login(org.specialist)
    page = client.get(reverse("drafting:create"))
    assert ministry.name in page.content.decode()
    answer = client.post(
        reverse("drafting:create"),
        {
            **_form(org, axis_recipients=[ministry.pk, office.pk]),
            "file": SimpleUploadedFile("du-thao.docx", docx("Dự thảo")),
        },
    )
    assert answer.status_code == 302, answer.context["form"].errors
    draft = Draft.objects.get(subject="V/v đề nghị Bộ phối hợp")
    assert set(axis_services.addressees_of(draft)) == {ministry, office}
    assert draft.external_recipients.splitlines() == ["Như trên", ministry.name, office.name]

    # The drafter changes her mind: the office is no longer a recipient, nor printed.
    answer = client.post(
        reverse("drafting:edit", args=[draft.pk]),
        _form(org, axis_recipients=[ministry.pk], external_recipients=draft.external_recipients),
    )
    assert answer.status_code == 302, answer.context["form"].errors
    draft.refresh_from_db()
    assert axis_services.addressees_of(draft) == [ministry]
    assert draft.external_recipients.splitlines() == ["Như trên", ministry.name]

    drafting.submit_for_review(actor=org.specialist, draft=draft)
    drafting.review(actor=org.unit_leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.unit_leader, draft=draft)
    drafting.sign_off(actor=org.director, draft=draft, decision="approve")
    document = drafting.issue_draft(actor=org.clerk, draft=draft).document
    assert ministry.name in document.external_recipients  # Nơi nhận, with the local ones
    [delivery] = AxisDelivery.objects.filter(outgoing=document)
    assert delivery.recipient == ministry and delivery.business_type == BusinessType.NEW
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.transport == AxisTransport.SENT
    package = AxisPackage.objects.get(delivery=delivery)
    assert package.to_code == ministry.code and package.signature == "valid-untrusted"
    page = client.get(reverse("documents:detail", args=[document.pk]))
    assert ministry.name in page.content.decode()


def test_a_confidential_draft_cannot_go_over_the_axis(axis, org, client):  # noqa: F811
    ministry = AxisAgency.objects.get(code="000.00.00.G01")
    client.force_login(org.specialist)
    answer = client.post(
        reverse("drafting:create"),
        {
            **_form(org, axis_recipients=[ministry.pk], confidentiality="1"),
            "file": SimpleUploadedFile("du-thao.docx", docx("Dự thảo mật")),
        },
    )
    assert answer.status_code == 200
    assert answer.context["form"].has_error("axis_recipients", code="confidential")
    assert not AxisAddressee.objects.exists()
    assert not Draft.objects.exists()


def test_a_draft_for_axis_agencies_only_must_be_signed_digitally(
    axis,  # noqa: F811
    org,  # noqa: F811
    make_draft,  # noqa: F811
    settings,
):
    settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE = False
    set_issuing_policy(actor=None, agency=org.stp, issues_on_paper=False)
    draft = Draft.objects.get(pk=make_draft(recipient_agencies=[]).pk)
    assert not signing_required(draft)  # nobody receives it electronically
    axis_services.set_addressees(
        obj=draft,
        agencies=[AxisAgency.objects.get(code="000.00.00.G01")],
        confidentiality=draft.confidentiality,
    )
    assert signing_required(draft)  # a ministry on the axis receives it electronically
