/**
 * `option smtpchk [HELO|EHLO domain]`: expects a 2xx banner, sends `HELO localhost` (or the
 * given command), expects a 2xx answer (HAProxy: tcpcheck.c proxy_parse_smtpchk_opt). The
 * check code is the SMTP reply code; the info is the reply text.
 */

import { registerCheckType } from './config';
import type { Rule } from './rules';

/** The command `option smtpchk` sends: `HELO localhost` unless HELO/EHLO + domain given. */
export function smtpCommand(args: string[]): string {
  const [cmd, domain] = args;
  if ((cmd === 'HELO' || cmd === 'EHLO') && domain) return `${cmd} ${domain}`;
  return 'HELO localhost';
}

registerCheckType('smtpchk', (cfg) => {
  const code: Rule = { type: 'expect', kind: 'rstring', pattern: '^[0-9]{3}', inverse: false, minRecv: 4, errorStatus: 'L7RSP', onError: '%[res.payload(0,0),cut_crlf]' };
  return {
    proto: 'smtp',
    rules: [
      { type: 'connect', implicit: true },
      code,
      { type: 'expect', kind: 'rstring', pattern: '^2[0-9]{2}', inverse: false, minRecv: 4, errorStatus: 'L7STS', onError: "%[res.payload(4,0),ltrim(' '),cut_crlf]", statusCode: 'res.payload(0,3)' },
      { type: 'send', encoding: 'text', data: `${smtpCommand(cfg.args)}\r\n` },
      code,
      {
        type: 'expect', kind: 'rstring', pattern: '^2[0-9]{2}[- \r]', inverse: false, minRecv: 4, errorStatus: 'L7STS',
        onError: "%[res.payload(4,0),ltrim(' '),cut_crlf]", onSuccess: "%[res.payload(4,0),ltrim(' '),cut_crlf]", statusCode: 'res.payload(0,3)',
      },
      { type: 'send', encoding: 'text', data: 'QUIT\r\n' },
    ],
  };
});
