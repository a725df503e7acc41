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
# The command menu (setMyCommands): plain text, at most 256 characters each.
bot-cmd-start = Subscribe with a code, or see what I do
bot-cmd-subscribe = Subscribe with a code from your organizer
bot-cmd-list = Your subscriptions
bot-cmd-mute = Pause alerts for a while: /mute 2h, /mute off
bot-cmd-unsubscribe = Stop alerts: all, or /unsubscribe ROUTE
bot-cmd-language = Choose my language: /language es
bot-cmd-help = What I can do
bot-cmd-link = Admins: post a route's alerts here (/link CODE)
bot-cmd-unlink = Admins: stop posting alerts here
bot-cmd-status = Which routes post here
# Help and welcome. Command names (/list, /mute) stay as they are; CODE and ROUTE may be translated.
bot-help-private =
    <b>Commands</b>
    /subscribe CODE – get a route's alerts here
    /list – your subscriptions
    /mute 2h – pause alerts for a while (30m, 2h, 1d, ...); /mute off – resume
    /unsubscribe – stop all alerts; /unsubscribe ROUTE – stop one
    /language – choose my language
    /help – this list
bot-help-organizers = Organizers: /routes, /test ROUTE, /pause ROUTE, /resume ROUTE, /notices, /leave
bot-help-group =
    <b>Commands in a group</b>
    /link CODE – admins: post a route's alerts in this chat or topic
    /unlink – admins: stop posting alerts here (or /unlink ROUTE)
    /status – which routes post here
    /language – choose the language I answer you in
bot-help-group-private = For personal alerts, message me privately.
bot-welcome-hello = Hi! I post alerts when Zoom meetings start.
bot-welcome-how = To get them here, open the link your organizer shared, or send <code>/subscribe CODE</code> with the code they gave you.
bot-subscribe-how = Send <code>/subscribe CODE</code> with the code your organizer gave you, or open the link they shared.
# { $bot } is the bot's @username.
bot-private-only = Personal alerts are managed in a private chat: open { $bot } and send /start.
bot-private-only-unnamed = Personal alerts are managed in a private chat: message me privately and send /start.
bot-group-only = That works in a group: add me to the group (or forum topic) and send it there.
bot-unknown-command = I don't know /{ $command }.
# Codes. { $bot } is a bot's username without the @; { $command } is /start or /link.
bot-wrong-bot-own = This community now has its own bot, @{ $bot }. Open https://t.me/{ $bot } and send <code>{ $command } CODE</code> there (for a group, add @{ $bot } to it first). The code was not used.
bot-wrong-bot-other = This code belongs to another community's bot. The code was not used.
bot-code-unknown = I don't recognise that code. Check it for typos, or ask your organizer for a new one. Nothing was changed.
bot-code-expired = That code has expired. Ask your organizer for a new one. Nothing was changed.
bot-code-used = That code was already used; each link or organizer code works once. Ask your organizer for a new one. Nothing was changed.
bot-code-revoked = That code was withdrawn by the organizer. Ask them for a current one. Nothing was changed.
bot-code-is-link = That is a group link code: add me to the group (or forum topic) and send <code>/link CODE</code> there.
bot-code-is-subscribe = That is a subscribe code: send it to me in a private chat to get alerts personally.
bot-code-is-organizer = That is an organizer code: send it to me in a private chat.
bot-route-gone = The route this code belongs to no longer exists. Ask your organizer for a new code. Nothing was changed.
# A refusal from the relay. { $detail } is the relay's own explanation, in English.
bot-refused-not-found = I couldn't find that, so nothing was changed. (<i>{ $detail }</i>)
bot-refused-conflict = Something changed at the same moment, so nothing was changed; please try again. (<i>{ $detail }</i>)
bot-refused-invalid = That can't be done, so nothing was changed. (<i>{ $detail }</i>)
# Members in a private chat.
bot-organizer-welcome =
    You are now an organizer of this Zoom account. New notices (a removed bot, a failing webhook) will come here.

    /routes – the account's routes
    /test ROUTE – a sample alert in this chat
    /pause ROUTE, /resume ROUTE
    /notices – recent problems
    /leave – stop being an organizer
bot-already-subscribed = You are already subscribed to <b>{ $route }</b>. /list shows your subscriptions.
bot-subscribed =
    Subscribed to <b>{ $route }</b>. You'll get its alerts here.

    /mute 2h pauses them, /unsubscribe stops them.
