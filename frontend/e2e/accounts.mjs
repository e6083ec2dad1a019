// End-to-end test of accounts in a real browser: `docsift serve` runs with
// no users (nobody is asked to sign in); `docsift user add` then adds an
// admin with a small storage quota, and the web UI asks for a sign-in.
// Two browser contexts sign in as two users: a wrong password is refused
// with a sentence, the admin sees the Users page and adds a user, the
// other does not see it; an upload over the quota is refused with the
// sentence; Settings shows the usage and makes a personal token once;
// signing out shows the sign-in page again.
//
// Fails on any console error or uncaught exception. Without Chromium it
// skips, except under CI=true.
//
//   node e2e/accounts.mjs       (from frontend/, after `make build`)
//
// Environment: DOCSIFT_BIN (default ../build/bin/docsift), CHROMIUM
// (default /usr/bin/chromium), E2E_SHOTS (default ../build/e2e).

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServe } from './server.mjs';
import { BIN, CHROMIUM, CI, SHOTS, requireChromium } from './setup.mjs';
import { check, stepper } from './steps.mjs';

const STEP_TIMEOUT = 30_000;
const ANN_PW = 'ann has a long password';
const BOB_PW = 'bob has a long password';

requireChromium();

const problems = [];
const steps = stepper();
const step = steps.run;
const server = await startServe(BIN);

