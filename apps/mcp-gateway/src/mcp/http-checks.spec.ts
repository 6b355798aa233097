import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsMcpPost, hostAllowed, originAllowed, protocolVersionFromHeader } from './http-checks.js';
import { checkSessionOwner, McpSessionStore, type McpSessionRecord } from './session-store.js';

describe('MCP HTTP checks', () => {
  it('allows absent Origin, configured origins, and rejects others', () => {
    assert.equal(originAllowed(undefined, []), true);
    assert.equal(originAllowed('https://app.example.com', ['https://app.example.com']), true);
    assert.equal(originAllowed('https://evil.example', ['https://app.example.com']), false);
    assert.equal(originAllowed('http://localhost:3000', []), false);
  });

  it('checks Host only when names are configured, ignoring the port', () => {
    assert.equal(hostAllowed('anything:8080', []), true);
    assert.equal(hostAllowed('localhost:8080', ['localhost', '127.0.0.1']), true);
    assert.equal(hostAllowed('attacker.example', ['localhost']), false);
    assert.equal(hostAllowed(undefined, ['localhost']), false);
  });

  it('accepts supported protocol versions and defaults an absent header to 2025-03-26', () => {
    assert.equal(protocolVersionFromHeader('2025-11-25'), '2025-11-25');
    assert.equal(protocolVersionFromHeader(undefined), '2025-03-26');
    assert.equal(protocolVersionFromHeader('1999-01-01'), undefined);
  });

  it('requires Accept to allow both JSON and SSE', () => {
    assert.equal(acceptsMcpPost('application/json, text/event-stream'), true);
    assert.equal(acceptsMcpPost('application/json'), false);
    assert.equal(acceptsMcpPost(undefined), false);
  });
});

describe('MCP session ownership', () => {
  const rec: McpSessionRecord = {
    id: McpSessionStore.newId(),
    principalId: 'alice',
    tenantId: 'acme',
    endpoint: '/mcp',
    protocolVersion: '2025-11-25',
    clientCapabilities: {},
    createdAt: 0,
  };
  it('binds a session to principal, tenant and endpoint', () => {
    assert.deepEqual(checkSessionOwner(rec, 'alice', 'acme', '/mcp'), { ok: true });
    assert.deepEqual(checkSessionOwner(rec, 'bob', 'acme', '/mcp'), { ok: false, reason: 'foreign' });
    assert.deepEqual(checkSessionOwner(rec, 'alice', 'globex', '/mcp'), { ok: false, reason: 'foreign' });
    assert.deepEqual(checkSessionOwner(rec, 'alice', 'acme', 'github'), { ok: false, reason: 'wrong_endpoint' });
    assert.deepEqual(checkSessionOwner(undefined, 'alice', 'acme', '/mcp'), { ok: false, reason: 'not_found' });
  });
  it('generates URL-safe 128-bit ids', () => {
    const id = McpSessionStore.newId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(id, McpSessionStore.newId());
  });
});
