from pathlib import Path

import pytest
from django.core.mail import get_connection, send_mail
from django.test import Client


@pytest.mark.django_db
def test_the_demo_mailbox_lists_the_mail_the_demo_wrote(settings, tmp_path: Path) -> None:
    settings.MOTCUA_ENV = "demo"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    backend = "django.core.mail.backends.filebased.EmailBackend"
    connection = get_connection(backend, file_path=str(tmp_path))
    send_mail(
        "Hồ sơ 000.00.00.H99-270301-0001 đã được tiếp nhận",
        "Kính gửi Ông/Bà Nguyễn Văn An,\nHồ sơ của Ông/Bà đã được tiếp nhận.",
        "no-reply@motcua.local",
        ["an@example.vn"],
        connection=connection,
    )
    html = Client().get("/hop-thu-demo/").content.decode()
    assert "Hồ sơ 000.00.00.H99-270301-0001 đã được tiếp nhận" in html
    assert "an@example.vn" in html and "Kính gửi Ông/Bà Nguyễn Văn An" in html
    assert 'id="demo-mailbox-link"' in html


@pytest.mark.django_db
def test_the_mailbox_does_not_exist_outside_the_demo(settings) -> None:
    settings.MOTCUA_ENV = "production"
    assert Client().get("/hop-thu-demo/").status_code == 404
    settings.MOTCUA_ENV = "test"
    assert Client().get("/hop-thu-demo/").status_code == 404
    assert 'id="demo-mailbox-link"' not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_the_favicon_and_the_public_page_are_linked() -> None:
    client = Client()
    assert client.get("/favicon.ico").status_code in {301, 302}
    home = client.get("/").content.decode()
    assert 'href="/cong-khai/"' in home