/** Runs a docsift command on the server's data directory. */
function docsift(args, input = '') {
  const res = spawnSync(BIN, args, {
    input,
    env: { ...process.env, DOCSIFT_DATA_DIR: server.dataDir, DOCSIFT_PROFILE: 'local' },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`docsift ${args.join(' ')}: exit ${res.status}: ${res.stderr}`);
  return res.stdout;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

/** A fresh browser context (its own cookies) with a page that records problems. */
async function newPage(who) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  page.on('console', (msg) => {
    // The 401s before signing in are the API's answer, logged by Chromium
    // as failed resources; anything else is a problem.
    if (msg.type() === 'error' && !/status of 401|status of 413|status of 409/.test(msg.text())) {
      problems.push(`${who}: console error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`${who}: uncaught: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`${who}: unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
  return page;
}

async function signIn(page, name, password) {
  await page.goto(server.base + '/');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

let failed = false;
let ann;
let bob;
try {
  mkdirSync(SHOTS, { recursive: true });

  await step('with no users nobody is asked to sign in', async () => {
    const res = await fetch(`${server.base}/api/me`);
    const me = await res.json();
    check(res.status === 200 && me.accounts === false, `GET /api/me: ${res.status} ${JSON.stringify(me)}`);
  });

  await step('docsift user add makes the server ask for a sign-in', async () => {
    const out = docsift(['user', 'add', 'ann', '--admin', '--password-stdin'], ANN_PW + '\n');
    check(out.includes('added admin ann'), out);
    docsift(['user', 'quota', 'ann', '--bytes', '3KB']);
    // serve notices a user added by another process within its cache's 5 s.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${server.base}/api/documents`);
      if (res.status === 401) break;
      check(Date.now() < deadline, `GET /api/documents still answers ${res.status} without a sign-in`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  ann = await newPage('ann');
  await step('a wrong password is refused with a sentence', async () => {
    await signIn(ann, 'ann', 'not the password');
    await ann.getByRole('alert').filter({ hasText: 'user name and password do not match' }).waitFor();
    await ann.screenshot({ path: join(SHOTS, 'accounts-1-wrong-password.png') });
  });

  await step('ann signs in and sees her library', async () => {
    await ann.getByLabel('Password').fill(ANN_PW);
    await ann.getByRole('button', { name: 'Sign in' }).click();
    await ann.getByRole('heading', { name: 'Your library is empty' }).waitFor();
  });

  await step('an upload over the quota is refused with the sentence', async () => {
    await ann.locator('header.top input[type=file]').setInputFiles([
      { name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from('a small note that fits') },
    ]);
    await ann.getByTestId('upload-summary').filter({ hasText: '1 imported' }).waitFor();
    await ann.locator('header.top input[type=file]').setInputFiles([
      { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.from('too big for the quota '.repeat(400)) },
    ]);
    await ann.getByText('would go over your storage quota').waitFor();
    await ann.screenshot({ path: join(SHOTS, 'accounts-2-over-quota.png') });
  });

  await step('the admin adds a user on the Users page', async () => {
    await ann.getByRole('button', { name: 'Users' }).click();
    await ann.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await ann.getByTestId('users').getByText('ann').waitFor();
    await ann.getByLabel('Name').fill('bob');
    await ann.getByLabel('Password').fill(BOB_PW);
    await ann.getByRole('button', { name: 'Add user' }).click();
    await ann.getByTestId('users').getByText('bob').waitFor();
    await ann.screenshot({ path: join(SHOTS, 'accounts-3-users.png') });
  });

  bob = await newPage('bob');
  await step('bob signs in in another browser and has no Users page', async () => {
    await signIn(bob, 'bob', BOB_PW);
    await bob.getByRole('button', { name: 'Settings' }).waitFor();
    check((await bob.getByRole('button', { name: 'Users' }).count()) === 0, 'bob, not an admin, sees the Users page');
    const res = await bob.request.get(`${server.base}/api/users`);
    check(res.status() === 403, `GET /api/users as bob: ${res.status()}`);
  });

  let annDoc;
  await step("neither sees the other's documents", async () => {
    const mine = await (await ann.request.get(`${server.base}/api/documents`)).json();
    check(mine.total === 1 && mine.documents[0].filename === 'small.txt', `ann's documents: ${JSON.stringify(mine)}`);
    annDoc = mine.documents[0];
    await bob.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await bob.locator('header.top input[type=file]').setInputFiles([
      { name: 'bob-notes.txt', mimeType: 'text/plain', buffer: Buffer.from("bob's own notes") },
    ]);
    await bob.getByTestId('upload-summary').filter({ hasText: '1 imported' }).waitFor();
    const bobs = await (await bob.request.get(`${server.base}/api/documents`)).json();
    check(bobs.total === 1 && bobs.documents[0].filename === 'bob-notes.txt', `bob's documents: ${JSON.stringify(bobs)}`);
    const theirs = await bob.request.get(`${server.base}/api/documents/${annDoc.id}`);
    check(theirs.status() === 404, `bob opening ann's document: ${theirs.status()}`);
    const again = await (await ann.request.get(`${server.base}/api/documents`)).json();
    check(again.total === 1, `ann's documents after bob's upload: ${JSON.stringify(again)}`);
    await bob.screenshot({ path: join(SHOTS, 'accounts-5-bob-own-library.png') });
  });

  await step('a topic ann shares read-only shows its document to bob, who cannot delete it', async () => {
    const origin = { headers: { Origin: server.base } };
    const topic = await ann.request.post(`${server.base}/api/topics`, { ...origin, data: { name: 'Plans' } });
    check(topic.status() === 201, `ann creates a topic: ${topic.status()} ${await topic.text()}`);
    const linked = await ann.request.patch(`${server.base}/api/documents/${annDoc.id}`, { ...origin, data: { topics: ['Plans'] } });
    check(linked.status() === 200, `ann files her document under Plans: ${linked.status()} ${await linked.text()}`);
    const shared = await ann.request.post(`${server.base}/api/shares`, {
      ...origin,
      data: { kind: 'topic', target: 'Plans', with: 'bob' },
    });
    check(shared.status() === 201, `ann shares Plans with bob: ${shared.status()} ${await shared.text()}`);
    await bob.reload();
    await bob.getByRole('navigation', { name: 'Library' }).getByText('Plans').click();
    await bob.getByText('small.txt').first().waitFor();
    await bob.getByText('Shared · read-only').first().waitFor();
    const del = await bob.request.delete(`${server.base}/api/documents/${annDoc.id}`, origin);
    check(del.status() === 403, `bob deleting a read-only shared document: ${del.status()}`);
    const still = await (await ann.request.get(`${server.base}/api/documents`)).json();
    check(still.total === 1, `ann's document after bob's attempt: ${JSON.stringify(still)}`);
    await bob.screenshot({ path: join(SHOTS, 'accounts-6-shared-topic.png') });
  });

  await step('Settings shows the usage and makes a personal token once', async () => {
    await ann.getByRole('button', { name: 'Settings' }).click();
    await ann.getByTestId('account').getByText('Signed in as').waitFor();
    await ann.getByTestId('usage').filter({ hasText: '1 document' }).waitFor();
    await ann.getByLabel('Token name').fill('e2e script');
    await ann.getByRole('button', { name: 'Create token' }).click();
    const token = (await ann.getByTestId('new-token').textContent())?.trim() ?? '';
    check(token.startsWith('ds_t_'), `new token ${token}`);
    const res = await fetch(`${server.base}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    const me = await res.json();
    check(res.status === 200 && me.user?.name === 'ann', `the token signs in: ${res.status} ${JSON.stringify(me)}`);
    await ann.screenshot({ path: join(SHOTS, 'accounts-4-settings.png') });
  });

  await step('signing out shows the sign-in page again', async () => {
    await ann.getByRole('button', { name: 'Sign out' }).click();
    await ann.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  check(problems.length === 0, `problems:\n${problems.join('\n')}`);
  check(!server.log().includes(ANN_PW) && !server.log().includes(BOB_PW), 'a password reached the server log');
} catch (err) {
  failed = true;
  console.error(`e2e accounts: ${err instanceof Error ? err.message : err}`);
  if (problems.length) console.error(problems.join('\n'));
  await ann?.screenshot({ path: join(SHOTS, 'accounts-failure.png') }).catch(() => {});
  await bob?.screenshot({ path: join(SHOTS, 'accounts-failure-bob.png') }).catch(() => {});
} finally {
  await browser.close();
  await server.stop();
}
console.log(`e2e accounts: ${steps.passed} steps passed${failed ? ', then one failed' : ''}`);
process.exit(failed ? 1 : 0);
