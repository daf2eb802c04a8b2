from django.urls import reverse


def test_vietnamese_is_the_default(client, commune):
    html = client.get(commune.get_absolute_url()).content.decode()

    assert '<html lang="vi">' in html
    assert "Tất cả đơn vị" in html
    assert "Chuyển đến nội dung chính" in html


def test_language_switch_posts_to_set_language_without_javascript(client, commune):
    html = client.get(commune.get_absolute_url()).content.decode()

    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="language" value="en"' in html
    assert f'name="next" value="{commune.get_absolute_url()}"' in html


def test_switching_to_english_translates_the_page(client, commune, villages):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": commune.get_absolute_url()}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == commune.get_absolute_url()
    assert '<html lang="en">' in html
    assert "All units" in html
    assert "Villages and residential groups" in html
    assert "Skip to main content" in html
    assert 'name="language" value="vi"' in html
    assert "Tiếng Việt" in html


def test_switching_back_to_vietnamese(client, commune):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})

    assert '<html lang="vi">' in client.get("/").content.decode()


def test_staff_pages_switch_language_too(officer_client):
    officer_client.post(reverse("set_language"), {"language": "en", "next": "/staff/"})

    html = officer_client.get(reverse("portal:dashboard")).content.decode()
    assert "<h1>Dashboard</h1>" in html
    assert "Log out" in html
