"""Tests for the date model's reading of tense, clauses and retellings (issue 11).

Every sentence here is invented; publication days fall on different weekdays
and around year ends, so that "the nearest Friday" or "January 2" has to
cross a week, month or year boundary.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.parsing.dates import date_sentences

D = dt.date


def dated(text: str, published: dt.date) -> list[tuple[dt.date | None, str]]:
    return [(s.date, s.date_source) for s in date_sentences(text, published)]


WED_NYE = D(2025, 12, 31)  # a Wednesday, the last day of a year
MON_Q1 = D(2025, 3, 31)  # a Monday, the last day of a month
FRI = D(2025, 11, 7)  # a Friday

CASES = [
    # --- a day and month without a year: the nearest one the tense allows
    ("future verb across a year end", "The licence expires on 2 January.", D(2025, 12, 29),
     [(D(2026, 1, 2), "text")]),
    ("no tense word: the nearest occurrence", "Voting closes Jan. 4.", D(2026, 12, 30),
     [(D(2027, 1, 4), "text")]),
    ("present of a planned event, a month ahead", "Parliament reconvenes Feb. 9.", D(2025, 1, 20),
     [(D(2025, 2, 9), "text")]),
    ("past verb: the last one before", "Parliament met on Feb. 9.", D(2025, 1, 20),
     [(D(2024, 2, 9), "text")]),
    ("past verb across a year end", "The ferry was cancelled on December 28.", D(2026, 1, 2),
     [(D(2025, 12, 28), "text")]),
    ("'would': a future seen from the past, so the nearer", "Officials said the ferry would sail on 3 March.",
     D(2025, 3, 5), [(D(2025, 3, 3), "text")]),
    ("future passive two days after", "The treaty will be signed on March 3.", D(2024, 3, 5),
     [(D(2025, 3, 3), "text")]),
    # --- the present perfect, "since", "may" and an infinitive after a past verb
    ("a present perfect with since: behind", "Police have been hunting the gunman since the Nov. 3 raid.",
     D(2026, 5, 10), [(D(2025, 11, 3), "text")]),
    ("since across a year end", "Prices have risen since Dec. 30.", D(2026, 1, 2), [(D(2025, 12, 30), "text")]),
    ("a present perfect weekday", "The union has struck on Monday.", WED_NYE, [(D(2025, 12, 29), "text")]),
    ("a perfect that schedules is ahead", "The mayor has scheduled a vote on Thursday.", WED_NYE,
     [(D(2026, 1, 1), "text")]),
    ("a perfect with an infinitive is ahead", "The union has agreed to strike on Monday.", WED_NYE,
     [(D(2026, 1, 5), "text")]),
    ("'to' before a place is no infinitive", "The troops have returned to the city on Monday.", WED_NYE,
     [(D(2025, 12, 29), "text")]),
    ("may: ahead across a year end", "The bridge may reopen on Jan. 3.", D(2025, 12, 29), [(D(2026, 1, 3), "text")]),
    ("may have: behind", "The thieves may have fled on Dec. 28.", D(2026, 1, 2), [(D(2025, 12, 28), "text")]),
    ("an infinitive after a past verb: the nearer", "The judge ordered him to appear on Feb. 10.", D(2026, 1, 7),
     [(D(2026, 2, 10), "text")]),
    ("... and the same infinitive a few days after", "The judge ordered him to appear on Feb. 10.",
     D(2026, 2, 13), [(D(2026, 2, 10), "text")]),
    ("'to' a place after a past verb stays past", "He flew to Oslo on Feb. 10.", D(2026, 1, 7),
     [(D(2025, 2, 10), "text")]),
    ("'to court' stays past", "They returned to court on Dec. 20.", D(2026, 12, 5), [(D(2025, 12, 20), "text")]),
    ("a verb past a comma belongs to another clause", "In a case that may be settled on March 6, the family has "
     "stayed silent.", D(2026, 2, 24), [(D(2026, 3, 6), "text")]),
    ("... unless the day's own clause has none", "On March 6, rebels attacked the town.", D(2026, 2, 24),
     [(D(2025, 3, 6), "text")]),
    ("... and its own past verb still decides", "Rebels attacked on March 6, and the town will rebuild.",
     D(2026, 2, 24), [(D(2025, 3, 6), "text")]),
    # --- a tense word in the next clause is not the day's
    ("a conjunction starts another clause", "Police detained him on Thursday as he was about to board a plane.",
     D(2025, 12, 28), [(D(2025, 12, 25), "text")]),
    ("... a comma too", "The envoy meets the rebels on Thursday, and they were pleased.", D(2025, 12, 28),
     [(D(2026, 1, 1), "text")]),
    ("... but a day that opens its clause takes the verb after it", "On Thursday, the minister said he was pleased.",
     D(2025, 12, 28), [(D(2025, 12, 25), "text")]),
    ("... and a day with no verb of its own takes the sentence's", "Tuesday and Wednesday were quiet.",
     D(2025, 12, 28), [(D(2025, 12, 23), "text")]),
    ("an opening subordinate clause runs to its first comma, however long",
     ("After touring the port on Thursday and meeting the harbour police on Friday morning, the minister "
      "said on Saturday that he was pleased."), D(2025, 12, 28), [(D(2025, 12, 27), "text")]),
    ("... and its first day dates a sentence with no other",
     ("After touring the port on Thursday and meeting the harbour police on Friday morning, the minister "
      "said he was pleased."), D(2025, 12, 28), [(D(2025, 12, 25), "text")]),
    ("an opening phrase without a verb yields to the main clause",
     "In contrast to Thursday, when police used tear gas, protesters were calm on Friday.", D(2026, 1, 3),
     [(D(2026, 1, 2), "text")]),
    ("... and alone still dates its sentence, across a year end", "In the early hours of Thursday, troops entered "
     "the city.", D(2026, 1, 3), [(D(2026, 1, 1), "text")]),
    ("a main clause before the first comma is no opening phrase",
     "The court ruled Wednesday, and on Thursday the lawyers appealed.", D(2026, 1, 3),
     # two clauses naming two days are dated in parts (issue 11): the second clause has its own day
     [(D(2025, 12, 31), "text"), (D(2026, 1, 1), "text")]),
    ("no opening subordinate: the first day", "The minister toured the port on Thursday and met the police on Friday.",
     D(2025, 12, 28), [(D(2025, 12, 25), "text")]),
    # --- "by" and "until" in a past clause: a limit seen from the past, the nearer day-month
    ("until in a past clause, just behind", "Rebels held the town until Dec. 3.", D(2025, 12, 5),
     [(D(2025, 12, 3), "text")]),
    ("... a future clause keeps it ahead", "Rebels will hold the town until Dec. 3.", D(2025, 12, 5),
     [(D(2026, 12, 3), "text")]),
    ("'would ... by', a day behind", "They said they would find a way around the ruling to return the boy by Jan. 14.",
     D(2000, 1, 15), [(D(2000, 1, 14), "text")]),
    ("... and ahead across a year end", "He was told to leave by Jan. 3.", D(2025, 12, 28), [(D(2026, 1, 3), "text")]),
    ("'must ... by' stays ahead", "Staff must leave by Jan. 3.", D(2026, 1, 5), [(D(2027, 1, 3), "text")]),
    # --- weekdays ahead of publication
    ("present of a planned event", "The envoy meets the rebels Tuesday.", WED_NYE, [(D(2026, 1, 6), "text")]),
    ("present verb with 'on'", "The minister travels to Oslo on Friday.", WED_NYE, [(D(2026, 1, 2), "text")]),
    ("the plural present of a planned event", "Voters go to the polls Sunday.", D(2013, 3, 1),
     [(D(2013, 3, 3), "text")]),
    ("... and of 'meet', at a year end", "The two leaders meet on Friday.", WED_NYE, [(D(2026, 1, 2), "text")]),
    ("... not after 'to'", "He went to meet them Sunday.", D(2013, 3, 1), [(D(2013, 2, 24), "text")]),
    ("... nor after a negation", "They did not meet Sunday.", D(2013, 3, 1), [(D(2013, 2, 24), "text")]),
    ("'head' is often a noun", "On Wednesday, the head of the assembly said the case was closed.", D(2013, 3, 1),
     [(D(2013, 2, 27), "text")]),
    ("would", "The court would hear the appeal Monday.", WED_NYE, [(D(2026, 1, 5), "text")]),
    ("by", "Staff must leave the site by Friday.", WED_NYE, [(D(2026, 1, 2), "text")]),
    ("until a time and a weekday", "The curfew lasts until 6 a.m. Saturday.", WED_NYE, [(D(2026, 1, 3), "text")]),
    ("ahead of a possessive weekday", "Markets steadied ahead of Thursday's auction.", WED_NYE,
     [(D(2026, 1, 1), "text")]),
    ("as soon as, with a reporting tag", "The crew could sail as soon as Sunday, the port said.", FRI,
     [(D(2025, 11, 9), "text")]),
    ("were planning to", "Farmers were planning to block the road on Monday.", FRI, [(D(2025, 11, 10), "text")]),
    ("future tense far from the weekday", ("The delegation, after a long flight over the desert, is expected "
     "to land in the capital on Sunday morning."), FRI, [(D(2025, 11, 9), "text")]),
    # --- a day that opens its clause is the day of its verb: a plan made then lies behind
    ("the simple past of a plan after an opening day", "On Friday, the government planned to pay the claims.",
     WED_NYE, [(D(2025, 12, 26), "text")]),
    ("... not its progressive", "On Friday, the government is planning to pay the claims.", WED_NYE,
     [(D(2026, 1, 2), "text")]),
    ("... nor a passive with an auxiliary", "On Friday, the talks were expected to resume.", WED_NYE,
     [(D(2026, 1, 2), "text")]),
    ("... nor a planned event after its verb", "Protesters planned a march on Friday.", WED_NYE,
     [(D(2026, 1, 2), "text")]),
    # --- ... and behind it
    ("planned, but cancelled", "A concert planned for Sunday was called off.", WED_NYE, [(D(2025, 12, 28), "text")]),
    ("past verb", "Rebels attacked the convoy on Tuesday.", WED_NYE, [(D(2025, 12, 30), "text")]),
    ("until, with a past perfect", "Until Monday, the bridge had been closed.", WED_NYE, [(D(2025, 12, 29), "text")]),
    ("'next to' is a place, not a time", "Two shops next to the station burned on Thursday.", FRI,
     [(D(2025, 11, 6), "text")]),
    # --- periods shift from publication
    ("last week", "Last week, the river flooded.", MON_Q1, [(D(2025, 3, 24), "text")]),
    ("next month, at a month end", "Next month, the bridge reopens.", MON_Q1, [(D(2025, 4, 30), "text")]),
    ("last month into a short February", "Prices rose last month.", MON_Q1, [(D(2025, 2, 28), "text")]),
    ("N months ago", "Two months ago, the mine closed.", MON_Q1, [(D(2025, 1, 31), "text")]),
    ("'the last week' is a span up to now, not last week", "He has been in Oslo for the last week.", MON_Q1,
     [(MON_Q1, "published")]),
    ("'the next month' too", "The next month will be hard.", D(2026, 1, 2), [(D(2026, 1, 2), "published")]),
    ("... while 'last week' across a year end still shifts", "He was in Oslo last week.", D(2026, 1, 2),
     [(D(2025, 12, 26), "text")]),
    ("in N days", "The plant opens in ten days.", MON_Q1, [(D(2025, 4, 10), "text")]),
    ("in N days as a span in the past", "The dam was built in ten days.", MON_Q1, [(MON_Q1, "published")]),
    ("a day and month with 'last year'", "On May 3 last year, the mine closed.", MON_Q1, [(D(2024, 5, 3), "text")]),
    ("a day and month with 'next year'", "On 3 May next year the games open.", MON_Q1, [(D(2026, 5, 3), "text")]),
    ("a day counts before it", "A jogger saw the car ten days before the murder.", FRI, [(FRI, "published")]),
    ("'the day before' a weekday", "The day before last Tuesday's hearing, the brothers met.", D(2026, 1, 1),
     [(D(2025, 12, 29), "text")]),
    ("days after a named day, across a year end", "Two days after Christmas Day, the road reopened.",
     D(2026, 1, 10), [(D(2025, 12, 27), "text")]),
    ("a week before a day and month", "A week before Jan. 14, the talks stalled.", D(2026, 1, 20),
     [(D(2026, 1, 7), "text")]),
    ("'the day before' and a day after a comma are two expressions", "They met the day before, on Monday.",
     D(2026, 1, 20), [(D(2026, 1, 19), "text")]),
    ("'the day before' an event", "They met the day before the vote.", FRI, [(FRI, "published")]),
    # --- the weekend: its Saturday, by the words and the tense, from every side of a week end
    ("over the weekend, in the past, from a Monday", "Talks broke down over the weekend.", D(2026, 1, 5),
     [(D(2026, 1, 3), "text")]),
    ("... from a Sunday: the weekend under way", "Talks broke down over the weekend.", D(2026, 1, 11),
     [(D(2026, 1, 10), "text")]),
    ("this weekend, ahead, from a Wednesday at a year end", "The talks resume this weekend.", WED_NYE,
     [(D(2026, 1, 3), "text")]),
    ("last weekend from a Saturday: the one before", "They met last weekend.", D(2026, 1, 10),
     [(D(2026, 1, 3), "text")]),
    ("next weekend from a Sunday: the one after", "They meet next weekend.", D(2026, 1, 11),
     [(D(2026, 1, 17), "text")]),
    ("'the weekend of' an event is not the weekend", "Rain fell on the weekend of the festival.", WED_NYE,
     [(WED_NYE, "published")]),
    ("a weekend without a word before it is no date", "A weekend of talks ended.", WED_NYE,
     [(WED_NYE, "published")]),
    # --- a reporting tag's day is the main clause's
    ("a tag after what it reports", "The parcel arrived over the weekend and is being tested, officials said Monday.",
     D(2026, 1, 6), [(D(2026, 1, 5), "text")]),
    ("a tag with 'on' after a day and month", "Rebels took the port on Dec. 30, the army said on Friday.",
     D(2026, 1, 3), [(D(2026, 1, 2), "text")]),
    ("no tag: the first day", "Rebels took the port on Dec. 30 and held it until Friday.", D(2026, 1, 3),
     [(D(2025, 12, 30), "text")]),
    # --- a calendar date must agree with its weekday
    ("the year whose April 25 is a Saturday", "The fair opens on Saturday, April 25.", D(2026, 1, 10),
     [(D(2026, 4, 25), "text")]),
    ("the year whose April 25 is a Friday", "The fair closed on Friday, April 25.", D(2026, 1, 10),
     [(D(2025, 4, 25), "text")]),
    # --- named days
    ("Thanksgiving before a January publication", "He was rescued on Thanksgiving Day.", D(2000, 1, 7),
     [(D(1999, 11, 25), "text")]),
    ("Christmas Day ahead", "Shops will close on Christmas Day.", D(2025, 12, 1), [(D(2025, 12, 25), "text")]),
    ("Good Friday, from the date of Easter", "Pilgrims gathered on Good Friday.", D(2025, 5, 2),
     [(D(2025, 4, 18), "text")]),
    ("last Thanksgiving", "The family last met last Thanksgiving.", D(2026, 2, 1), [(D(2025, 11, 27), "text")]),
    # --- the main clause's day beats a background or reported one
    ("a reporting verb's weekday over the date in its complement",
     "The agency announced on Thursday that the strike of 2 February had cost millions.", FRI,
     [(D(2025, 11, 6), "text")]),
    ("a date naming an event", "Investigators still study the 14 March blast, officials said on Monday.", FRI,
     [(D(2025, 11, 3), "text")]),
    ("a relative clause's day", "The man who robbed the bank on Friday was arrested on Sunday.", D(2025, 11, 11),
     [(D(2025, 11, 9), "text")]),
    ("years after a date", "Rescuers reached the village on Sunday, 12 years after the earthquake of 3 May 2013.",
     FRI, [(D(2025, 11, 2), "text")]),
    ("a background day alone still dates its sentence, but not the story",
     "On Monday, crews arrived. Since the dam burst on 9 April, the valley has been empty. Aid is slow.",
     D(2025, 5, 21), [(D(2025, 5, 19), "text"), (D(2025, 4, 9), "text"), (D(2025, 5, 19), "narrative")]),
    ("an aside opening with a participle is background", "The bid, announced Oct. 5, was rejected Tuesday.",
     D(1989, 10, 26), [(D(1989, 10, 24), "text")]),
    ("... an irregular one, at a year end", "The embassy, struck on Dec. 29, reopened on Monday.", D(2026, 1, 7),
     [(D(2026, 1, 5), "text")]),
    ("... and alone it still dates its sentence", "The plant, opened Oct. 2, employs 300.", D(1989, 10, 26),
     [(D(1989, 10, 2), "text")]),
    ("a verb between commas that is not an aside", "Rebels attacked the town, killed 20 on Monday, and fled.",
     D(1989, 10, 26), [(D(1989, 10, 23), "text")]),
    # --- moved, postponed, adjourned to a day: ahead, however past the verb
    ("moved to a day and month", "The hearing, originally set for Oct. 30, was moved to Dec. 3.", D(1989, 10, 26),
     [(D(1989, 12, 3), "text")]),
    ("adjourned to a weekday", "The trial was adjourned to Monday.", D(1989, 10, 26), [(D(1989, 10, 30), "text")]),
    ("... but adjourned on a weekday is past", "The trial was adjourned on Monday.", D(1989, 10, 26),
     [(D(1989, 10, 23), "text")]),
    ("moved to a place is no rescheduling", "The family moved to Ohio on May 3.", D(1989, 10, 26),
     [(D(1989, 5, 3), "text")]),
    # --- "today" after a capitalised word
    ("after a name", "Mayor Ortiz today opened the bridge.", FRI, [(FRI, "text")]),
    ("after a place", "In Lagos today, markets reopened.", FRI, [(FRI, "text")]),
    ("a newspaper", "Nigeria Today reported the fire.", FRI, [(FRI, "published")]),
    ("a sentence start after a name", "The envoy left Paris. Today, talks resume in Rome.", FRI,
     [(FRI, "published"), (FRI, "text")]),
    # --- a future day does not carry forward
    ("tomorrow, then background",
     "The council votes tomorrow. Residents oppose the plan. The next day, the mayor leaves.", FRI,
     [(D(2025, 11, 8), "text"), (FRI, "published"), (D(2025, 11, 9), "text")]),
    ("a weekday ahead, then background", "The envoy arrives on Monday. Roads are closed.", FRI,
     [(D(2025, 11, 10), "text"), (FRI, "published")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tense_and_clauses(text: str, published: dt.date, expected: list[tuple[dt.date, str]]) -> None:
    assert dated(text, published) == expected


# ---------------------------------------------------------------------------
# Retellings: a far day moves the story's clock only when the passage tells of it
# ---------------------------------------------------------------------------

RETELLING_CASES = [
    ("a far date in a future clause does not move the clock",
     "The bonds are due March 1, 2011. The shares fell Friday.",
     [(D(2011, 3, 1), "text"), (FRI, "text")]),
    ("a far past fact dates what follows, but 'on Tuesday' counts from publication",
     "The company was founded on 4 June 1999 by two engineers. Its shares fell on Tuesday. Analysts were surprised.",
     [(D(1999, 6, 4), "text"), (D(2025, 11, 4), "text"), (D(2025, 11, 4), "narrative")]),
    ("a scene-setting date opens a retelling that weekdays and counts follow",
     "On 12 March 2003, the siege began. On Friday, the walls fell. Two days later, the city surrendered.",
     [(D(2003, 3, 12), "text"), (D(2003, 3, 14), "text"), (D(2003, 3, 16), "text")]),
    ("a retelling's clock fades after sentences that name no retold day",
     ("On 12 March 2003, the siege began. The city was poor. Its walls were old. Its people were hungry. "
      "Rain fell on Friday."),
     [(D(2003, 3, 12), "text")] + [(D(2003, 3, 12), "narrative")] * 3 + [(FRI, "text")]),
    ("a weekday of reporting returns to the present",
     "On 12 March 2003, the siege began. On Tuesday, the minister said the archive would open.",
     [(D(2003, 3, 12), "text"), (D(2025, 11, 4), "text")]),
    ("a sentence in the present tense returns to the present",
     "On 12 March 2003, the siege began. The town is now a museum.",
     [(D(2003, 3, 12), "text"), (FRI, "published")]),
    ("a day and month near a far date continues it",
     "Rebels took the port on 30 December 1998. By January 3 they held the coast. The next day, they rested.",
     [(D(1998, 12, 30), "text"), (D(1999, 1, 3), "text"), (D(1999, 1, 4), "text")]),
    ("a far day that ends its sentence sets no scene: weekdays count from publication",
     "The blasts killed 30 people, including four guards, on 7 August 2019. Police arrested a suspect on Thursday.",
     [(D(2019, 8, 7), "text"), (D(2025, 11, 6), "text")]),
    ("... while one that opens it does",
     "On 7 August 2019, the blasts killed 30 people. Police arrested a suspect on Thursday.",
     [(D(2019, 8, 7), "text"), (D(2019, 8, 8), "text")]),
    ("a background far date leaves the story where it was",
     "On Tuesday, pickets returned. Their union has grown since it was founded on 1 May 1990. Talks stalled.",
     [(D(2025, 11, 4), "text"), (D(1990, 5, 1), "text"), (D(2025, 11, 4), "narrative")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in RETELLING_CASES], ids=[c[0] for c in RETELLING_CASES])
def test_retelling(text: str, expected: list[tuple[dt.date, str]]) -> None:
    assert dated(text, FRI) == expected


@pytest.mark.parametrize("published", [D(2025, 11, 3) + dt.timedelta(days=k) for k in range(7)])
def test_future_and_past_weekdays_from_every_weekday(published: dt.date) -> None:
    """From any publication weekday, a future Friday is within the next 7 days and a past one within the last 7."""
    ahead = date_sentences("The envoy will arrive on Friday.", published)[0].date
    behind = date_sentences("The envoy arrived on Friday.", published)[0].date
    assert ahead is not None and behind is not None
    assert ahead.weekday() == behind.weekday() == 4
    assert 0 <= (ahead - published).days < 7
    assert 0 <= (published - behind).days < 7
