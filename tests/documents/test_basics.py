from lienthong.documents.models import SearchEntry


def test_smoke(register_incoming, run_tasks) -> None:
    doc = register_incoming()
    assert doc.arrival_number == 1
    run_tasks()
    assert SearchEntry.objects.filter(document=doc).exists()
