# Independent expansion of one recurrence with Debian's python3-dateutil alone (rrulestr):
# argv: zone, DTSTART (local, YYYYMMDDTHHMMSS), from, to (ISO); stdin: RRULE/EXDATE lines.
# Prints the occurrence starts in UTC as a JSON list. (recurring_ical_events misreads some
# rules, e.g. BYDAY=20MO: this is the second opinion.)
import sys, json, datetime
from zoneinfo import ZoneInfo
from dateutil.rrule import rrulestr
zone = ZoneInfo(sys.argv[1])
start = datetime.datetime.strptime(sys.argv[2], '%Y%m%dT%H%M%S')
lo = datetime.datetime.fromisoformat(sys.argv[3].replace('Z', '+00:00'))
hi = datetime.datetime.fromisoformat(sys.argv[4].replace('Z', '+00:00'))
import re
def local_until(m):
    u = datetime.datetime.strptime(m.group(1), '%Y%m%dT%H%M%S').replace(tzinfo=datetime.timezone.utc)
    return 'UNTIL=' + u.astimezone(zone).strftime('%Y%m%dT%H%M%S')
lines = [l.split(':', 1)[1] if l.startswith('EXDATE') else l for l in sys.stdin.read().split()]
lines = [re.sub(r'UNTIL=(\d{8}T\d{6})Z', local_until, l) for l in lines]
text = '\n'.join(('EXDATE:' + l) if not l.startswith('RRULE') else l for l in lines)
rules = rrulestr(text, dtstart=start, forceset=True, ignoretz=True)
# RFC 5545: DTSTART is always the first occurrence (dateutil's set only has the rule's).
rules.rdate(start)
out = []
for d in rules.between(lo.astimezone(zone).replace(tzinfo=None) - datetime.timedelta(days=2),
                       hi.astimezone(zone).replace(tzinfo=None), inc=True):
    u = d.replace(tzinfo=zone).astimezone(datetime.timezone.utc)
    if lo <= u < hi:
        out.append(u.isoformat())
print(json.dumps(out))
