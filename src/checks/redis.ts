/**
 * `option redis-check`: sends `PING` as a RESP array and expects `+PONG` (HAProxy:
 * tcpcheck.c proxy_parse_redis_check_opt). Anything else is L7STS with the first reply line.
 */

import { registerCheckType } from './config';

registerCheckType('redis-check', () => ({
  proto: 'redis',
  rules: [
    { type: 'connect', implicit: true },
    { type: 'send', encoding: 'text', data: '*1\r\n$4\r\nPING\r\n' },
    {
      type: 'expect', kind: 'string', pattern: '+PONG\r\n', inverse: false, errorStatus: 'L7STS',
      onError: '%[res.payload(0,0),cut_crlf]', onSuccess: 'Redis server is ok',
    },
  ],
}));