bot-no-subscriptions = You have no subscriptions. Send <code>/subscribe CODE</code> with a code from your organizer.
bot-list-title = <b>Your subscriptions</b>
bot-list-paused = (paused by the organizer)
# { $time } is a date and time in UTC.
bot-list-muted = Muted until { $time }. /mute off resumes alerts.
bot-not-subscribed-to = You are not subscribed to a route named <b>{ $route }</b>. /list shows your subscriptions.
bot-nothing-to-unsubscribe = You have no subscriptions.
# { $routes } is one or more route names; { $count } how many.
bot-unsubscribed = { $count ->
    [one] Unsubscribed from { $routes }. You won't get its alerts any more.
   *[other] Unsubscribed from { $routes }. You won't get their alerts any more.
}
bot-unmute-not-muted = Alerts were not muted.
bot-unmuted = Alerts are back on.
bot-mute-how = How long? For example <code>/mute 2h</code>, <code>/mute 30m</code> or <code>/mute 1d</code>. <code>/mute off</code> resumes alerts.
# { $input } is what the member typed; { $max } the longest mute, such as "90 d".
bot-mute-bad = I can't read <code>{ $input }</code> as a duration. Use a number with a unit, such as 30m, 2h, 1h30m or 3d (at most { $max }).
bot-mute-nothing = You have no subscriptions to mute.
bot-muted = Muted for { $duration }, until { $time }. /mute off resumes alerts sooner.
# Units of a duration such as "1 h 30 min".
bot-unit-days = { $count } d
bot-unit-hours = { $count } h
bot-unit-minutes = { $count } min
bot-unit-seconds = { $count } s
# Language choice. { $name } is a language's own name ("Español"), { $input } what was typed.
bot-language-title = <b>Languages</b>
bot-language-chosen = I speak { $name } with you, as you chose.
bot-language-telegram = I speak { $name } with you, following your Telegram app's language.
bot-language-how = Send <code>/language CODE</code> to switch, for example <code>/language es</code>, or <code>/language auto</code> to follow your Telegram app's language again.
bot-language-set = From now on I speak { $name } with you. <code>/language auto</code> follows your Telegram app's language again.
bot-language-auto = I follow your Telegram app's language again: { $name }.
bot-language-unknown = I don't speak <code>{ $input }</code>.
# Groups. { $place } is "topic" in a forum topic, else "chat".
bot-admin-check-failed = I couldn't check your admin rights with Telegram just now. Please try again in a minute.
bot-admins-only = Only an administrator of this group can do that.
bot-link-how = Send <code>/link CODE</code> with the link code from your organizer (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] Linked: <b>{ $route }</b> now posts its alerts in this topic. /unlink stops it.
   *[chat] Linked: <b>{ $route }</b> now posts its alerts in this chat. /unlink stops it.
}
bot-already-posts = { $place ->
    [topic] <b>{ $route }</b> already posts in this topic. The code was not used.
   *[chat] <b>{ $route }</b> already posts in this chat. The code was not used.
}
bot-other-community = This chat is linked to another community, so I can't post this route's alerts here. An administrator of this group can send /unlink first to free it. The code was not used.
bot-nothing-posts = { $place ->
    [topic] No route posts in this topic.
   *[chat] No route posts in this chat.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] Unlinked: { $routes } no longer posts in this topic.
       *[other] Unlinked: { $routes } no longer post in this topic.
    }
   *[chat] { $count ->
        [one] Unlinked: { $routes } no longer posts in this chat.
       *[other] Unlinked: { $routes } no longer post in this chat.
    }
}
bot-status-none = { $place ->
    [topic] No route posts in this topic. An administrator can send <code>/link CODE</code> to add one.
   *[chat] No route posts in this chat. An administrator can send <code>/link CODE</code> to add one.
}
bot-status-title = { $place ->
    [topic] <b>Routes posting in this topic</b>
   *[chat] <b>Routes posting in this chat</b>
}
bot-paused = (paused)
# Organizers.
bot-organizers-only = Sorry, that command is for organizers. An organizer code from the relay's operator (<code>zoom-relay codes create --kind organizer</code>) makes you one.
bot-name-the-route = Name the route, for example <code>/pause Weekly sync</code>. /routes lists them.
bot-no-such-route = No route named <b>{ $route }</b> in your accounts. /routes lists them.
bot-route-ambiguous = Several of your accounts have a route named <b>{ $route }</b>; rename one with the CLI.
bot-no-routes = Your accounts have no routes yet.
bot-routes-title = <b>Routes</b>
bot-destinations = { $count ->
    [one] { $count } destination
   *[other] { $count } destinations
}
bot-already-running = <b>{ $route }</b> is already running.
bot-already-paused = <b>{ $route }</b> is already paused.
bot-resumed = <b>{ $route }</b> is running again.
bot-paused-now = <b>{ $route }</b> is paused: no alerts until /resume.
bot-no-notices = No notices: nothing needs your attention.
bot-notices-title = <b>Recent notices</b>
bot-left = { $count ->
    [one] You are no longer an organizer ({ $count } account): no more notices here, and the organizer commands are off. An organizer code makes you one again.
   *[other] You are no longer an organizer ({ $count } accounts): no more notices here, and the organizer commands are off. An organizer code makes you one again.
}
# { $event } is an event name such as meeting.started.
bot-test-failed = The sample { $event } message of <b>{ $route }</b> could not be rendered; check its templates with <code>zoom-relay templates preview</code>.
# A notice pushed to organizers; the notice's own text follows on the next line.
bot-notice = ⚠️ <b>Notice</b>:
bot-notice-route = ⚠️ <b>Notice</b>, route <b>{ $route }</b>:


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
