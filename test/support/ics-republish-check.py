# What a calendar app would find in a republished calendar, read by Debian's python3-icalendar:
# for each VEVENT, its property names, parameters, URL values and DESCRIPTION text, as JSON.
import sys, json
import icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for ev in cal.walk('VEVENT'):
    props = {}
    for name, value in ev.property_items(recursive=False):
        if name in ('BEGIN', 'END'):
            continue
        params = sorted(getattr(value, 'params', {}).keys())
        props.setdefault(name, []).append({'value': value.to_ical().decode('utf-8'), 'params': params})
    out.append({
        'uid': str(ev.get('UID')),
        'summary': str(ev.get('SUMMARY')),
        'props': props,
        'subcomponents': [c.name for c in ev.subcomponents],
    })
print(json.dumps(out))
