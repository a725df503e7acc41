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

# The language switcher's label, for screen readers.
page-language = Language
page-try-again-title = Try again
page-try-again = The relay could not do this right now. Please try again in a minute.
page-save-failed = The relay could not save this right now. Please try again in a minute.
page-link-not-valid = Link not valid
# The join page.
page-join-gone = This join link does not work (any more). Ask the group's organizer for the current one.
page-join-title = Join { $route }
# { $events } is a list of the page-event-* names below.
page-join-events = Get a message when: { $events }.
page-event-created = Meeting scheduled
page-event-started = Meeting started
page-event-ended = Meeting ended
page-event-updated = Meeting changed
page-event-deleted = Meeting cancelled
# Between the events of page-join-events (a quoted string keeps its spaces).
page-list-separator = { ", " }
page-join-filter-topic = Only meetings whose title contains “{ $text }”.
page-join-filter-some = Only some of the community's meetings.
page-join-telegram = On Telegram
page-join-telegram-button = Open Telegram and press Start
page-join-email = By email
page-join-email-label = Your email address
page-join-email-button = Send me a confirmation email
page-join-email-note = We send you one email first. Nothing else arrives until you press Confirm in it. Every alert has a link to pause or stop them.
page-join-closed = Joining is not open yet here. Ask the group's organizer.
page-email-missing = Please type your email address in the box.
page-email-empty = Please type your email address.
page-email-too-long = That address is too long to be an email address.
page-email-not-plain = Please type one plain address, like name@example.org.
page-email-spaces = An email address has no spaces or line breaks.
page-email-no-at = That doesn't look like an email address (it has no @).
page-email-invalid = That doesn't look like an email address.
page-email-no-mail = This community's relay does not send email.
page-wait-title = Please wait a little
page-wait = Many sign-ups came from your network just now. Please try again in ten minutes.
page-check-title = Check your inbox
page-check = If { $address } can get alerts from { $route }, an email is on its way to it. Open it and press Confirm within 48 hours.
page-check-spam = Nothing arrived after a few minutes? Look in the spam folder. You can ask again tomorrow.
# The confirmation link's page.
page-confirm-bad = This confirmation link does not work. Links work for 48 hours: ask again from the group's join page.
page-confirm-title = Confirm your alerts
page-confirm-question = Send alerts from { $route } to { $address }?
page-confirm-button = Confirm
page-confirmed-title = You're in
page-confirmed = { $address } now gets alerts from { $route }.
# Followed by a link whose text is page-confirmed-manage-link.
page-confirmed-manage = Every alert has a link to pause or stop them. You can also use this page:
page-confirmed-manage-link = your alerts
page-route-gone-title = Group not found
page-route-gone = This group's alerts were removed by its organizer, so there is nothing to confirm.
# The member's page (pause, resume, leave). { $date } is a day such as time-date.
page-manage-bad = This link does not work. Use the link at the bottom of a recent alert.
page-manage-title = Your alerts
page-manage-active = { $address } gets alerts from { $route }.
page-manage-paused = Alerts from { $route } to { $address } are paused until { $date }.
page-manage-pending = { $address } is not confirmed for { $route } yet: press Confirm in the email we sent.
page-manage-none = { $address } gets no alerts from { $route }. To join again, use the group's join page.
page-pause-week = Pause for a week
page-pause-month = Pause for a month
page-resume = Resume now
page-stop = Stop these alerts
page-manage-use-buttons = Please use one of the buttons on the page.
page-done-stopped = Done: no more alerts.
page-done-resumed = Alerts are on again.
page-done-paused = Paused until { $date }.
page-done-nothing = Nothing to change.
# The one-click unsubscribe link's page.
page-unsubscribe-bad = This unsubscribe link is not valid. Use the link from a recent alert.
page-unsubscribe-title = Unsubscribe
page-unsubscribe-question = Stop sending alerts of { $route } to { $address }?
page-unsubscribe-button = Unsubscribe
page-unsubscribed-title = Unsubscribed
page-unsubscribed = { $address } gets no more alerts of { $route }.
# The confirmation email (subject, text and HTML).
mail-confirm-subject = Please confirm: alerts from { $route }
mail-confirm-why-member = Someone (we hope you) asked to get alerts from “{ $route }”.
mail-confirm-why-organizer = An organizer of “{ $route }” added this address to its meeting alerts.
mail-confirm-open = To start getting them, open this link and press Confirm (it works for 48 hours):
mail-confirm-button = Confirm and start getting alerts
mail-confirm-expires = The link works for 48 hours.
mail-confirm-ignore = If you did not ask for this, ignore this email: you will get nothing more from us.
# The footer added to every alert email, in the member's language.
mail-footer-manage = Pause or stop these alerts
