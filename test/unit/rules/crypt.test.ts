/**
 * SHA-crypt ($5$ / $6$) against hashes made by `openssl passwd -5/-6` (glibc-compatible).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shaCrypt, verifyCrypt } from '../../../src/proxy/http/rules/crypt';

test('SHA-512 and SHA-256 crypt match openssl passwd', () => {
  assert.equal(shaCrypt('secret', '$6$abcdefgh$'), '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.');
  assert.equal(shaCrypt('secret', '$5$xyz$'), '$5$xyz$ifvnqJEnDw1U3s4hNgRQfsh5KGcuIMh2ReetMWPfxY7');
});

test('Drepper specification test vectors (rounds=, long passwords, salt cut to 16)', () => {
  assert.equal(shaCrypt('Hello world!', '$6$saltstring'), '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
  assert.equal(shaCrypt('Hello world!', '$6$rounds=10000$saltstringsaltstring'), '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.');
  assert.equal(shaCrypt('Hello world!', '$5$saltstring'), '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5');
  assert.equal(shaCrypt('we have a short salt string but not a short password', '$6$rounds=77777$short'), '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0');
});

test('verifyCrypt accepts the right password only; other formats are refused', () => {
  const h = '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.';
  assert.equal(verifyCrypt('secret', h), true);
  assert.equal(verifyCrypt('Secret', h), false);
  assert.equal(verifyCrypt('secret', '$1$abc$xyz'), false);
});
