import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/proxy/keywords';
import '../../../src/log/register';
import { parseString } from '../../../src/config/parser';
import { validateConfig } from '../../../src/config/validate';
import { formatDiagnostic, type Diagnostics } from '../../../src/config/diagnostics';
import { effectiveFormat, proxyLogConfig } from '../../../src/log/keywords';
import { HTTPLOG_FORMAT, TCPLOG_FORMAT, CLF_HTTPLOG_FORMAT } from '../../../src/log/format';
import { proxyTargets, parseTargetAddress } from '../../../src/log/targets';

const lines = (d: Diagnostics): string[] => d.items.map((i) => formatDiagnostic(i, 1));

/** Parses + validates; returns config and the diagnostic lines mentioning logging. */
function load(text: string): { config: ReturnType<typeof parseString>['config']; out: string[] } {
  const r = parseString(text, 'c.cfg');
  validateConfig(r.config, r.diagnostics);
  return { config: r.config, out: lines(r.diagnostics) };
}

const FE = (body: string, mode = 'http'): string => `global\n  log 127.0.0.1 local0\ndefaults\n  mode ${mode}\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend f\n  bind 127.0.0.1:46590\n  ${body}\n`;

test('log lines: bad facility, level, minlevel, len, format, arguments (HAProxy 2.6.12 wording)', () => {
  const cases: [string, string][] = [
    ['log 127.0.0.1 foo', "parsing [c.cfg:10] : log : unknown log facility 'foo'"],
    ['log 127.0.0.1 local0 bar', "parsing [c.cfg:10] : log : unknown optional log level 'bar'"],
    ['log 127.0.0.1 local0 info baz', "parsing [c.cfg:10] : log : unknown optional minimum log level 'baz'"],
    ['log 127.0.0.1 len 10 local0', "parsing [c.cfg:10] : log : invalid log length '10', must be between 80 and 65535"],
    ['log 127.0.0.1 format xyz local0', "parsing [c.cfg:10] : log : unknown log format 'xyz'"],
    ['log 127.0.0.1', 'parsing [c.cfg:10] : log : expects <address> and <facility> or global as arguments'],
    ['log', 'parsing [c.cfg:10] : log : expects <address> and <facility> or global as arguments'],
    ['log 127.0.0.1:99999 local0', "parsing [c.cfg:10] : log : invalid port '99999'"],
    ['log 127.0.0.1 local0 info info extra', "parsing [c.cfg:10] : log : cannot handle unexpected argument 'extra'"],
    ['log 127.0.0.1 sample 3:2 local0', 'parsing [c.cfg:10] : log : sample size 2 should be greater or equal to 3 the maximum of the high ranges limits'],
    ['log 127.0.0.1 sample 0:2 local0', "parsing [c.cfg:10] : log : wrong sample range '0'"],
    ['log 127.0.0.1 sample 1,,2:3 local0', "parsing [c.cfg:10] : log : wrong sample range ',2'"],
    ['log 127.0.0.1 sample 1:a local0', "parsing [c.cfg:10] : log : wrong sample size 'a' for sample range '1'"],
    ['log 127.0.0.1 sample :3 local0', 'parsing [c.cfg:10] : log : no sampling ranges given'],
    ['log 127.0.0.1 sample 1-3,2:5 local0', 'parsing [c.cfg:10] : log : ranges are overlapping'],
    ['log 127.0.0.1 sample', 'parsing [c.cfg:10] : log : Missing sample size'],
    // Options are read in the order len, format, sample only.
    ['log 127.0.0.1 format rfc5424 len 100 local0', "parsing [c.cfg:10] : log : unknown log facility 'len'"],
    ['log 127.0.0.1 sample 1:3 format raw local0', "parsing [c.cfg:10] : log : unknown log facility 'format'"],
    ['log 10.0.0.1:514-520 local0', "parsing [c.cfg:10] : log : port range not permitted here in '10.0.0.1:514-520'"],
    ['log 127.0.0.1:+1 local0', "parsing [c.cfg:10] : log : port offset not permitted here in '127.0.0.1:+1'"],
    ['log-tag a b', "parsing [c.cfg:10] : 'log-tag' cannot handle unexpected argument 'b'."],
    ['log fd@x local0', "parsing [c.cfg:10] : log : file descriptor 'x' is not a valid integer in 'fd@x'"],
    ['log global foo', "parsing [c.cfg:10] : log : unknown log facility 'foo'"],
    ['no log foo', "parsing [c.cfg:10] : log : 'no log' does not expect arguments"],
    ['log-tag', "parsing [c.cfg:10] : 'log-tag' expects a tag for use in syslog."],
    ['log-format', 'parsing [c.cfg:10] : log-format expects an argument.'],
    ['log-format ""', 'parsing [c.cfg:10] : log-format expects an argument.'],
    ['log-format %ci %', "parsing [c.cfg:10] : log-format expects only one argument, don't forget to escape spaces!"],
    ['log-format-sd', 'parsing [c.cfg:10] : log-format-sd expects an argument.'],
    ['error-log-format', 'parsing [c.cfg:10] : error-log-format expects an argument.'],
    ['option httplog foo', "parsing [c.cfg:10] : keyword 'httplog' only supports option 'clf'."],
    ['no option httplog', "parsing [c.cfg:10]: negation/default is not supported for option 'httplog'."],
    ['default option tcplog', "parsing [c.cfg:10]: negation/default is not supported for option 'tcplog'."],
    ['unique-id-format', 'parsing [c.cfg:10] : unique-id-format expects an argument.'],
    ['unique-id-format a b', "parsing [c.cfg:10] : unique-id-format expects only one argument, don't forget to escape spaces!"],
    ['unique-id-header', 'parsing [c.cfg:10] : unique-id-header expects an argument.'],
    ['option tcplog foo', "parsing [c.cfg:10] : 'option tcplog' cannot handle unexpected argument 'foo'."],
  ];
  for (const [line, msg] of cases) {
    const { out } = load(FE(line));
    assert.ok(out.some((l) => l.endsWith(msg)), `${line}\n  expected: ${msg}\n  got: ${out.join('\n       ')}`);
  }
});

