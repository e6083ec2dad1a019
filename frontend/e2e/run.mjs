// End-to-end test of the web UI in a real browser: starts `docsift serve`
// (build/bin/docsift) on a temporary data directory and drives Debian's
// headless Chromium through what a person does: upload (file input and a
// drop), watch documents get processed with thumbnails, create a topic,
// assign it, filter by it, search (kept in the address), save the search
// as a view and step Back and Forward, open a document and its "More like
// this", change settings,
// and upload a file with a hostile name. Screenshots go to build/e2e/.
//
// Fails on any console error, uncaught exception or CSP violation. Exits
// non-zero on failure. Without Chromium it skips, except under CI=true,
// where that is a failure.
//
//   node e2e/run.mjs            (from frontend/; `make e2e` from the root)
//
// Environment: DOCSIFT_BIN (default ../build/bin/docsift), CHROMIUM
// (default /usr/bin/chromium), E2E_SHOTS (default ../build/e2e).

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { makePdf, makePng } from './fixtures.mjs';
import { startServe } from './server.mjs';
import { BIN, CHROMIUM, CI, ROOT, SHOTS, requireChromium } from './setup.mjs';
import { check, stepper } from './steps.mjs';

const root = ROOT;
const API_KEY = 'sk-test-e2e-1234567890abcd';
const HOSTILE = '<img src=x onerror=window.__pwned=1>.txt';
const STEP_TIMEOUT = 30_000;

requireChromium();

const problems = [];
let shot = 0;

const steps = stepper();
const step = steps.run;

const server = await startServe(BIN);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

