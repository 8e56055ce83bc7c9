/**
 * A small strftime(3) for the ltime/utime converters: the conversions HAProxy users write
 * (%Y %m %d %H %M %S %y %e %j %a %A %b %B %h %p %Z %z %s %u %w %T %D %F %R %n %t %%), in
 * the C locale. Unknown conversions are copied as written.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const p2 = (n: number) => String(n).padStart(2, '0');

/** Formats `ms` (Unix milliseconds) in UTC (`utc`) or the process's local time zone. */
export function strftime(fmt: string, ms: number, utc: boolean): string {
  const d = new Date(ms);
  const Y = utc ? d.getUTCFullYear() : d.getFullYear();
  const m = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const H = utc ? d.getUTCHours() : d.getHours();
  const M = utc ? d.getUTCMinutes() : d.getMinutes();
  const S = utc ? d.getUTCSeconds() : d.getSeconds();
  const wd = utc ? d.getUTCDay() : d.getDay();
  const off = utc ? 0 : -d.getTimezoneOffset();
  // Local days may be 23 or 25 hours long around DST changes: round rather than floor.
  const yday = Math.round((Date.UTC(Y, m, day) - Date.UTC(Y, 0, 1)) / 86400000) + 1;
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%' || i + 1 >= fmt.length) { out += c; continue; }
    const k = fmt[++i];
    switch (k) {
      case 'Y': out += Y; break;
      case 'y': out += p2(Y % 100); break;
      case 'm': out += p2(m + 1); break;
      case 'd': out += p2(day); break;
      case 'e': out += String(day).padStart(2, ' '); break;
      case 'H': out += p2(H); break;
      case 'I': out += p2(H % 12 || 12); break;
      case 'M': out += p2(M); break;
      case 'S': out += p2(S); break;
      case 'j': out += String(yday).padStart(3, '0'); break;
      case 'a': out += DAYS[wd].slice(0, 3); break;
      case 'A': out += DAYS[wd]; break;
      case 'b': case 'h': out += MONTHS[m].slice(0, 3); break;
      case 'B': out += MONTHS[m]; break;
      case 'p': out += H < 12 ? 'AM' : 'PM'; break;
      case 'u': out += wd === 0 ? 7 : wd; break;
      case 'w': out += wd; break;
      case 's': out += Math.floor(ms / 1000); break;
      case 'z': out += (off < 0 ? '-' : '+') + p2(Math.floor(Math.abs(off) / 60)) + p2(Math.abs(off) % 60); break;
      case 'Z': out += utc ? 'GMT' : (Intl.DateTimeFormat('en', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? ''); break;
      case 'T': out += `${p2(H)}:${p2(M)}:${p2(S)}`; break;
      case 'R': out += `${p2(H)}:${p2(M)}`; break;
      case 'D': out += `${p2(m + 1)}/${p2(day)}/${p2(Y % 100)}`; break;
      case 'F': out += `${Y}-${p2(m + 1)}-${p2(day)}`; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '%': out += '%'; break;
      default: out += `%${k}`;
    }
  }
  return out;
}
