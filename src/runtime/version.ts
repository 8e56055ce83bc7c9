/**
 * Product identity reported by `show info` (Name, Version, Release_date, Build info),
 * `show version` and the stats page. Fulcrum reports its own name and version in HAProxy's
 * layout: tools such as hatop only require the keys to be present and non-empty.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  // dist/src/runtime -> package root is three levels up (src/runtime when run from sources).
  for (const up of ['../../..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fulcrum' && pkg.version) return pkg.version;
    } catch { /* try the next candidate */ }
  }
  return '0.0.0';
}

/** Product name as printed in `show info` `Name:`. */
export const PRODUCT_NAME = 'Fulcrum';
/** Version string (package.json `version`). */
export const PRODUCT_VERSION = readVersion();
/** Release date in HAProxy's `YYYY/MM/DD` form. */
export const RELEASE_DATE = '2026/11/26';