test('format directives in a backend are ignored with HAProxy\'s own warning', () => {
  for (const kw of ['log-format %ci', 'log-format-sd x', 'error-log-format %ci', 'option tcplog']) {
    const { out } = load(`defaults\n  mode http\nbackend b\n  ${kw}\n`);
    const name = kw.startsWith('option') ? 'option tcplog' : kw.split(' ')[0];
    assert.ok(out.some((l) => l.includes('[WARNING]') && l.endsWith(`parsing [c.cfg:4] : backend 'b' : '${name}' directive is ignored in backends.`)), out.join('\n'));
  }
});

test('log global in the global section is refused', () => {
  const { out } = load('global\n  log global\n');
  assert.ok(out.some((l) => l.endsWith("parsing [c.cfg:2] : log : 'global' is not supported for a global syslog server")), out.join('\n'));
});

test('valid log lines are stored with their options', () => {
  const { config, out } = load(FE('log 127.0.0.1:5514 len 2048 format rfc5424 sample 1,3-4:5 local2 notice err\n  log stdout format raw daemon\n  log /dev/log daemon'));
  assert.deepEqual(out.filter((l) => l.includes('ALERT')), []);
  const f = config.proxies[0];
  assert.equal(f.logs.length, 3);
  assert.deepEqual({ ...f.logs[0], src: undefined }, { target: '127.0.0.1:5514', maxLength: 2048, format: 'rfc5424', sample: '1,3-4:5', facility: 'local2', level: 'notice', minLevel: 'err', src: undefined });
  assert.equal(f.logs[1].format, 'raw');
  assert.equal(f.logs[2].format, 'local');
  assert.equal(f.logs[2].maxLength, 1024);
});

test('log global, no log and defaults inheritance', () => {
  const { config } = load(`global\n  log 127.0.0.1 local0\n  log-tag gtag\ndefaults\n  mode http\n  log global\n  option httplog\nfrontend a\n  bind :1\nfrontend b\n  bind :2\n  no log\nfrontend c\n  bind :3\n  log 127.0.0.2 local1\n  log-tag ctag\n`);
  const [a, b, c] = config.proxies;
  assert.equal(proxyTargets(config, a).length, 1);
  assert.equal(proxyTargets(config, b).length, 0);
  assert.equal(proxyTargets(config, c).length, 2);
  assert.equal(config.global.logTag, 'gtag');
  assert.equal(c.logTag, 'ctag');
  assert.equal(effectiveFormat(a), HTTPLOG_FORMAT);
});

