# zoom-relay: فهرس الرسائل بالعربية. المعرّفات والمتغيرات كما في en.ftl.

## Language facts (not shown as sentences)

meta-name = العربية
meta-direction = rtl
meta-locale-data = ar_EG

## Dates and times

time-date = %A، %-d %B
time-date-short = %a %-d %b
time-date-time = { $date } الساعة { $time }
relative-now = الآن
relative-minutes-future = { $count ->
    [zero] خلال { $count } دقيقة
    [one] خلال دقيقة واحدة
    [two] خلال دقيقتين
    [few] خلال { $count } دقائق
    [many] خلال { $count } دقيقة
   *[other] خلال { $count } دقيقة
}
relative-minutes-past = { $count ->
    [zero] قبل { $count } دقيقة
    [one] قبل دقيقة واحدة
    [two] قبل دقيقتين
    [few] قبل { $count } دقائق
    [many] قبل { $count } دقيقة
   *[other] قبل { $count } دقيقة
}
relative-hours-future = { $count ->
    [zero] خلال { $count } ساعة
    [one] خلال ساعة واحدة
    [two] خلال ساعتين
    [few] خلال { $count } ساعات
    [many] خلال { $count } ساعة
   *[other] خلال { $count } ساعة
}
relative-hours-past = { $count ->
    [zero] قبل { $count } ساعة
    [one] قبل ساعة واحدة
    [two] قبل ساعتين
    [few] قبل { $count } ساعات
    [many] قبل { $count } ساعة
   *[other] قبل { $count } ساعة
}
relative-days-future = { $count ->
    [zero] خلال { $count } يوم
    [one] خلال يوم واحد
    [two] خلال يومين
    [few] خلال { $count } أيام
    [many] خلال { $count } يومًا
   *[other] خلال { $count } يوم
}
relative-days-past = { $count ->
    [zero] قبل { $count } يوم
    [one] قبل يوم واحد
    [two] قبل يومين
    [few] قبل { $count } أيام
    [many] قبل { $count } يومًا
   *[other] قبل { $count } يوم
}
duration-minutes = { $minutes } دقيقة
duration-hours = { $hours } ساعة
duration-hours-minutes = { $hours } ساعة و{ $minutes } دقيقة
duration-under-a-minute = أقل من دقيقة

## Alerts: the default templates of every event and channel

alert-untitled = اجتماع بلا عنوان
alert-meeting-number = الاجتماع { $id }
alert-created-headline = اجتماع جديد:
alert-created-subject = اجتماع جديد: { $topic }
alert-started-headline = بدأ الاجتماع:
alert-started-subject = يبدأ الآن: { $topic }
alert-ended-headline = انتهى الاجتماع:
alert-ended-subject = انتهى: { $topic }
alert-updated-headline = تغيّر الاجتماع:
alert-updated-subject = تغيّر: { $topic }
alert-deleted-headline = أُلغي الاجتماع:
alert-deleted-subject = أُلغي: { $topic }
alert-when = الموعد:
alert-started-at = بدأ:
alert-ended-at = انتهى:
alert-lasted = استمر:
alert-length = المدة:
alert-was = (سابقًا: { $old })
alert-renamed = الاسم السابق:
alert-was-scheduled = كان مقررًا في { $time }.
alert-join = الانضمام إلى الاجتماع
alert-join-label = الانضمام:
alert-passcode = رمز الدخول:
alert-sent-for = أرسله zoom-relay لـ «{ $route }».
alert-unsubscribe = إلغاء الاشتراك
alert-unsubscribe-label = إلغاء الاشتراك:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)
