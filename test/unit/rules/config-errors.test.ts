/**
 * Configuration messages of rule keywords, compared with HAProxy 2.6.12's `-c` output on the
 * same one-line configurations (expected texts captured from haproxy; file name t.cfg).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './helpers';

const CASES: [string, string[]][] = [
  [
    "http-after-response foo",
    ["config : parsing [t.cfg:5]: 'http-after-response' expects 'ot-group', 'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header', 'set-status', 'strict-mode', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', but got 'foo'."]
  ],
  [
    "http-request foo bar",
    [
      "config : parsing [t.cfg:5]: 'http-request' expects 'wait-for-handshake', 'ot-group', 'set-log-level', 'set-nice', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'cache-use', 'add-acl(*)', 'add-header', 'allow', 'auth', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'disable-l7-retry', 'early-hint', 'normalize-uri', 'redirect', 'reject', 'replace-header', 'replace-path', 'replace-pathq', 'replace-uri', 'replace-value', 'return', 'set-header', 'set-map(*)', 'set-method', 'set-path', 'set-pathq', 'set-query', 'set-uri', 'strict-mode', 'tarpit', 'track-sc(*)', 'set-timeout', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop', 'set-priority-class', 'set-priority-offset', but got 'foo'."
    ]
  ],
  [
    "http-request set-header X",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request set-header' rule : expects exactly 2 arguments."
    ]
  ],
  [
    "http-request deny if { nosuchfetch }",
    [
      "config : parsing [t.cfg:5] : error detected while parsing an 'http-request deny' condition : unknown fetch method 'nosuchfetch' in ACL expression 'nosuchfetch'."
    ]
  ],
  [
    "http-request redirect",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request redirect' rule : redirection type expected ('prefix', 'location', or 'scheme')."
    ]
  ],
  [
    "http-request deny deny_status 999",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request deny' rule : Unexpected status code '999'."
    ]
  ],
  [
    "http-request set-var(foo) str(a)",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request set-var(foo)' rule : invalid variable name 'foo'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'."
    ]
  ],
  [
    "http-request return status 200 string",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request return' rule : 'string' expects <str> as argument."
    ]
  ],
  [
    "http-request track-sc0",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request track-sc0' rule : missing fetch method."
    ]
  ],
  [
    "http-request track-sc0 src table nope",
    [
      "config : Proxy 'f': unable to find table 'nope' referenced by track-sc0."
    ]
  ],
  [
    "http-request deny bogus",
    [
      "config : parsing [t.cfg:5]: 'http-request deny' expects either 'if' or 'unless' followed by a condition but found 'bogus'."
    ]
  ],
  [
    "http-request add-header X %[nosuch]",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request add-header' rule : failed to parse sample expression <nosuch]> : unknown fetch method 'nosuch'."
    ]
  ],
  [
    "http-request auth realm",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request auth' rule : missing realm value."
    ]
  ],
  [
    "http-request redirect location /x code 399",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request redirect' rule : 'code': unsupported HTTP code '399' (must be one of 301, 302, 303, 307 or 308)."
    ]
  ],
  [
    "http-request redirect location /x foo",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request redirect' rule : expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was 'foo')."
    ]
  ],
  [
    "http-request return string x",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request return' rule : a content type must be defined when non-empty payload is configured."
    ]
  ],
  [
    "http-request capture hdr(host) len x",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request capture' rule : length must be > 0."
    ]
  ],
  [
    "http-request capture hdr(host) id 0",
    [
      "config : Proxy 'f': unable to find capture id '0' referenced by http-request capture rule."
    ]
  ],
  [
    "http-request del-header x -m foo",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request del-header' rule : -m with unsupported matching method 'foo'."
    ]
  ],
  [
    "http-response set-status 99",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-response set-status' rule : expects an integer status code between 100 and 999."
    ]
  ],
  [
    "http-request sc-inc-gpc0(5)",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request sc-inc-gpc0(5)' rule : invalid stick table track ID. The max allowed ID is 2."
    ]
  ],
  [
    "http-request use-service foo",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request use-service' rule : 'foo' unknown service name.."
    ]
  ],
  [
    "http-response foo",
    [
      "config : parsing [t.cfg:5]: 'http-response' expects 'ot-group', 'set-log-level', 'set-nice', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'cache-store', 'add-acl(*)', 'add-header', 'allow', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'redirect', 'replace-header', 'replace-value', 'return', 'set-header', 'set-map(*)', 'set-status', 'strict-mode', 'track-sc(*)', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-mark', 'set-tos', 'silent-drop', but got 'foo'."
    ]
  ],
  [
    "errorfile 999 /dev/null",
    [
      "config : parsing [t.cfg:5] : errorfile : status code '999' not handled."
    ]
  ],
  [
    "errorfile 503",
    [
      "config : parsing [t.cfg:5] : errorfile : expects <status_code> and <file> as arguments."
    ]
  ],
  [
    "errorfiles nope",
    [
      "config : proxy 'f': unknown http-errors section 'nope' (at t.cfg:5)."
    ]
  ],
  [
    "http-error status 999",
    [
      "config : parsing [t.cfg:5] : http-error : Unexpected status code '999'"
    ]
  ],
  [
    "http-error",
    [
      "config : parsing [t.cfg:5] : http-error : expects at least a <status> as arguments."
    ]
  ],
  [
    "http-error status 503 string",
    [
      "config : parsing [t.cfg:5] : http-error : 'string' expects <str> as argument"
    ]
  ],
  [
    "redirect foo",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing redirect rule : expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was 'foo')."
    ]
  ],
  [
    "redirect location /x code 399",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing redirect rule : 'code': unsupported HTTP code '399' (must be one of 301, 302, 303, 307 or 308)."
    ]
  ],
  [
    "http-request return foo",
    [
      "config : parsing [t.cfg:5]: 'http-request return' expects either 'if' or 'unless' followed by a condition but found 'foo'."
    ]
  ],
  [
    "http-request allow foo",
    [
      "config : parsing [t.cfg:5]: 'http-request allow' expects either 'if' or 'unless' followed by a condition but found 'foo'."
    ]
  ],
  [
    "http-request set-log-level foo",
    [
      "config : parsing [t.cfg:5] : error detected in frontend 'f' while parsing 'http-request set-log-level' rule : expects exactly 1 argument (log level name or 'silent')."
    ]
  ]
];

for (const [line, expected] of CASES) {
  test(`-c message for: ${line}`, () => {
    const { messages } = load(`defaults\n  mode http\nfrontend f\n  bind 127.0.0.1:18091\n  ${line}\n  default_backend b\nbackend b\n  stick-table type ip size 10 store http_req_rate(10s)\n`);
    const alerts = messages.filter((m) => m.startsWith('[ALERT]') && !/Error\(s\) found|Fatal errors/.test(m)).map((m) => m.replace(/^\[ALERT\]    \(\d+\) : /, '').replace(/\n$/, ''));
    assert.deepEqual(alerts, expected);
  });
}

test('warnings for ACL terms incompatible with the rule set (HAProxy 2.6.12 texts)', () => {
  const { messages } = load(`defaults\n  mode http\nfrontend f\n  bind 127.0.0.1:18091\n  http-response deny if { path /x }\nbackend b\n  http-request deny if { status 200 } || { path /x }\n`);
  const warnings = messages.filter((m) => m.startsWith('[WARNING]') && m.includes('never match')).map((m) => m.replace(/^\[WARNING\]  \(\d+\) : /, '').replace(/\n$/, ''));
  assert.deepEqual(warnings, [
    "config : parsing [t.cfg:5] : anonymous acl will never match because it uses keyword 'path' which is incompatible with 'frontend http-response header rule'",
    "config : parsing [t.cfg:7] : anonymous acl will never match because it uses keyword 'status' which is incompatible with 'backend http-request header rule'",
  ]);
});
