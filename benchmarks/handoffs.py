"""Report of benchmarks/handoffs.sh: unannotated hand-offs matched with the scheduler trace.

    python3 benchmarks/handoffs.py OUT_DIR MONITOR_TID

Inputs in OUT_DIR: events.json (JFR dev.activations.ActivationBlocked: the event thread is the new
holder, blockedActivation the carrier that blocked, both with OS thread ids), sched.txt (perf sched
timehist --state: one line per switch-out, with the task's wait, scheduling delay and run time),
offset.txt (CLOCK_REALTIME - CLOCK_MONOTONIC when the trace began).

For each unbracketed hand-off inside the trace: when its carrier last went to sleep (its last
switch-out in state S or D before the event), the time from then to the new holder's upcall,
the monitor's runs in between, and what each CPU ran. A slow hand-off (over 0.8 ms) is put in one
of three classes: the monitor was runnable but waited for a CPU (a run with a scheduling delay over
0.5 ms), the monitor slept through it (no run for 0.5 ms after the block, no such delay: its timer
fired late, as on a halted vCPU), or the monitor ran on time (then the decision came late, or the
new holder was slow to run: the trace does not say which).
"""
import collections
import datetime
import json
import re
import sys

SLOW = 0.0008
LONG_WAIT = 0.0005


def pct(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def summary(values, scale=1e6):
    v = sorted(x * scale for x in values)
    if not v:
        return 'n 0'
    return 'n %d p50 %.0f p90 %.0f p99 %.0f max %.0f' % (len(v), pct(v, .5), pct(v, .9), pct(v, .99), v[-1])


def main(out, monitor):
    offset = float(open(out + '/offset.txt').read().split()[0])
    events = []
    for e in json.load(open(out + '/events.json'))['recording']['events']:
        v = e['values']
        if v['bracketed']:
            continue
        t = datetime.datetime.fromisoformat(v['startTime'].replace('Z', '+00:00')).timestamp() - offset
        events.append((t, v['eventThread']['osThreadId'], v['blockedActivation']['osThreadId']))
    # time cpu task wait sch-delay run state
    rows = []
    for line in open(out + '/sched.txt'):
        p = line.split()
        if len(p) < 7 or not re.match(r'^\d+\.\d+$', p[0]):
            continue
        m = re.search(r'\[(\d+)(/\d+)?\]$', p[2])
        try:
            rows.append((float(p[0]), int(p[1].strip('[]')), re.sub(r'\[.*', '', p[2]),
                         int(m.group(1)) if m else -1, float(p[4]) / 1e3, float(p[5]) / 1e3, p[6]))
        except ValueError:
            pass
    if not rows:
        sys.exit('handoffs.py: no scheduler trace in %s/sched.txt' % out)
    begin, end = rows[0][0] + 0.01, rows[-1][0]
    by_tid = collections.defaultdict(list)
    by_cpu = collections.defaultdict(list)
    for r in rows:
        by_tid[r[3]].append(r)
        by_cpu[r[1]].append(r)
    mon = by_tid[monitor]
    found = []
    for t, holder, blocked in events:
        if not begin < t < end:
            continue
        sleeps = [r for r in by_tid[blocked] if r[0] <= t + 1e-5 and r[6] in ('S', 'D')]
        if not sleeps:
            continue
        since, cpu = sleeps[-1][0], sleeps[-1][1]
        runs = [r for r in mon if r[0] > since and r[0] - r[5] < t]
        found.append((t - since, since, t, cpu, runs))
    print('%d unbracketed hand-offs in the %.1f s trace' % (len(found), end - begin))
    print('carrier asleep -> new holder upcall, us:', summary([f[0] for f in found]))
    for cpu in sorted({f[3] for f in found}):
        print('  blocked on cpu%d:' % cpu, summary([f[0] for f in found if f[3] == cpu]))
    starts = [r[0] - r[5] for r in mon]
    print('monitor, gaps between runs, us:', summary([b - a for a, b in zip(starts, starts[1:])]))
    print('monitor, scheduling delay, us: ', summary([r[4] for r in mon]))
    slow = sorted((f for f in found if f[0] > SLOW), key=lambda f: -f[0])
    classes = collections.Counter()
    lines = []
    for d, since, t, cpu, runs in slow:
        waited = any(r[4] > LONG_WAIT for r in runs)
        first = min((r[0] - r[5] - r[4] for r in runs), default=t)  # when the first run was woken
        slept = not waited and first - since > LONG_WAIT
        classes['monitor runnable, waiting for a CPU' if waited else
                'monitor asleep (timer late)' if slept else 'monitor on time (late decision or slow transit)'] += 1
        if len(lines) < 12:
            busy = []
            for c in sorted(by_cpu):
                occ = collections.Counter()
                for r in by_cpu[c]:
                    s = r[0] - r[5]
                    if r[0] >= since and s <= t:
                        occ[r[2]] += (min(r[0], t) - max(s, since)) * 1e6
                busy.append('cpu%d%s %s' % (c, '(blocked)' if c == cpu else '',
                                            {k: int(v) for k, v in occ.most_common(3)}))
            lines.append('%6.0f us  monitor runs (start us, cpu, sched delay us): %s\n          %s' % (
                d * 1e6, ' '.join('%+d/c%d/%d' % ((r[0] - r[5] - since) * 1e6, r[1], r[4] * 1e6) for r in runs[:8]),
                ' | '.join(busy)))
    print('%d slow (> %.1f ms): %s' % (len(slow), SLOW * 1e3, dict(classes)))
    print('\n'.join(lines))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]))
