import { describe, expect, it } from 'vitest';
import { createApi } from '../api';
import { FakeServer, fakeDeps } from '../testing/fake-backend';
import { observeErrors, SessionStore } from './session.svelte';

function setup(server: FakeServer): { session: SessionStore; api: ReturnType<typeof createApi> } {
  let session: SessionStore | undefined;
  const api = observeErrors(createApi({}, fakeDeps(server)), (err) => session?.observe(err));
  session = new SessionStore(api);
  return { session, api };
}

describe('SessionStore', () => {
  it('asks for a user name and password when the server answers "sign_in"', async () => {
    const server = new FakeServer().reply(
      'GET /api/documents',
      { error: { code: 'sign_in', message: 'Sign in to continue.' } },
      401,
    );
    const { session, api } = setup(server);
    await expect(api.listDocuments({})).rejects.toThrow('Sign in to continue.');
    expect(session.needsLogin).toBe(true);
    expect(session.mode).toBe('password');
  });

  it('keeps asking for the shared token on a plain 401', async () => {
    const server = new FakeServer().reply(
      'GET /api/documents',
      { error: { code: 'unauthorized', message: 'An access token is required.' } },
      401,
    );
    const { session, api } = setup(server);
    await expect(api.listDocuments({})).rejects.toThrow();
    expect(session.needsLogin).toBe(true);
    expect(session.mode).toBe('token');
  });

  it('signs in with the name and password and learns who it is', async () => {
    const me = { accounts: true, user: { id: 'u1', name: 'ann', admin: true }, usage: { documents: 0, bytes: 0 } };
    const server = new FakeServer().reply('POST /api/login', me).reply('GET /api/me', me);
    const { session } = setup(server);
    session.needsLogin = true;
    await session.signIn('ann', 'a long password');
    expect(server.to('POST', '/api/login')[0]?.body).toEqual({ username: 'ann', password: 'a long password' });
    expect(session.needsLogin).toBe(false);
    expect(session.isAdmin).toBe(true);
  });

  it('shows the sign-in page again after signing out', async () => {
    const server = new FakeServer().reply('POST /api/logout', { ok: true });
    const { session } = setup(server);
    await session.logout();
    expect(session.needsLogin).toBe(true);
    expect(session.mode).toBe('password');
    expect(session.me).toBeNull();
  });
});
