// End-to-end test of the classifier's explanations and failures in a real
// browser against `docsift serve`: a suggestion in the document view shows
// the words that weighed most for it; with an AI provider that refuses the
// key (a local fake OpenAI server: the test has no internet), a document
// shows the provider's sentence in its view and in the activity panel, and
// "Classify again" sorts it once the provider answers; Settings measures
// the person's decisions. Screenshots go to build/e2e/explain-*.png.
//
// Fails on any console error, uncaught exception or CSP violation. Without
// Chromium it skips, except under CI=true.
//
//   node e2e/explain.mjs        (from frontend/; part of `npm run e2e`)

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServe } from './server.mjs';
import { BIN, CHROMIUM, CI, SHOTS, requireChromium } from './setup.mjs';
import { check, stepper } from './steps.mjs';

const STEP_TIMEOUT = 30_000;
const PROVIDER_REASON = 'It asks for an amount due with VAT.';

requireChromium();

const problems = [];

const steps = stepper();
const step = steps.run;

/**
 * A fake OpenAI-compatible server on loopback: it refuses the key until
 * up is set, then sorts every document into Invoices with a reason.
 */
function fakeOpenAI() {
  const state = { up: false, requests: 0 };
  const srv = createServer((req, res) => {
    state.requests++;
    req.resume();
    res.setHeader('Content-Type', 'application/json');
    if (!state.up) {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    const content = JSON.stringify({
      topics: [{ name: 'Invoices', confidence: 0.97, reason: PROVIDER_REASON }],
      new_topic_name: null,
      new_topic_description: null,
    });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-e2e',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-test',
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      }),
    );
  });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok({ state, url: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() })));
}

const server = await startServe(BIN);
const llm = await fakeOpenAI();

/** Calls the server's API as a script would. */
async function api(method, path, body) {
  const res = await fetch(server.base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function upload(name, text) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  const res = await fetch(`${server.base}/api/documents`, { method: 'POST', body: form });
  const body = await res.json();
  check(res.ok && body.results?.[0]?.document, `upload ${name}: ${res.status} ${JSON.stringify(body)}`);
  return body.results[0].document.id;
}

async function waitReady(id) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = await api('GET', `/api/documents/${id}`);
    if (d.status === 'ready' || d.status === 'failed') return d;
    check(Date.now() < deadline, `document ${id} still ${d.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

let failed = false;
let page;
let shot = 0;
try {
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (/^explain-.+\.png$/.test(f)) rmSync(join(SHOTS, f));
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  const snap = async (name) => {
    shot++;
    await page.screenshot({ path: join(SHOTS, `explain-${String(shot).padStart(2, '0')}-${name}.png`) });
  };

  let invoiceId;
  await step('a suggestion in the document view shows its reasons', async () => {
    await api('POST', '/api/topics', { name: 'Invoices', description: 'bills to pay: amount due, VAT, payment terms' });
    await api('POST', '/api/topics', { name: 'Recipes', description: 'cooking: ingredients, oven, baking' });
    invoiceId = await upload('invoice-114.txt', 'Invoice 2025-114. Amount due: 420 EUR including VAT. Payment terms: 30 days.');
    const d = await waitReady(invoiceId);
    check(d.suggestions?.some((s) => s.name === 'Invoices'), `Invoices is not suggested: ${JSON.stringify(d)}`);
    await page.goto(`${server.base}/#/documents/${invoiceId}`);
    await page.getByRole('heading', { name: 'invoice-114.txt', level: 1 }).waitFor();
    const why = page.getByTestId('suggestion-reasons').first();
    await why.waitFor();
    const text = (await why.textContent()) ?? '';
    check(/^because: /.test(text), `the reasons read "${text}"`);
    check(/invoice|vat|amount|payment/.test(text), `the reasons "${text}" are not the invoice's words`);
    check(!/oven|cooking|recipe/.test(text), `the reasons "${text}" hold a Recipes word`);
    await snap('suggestion-reasons');
  });

  await step('accepting the suggestion is measured in Settings', async () => {
    await page.getByRole('button', { name: 'Accept topic Invoices' }).click();
    await page.getByRole('button', { name: 'Accept topic Invoices' }).waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    const measures = page.getByTestId('classifier-measures');
    await measures.waitFor();
    await measures.locator('dd', { hasText: '100%' }).waitFor();
    await measures.getByText('1 of 1 accepted, 0 rejected.').waitFor();
    await measures.getByText('Measured on your 1 decision about its work so far.').waitFor();
    await snap('settings-measures');
  });

  let taxId;
  await step('a provider failure is visible on the document and in the activity panel', async () => {
    await api('PATCH', '/api/settings', {
      ai_provider: 'openai',
      ai_model: 'gpt-test',
      ai_base_url: `${llm.url}/v1`,
      api_key: 'sk-test-explain-0123456789',
    });
    taxId = await upload('invoice-115.txt', 'Invoice 2025-115. Amount due: 80 EUR including VAT.');
    const d = await waitReady(taxId);
    check(d.status === 'ready' && d.classify_error, `the document is not marked unclassified: ${JSON.stringify(d)}`);
    check(llm.state.requests > 0, 'the provider was never asked');
    await page.goto(`${server.base}/#/documents/${taxId}`);
    const box = page.getByTestId('classify-error');
    await box.waitFor();
    const sentence = (await box.locator('p').textContent()) ?? '';
    check(sentence === d.classify_error, `the view says "${sentence}", the server "${d.classify_error}"`);
    check(/key/i.test(sentence), `the sentence "${sentence}" does not speak of the key`);
    check(!sentence.includes('0123456789'), 'the sentence shows the key');
    await snap('document-not-classified');

    await page.getByTestId('activity-label').filter({ hasText: '1 not classified' }).waitFor();
    await page.getByTestId('activity-label').click();
    const list = page.getByTestId('unclassified-list');
    await list.getByText('invoice-115.txt').waitFor();
    await list.getByText(sentence).waitFor();
    await snap('activity-not-classified');
    await page.getByTestId('activity-label').click();
  });

  await step('Classify again sorts it once the provider is back, with its reason', async () => {
    llm.state.up = true;
    await page.getByTestId('classify-error').getByRole('button', { name: 'Classify again' }).click();
    await page.getByTestId('classify-error').waitFor({ state: 'detached', timeout: 60_000 });
    const why = page.getByTestId('topic-reasons').filter({ hasText: 'Invoices' });
    await why.waitFor();
    const text = (await why.textContent()) ?? '';
    check(text.includes(`because: ${PROVIDER_REASON}`), `the applied topic's reason reads "${text}"`);
    await page.getByTestId('activity-label').filter({ hasNotText: 'not classified' }).waitFor();
    await snap('classified-again');
  });

  await step('no console errors and no CSP violations', async () => {
    const csp = await page.evaluate(() => window.__csp);
    problems.push(...csp.map((v) => `CSP violation: ${v}`));
    check(problems.length === 0, `\n    ${problems.join('\n    ')}`);
  });
  await context.close();
} catch {
  failed = true;
  await page?.screenshot({ path: join(SHOTS, 'explain-failure.png') }).catch(() => {});
  if (problems.length > 0) console.log(`  also seen:\n    ${problems.join('\n    ')}`);
  console.log(`  server log:\n${server.log().replace(/^/gm, '    ')}`);
} finally {
  await browser.close();
  await server.stop();
  llm.close();
}

console.log(`e2e explain: ${steps.passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
