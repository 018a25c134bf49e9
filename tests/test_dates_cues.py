"""More cues of the date model (issue 11): onsets, planned events, long asides, quotations, opening years.

Every sentence is invented. Publication days fall on different weekdays and
around month and year ends; each class has counter-examples that must keep
their reading.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.parsing.dates import date_sentences

D = dt.date

THU = D(1989, 10, 26)  # a Thursday
SUN_NYE = D(2028, 12, 31)  # a Sunday, the last day of a year
TUE_JAN = D(2030, 1, 1)  # a Tuesday, the first day of a year


def dated(text: str, published: dt.date) -> list[tuple[dt.date | None, str]]:
    return [(s.date, s.date_source) for s in date_sentences(text, published)]


CASES = [
    # --- a day after "beginning", "starting", "effective", "from", "no later than": ahead ...
    ("beginning a weekday, present tense", "Beginning Monday, prices rise.", THU, [(D(1989, 10, 30), "text")]),
    ("from a weekday after the verb", "Prices rise from Monday.", THU, [(D(1989, 10, 30), "text")]),
    ("effective a day and month across a year end", "Fares go up 5% effective Jan. 2.", SUN_NYE,
     [(D(2029, 1, 2), "text")]),
    ("no later than, across a year end", "Claims must reach the office no later than Friday.", SUN_NYE,
     [(D(2029, 1, 5), "text")]),
    ("starting a weekday, from a new year's day", "Starting Sunday, the ferry sails twice a day.", TUE_JAN,
     [(D(2030, 1, 6), "text")]),
    # ... unless a past verb in the sentence says otherwise
    ("from a weekday in a past sentence", "From Monday, rebels shelled the town.", THU, [(D(1989, 10, 23), "text")]),
    ("effective in a past sentence", "Effective Oct. 1, the rate rose.", THU, [(D(1989, 10, 1), "text")]),
    ("an aside with effective in a past sentence", "The change, effective Monday, angered staff.", THU,
     [(D(1989, 10, 23), "text")]),
    ("a past auxiliary after it", "Beginning Monday, he had refused food.", THU, [(D(1989, 10, 23), "text")]),
    ("no later than in a past clause", "The report was filed no later than Friday.", THU,
     [(D(1989, 10, 20), "text")]),
    ("from in a span of the past", "He worked from Monday to Friday.", THU, [(D(1989, 10, 23), "text")]),
    ("a span from a day to a day is no onset", "The worst week ran from Oct. 30 to Nov. 5.", D(1989, 11, 20),
     [(D(1989, 10, 30), "text")]),
    ("... nor with a present perfect of 'gotten'",
     "The epidemic has gotten worse, with 45,000 cases in the week from Jan. 30 to Feb. 5.", D(2030, 6, 15),
     [(D(2030, 1, 30), "text")]),
    # --- the present of a planned event: continues, concludes, reopens, takes effect ...
    ("continues", "The hearing continues Friday.", THU, [(D(1989, 10, 27), "text")]),
    ("reopens, across a year end", "The museum reopens on Tuesday.", SUN_NYE, [(D(2029, 1, 2), "text")]),
    ("takes effect", "The ban takes effect Monday.", TUE_JAN, [(D(2030, 1, 7), "text")]),
    ("the plural take effect", "The new rules take effect Monday.", TUE_JAN, [(D(2030, 1, 7), "text")]),
    ("the plural continue", "The talks continue on Wednesday.", SUN_NYE, [(D(2029, 1, 3), "text")]),
    ("... but its past stays behind", "Talks continued Friday.", THU, [(D(1989, 10, 20), "text")]),
    ("'debates' is a noun too", "Wednesday's debates at the club showed the rift.", THU, [(D(1989, 10, 25), "text")]),
    ("... and so does 'took effect'", "The ban took effect Monday.", TUE_JAN, [(D(2029, 12, 31), "text")]),
    ("... and 'to continue' after a past verb", "They agreed to continue on Wednesday.", SUN_NYE,
     [(D(2028, 12, 27), "text")]),
    # --- the present passive of a planned event: "is released Friday"
    ("is released, across a year end", "The jobs report is released Friday.", SUN_NYE, [(D(2029, 1, 5), "text")]),
    ("are announced on", "The results are announced on Monday.", THU, [(D(1989, 10, 30), "text")]),
    ("... but was released is past", "The report was released Friday.", THU, [(D(1989, 10, 20), "text")]),
    ("... and a participle not next to the day tells nothing", "He is accused of killing his wife on Monday.", THU,
     [(D(1989, 10, 23), "text")]),
    # --- "be to" tells a plan; seen from the past ("was to") a day and month is the nearer one
    ("is to, across a year end", "The envoy is to arrive on Tuesday.", SUN_NYE, [(D(2029, 1, 2), "text")]),
    ("was to, a weekday ahead", "Officials said the envoy was to arrive Thursday.", THU, [(D(1989, 10, 26), "text")]),
    ("was to, a day and month just behind", "The treaty was to be signed on Dec. 29.", SUN_NYE,
     [(D(2028, 12, 29), "text")]),
    ("was scheduled to, a day and month just ahead", "The vote was scheduled to take place on Jan. 3.", SUN_NYE,
     [(D(2029, 1, 3), "text")]),
    ("... while 'is to' keeps a day and month ahead", "The treaty is to be signed on Dec. 29.", SUN_NYE,
     [(D(2029, 12, 29), "text")]),
    ("'went to' a place is no plan", "She went to Oslo on Tuesday.", SUN_NYE, [(D(2028, 12, 26), "text")]),
    # --- a participle after "remain" or "stay" is no past verb
    ("will remain closed through a weekday", "The embassy will remain closed through Friday.", SUN_NYE,
     [(D(2029, 1, 5), "text")]),
    ("stays shut until a day and month", "The border stays closed until Jan. 4.", SUN_NYE, [(D(2029, 1, 4), "text")]),
    ("... but 'remained closed' is past", "The embassy remained closed through Monday.", THU,
     [(D(1989, 10, 23), "text")]),
    # --- "N days from now", "a week from today", "a week from Monday": ahead of that day
    ("weeks from now, across a year end", "The vote is two weeks from now.", D(2028, 12, 25),
     [(D(2029, 1, 8), "text")]),
    ("days from now opening the sentence", "Ten days from now, the plant closes.", THU, [(D(1989, 11, 5), "text")]),
    ("a week from today", "The vote is a week from today.", SUN_NYE, [(D(2029, 1, 7), "text")]),
    ("a week from a weekday ahead", "The vote comes a week from Monday.", THU, [(D(1989, 11, 6), "text")]),
    ("days from a day and month", "Bids close 10 days from Jan. 2.", SUN_NYE, [(D(2029, 1, 12), "text")]),
    ("... but days from an event name no day", "The plant closes 30 days from the sale.", THU, [(THU, "published")]),
    ("... nor does a span within days", "The plant closes within 10 days.", THU, [(THU, "published")]),
    # --- "Christmas", "New Year's" and "the Fourth of July" alone: days after a preposition, not before a noun
    ("by Christmas, ahead", "The troops will be home by Christmas.", THU, [(D(1989, 12, 25), "text")]),
    ("on Christmas, in the past, from a new year", "He died on Christmas.", TUE_JAN, [(D(2029, 12, 25), "text")]),
    ("last Christmas", "They met last Christmas.", THU, [(D(1988, 12, 25), "text")]),
    ("on New Year's, ahead across a year end", "On New Year's, the law takes effect.", D(2028, 12, 30),
     [(D(2029, 1, 1), "text")]),
    ("the Fourth of July", "The parade is on the Fourth of July.", D(2029, 6, 30), [(D(2029, 7, 4), "text")]),
    ("... not before a noun", "Christmas shopping began early.", THU, [(THU, "published")]),
    ("... nor New Year's resolutions", "New Year's resolutions fade.", THU, [(THU, "published")]),
    ("... nor without a preposition", "We wish you a merry Christmas.", THU, [(THU, "published")]),
    ("... nor the season of 'at Christmas'", "Families give presents at Christmas.", THU, [(THU, "published")]),
    ("... nor another church's Christmas", "Believers gathered on Orthodox Christmas.", THU, [(THU, "published")]),
    ("... nor a place", "On Christmas Island, crabs migrate.", THU, [(THU, "published")]),
    # --- a day naming an event, told of in the present: the nearest occurrence, not the future
    ("a quake named by its day, weeks behind", "Damage from the Oct. 17 earthquake is estimated at $7 billion.", THU,
     [(D(1989, 10, 17), "text")]),
    ("... across a year end", "Investigators are studying the Dec. 20 bombings.", TUE_JAN, [(D(2029, 12, 20), "text")]),
    ("a possessive weekday behind", "Damage from Tuesday's storm is heavy.", THU, [(D(1989, 10, 24), "text")]),
    ("a possessive weekday ahead", "Saturday's vote is a test for the mayor.", THU, [(D(1989, 10, 28), "text")]),
    ("a named event just ahead, across a year end", "The Jan. 3 election is a test.", SUN_NYE,
     [(D(2029, 1, 3), "text")]),
    ("... while a future word still puts it ahead", "The Oct. 20 election is expected to be close.", THU,
     [(D(1990, 10, 20), "text")]),
    ("... and a past verb behind", "The Nov. 20 storm was the worst in years.", THU, [(D(1988, 11, 20), "text")]),
    ("... and a day that names no event keeps the present's future", "The vote is Tuesday.", THU,
     [(D(1989, 10, 31), "text")]),
    # --- a year that opens the sentence frames its day and month
    ("in a year, on a day and month", "In 1987, on Oct. 19, the market crashed.", THU, [(D(1987, 10, 19), "text")]),
    ("... with a month, across a year end", "In December 2027, on the 30th of December, the dam broke.", SUN_NYE,
     [(D(2027, 12, 30), "text")]),
    ("... and it opens a retelling that 'the next day' follows",
     "In 1987, on Oct. 19, the market crashed. The next day, it recovered. Stocks rose yesterday.", THU,
     [(D(1987, 10, 19), "text"), (D(1987, 10, 20), "text"), (D(1989, 10, 25), "text")]),
    ("a place opening the sentence is no year", "In Paris, on Oct. 2, talks began.", THU, [(D(1989, 10, 2), "text")]),
    ("a count opening the sentence is no year", "In 2,000 homes, on Oct. 2, power failed.", THU,
     [(D(1989, 10, 2), "text")]),
    ("a year inside the sentence frames nothing", "The firm, founded in 1950, was sold on Oct. 19.", THU,
     [(D(1989, 10, 19), "text")]),
    ("a year that qualifies a noun frames nothing", "In 1987 dollars, the loss reported on Oct. 19 was $2 million.",
     THU, [(D(1989, 10, 19), "text")]),
    # --- verbs joined by "and" in a relative clause are one clause: its days stay background
    ("a relative clause of two joined verbs", "The fair is part of a drive, which began on Oct. 2 and continues "
     "through Sunday.", THU, [(D(1989, 10, 2), "text")]),
    ("... whose days both stay background to the main clause's", "The drive, which began on Oct. 2 and ended on "
     "Oct. 9, raised $5,000 on Monday.", THU, [(D(1989, 10, 23), "text")]),
    ("... while a second verb not joined to the first is the main clause", "The man who robbed the bank and fled "
     "was caught Thursday.", D(1989, 10, 28), [(D(1989, 10, 26), "text")]),
    # --- an aside opening with a participle may run long before its comma
    ("a long participle aside yields to the clause after it",
     "They said they would appeal the order, issued Wednesday by the regional immigration commissioner, that the boy "
     "must leave by Jan. 14.", D(2031, 1, 3), [(D(2031, 1, 14), "text")]),
    ("... and alone still dates its sentence",
     "The order, issued Wednesday by the regional immigration commissioner, angered the family.", D(2031, 1, 3),
     [(D(2031, 1, 1), "text")]),
    ("... while a list of verbs is no aside", "Rebels attacked the town, killed 20 on Monday near the old mill by the "
     "river, and fled on Tuesday.", THU, [(D(1989, 10, 23), "text")]),
    # --- a far future day is no clock for the next sentence's day and month (only the past is retold)
    ("a day and month after a far future day", "Shops will close on Christmas Day. It will happen on 2 January.",
     D(2000, 12, 26), [(D(2001, 12, 25), "text"), (D(2001, 1, 2), "text")]),
    ("... while a far past day with a year still is one", "The fire began on Dec. 20, 1998. On Dec. 24 it was out.",
     D(2000, 6, 1), [(D(1998, 12, 20), "text"), (D(1998, 12, 24), "text")]),
    ("a day and month after a far day read without a year",
     "He was rescued on Thanksgiving Day. The Oct. 23 killing shocked the town.", D(2001, 11, 1),
     [(D(2000, 11, 23), "text"), (D(2001, 10, 23), "text")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cues(text: str, published: dt.date, expected: list[tuple[dt.date, str]]) -> None:
    assert dated(text, published) == expected


# ---------------------------------------------------------------------------
# "yesterday" in a retelling: the reporter's counts from the day of writing,
# a quotation's from the retold day
# ---------------------------------------------------------------------------

PUB = D(2025, 11, 7)  # a Friday

QUOTATION_CASES = [
    ("the reporter's yesterday after a retold scene",
     "On 5 January 1988, the firm was sold. Two days later, the chairman resigned. Its shares rose yesterday.",
     [(D(1988, 1, 5), "text"), (D(1988, 1, 7), "text"), (D(2025, 11, 6), "text")]),
    ("... and the story is back in the present after it",
     "On 5 January 1988, the firm was sold. Its shares rose yesterday. On Monday, they fell.",
     [(D(1988, 1, 5), "text"), (D(2025, 11, 6), "text"), (D(2025, 11, 3), "text")]),
    ("a quotation's yesterday, in straight quotes",
     'On 5 January 1988, the firm was sold. "Yesterday we signed the papers," the chairman wrote.',
     [(D(1988, 1, 5), "text"), (D(1988, 1, 4), "text")]),
    ("... in curly quotes opened earlier in the paragraph",
     "On 5 January 1988, the firm was sold. \u201cWe had no choice. Yesterday the bank called.\u201d",
     [(D(1988, 1, 5), "text"), (D(1988, 1, 5), "narrative"), (D(1988, 1, 4), "text")]),
    ("... in doubled quotes of newswire",
     "On 5 January 1988, the firm was sold. ``The bank called last night,'' he said in a letter.",
     [(D(1988, 1, 5), "text"), (D(1988, 1, 4), "text")]),
    ("a quotation closed before it is over",
     "On 5 January 1988, the firm was sold. \u201cIt is over,\u201d he said, and the shares rose yesterday.",
     [(D(1988, 1, 5), "text"), (D(2025, 11, 6), "text")]),
    # a retelling opened inside a quotation is the speaker's: the reporter's words after it are in the present
    ("a quoted retelling, then the reporter's weekday",
     '"On 5 March 1991, I was arrested," he said. "The next day they beat me." He was freed on Tuesday.',
     [(D(1991, 3, 5), "text"), (D(1991, 3, 6), "text"), (D(2025, 11, 4), "text")]),
    ("... while a weekday inside the quotation counts from the retold day (a Tuesday)",
     'He wrote: "On 5 March 1991, I was arrested. On Thursday they let me go."',
     [(D(1991, 3, 5), "text"), (D(1991, 3, 7), "text")]),
    ("... and the speaker's tag after the quotation does not bring it back to the present",
     '"On 5 March 1991, I was arrested. On Thursday they let me go," he said.',
     [(D(1991, 3, 5), "text"), (D(1991, 3, 7), "text")]),
    ("... while a reporting verb of the reporter's own does",
     "On 5 March 1991, he was arrested. On Thursday, the minister said he was sorry.",
     [(D(1991, 3, 5), "text"), (D(2025, 11, 6), "text")]),
    ("... and the reporter's 'the next day' still follows the story",
     '"On 5 March 1991, I was arrested," he said. The next day, he was beaten.',
     [(D(1991, 3, 5), "text"), (D(1991, 3, 6), "text")]),
    ("a retelling in the reporter's words keeps its weekdays",
     "On 5 March 1991, he was arrested. On Thursday, he was freed.",
     [(D(1991, 3, 5), "text"), (D(1991, 3, 7), "text")]),
    ("a quotation of the present tense is still counted from publication without a retelling",
     '"We signed yesterday," the chairman said.', [(D(2025, 11, 6), "text")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in QUOTATION_CASES], ids=[c[0] for c in QUOTATION_CASES])
def test_yesterday_in_a_retelling(text: str, expected: list[tuple[dt.date, str]]) -> None:
    assert dated(text, PUB) == expected


# ---------------------------------------------------------------------------
# A sentence that opens with another year is not on the story's day
# ---------------------------------------------------------------------------

OTHER_YEAR_CASES = [
    ("'last year' after a far day", "Smith joined the firm on 1 March 1985. Last year he became chairman.",
     [(D(1985, 3, 1), "text"), (PUB, "published")]),
    ("'in' a year after a far day, and the story stays", "On 5 March 1991, he was arrested. In 1997, he was "
     "pardoned. The next day, he left.", [(D(1991, 3, 5), "text"), (PUB, "published"), (D(1991, 3, 6), "text")]),
    ("a month and year after a near day", "On Monday, crews arrived. In May 2024 the dam had burst.",
     [(D(2025, 11, 3), "text"), (PUB, "published")]),
    ("'last year' across a year end", "On Tuesday, crews arrived. Last year, the dam burst.",
     [(D(2025, 11, 4), "text"), (PUB, "published")]),
    # counter-examples: the same year, or a year inside the sentence, keep the story's day
    ("the same year", "On 5 March 1991, he was arrested. In 1991, arrests were common.",
     [(D(1991, 3, 5), "text"), (D(1991, 3, 5), "narrative")]),
    ("a year inside the sentence", "On 5 March 1991, he was arrested. The invasion in February 1990 had angered him.",
     [(D(1991, 3, 5), "text"), (D(1991, 3, 5), "narrative")]),
    ("a count after 'In'", "On Monday, crews arrived. In 2000 homes the power failed.",
     [(D(2025, 11, 3), "text"), (D(2025, 11, 3), "narrative")]),
    ("'this year' of the story's own year", "On Monday, crews arrived. This year the river rose early.",
     [(D(2025, 11, 3), "text"), (D(2025, 11, 3), "narrative")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in OTHER_YEAR_CASES], ids=[c[0] for c in OTHER_YEAR_CASES])
def test_a_sentence_opening_with_another_year(text: str, expected: list[tuple[dt.date, str]]) -> None:
    assert dated(text, PUB) == expected
