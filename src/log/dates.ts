/**
 * Date pieces for log lines. Log dates are in local time like HAProxy's (strftime on
 * localtime); the per-second parts are cached because a busy proxy logs many lines in the
 * same second, and formatting a Date is the costly part of rendering a line.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Jan`..`Dec` for a 0-based month. */
export function monthAbbrev(m: number): string { return MONTHS[m]; }

/** Two-digit zero-padded number. */
export function pad2(n: number): string { return n < 10 ? '0' + n : String(n); }

/** Three-digit zero-padded number (milliseconds). */
export function pad3(n: number): string { return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n); }

/** `+hhmm` / `-hhmm` offset of local time at `d`. */
function zoneOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}${pad2(a % 60)}`;
}

/** A per-second cache of one date rendering. */
class SecondCache {
  private sec = -1;
  private text = '';
  constructor(private readonly build: (d: Date) => string) {}
  get(ms: number): string {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.sec) {
      this.text = this.build(new Date(sec * 1000));
      this.sec = sec;
    }
    return this.text;
  }
}

const localSec = new SecondCache((d) => `${pad2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`);
const gmtClf = new SecondCache((d) => `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`);
const localClf = new SecondCache((d) => `${pad2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zoneOffset(d)}`);

/** `dd/Mon/yyyy:HH:MM:SS.mmm` local (HAProxy %t / %tr). */
export function dateMs(ms: number): string {
  return localSec.get(ms) + '.' + pad3(((ms % 1000) + 1000) % 1000);
}

/** `dd/Mon/yyyy:HH:MM:SS +0000` in GMT (HAProxy %T / %trg). */
export function dateGmt(ms: number): string { return gmtClf.get(ms); }

/** `dd/Mon/yyyy:HH:MM:SS +hhmm` local (HAProxy %Tl / %trl). */
export function dateLocal(ms: number): string { return localClf.get(ms); }