let failed = false;
let page;
try {
  mkdirSync(SHOTS, { recursive: true });
  // Only this test's own pictures: others (the desktop smoke test) share the folder.
  for (const f of readdirSync(SHOTS)) {
    if (/^(\d\d-.+|failure)\.png$/.test(f)) rmSync(join(SHOTS, f));
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  // Record CSP violations from the first script on (the console also
  // reports them, but this catches every kind with its directive).
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  // Every API response the UI receives, headers and body, to look for the
  // API key in at the end.
  const responses = [];
  page.on('response', async (res) => {
    if (!res.url().includes('/api/') || res.url().endsWith('/api/events')) return;
    const headers = JSON.stringify(await res.allHeaders().catch(() => ({})));
    const body = await res.text().catch(() => '');
    responses.push(`${res.url()} ${headers} ${body}`);
  });
  page.on('dialog', (d) => {
    problems.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });

  const snap = async (name) => {
    shot++;
    await page.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
  };
  const card = (filename) => page.locator('article.card').filter({ has: page.locator('.name', { hasText: filename }) });

  const pdf = makePdf([
    'Quarterly report 2024',
    'The quarterly revenue of the bakery grew by twelve percent.',
    'Flour prices fell; the new oven paid for itself.',
  ]);
  const png = makePng();
  const notes = readFileSync(join(root, 'samples', 'meeting-notes.txt'));

  await step('the UI loads and shows the empty library', async () => {
    await page.goto(server.base + '/');
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await snap('empty-library');
  });

  await step('upload two files with the file input', async () => {
    await page.locator('header.top input[type=file]').setInputFiles([
      { name: 'bakery-report.pdf', mimeType: 'application/pdf', buffer: pdf },
      { name: 'meeting-notes.txt', mimeType: 'text/plain', buffer: notes },
    ]);
    await page.getByTestId('upload-summary').filter({ hasText: '2 imported' }).waitFor();
  });

  await step('drop a picture on the window', async () => {
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'sunset.png', { type: 'image/png' }));
      const fire = (type) =>
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      fire('dragenter');
      fire('dragover');
    }, png.toString('base64'));
    await page.getByText('Drop files to add them').waitFor();
    await snap('drop-overlay');
    const prevented = await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'sunset.png', { type: 'image/png' }));
      const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
      document.body.dispatchEvent(drop);
      return drop.defaultPrevented;
    }, png.toString('base64'));
    check(prevented, 'the drop was not preventDefault-ed (the browser would open the file)');
    await page.getByTestId('upload-summary').filter({ hasText: '3 imported · 0 duplicate · 0 failed' }).waitFor();
    check((await page.getByText('Drop files to add them').count()) === 0, 'the drop overlay stayed');
  });

  await step('the documents are listed, processed, with thumbnails', async () => {
    for (const name of ['bakery-report.pdf', 'meeting-notes.txt', 'sunset.png']) await card(name).waitFor();
    // Processing finishes: no status badge is left.
    await page.waitForFunction(() => document.querySelectorAll('article.card [data-status]').length === 0, null, {
      timeout: 60_000,
    });
    for (const name of ['bakery-report.pdf', 'sunset.png']) {
      const img = card(name).locator('.thumb img');
      await img.waitFor();
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    }
    await page.getByTestId('upload-summary').locator('..').getByRole('button', { name: 'Close upload summary' }).click();
    await snap('library-with-thumbnails');
  });

  await step('create a topic', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Topics' }).click();
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    const form = page.locator('form.create');
    await form.getByLabel('Name').fill('Meetings');
    await form.getByLabel('Description').fill('Notes and minutes of meetings');
    await form.getByRole('radio', { name: '#8064a2' }).click();
    await form.getByRole('button', { name: 'Create topic' }).click();
    await page.locator('li.topic').filter({ hasText: 'Meetings' }).waitFor();
    await page.locator('.sidebar').getByRole('button', { name: /Meetings/ }).waitFor();
    await snap('topic-created');
  });

  await step('assign the topic to a document', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Library' }).click();
    await card('meeting-notes.txt').getByRole('checkbox').check();
    const bar = page.getByRole('toolbar', { name: 'Selected documents' });
    await bar.getByLabel('Topic to add to the selected documents').fill('Meetings');
    await bar.getByRole('button', { name: 'Add topic' }).click();
    await card('meeting-notes.txt').locator('.chip', { hasText: 'Meetings' }).waitFor();
    await page.locator('.sidebar').getByRole('button', { name: /Meetings\s*1/ }).waitFor();
    await snap('topic-assigned');
  });

  await step('filter by the topic in the sidebar', async () => {
    await page.keyboard.press('Escape'); // clears the selection
    await page.locator('.sidebar').getByRole('button', { name: /Meetings/ }).click();
    await page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 1);
    await card('meeting-notes.txt').waitFor();
    await snap('filtered-by-topic');
  });

  await step('search a word from a document and see the highlighted snippet', async () => {
    await page.locator('.sidebar').getByRole('button', { name: 'All documents' }).click();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    check(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Search documents'),
      '"/" did not focus the search box',
    );
    await page.keyboard.type('quarterly');
    await page.getByRole('heading', { name: /Results for “quarterly”/ }).waitFor();
    const hit = card('bakery-report.pdf');
    await hit.locator('.snippet mark').first().waitFor();
    const marked = (await hit.locator('.snippet mark').allTextContents()).map((t) => t.toLowerCase());
    check(marked.includes('quarterly'), `the snippet marks ${JSON.stringify(marked)}, not "quarterly"`);
    check((await page.locator('article.card').count()) === 1, 'the search matched more than the report');
    await snap('search-snippet');
  });

  await step('the search is in the address and survives a reload', async () => {
    await page.waitForFunction(() => location.hash === '#/search?q=quarterly');
    await page.reload();
    await page.getByRole('heading', { name: /Results for “quarterly”/ }).waitFor();
    check((await page.getByLabel('Search documents').inputValue()) === 'quarterly', 'the search box lost the query');
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 1);
  });

  await step('the syntax help opens next to the search box', async () => {
    await page.getByRole('button', { name: 'Search syntax' }).click();
    const help = page.getByRole('dialog', { name: 'How to search' });
    for (const op of ['"late fee"', 'invoice -draft', '(invoice OR receipt) 2024', 'topic:Tax', 'name:report', 'date:2024']) {
      await help.getByText(op, { exact: true }).waitFor();
    }
    await snap('search-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  await step('keyboard shortcuts: Ctrl+F, Ctrl+O, Delete and Escape', async () => {
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+f');
    check(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Search documents'),
      'Ctrl+F did not focus the search box',
    );
    // Escape in the search box empties it and leaves it (the search box's
    // own rule); the search is typed again for the steps after this one.
    await page.keyboard.press('Escape');
    check(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label') !== 'Search documents'),
      'Escape did not leave the search box',
    );
    await page.getByLabel('Search documents').fill('quarterly');
    await page.getByRole('heading', { name: /Results for “quarterly”/ }).waitFor();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    // Ctrl+O is Add files: in a browser, the file chooser.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+o')]);
    check(chooser.isMultiple(), 'Ctrl+O opened a chooser for one file only');
    await chooser.setFiles([]);
    // Delete asks before deleting the selection; Escape answers no.
    await card('bakery-report.pdf').getByRole('checkbox').check();
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog', { name: /Delete 1 document/ });
    await confirm.waitFor();
    await snap('delete-shortcut');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await card('bakery-report.pdf').waitFor();
    await page.keyboard.press('Escape'); // clears the selection
    await page.getByRole('toolbar', { name: 'Selected documents' }).waitFor({ state: 'detached' });
  });

  await step('save the search as a view; it shows in the sidebar with its count', async () => {
    await page.getByRole('button', { name: 'Save view' }).click();
    const form = page.getByRole('form', { name: 'Save this search as a view' });
    await form.getByLabel('View name').fill('Quarterly reports');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.locator('.sidebar').getByRole('button', { name: /^Quarterly reports\s*1$/ }).waitFor();
    await page.getByText('Saved as “Quarterly reports”').waitFor();
    await snap('saved-view');
  });

  await step('a saved view runs its search, the address follows, Back returns', async () => {
    await page.getByLabel('Search documents').fill('meeting');
    await page.getByRole('heading', { name: /Results for “meeting”/ }).waitFor();
    await page.waitForFunction(() => location.hash === '#/search?q=meeting');
    await card('meeting-notes.txt').waitFor();
    await page.locator('.sidebar').getByRole('button', { name: /^Quarterly reports/ }).click();
    await page.getByRole('heading', { name: /Results for “quarterly”/ }).waitFor();
    await page.waitForFunction(() => location.hash === '#/search?q=quarterly');
    await card('bakery-report.pdf').waitFor();
    check(
      (await page.locator('.sidebar').getByRole('button', { name: /^Quarterly reports/ }).getAttribute('aria-current')) === 'page',
      'the saved view is not marked as the current one',
    );
    await page.goBack();
    await page.getByRole('heading', { name: /Results for “meeting”/ }).waitFor();
    await card('meeting-notes.txt').waitFor();
    check((await page.getByLabel('Search documents').inputValue()) === 'meeting', 'Back did not put the query back in the box');
    await page.goForward();
    await page.getByRole('heading', { name: /Results for “quarterly”/ }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 1);
    await snap('saved-view-opened');
  });

  await step('a search for a topic that does not exist says so', async () => {
    await page.getByLabel('Search documents').fill('quarterly topic:Nope');
    await page.getByRole('status').filter({ hasText: 'There is no topic named "Nope", so nothing matches.' }).waitFor();
    check((await page.locator('article.card').count()) === 0, 'an unknown topic still matched documents');
    await page.getByLabel('Search documents').fill('quarterly');
    await card('bakery-report.pdf').waitFor();
  });

  await step('open the document view', async () => {
    await card('bakery-report.pdf').getByRole('link').click();
    await page.getByRole('heading', { name: 'bakery-report.pdf', level: 1 }).waitFor();
    await page.locator('iframe[title="Preview of bakery-report.pdf"]').waitFor();
    await page.getByText('Quarterly report 2024', { exact: false }).first().waitFor({ state: 'attached' });
    await page.getByRole('link', { name: 'Download' }).waitFor();
    // The language detected in its text, by name.
    await page.locator('dt', { hasText: 'Language' }).waitFor();
    await page.locator('dd', { hasText: 'English' }).waitFor();
    await page.waitForTimeout(1000); // let the PDF viewer paint for the screenshot
    await snap('document-view');
  });

  await step('"More like this" on the document view lists the similar report and opens it', async () => {
    await page.goto(server.base + '/#/');
    await page.locator('header.top input[type=file]').setInputFiles([
      {
        name: 'bakery-report-2023.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(
          'Quarterly report 2023\nThe quarterly revenue of the bakery grew by nine percent.\nFlour prices rose; the old oven needed repairs.\n',
        ),
      },
    ]);
    await card('bakery-report-2023.txt').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('article.card [data-status]').length === 0, null, {
      timeout: 60_000,
    });
    await page.getByTestId('upload-summary').locator('..').getByRole('button', { name: 'Close upload summary' }).click();
    await card('bakery-report.pdf').getByRole('link').click();
    await page.getByRole('heading', { name: 'bakery-report.pdf', level: 1 }).waitFor();
    const similar = page.getByRole('region', { name: 'More like this' });
    await similar.getByRole('listitem').first().waitFor();
    const first = similar.getByRole('link').first();
    check((await first.textContent()) === 'bakery-report-2023.txt', `the most similar is ${await first.textContent()}`);
    const names = await similar.getByRole('link').allTextContents();
    check(!names.includes('bakery-report.pdf'), 'the document lists itself as similar');
    await snap('more-like-this');
    await first.click();
    await page.getByRole('heading', { name: 'bakery-report-2023.txt', level: 1 }).waitFor();
    await page.waitForFunction(() => location.hash.startsWith('#/documents/'));
    await similar.getByRole('link', { name: 'bakery-report.pdf' }).first().waitFor();
    // Leave the library as the next steps expect it.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete this document?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('“bakery-report-2023.txt” was deleted.').waitFor();
  });

  await step('change settings; the key is masked after a reload', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('Profile', { exact: true }).waitFor();
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByTestId('stored-key').filter({ hasText: '…abcd' }).waitFor();
    const html = await page.content();
    const values = await page.evaluate(() => Array.from(document.querySelectorAll('input')).map((i) => i.value));
    check(!html.includes(API_KEY) && !values.some((v) => v.includes(API_KEY)), 'the full API key is in the page');
    check(!html.includes('1234567890'), 'part of the API key beyond its last four characters is in the page');
    await snap('settings-key-masked');
  });

  await step('settings saved by another client show without a reload', async () => {
    const resp = await fetch(server.base + '/api/settings', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auto_apply_threshold: 0.55 }),
    });
    check(resp.ok, `PATCH /api/settings: HTTP ${resp.status} ${await resp.text()}`);
    await page.getByText('55% confidence').waitFor();
  });

  await step('a hostile file name renders as text', async () => {
    await page.goto(server.base + '/#/');
    await page.locator('header.top input[type=file]').setInputFiles([
      { name: HOSTILE, mimeType: 'text/plain', buffer: Buffer.from('hostile name test\n') },
    ]);
    await card(HOSTILE).waitFor();
    await page.getByTestId('upload-summary').filter({ hasText: '1 imported' }).waitFor();
    await page.waitForTimeout(500);
    check((await page.evaluate(() => window.__pwned)) === undefined, 'the file name ran as markup');
    check((await page.locator('img[src="x"]').count()) === 0, 'the file name became an <img>');
    check((await card(HOSTILE).locator('.name').textContent()) === HOSTILE, 'the file name is not shown as written');
    await snap('hostile-filename');
  });

  await step('file into a folder, rename a topic, delete with confirmation', async () => {
    const sidebar = page.locator('.sidebar');
    await sidebar.getByRole('button', { name: 'New' }).click();
    await sidebar.getByLabel('Folder name').fill('Work');
    await sidebar.getByRole('button', { name: 'Create' }).click();
    await sidebar.getByRole('button', { name: 'Work', exact: true }).waitFor();

    await card('bakery-report.pdf').getByRole('checkbox').check();
    const bar = page.getByRole('toolbar', { name: 'Selected documents' });
    await bar.getByLabel('Move the selected documents to a folder').selectOption({ label: 'Work' });
    await page.getByText('Moved 1 document to “Work”.').waitFor();
    await sidebar.getByRole('button', { name: 'Work', exact: true }).click();
    await page.getByRole('heading', { name: 'Work', level: 1 }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 1);
    await card('bakery-report.pdf').waitFor();

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Topics' }).click();
    await page.getByRole('button', { name: 'Edit topic Meetings' }).click();
    const edit = page.locator('li.topic form');
    await edit.getByLabel('Name').fill('Team meetings');
    await edit.getByLabel('Color as a hex value').fill('#3d8b6e');
    await edit.getByRole('button', { name: 'Save' }).click();
    await sidebar.getByRole('button', { name: /Team meetings\s*1/ }).waitFor();
    await page.getByRole('button', { name: 'Delete topic Team meetings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the topic “Team meetings”?' });
    await dialog.getByText('1 document loses this topic.').waitFor();
    await snap('delete-topic-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await sidebar.getByRole('button', { name: 'All documents' }).click();
    await card(HOSTILE).getByRole('checkbox').check();
    await page.getByRole('toolbar', { name: 'Selected documents' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete 1 document?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Deleted 1 document.').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 3);
  });

  await step('the list layout, in the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'List' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.docs tbody tr').length === 3);
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
    check(bg === '#14171c', `the dark theme is not applied (--bg is ${bg})`);
    await snap('list-layout-dark');
  });

  await step('the API key never appears in a response or in the server log', async () => {
    // The masked form ends with the key's last 4 characters; any longer
    // piece of the key is a leak.
    const pieces = [API_KEY, API_KEY.slice(0, 12), API_KEY.slice(-10)];
    for (const r of responses) {
      for (const piece of pieces) check(!r.includes(piece), `a response shows the key: ${r.slice(0, 200)}`);
    }
    check(responses.length > 20, `only ${responses.length} API responses were recorded`);
    for (const piece of pieces) check(!server.log().includes(piece), 'the server log shows the key');
  });

  await step('no console errors and no CSP violations', async () => {
    const csp = await page.evaluate(() => window.__csp);
    problems.push(...csp.map((v) => `CSP violation: ${v}`));
    check(problems.length === 0, `\n    ${problems.join('\n    ')}`);
  });

  await context.close();
} catch {
  failed = true;
  await page?.screenshot({ path: join(SHOTS, 'failure.png') }).catch(() => {});
  if (problems.length > 0) console.log(`  also seen:\n    ${problems.join('\n    ')}`);
  console.log(`  server log:\n${server.log().replace(/^/gm, '    ')}`);
} finally {
  await browser.close();
  await server.stop();
}

console.log(`e2e: screenshots in ${SHOTS}`);
console.log(`${steps.passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
