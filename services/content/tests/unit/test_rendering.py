"""Markdown becomes sanitized HTML split into sections; comment bodies become safe paragraphs."""

from __future__ import annotations

from content.domain.rendering import Section, render_markdown, sanitize_comment


def test_markdown_is_split_into_sections_at_each_heading_with_its_level() -> None:
    rendered = render_markdown("Intro.\n\n## First\n\nOne.\n\n### Deeper\n\nTwo.\n\n## Second\n\nThree.\n")
    assert rendered.intro_html == "<p>Intro.</p>"
    assert rendered.sections == [
        Section(title="First", html="<p>One.</p>", level=2),
        Section(title="Deeper", html="<p>Two.</p>", level=3),
        Section(title="Second", html="<p>Three.</p>", level=2),
    ]


def test_section_title_is_the_plain_text_of_the_heading() -> None:
    rendered = render_markdown("# The *real* `title` <b>x</b>\n\nBody\n")
    assert rendered.sections[0].title == "The real title <b>x</b>"
    assert "<h2>The real title &lt;b&gt;x&lt;/b&gt;</h2>" in rendered.html


def test_heading_inside_a_block_quote_does_not_start_a_section() -> None:
    rendered = render_markdown("## Only\n\n> ## quoted\n> text\n")
    assert [s.title for s in rendered.sections] == ["Only"]
    assert "<blockquote>" in rendered.sections[0].html


def test_numbered_items_render_as_an_ordered_list_keeping_their_start() -> None:
    html = render_markdown("## S\n\n3. three\n4. four\n").sections[0].html
    assert html.startswith('<ol start="3">')
    assert html.count("<li>") == 2


def test_article_links_keep_href_and_title_and_get_a_forced_rel() -> None:
    html = render_markdown('[ok](https://example.com "T") [site](/articles/x) [frag](#top)').intro_html
    assert '<a href="https://example.com" title="T" rel="noopener nofollow ugc">ok</a>' in html
    assert '<a href="/articles/x" rel="noopener nofollow ugc">site</a>' in html
    assert '<a href="#top" rel="noopener nofollow ugc">frag</a>' in html


def test_article_links_to_other_relative_targets_lose_their_href() -> None:
    html = render_markdown("[a](java%20script:alert(1)) [b](other-page)").intro_html
    assert "href" not in html


def test_raw_html_in_markdown_is_shown_as_text() -> None:
    html = render_markdown('<div onclick="x()">hi</div>\n\ntext <em>e</em>').intro_html
    assert "&lt;div onclick=" in html
    assert "<div" not in html
    assert "<em>" not in html


def test_images_and_unlisted_tags_are_dropped_from_articles() -> None:
    rendered = render_markdown("![alt](https://example.com/x.png)\n\n---\n\n| a |\n")
    assert "<img" not in rendered.html
    assert "<hr" not in rendered.html


def test_comment_paragraphs_and_line_breaks_are_kept() -> None:
    assert sanitize_comment("one\ntwo\r\n\r\nthree") == "<p>one<br>two</p>\n<p>three</p>"


def test_comment_markup_is_escaped_not_interpreted() -> None:
    assert sanitize_comment("<b>bold</b> & <i>") == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;</p>"


def test_comment_http_urls_become_nofollow_links_without_trailing_punctuation() -> None:
    html = sanitize_comment("See https://example.com/a_(b)?q=1&r=2. Or (http://example.org).")
    assert '<a href="https://example.com/a_(b)?q=1&amp;r=2" rel="nofollow ugc">' in html
    assert '<a href="http://example.org" rel="nofollow ugc">http://example.org</a>).' in html


def test_comment_urls_with_other_schemes_or_no_host_stay_text() -> None:
    html = sanitize_comment("javascript:alert(1) ftp://example.com https:///nohost www.example.com")
    assert "<a" not in html


def test_comment_that_is_only_whitespace_renders_as_nothing() -> None:
    assert sanitize_comment(" \n\t\n ") == ""
