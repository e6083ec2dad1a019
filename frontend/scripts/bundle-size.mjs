// Prints the gzipped size of the built UI and fails when it is over the
// budget (issue 6: the frontend bundle is at most 300 KB gzipped).
// Run after `vite build`: node scripts/bundle-size.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 300 * 1024;
const root = new URL('../dist/web/', import.meta.url).pathname;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

let total = 0;
const rows = [];
for (const f of files(root)) {
  if (!/\.(js|css|html|svg)$/.test(f)) continue;
  const gz = gzipSync(readFileSync(f), { level: 9 }).length;
  total += gz;
  rows.push([relative(root, f), gz]);
}
for (const [name, gz] of rows) console.log(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${name}`);
console.log(`bundle: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error('bundle-size: the UI is over its size budget');
  process.exit(1);
}
