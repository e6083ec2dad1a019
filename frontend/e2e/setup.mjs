// What every browser test starts from: where the repository, the docsift
// binary, Chromium and the screenshots are, and whether a missing
// Chromium fails the run (CI=true) or skips it.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.DOCSIFT_BIN ?? join(ROOT, 'build', 'bin', 'docsift');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = process.env.E2E_SHOTS ?? join(ROOT, 'build', 'e2e');
export const CI = process.env.CI === 'true';

/** Ends the process unless Chromium is there: failing under CI=true, skipped otherwise. */
export function requireChromium() {
  if (existsSync(CHROMIUM)) return;
  const msg = `e2e: ${CHROMIUM} not found (scripts/setup.sh installs Debian's chromium)`;
  if (CI) {
    console.error(`${msg}: failing, CI=true`);
    process.exit(1);
  }
  console.log(`${msg}: skipped`);
  process.exit(0);
}
