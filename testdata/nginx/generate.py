# Writes the nginx logs of this folder as nginx would with main_ext.conf and
# kv_json.conf (its \xHH and escape=json escaping) and prints the answers that
# mapreduce/jobs/nginx_test.go checks. Run it here: python3 generate.py
import random, gzip, json, collections, datetime
random.seed(18)
hosts = ["203.0.113.7", "198.51.100.23", "2001:db8::5", "192.0.2.44", "10.20.30.40", "203.0.113.99"]
vhosts = ["shop.example.com", "api.example.com", "www.example.org"]
paths = ["/", "/cart", "/api/v1/items?page=2", "/static/app.js", "/login", "/search?q=caf\xc3\xa9"]
agents = ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
          'curl/8.4.0', 'Go-http-client/1.1', 'Bot "quoted" \\ agent', '']
def esc_default(v):
    out = []
    for ch in v.encode('latin-1') if isinstance(v, str) else v:
        if ch in (0x22, 0x5c) or ch < 0x20 or ch > 0x7e:
            out.append('\\x%02X' % ch)
        else:
            out.append(chr(ch))
    return ''.join(out)
def esc_json(v):
    out = []
    for ch in v.encode('latin-1'):
        c = chr(ch)
        if c in '"\\': out.append('\\' + c)
        elif ch < 0x20: out.append({'\n':'\\n','\r':'\\r','\t':'\\t','\b':'\\b','\f':'\\f'}.get(c, '\\u%04x' % ch))
        else: out.append(c)
    return ''.join(out)
t0 = datetime.datetime(2026, 11, 21, 9, 58, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
def records(n, seed):
    r = random.Random(seed)
    out = []
    for i in range(n):
        t = t0 + datetime.timedelta(seconds=7*i)
        st = r.choice([200, 200, 200, 304, 404, 499, 502])
        up = r.random()
        if st == 499: urt, ust, uad = "-", "-", "-"
        elif up < 0.2: urt, ust, uad = "0.%03d, 0.%03d" % (r.randrange(1000), r.randrange(1000)), "502, %d" % st, "10.0.0.5:8080, 10.0.0.6:8080"
        elif up < 0.3: urt, ust, uad = "0.%03d, 0.%03d : 0.%03d" % (r.randrange(1000), r.randrange(1000), r.randrange(1000)), "502, 504 : %d" % st, "10.0.0.5:8080, 10.0.0.6:8080 : unix:/run/app.sock"
        else: urt, ust, uad = "0.%03d" % r.randrange(1000), str(st), "10.0.0.5:8080"
        out.append(dict(host=r.choice(hosts), vhost=r.choice(vhosts), t=t, req="%s %s HTTP/1.1" % (r.choice(["GET","GET","POST"]), r.choice(paths)),
            st=st, b=0 if st in (304, 499) else r.randrange(100, 90000), rt="%d.%03d" % (r.randrange(3), r.randrange(1000)),
            ref=r.choice(["-", "https://shop.example.com/", ""]), ua=r.choice(agents), xff=r.choice(["-", "10.1.2.3", "10.1.2.3, 172.16.0.1"]),
            urt=urt, ust=ust, uad=uad, user=r.choice(["-", "-", "alice"])))
    return out
def main_ext(rec):
    ref = rec['ref']
    return ('%s - %s [%s] "%s" %d %d "%s" "%s" "%s" %s rt=%s urt=%s us=%s ua=%s' % (rec['host'], rec['user'], rec['t'].strftime('%d/%b/%Y:%H:%M:%S %z'),
        esc_default(rec['req']), rec['st'], rec['b'], esc_default(ref), esc_default(rec['ua']) if rec['ua'] else '-', rec['xff'], rec['vhost'], rec['rt'], rec['urt'], rec['ust'], rec['uad']))
def kv(rec):
    return ('ts=%s ip=%s host=%s req="%s" st=%d b=%d rt=%s ref="%s" ua="%s"' % (rec['t'].isoformat(), rec['host'], rec['vhost'], esc_json(rec['req']), rec['st'], rec['b'], rec['rt'],
        '' if rec['ref'] == '-' else esc_json(rec['ref']), esc_json(rec['ua'])))
a = records(60, 1); b = records(40, 2); c = records(50, 3)
open('access.log', 'w', encoding='latin-1').write(''.join(main_ext(x) + '\n' for x in a))
with gzip.open('access.log.1.gz', 'wt', encoding='latin-1') as f: f.write(''.join(main_ext(x) + '\n' for x in b))
open('kv_json.log', 'w', encoding='latin-1').write(''.join(kv(x) + '\n' for x in c))
def answers(name, recs):
    print(name, 'hosts', sorted(set(x['host'] for x in recs)))
    byv = collections.Counter(); byb = collections.Counter()
    for x in recs: byv[x['vhost']] += 1; byb[x['vhost']] += x['b']
    print(name, 'vhost', sorted(((v, byv[v], byb[v]) for v in byv)))
    bys = collections.Counter(x['st'] for x in recs)
    print(name, 'status', sorted(bys.items()))
    print(name, 'ua', collections.Counter(x['ua'] for x in recs).most_common())
answers('main_ext', a + b)
answers('kv', c)
