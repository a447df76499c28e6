"""The importer turns the clinic's seed page into an article: sections, lists, no site chrome."""

from __future__ import annotations

import re

import pytest

from content.demo import seed_page_text
from content.domain.errors import ArticleValidationError, SeedImportError
from content.domain.importer import ImportedArticle, import_seed_page
from content.domain.rendering import render_markdown

SEED_SECTION_TITLES = [
    "The Evolution of Ketamine from Anesthetic to Therapeutic Agent",
    "Mechanisms of Action: Unraveling the Neurochemical Magic",
    "Applications of Ketamine Treatment in Mental Health",
    "The Administration of Ketamine Treatment",
    "The Future of Ketamine Treatment: Ongoing Research and Innovations",
    "Conclusion: Transformative Potential for Mental Health",
]
CHROME = [
    "Leave a Reply",
    "Your Cart is empty",
    "20% off",
    "We guarantee to be the most affordable",
    "Your email address will not be published",
    "Required fields are marked",
    "Browse Products",
    "haven't added any items",
    "Nurturing Mental Health and Wellness",
]


@pytest.fixture(scope="module")
def seed() -> ImportedArticle:
    return import_seed_page(seed_page_text())


def _list_items(section_html: str) -> list[str]:
    ordered = re.search(r"<ol>(.*?)</ol>", section_html, re.DOTALL)
    assert ordered, section_html
    return re.findall(r"<li>\s*<p><strong>(.*?)</strong></p>", ordered.group(1))


def test_seed_sections_come_out_in_the_page_order(seed: ImportedArticle) -> None:
    sections = render_markdown(seed.markdown).sections
    assert [section.title for section in sections] == SEED_SECTION_TITLES
    assert all(section.level == 2 for section in sections)


def test_seed_title_slug_and_summary_are_the_article_header(seed: ImportedArticle) -> None:
    assert seed.title == "Exploring the Realm of Ketamine Treatment: Changing The Way We Think About Therapy"
    assert seed.slug == "exploring-the-realm-of-ketamine-treatment-changing-the-way-we-think-about-therapy"
    assert seed.summary.startswith("Ketamine, once primarily recognized as an anesthetic")
    assert seed.summary.endswith("the transformative impact it has on mental health.")


def test_seed_numbered_applications_become_an_ordered_list(seed: ImportedArticle) -> None:
    applications = render_markdown(seed.markdown).sections[2]
    assert _list_items(applications.html) == [
        "Depression",
        "Anxiety Disorders",
        "Post-Traumatic Stress Disorder (PTSD)",
        "Bipolar Disorder",
    ]
    # The paragraph after the list closes the section; it is not part of the last item.
    assert applications.html.index("</ol>") < applications.html.index("These applications underscore")


def test_seed_routes_of_administration_become_an_ordered_list(seed: ImportedArticle) -> None:
    administration = render_markdown(seed.markdown).sections[3]
    assert _list_items(administration.html) == [
        "Intravenous (IV) Infusion",
        "Intramuscular (IM) Injection",
        "Sublingual Troches",
    ]
    assert "Ketamine troches, designed to dissolve under the tongue" in administration.html


def test_seed_article_leaves_out_every_piece_of_site_chrome(seed: ImportedArticle) -> None:
    rendered = render_markdown(seed.markdown)
    everything = "\n".join([seed.title, seed.summary, seed.markdown, rendered.html, rendered.text])
    for chrome in CHROME:
        assert chrome.lower() not in everything.lower(), chrome


def test_seed_article_text_mentions_troches(seed: ImportedArticle) -> None:
    assert "troches" in seed.markdown
    assert "troches" in render_markdown(seed.markdown).text


def test_seed_conditions_and_tags_are_read_from_the_text(seed: ImportedArticle) -> None:
    assert seed.conditions == ["depression", "anxiety", "ptsd", "bipolar"]
    assert {"ketamine", "troches", "iv-infusion", "im-injection"} <= set(seed.tags)


def test_seed_intro_paragraph_is_rendered_before_the_first_section(seed: ImportedArticle) -> None:
    rendered = render_markdown(seed.markdown)
    assert rendered.intro_html.startswith("<p>Ketamine, once primarily recognized")


def test_importer_finds_headings_on_a_page_it_has_never_seen() -> None:
    page = """Skip to content

Home

Menu

Esketamine Nasal Spray: What to Expect

Esketamine is a nasal spray used for treatment-resistant depression in adults.

Before Your First Session

You will need someone to drive you home.

1) Eat lightly: avoid a heavy meal two hours before.

2) Plan the day: keep the rest of the day free.

After the Session

Most people feel back to normal within two hours.

3 Comments

Great article!

© 2024 The Clinic. All rights reserved.
"""
    article = import_seed_page(page)
    sections = render_markdown(article.markdown).sections
    assert article.title == "Esketamine Nasal Spray: What to Expect"
    assert [s.title for s in sections] == ["Before Your First Session", "After the Session"]
    assert "<ol>" in sections[0].html
    assert sections[0].html.count("<li>") == 2
    assert article.conditions == ["depression"]
    assert "nasal-spray" in article.tags
    assert "esketamine" in article.tags
    for chrome in ("Skip to content", "Home", "Great article", "rights reserved", "Comments"):
        assert chrome not in article.markdown


def test_importer_keeps_markdown_syntax_in_page_text_as_literal_text() -> None:
    page = "A Title\n\nUse *stars* and <b>tags</b> and [brackets](x) literally &amp; safely.\n"
    article = import_seed_page(page)
    intro = render_markdown(article.markdown).intro_html
    assert "*stars*" in intro
    assert "&lt;b&gt;tags&lt;/b&gt;" in intro
    assert "[brackets](x)" in intro
    assert "&amp;amp;" in intro


def test_importer_refuses_a_page_without_an_article() -> None:
    with pytest.raises(SeedImportError):
        import_seed_page("Your Cart is empty!\n\nBrowse Products\n")


def test_importer_uses_a_given_slug_only_if_it_is_valid() -> None:
    assert import_seed_page(seed_page_text(), slug="ketamine-treatment").slug == "ketamine-treatment"
    with pytest.raises(ArticleValidationError):
        import_seed_page(seed_page_text(), slug="Ketamine Treatment")
