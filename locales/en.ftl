# zoom-relay message catalogue: English, the reference language.
#
# Every other catalogue has exactly the same message ids, and uses only the variables that the
# English message uses (`cargo test i18n` checks both). Adding a language means copying this file
# to `locales/LANG.ftl` (LANG as in BCP 47: `it`, `pt`, `zh-Hant`) and translating it; nothing else
# needs to change. docs/languages.md explains the sections below.

## Language facts (not shown as sentences)

# The language's own name, for language pickers.
meta-name = English
# Writing direction: ltr or rtl.
meta-direction = ltr
# The locale whose data names days and months and picks the 12- or 24-hour clock when a route's
# locale has no region (a route set to `en-GB` uses en_GB's data instead).
meta-locale-data = en_US

## Dates and times
# Date patterns use strftime codes (%A weekday, %B month, %-d day of the month); the names come out
# in this language.

time-date = %A, %B %-d
time-date-short = %a %b %-d
# A date and a time together: { $date } is time-date, { $time } the clock time with its zone.
time-date-time = { $date } at { $time }
relative-now = just now
relative-minutes-future = { $count ->
    [one] in { $count } minute
   *[other] in { $count } minutes
}
relative-minutes-past = { $count ->
    [one] { $count } minute ago
   *[other] { $count } minutes ago
}
relative-hours-future = { $count ->
    [one] in { $count } hour
   *[other] in { $count } hours
}
relative-hours-past = { $count ->
    [one] { $count } hour ago
   *[other] { $count } hours ago
}
relative-days-future = { $count ->
    [one] in { $count } day
   *[other] in { $count } days
}
relative-days-past = { $count ->
    [one] { $count } day ago
   *[other] { $count } days ago
}
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-under-a-minute = less than a minute

## Alerts: the default templates of every event and channel

alert-untitled = Untitled meeting
alert-meeting-number = Meeting { $id }
alert-created-headline = New meeting:
alert-created-subject = New meeting: { $topic }
alert-started-headline = Meeting started:
alert-started-subject = Started now: { $topic }
alert-ended-headline = Meeting ended:
alert-ended-subject = Ended: { $topic }
alert-updated-headline = Meeting changed:
alert-updated-subject = Changed: { $topic }
alert-deleted-headline = Meeting cancelled:
alert-deleted-subject = Cancelled: { $topic }
alert-when = When:
alert-started-at = Started:
alert-ended-at = Ended:
alert-lasted = Lasted:
alert-length = Length:
alert-was = (was { $old })
alert-renamed = Renamed from:
alert-was-scheduled = It was scheduled for { $time }.
alert-join = Join the meeting
alert-join-label = Join:
alert-passcode = Passcode:
alert-sent-for = Sent by zoom-relay for “{ $route }”.
alert-unsubscribe = Unsubscribe
alert-unsubscribe-label = Unsubscribe:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)
