# Independent reader of /agenda.ics: Debian's python3-icalendar + recurring_ical_events.
# stdin: the calendar; argv: from, to (ISO). Prints the expanded occurrences as JSON.
import sys, json, datetime
import icalendar, recurring_ical_events
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
start = datetime.datetime.fromisoformat(sys.argv[1])
end = datetime.datetime.fromisoformat(sys.argv[2])
out = []
tzids = sorted({str(c.get('TZID')) for c in cal.walk('VTIMEZONE')})
for ev in recurring_ical_events.of(cal).between(start, end):
    s = ev.get('DTSTART').dt
    all_day = not isinstance(s, datetime.datetime)
    out.append({
        'uid': str(ev.get('UID')),
        'title': str(ev.get('SUMMARY')),
        'start': s.isoformat() if all_day else s.astimezone(datetime.timezone.utc).isoformat(),
        'all_day': all_day,
        'status': str(ev.get('STATUS', 'CONFIRMED')),
    })
print(json.dumps({'name': str(cal.get('X-WR-CALNAME')), 'tzids': tzids, 'events': out}))
