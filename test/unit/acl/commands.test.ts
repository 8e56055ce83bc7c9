/**
 * Runtime API over ACL and map pattern references, compared with HAProxy 2.6.12's answers
 * for the same configuration (ids, list lines, entries, get/add/del/set/clear and errors;
 * entry addresses are pseudo pointers).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, req } from './helpers';
import { compileCondition } from '../../../src/acl/compile';
import { findCliCommand, type CliContext } from '../../../src/runtime/registry';

const dir = mkdtempSync(join(tmpdir(), 'aclcli-'));
const lst = join(dir, 'p.lst');
const map = join(dir, 'h.map');
writeFileSync(lst, '/static\n/images\n');
writeFileSync(map, 'a.com be1\nb.com be2\n');

const { config, messages } = load(`defaults
  mode http
  timeout client 2s
  timeout server 2s
  timeout connect 2s
frontend f
  bind 127.0.0.1:18099
  acl s1 path_beg -i /static /images
  acl s2 path_beg -f ${lst}
  acl s3 path_end -f ${lst} .css
  use_backend b if { req.hdr(host),map(${map},none) -m str be2 }
  use_backend b if s1 || s2 || s3 || { hdr(host) x }
  default_backend b
backend b
  server s 127.0.0.1:1
`);

function cli(line: string, payload?: string): string {
  const args = line.split(' ');
  const cmd = findCliCommand(args);
  assert.ok(cmd, line);
  const ctx = { args, payload, level: 'admin', instance: undefined, session: {} } as unknown as CliContext;
  return cmd!.handler(ctx) as string;
}

test('config loads without errors', () => {
  assert.deepEqual(messages.filter((m) => m.includes('[ALERT]')), []);
});

test('show acl / show map list references as HAProxy numbers them', () => {
  assert.equal(cli('show acl'), `# id (file) description
0 () acl 'path_beg' file 't.cfg' line 8. curr_ver=0 next_ver=0 entry_cnt=2
1 (${lst}) pattern loaded from file '${lst}' used by acl at file 't.cfg' line 9, by acl at file 't.cfg' line 10. curr_ver=0 next_ver=0 entry_cnt=2
2 () acl 'path_beg' file 't.cfg' line 9. curr_ver=0 next_ver=0 entry_cnt=0
3 () acl 'path_end' file 't.cfg' line 10. curr_ver=0 next_ver=0 entry_cnt=1
5 () acl 'req.hdr' file 't.cfg' line 11. curr_ver=0 next_ver=0 entry_cnt=1
6 () acl 'hdr' file 't.cfg' line 12. curr_ver=0 next_ver=0 entry_cnt=1
`);
  assert.equal(cli('show map'), `# id (file) description
4 (${map}) pattern loaded from file '${map}' used by map at file 't.cfg' line 11. curr_ver=0 next_ver=0 entry_cnt=2
`);
});

test('show and get entries', () => {
  assert.match(cli('show acl #0'), /^0x[0-9a-f]+ \/static\n0x[0-9a-f]+ \/images\n$/);
  assert.match(cli(`show map ${map}`), /^0x[0-9a-f]+ a\.com be1\n0x[0-9a-f]+ b\.com be2\n$/);
  assert.equal(cli('get acl #0 /static/x'), 'type=beg, case=insensitive, match=yes, idx=list, pattern="/static"\n');
  assert.equal(cli(`get acl ${lst} /images`), 'type=beg, case=sensitive, match=yes, idx=tree, pattern="/images"\ntype=end, case=sensitive, match=yes, idx=list, pattern="/images"\n');
  assert.equal(cli(`get map ${map} b.com`), 'type=str, case=sensitive, found=yes, idx=tree, key="b.com", value="be2", type="str"\n');
  assert.equal(cli(`get map ${map} zz`), 'type=str, case=sensitive, found=no\n');
});

test('add / del / set / clear change what conditions match, at once', () => {
  const f = config.proxies.find((p) => p.name === 'f')!;
  const byMap = compileCondition(f.switchingRules[0].cond!, f, assert.fail)!;
  const byAcl = compileCondition(f.switchingRules[1].cond!, f, assert.fail)!;
  assert.equal(byAcl(req('GET /new/x')), false);
  assert.equal(cli(`add acl ${lst} /new`), '');
  assert.equal(byAcl(req('GET /new/x')), true);
  assert.equal(cli(`del acl ${lst} /new`), '');
  assert.equal(byAcl(req('GET /new/x')), false);
  assert.equal(cli(`del acl ${lst} /nope`), 'Key not found.\n');
  assert.equal(byMap(req('GET /', { host: 'c.com' })), false);
  assert.equal(cli(`add map ${map} c.com be3`), '');
  assert.equal(cli(`set map ${map} c.com be2`), '');
  assert.equal(byMap(req('GET /', { host: 'c.com' })), true);
  assert.match(cli(`show map ${map}`), /c\.com be2\n$/);
  assert.equal(cli(`clear map ${map}`), '');
  assert.equal(cli(`show map ${map}`), '');
  assert.equal(byMap(req('GET /', { host: 'b.com' })), false);
  assert.equal(cli(`add map ${map}`, 'x.com be2\ny.com be1\n'), '');
  assert.equal(byMap(req('GET /', { host: 'x.com' })), true);
});

test('errors', () => {
  assert.equal(cli('show acl #99'), 'Unknown ACL identifier. Please use #<id> or <file>.\n');
  assert.equal(cli('show acl nosuch'), 'Unknown ACL identifier. Please use #<id> or <file>.\n');
  assert.equal(cli('show map #0'), 'Unknown map identifier. Please use #<id> or <file>.\n');
  assert.equal(cli('get acl'), 'Missing ACL identifier and/or key.\n');
  assert.equal(cli('add acl #0'), `'add acl' expects two parameters: ACL identifier and pattern.\n`);
  assert.equal(cli(`set map ${map} k`), `'set map' expects three parameters: map identifier, key and value.\n`);
  assert.equal(cli('del acl #0'), 'This command expects two parameters: ACL identifier and key.\n');
  assert.equal(cli('clear acl'), 'Missing ACL identifier.\n');
});