test('effective format: explicit log-format, httplog, clf, tcplog, legacy default, httplog in tcp mode falls back', () => {
  assert.equal(effectiveFormat(load(FE('log-format "%ci x"')).config.proxies[0]), '%ci x');
  assert.equal(effectiveFormat(load(FE('option httplog')).config.proxies[0]), HTTPLOG_FORMAT);
  assert.equal(effectiveFormat(load(FE('option httplog clf')).config.proxies[0]), CLF_HTTPLOG_FORMAT);
  assert.equal(effectiveFormat(load(FE('option tcplog', 'tcp')).config.proxies[0]), TCPLOG_FORMAT);
  assert.equal(effectiveFormat(load(FE('bind 127.0.0.1:46591')).config.proxies[0]), undefined);
  const { config, out } = load(FE('log global\n  option httplog', 'tcp'));
  assert.equal(effectiveFormat(config.proxies[0]), TCPLOG_FORMAT);
  assert.ok(out.some((l) => l.endsWith("parsing [c.cfg:11] : 'option httplog' not usable with frontend 'f' (needs 'mode http'). Falling back to 'option tcplog'.")), out.join('\n'));
  // log-format overrides a previous option httplog, and an option overrides a previous log-format.
  assert.equal(effectiveFormat(load(FE('log-format %ci\n  option tcplog')).config.proxies[0]), TCPLOG_FORMAT);
  const o = load(FE('option httplog\n  log-format %ci')).config.proxies[0];
  assert.equal(effectiveFormat(o), '%ci');
  assert.equal(proxyLogConfig(o).formatOrigin, 'explicit');
});

test('bad formats are reported by the post-check in HAProxy form', () => {
  const cases: [string, string, string?][] = [
    ['log-format %zz', "Parsing [c.cfg:10]: failed to parse log-format : no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'."],
    ['log-format "%[src"', "Parsing [c.cfg:10]: failed to parse log-format : missing ']' after 'src'."],
    ['log-format %[foo]', "Parsing [c.cfg:10]: failed to parse log-format : failed to parse sample expression <foo]> : unknown fetch method 'foo'."],
    ['log-format %r', "Parsing [c.cfg:10]: failed to parse log-format : format variable 'r' is reserved for HTTP mode.", 'tcp'],
    ['unique-id-format %zz', "Parsing [c.cfg:10]: failed to parse unique-id : no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'."],
  ];
  for (const [line, msg, mode] of cases) {
    const { out } = load(FE(line, mode));
    assert.ok(out.some((l) => l.includes('[ALERT]') && l.endsWith(msg)), `${line}\n  expected: ${msg}\n  got: ${out.join('\n       ')}`);
  }
});

test('a format without any log target is warned about', () => {
  const { out } = load('defaults\n  mode http\nfrontend f\n  bind :1\n  option httplog\n');
  assert.ok(out.some((l) => l.endsWith("config : log format ignored for frontend 'f' since it has no log address.")), out.join('\n'));
});

test('target addresses', () => {
  assert.deepEqual(parseTargetAddress('/dev/log'), { kind: 'unix', path: '/dev/log' });
  assert.deepEqual(parseTargetAddress('unix@/x/y'), { kind: 'unix', path: '/x/y' });
  assert.deepEqual(parseTargetAddress('127.0.0.1'), { kind: 'udp', host: '127.0.0.1', port: 514, family: 4 });
  assert.deepEqual(parseTargetAddress('udp@127.0.0.1:5514'), { kind: 'udp', host: '127.0.0.1', port: 5514, family: 4 });
  assert.deepEqual(parseTargetAddress('[::1]:5514'), { kind: 'udp', host: '::1', port: 5514, family: 6 });
  assert.deepEqual(parseTargetAddress('stdout'), { kind: 'fd', fd: 1 });
  assert.deepEqual(parseTargetAddress('stderr'), { kind: 'fd', fd: 2 });
  assert.deepEqual(parseTargetAddress('fd@3'), { kind: 'fd', fd: 3 });
  assert.deepEqual(parseTargetAddress('ring@buf'), { kind: 'ring', name: 'buf' });
  assert.ok('error' in parseTargetAddress('tcp@127.0.0.1:514'));
});
