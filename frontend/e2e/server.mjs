// Starts `docsift serve` on a free loopback port with a fresh data
// directory, and stops it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs binary `serve` until stop() and resolves once /api/health answers
 * 200. The data directory is removed on stop.
 */
export async function startServe(binary, { timeoutMs = 30_000 } = {}) {
  if (!existsSync(binary)) throw new Error(`${binary} does not exist: run \`make build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'docsift-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  // Debug logging: the run also proves no secret reaches the log.
  const child = spawn(binary, ['serve', '--addr', `127.0.0.1:${port}`, '--log-level', 'debug'], {
    env: { ...process.env, DOCSIFT_DATA_DIR: dataDir, DOCSIFT_PROFILE: 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (b) => (log += b));
  child.stderr.on('data', (b) => (log += b));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`docsift serve exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docsift serve did not become healthy in ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, dataDir, stop, log: () => log };
}
