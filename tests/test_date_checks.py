"""The fifth pass on publication dates (newsflow.datechecks and the rules in newsflow.dates that use
it): plausible candidates, the article's own JSON-LD, update stamps as a bound, two sources against
one, a bare day beyond any time zone, the offset a printed time implies, more languages' cues."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.datechecks import agreed_day, plausible, url_day
from newsflow.dates import publication_day, published_at
from newsflow.extract import page_tree as load_html
from newsflow.headline_date import headline_date, numeric_date, printed_time, update_bound
from newsflow.worlddates import gregorian_year

STORY = "<p>" + "The council met on Tuesday and approved the budget for schools, roads and the library. " * 3 + "</p>"
TITLE = "Council approves the school budget"


def page(ld: object = None, metas: str = "", byline: str = "") -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld is not None else ""
    return (f"<html><head><title>{TITLE}</title>{metas}{script}</head><body><article><h1>{TITLE}</h1>"
            f'<div class="byline">{byline}</div>{STORY}</article></body></html>')


def article(**fields: object) -> dict[str, object]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", **fields}


# --- plausible candidates -------------------------------------------------------------------


@pytest.mark.parametrize("bogus", ["2999-01-01T10:00:00Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_a_json_ld_date_in_the_future_or_before_1990_is_no_candidate(bogus: str) -> None:
    alone = load_html(page(article(datePublished=bogus)))
    assert published_at(None, alone) is None
    meta = '<meta property="article:published_time" content="2022-05-08T06:00:00-05:00">'
    with_meta = load_html(page(article(datePublished=bogus), metas=meta))
    assert published_at(None, with_meta) == datetime(2022, 5, 8, 11, tzinfo=UTC)


def test_htmldates_answer_in_the_future_gives_way_to_the_date_under_the_headline() -> None:
    tree = load_html(page(byline="Published 8 May 2022"))
    assert published_at("2999-05-08T06:00:00+0000", tree) == datetime(2022, 5, 8, tzinfo=UTC)


def test_plausible_is_from_1990_to_a_day_past_now() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert plausible(datetime(1990, 1, 1, tzinfo=UTC), now)
    assert plausible(now + timedelta(hours=23), now)
    assert not plausible(now + timedelta(days=2), now)
    assert not plausible(datetime(1989, 12, 31, tzinfo=UTC), now)
    assert not plausible(None, now)


# --- the article's own JSON-LD --------------------------------------------------------------


def test_the_articles_json_ld_date_comes_before_a_videos_listed_first() -> None:
    ld = [{"@type": "VideoObject", "datePublished": "2022-04-20T10:00:00Z"},
          {"@type": ["NewsArticle", "Article"], "datePublished": "2022-05-10T10:00:00+02:00"}]
    assert published_at(None, load_html(page(ld))) == datetime(2022, 5, 10, 8, tzinfo=UTC)


# --- an update stamp bounds the publication -----------------------------------------------


@pytest.mark.parametrize(
    "byline",
    ["Stand: 28.04.2020 18:00 Uhr", "<span>Stand:</span> <span>28.04.2020</span>", "Updated April 28, 2020",
     '<span>Aktualisiert:</span> <time datetime="2020-04-28T18:00:00+02:00">gestern</time>'],
)
def test_a_date_after_the_update_stamp_under_the_headline_is_not_the_publication(byline: str) -> None:
    # As on a Tagesschau page: htmldate read a `date` meta of the 29th; the byline says "Stand: 28.04.2020".
    tree = load_html(page(byline=byline))
    assert publication_day(published_at("2020-04-29T06:00:00+0200", tree)) == date(2020, 4, 28)


def test_under_an_update_stamp_the_declared_publication_before_it_is_kept() -> None:
    tree = load_html(page(article(datePublished="2020-04-03T12:35:00+02:00"), byline="Aktualisiert: 11.04.2020"))
    assert update_bound(tree) == date(2020, 4, 11)
    assert published_at("2020-04-12T08:00:00+0200", tree) == datetime(2020, 4, 3, 10, 35, tzinfo=UTC)
    # A date on or before the stamp is left alone.
    assert published_at("2020-04-03T12:35:00+0200", tree) == datetime(2020, 4, 3, 10, 35, tzinfo=UTC)


def test_an_as_of_stamps_day_is_kept_over_an_earlier_declared_publication() -> None:
    # As on a WDR page: "Stand: 07.11.2023, 07:30 Uhr" is the page's only visible date, JSON-LD
    # datePublished the evening before; "Stand" says nothing of an earlier version, so the date stays.
    tree = load_html(page(article(datePublished="2023-11-06T18:19:00+01:00"), byline="Stand: 07.11.2023, 07:30 Uhr"))
    assert publication_day(published_at("2023-11-07T07:30:00+0100", tree)) == date(2023, 11, 7)
    assert update_bound(tree) == date(2023, 11, 7)
    assert update_bound(tree, as_of=False) is None


def test_htmldate_taking_the_update_stamps_day_gives_way_to_an_earlier_declared_publication() -> None:
    tree = load_html(page(article(datePublished="2020-04-10T12:35:00+02:00"), byline="Aktualisiert: 11.04.2020"))
    assert published_at("2020-04-11T08:27:00+0200", tree) == datetime(2020, 4, 10, 10, 35, tzinfo=UTC)
    # An earlier URL day is not a declared publication (it may be a draft's): the date stays.
    alone = load_html(page(byline="Aktualisiert: 11.04.2020"))
    url = "https://news.example.com/2020/04/09/story"
    assert publication_day(published_at("2020-04-11T08:27:00+0200", alone, url)) == date(2020, 4, 11)


@pytest.mark.parametrize("name", ["last-modified", "DC.date.modified", "parsely-updated-time", "zdf:modificationDate"])
def test_htmldate_taking_any_modified_time_meta_gives_way_to_the_earlier_publication(name: str) -> None:
    metas = f'<meta name="{name}" content="2024-08-27T08:49:08Z">'
    tree = load_html(page(article(datePublished="2024-08-26T20:27:57Z"), metas=metas))
    assert published_at("2024-08-27T08:49:08+0000", tree) == datetime(2024, 8, 26, 20, 27, 57, tzinfo=UTC)


def test_a_meta_that_only_mentions_an_update_is_not_a_modified_time() -> None:
    metas = '<meta name="update-frequency" content="2024-08-27T08:49:08Z">'
    tree = load_html(page(article(datePublished="2024-08-26T20:27:57Z"), metas=metas))
    assert published_at("2024-08-27T08:49:08+0000", tree) == datetime(2024, 8, 27, 8, 49, 8, tzinfo=UTC)


# --- two sources against one ----------------------------------------------------------------


def test_two_sources_agreeing_on_another_day_beat_htmldates_unconfirmed_date() -> None:
    metas = '<meta property="article:published_time" content="2021-03-02T10:00:00Z">'
    tree = load_html(page(article(datePublished="2021-03-02T10:00:00Z"), metas=metas))
    # htmldate read an analytics meta of the day before; JSON-LD and the meta both say the 2nd.
    assert published_at("2021-03-01T09:00:00+0000", tree) == datetime(2021, 3, 2, 10, tzinfo=UTC)


def test_one_source_against_htmldate_or_a_source_confirming_it_changes_nothing() -> None:
    one = load_html(page(article(datePublished="2021-03-02T10:00:00Z")))
    assert published_at("2021-03-01T09:00:00+0000", one) == datetime(2021, 3, 1, 9, tzinfo=UTC)
    metas = '<meta property="article:published_time" content="2021-03-02T10:00:00Z">'
    confirmed = load_html(page(article(datePublished="2021-03-02T10:00:00Z"), metas=metas))
    url = "https://news.example.com/2021/03/01/council-budget"  # the URL states htmldate's day
    assert publication_day(published_at("2021-03-01T09:00:00+0000", confirmed, url)) == date(2021, 3, 1)


def test_agreed_day_needs_two_sources_and_none_for_the_chosen_day() -> None:
    second, third = date(2021, 3, 2), date(2021, 3, 3)
    assert agreed_day([second, second, None], date(2021, 3, 1)) == second
    assert agreed_day([second, third], date(2021, 3, 1)) is None
    assert agreed_day([second, second, date(2021, 3, 1)], date(2021, 3, 1)) is None
    assert agreed_day([second, second, third, third], date(2021, 3, 1)) is None


# --- a bare day beyond any time zone --------------------------------------------------------


def test_a_bare_day_days_away_from_a_utc_declared_time_gives_way_to_it() -> None:
    # A /2022/05/02/ URL (a draft's day) and JSON-LD 06:00 Z on the 8th: no offset explains six days.
    tree = load_html(page(article(datePublished="2022-05-08T06:00:00Z")))
    assert published_at("2022-05-02T00:00:00", tree) == datetime(2022, 5, 8, 6, tzinfo=UTC)
    # One day apart is what a zone can do (La Nación's 00:25 GMT is the evening before): the day stays.
    near = load_html(page(article(datePublished="2022-05-03T00:25:00Z")))
    assert publication_day(published_at("2022-05-02T00:00:00", near)) == date(2022, 5, 2)


def test_url_day_reads_a_dated_path_only() -> None:
    assert url_day("https://x.example/2022/05/02/story") == date(2022, 5, 2)
    assert url_day("https://x.example/2022-05-02-story") == date(2022, 5, 2)
    assert url_day("https://x.example/story-2022/05") is None
    assert url_day("https://x.example/2022/13/02/story") is None
    assert url_day(None) is None


# --- photo captions and script state ------------------------------------------------------

CAPTION = '<figure><img src="a.jpg"><figcaption>Archivbild vom 24. April 2023: Panzer bei Bachmut</figcaption></figure>'
STATE = '<script>window.__STATE__ = {"article": {"id": 7, "publishedAt": "2023-04-28T10:00:00Z"}};</script>'


def test_a_bare_day_that_only_a_photo_caption_names_gives_way_to_the_script_states_date() -> None:
    # htmldate took a caption's date; the story is dated only in the script state.
    with_state = load_html(page(byline=CAPTION + STATE))
    assert published_at("2023-04-24T00:00:00", with_state) == datetime(2023, 4, 28, 10, tzinfo=UTC)


def test_a_caption_day_is_kept_when_nothing_else_dates_the_page() -> None:
    # As on a ZDF page: the only date is a photo's, of the day the story reports (and was published).
    assert published_at("2023-04-24T00:00:00", load_html(page(byline=CAPTION))) == datetime(2023, 4, 24, tzinfo=UTC)


def test_a_caption_day_that_a_source_also_states_is_kept() -> None:
    url = "https://news.example.com/2023/04/24/story"
    assert publication_day(published_at("2023-04-24T00:00:00", load_html(page(byline=CAPTION)), url)) == date(
        2023, 4, 24)
    meta = '<meta property="article:published_time" content="2023-04-24">'
    assert publication_day(published_at("2023-04-24T00:00:00", load_html(page(metas=meta, byline=CAPTION)))) == date(
        2023, 4, 24)


@pytest.mark.parametrize("script", [
    '<script>self.__next_f.push([1,"{\\"datePublished\\":\\"2023-04-28T12:00:00+02:00\\"}"])</script>',
    '<script>var meta = {pub_date: "2023-04-28 12:00:00+02:00"};</script>',
])
def test_the_script_state_dates_a_page_that_nothing_else_dates(script: str) -> None:
    assert published_at(None, load_html(page(byline=script))) == datetime(2023, 4, 28, 10, tzinfo=UTC)


def test_json_ld_and_a_future_state_date_are_not_read_as_script_state() -> None:
    ld_only = page(byline='<script type="application/ld+json">{"datePublished": "not a date"}</script>')
    assert published_at(None, load_html(ld_only)) is None
    future = page(byline='<script>x = {"publishedAt": "2999-04-28T10:00:00Z"}</script>')
    assert published_at(None, load_html(future)) is None


# --- the offset a printed time implies ------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "offset", "day"),
    [("5 de mayo de 2022 - 21:00", timedelta(hours=-5), date(2022, 5, 5)),
     ("May 5, 2022 9:00 pm", timedelta(hours=-5), date(2022, 5, 5)),
     ("06.05.2022, 07h30", timedelta(hours=5, minutes=30), date(2022, 5, 6))],
)
def test_a_utc_time_takes_the_offset_of_the_time_printed_under_the_headline(byline: str, offset: timedelta,
                                                                           day: date) -> None:
    # As on a .com page whose metas say 02:00 Z and whose byline shows the evening before.
    published = published_at("2022-05-06T02:00:00+0000", load_html(page(byline=byline)))
    assert published == datetime(2022, 5, 6, 2, tzinfo=UTC)
    assert published is not None and published.utcoffset() == offset
    assert publication_day(published) == day


@pytest.mark.parametrize("byline", ["5 de mayo de 2022 - 21:07", "Updated May 5, 2022 9:00 pm", "2 de mayo de 2022"])
def test_a_printed_time_that_is_no_real_offset_an_update_or_no_time_leaves_utc(byline: str) -> None:
    published = published_at("2022-05-06T02:00:00+0000", load_html(page(byline=byline)))
    assert published is not None and not published.utcoffset()


def test_printed_time_reads_twelve_hour_clocks_and_no_impossible_time() -> None:
    assert printed_time(load_html(page(byline="Jan 3, 2024 12:05 am"))) == datetime(2024, 1, 3, 0, 5)
    assert printed_time(load_html(page(byline="Jan 3, 2024 12:05 p.m."))) == datetime(2024, 1, 3, 12, 5)
    for impossible in ("Jan 3, 2024 12:75", "Jan 3, 2024 15:05 pm", "Jan 3, 2024 25:05"):
        assert printed_time(load_html(page(byline=impossible))) is None


_BYLINE_TOKENS = ["2023", "11", "7", "31", ":", ".", "/", "-", "年", "月", "日", "년", " ", "am", "pm", "Updated",
                  "Stand:", "May", "mayo", "٢٠٢٣", "12:75", "21:00", "<figcaption>", "<time datetime='2023-11-08'>"]


@settings(max_examples=200, deadline=None)
@given(byline=st.lists(st.sampled_from(_BYLINE_TOKENS), max_size=12).map("".join),
       ld_value=st.text(max_size=30), kind=st.sampled_from(["NewsArticle", "VideoObject", 7, None, ["Article"]]),
       htmldate=st.sampled_from([None, "2023-11-07T00:00:00", "2023-11-07T10:00:00+0000", "2023-11-07T10:00:00+0530"]))
def test_any_byline_and_json_ld_value_gives_a_date_or_none_and_never_raises(byline: str, ld_value: str,
                                                                            kind: object, htmldate: str | None) -> None:
    tree = load_html(page({"@type": kind, "datePublished": ld_value}, byline=byline))
    chosen = published_at(htmldate, tree, "https://news.example.com/2023/11/05/story")
    assert chosen is None or plausible(chosen)


# --- more languages -------------------------------------------------------------------------


@pytest.mark.parametrize("byline", ["Güncelleme: 08.11.2023 10:00", "수정 2023.11.08 10:00", "Обновлено 08.11.2023",
                                    "Aktualizacja: 08.11.2023", "Gewijzigd op 08.11.2023", "آخر تحديث 08.11.2023",
                                    "Diperbarui 8 November 2023"])
def test_update_cues_in_more_languages_keep_the_update_out(byline: str) -> None:
    tree = load_html(page(byline=byline))
    assert publication_day(published_at("2023-11-03T00:00:00", tree)) == date(2023, 11, 3)


@pytest.mark.parametrize(
    ("byline", "expected"),
    [("١٢ مايو ٢٠٢٣", date(2023, 5, 12)), ("نشر في 3 كانون الثاني 2024", date(2024, 1, 3)),
     ("２０２３年５月１２日 10時", date(2023, 5, 12)), ("Опубликовано 12 мая 2023", date(2023, 5, 12)),
     ("12 May\u0131s 2023 Cuma", date(2023, 5, 12)), ("Diterbitkan 12 Mei 2023", date(2023, 5, 12)),
     ("Opublikowano: 12 września 2023", date(2023, 9, 12)), ("12 maart 2023", date(2023, 3, 12)),
     ("Mars 2020 rover", None)],
)
def test_dates_in_more_scripts_and_languages_are_read_under_the_headline(byline: str, expected: date | None) -> None:
    assert headline_date(load_html(page(byline=byline))) == expected


def test_korean_dates_with_year_month_day_words_are_read() -> None:
    assert numeric_date("입력 2023년 11월 7일 오후 3:03") == date(2023, 11, 7)
    assert headline_date(load_html(page(byline="입력 2023년 11월 7일"))) == date(2023, 11, 7)


# --- rules combined -------------------------------------------------------------------------

_MOMENTS = st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(3000, 1, 1), timezones=st.just(UTC))


@settings(max_examples=150, deadline=None)
@given(htmldate=st.none() | _MOMENTS, declared=st.none() | _MOMENTS, meta=st.none() | _MOMENTS,
       printed=st.none() | _MOMENTS, cue=st.sampled_from(["", "Updated ", "Stand: ", "Published "]),
       bare=st.booleans(), url_dated=st.booleans())
def test_the_chosen_date_is_always_one_of_the_pages_candidates_and_never_in_the_future(
        htmldate: datetime | None, declared: datetime | None, meta: datetime | None, printed: datetime | None,
        cue: str, bare: bool, url_dated: bool) -> None:
    html = page(article(datePublished=declared.isoformat()) if declared else None,
                f'<meta property="article:published_time" content="{meta.isoformat()}">' if meta else "",
                f"{cue}{printed:%d.%m.%Y %H:%M}" if printed else "")
    url = f"https://news.example.com/{printed:%Y/%m/%d}/story" if printed and url_dated else "https://news.example.com/s"
    value = None if htmldate is None else f"{htmldate:%Y-%m-%d}T00:00:00" if bare else f"{htmldate:%Y-%m-%dT%H:%M:%S%z}"
    chosen = published_at(value, load_html(html), url)
    if chosen is None:
        return
    candidates = [moment for moment in (htmldate, declared, meta, printed) if moment is not None]
    if printed is not None and printed.year != gregorian_year(printed.year) and (printed.month, printed.day) != (2, 29):
        candidates.append(printed.replace(year=gregorian_year(printed.year)))  # "01.01.2533": a Buddhist-era year
    days = {moment.date() for moment in candidates}
    assert chosen.astimezone(UTC) in set(candidates) | {moment.replace(microsecond=0) for moment in candidates} | {
        moment.replace(microsecond=0, second=0) for moment in candidates} | {
        datetime(day.year, day.month, day.day, tzinfo=UTC) for day in days}
    assert plausible(chosen)
