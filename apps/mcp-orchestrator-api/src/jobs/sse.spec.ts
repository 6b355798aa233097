import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from './sse.js';

test('events split across chunks, comments and CRLF framing are handled', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('data: {"a"'), []);
  assert.deepEqual(p.push(':1}\n\n: keep-alive\n\ndata: x\r\ndata: y\r\n\r\ndata: [DONE]'), ['{"a":1}', 'x\ny']);
  assert.deepEqual(p.push('\n\n'), ['[DONE]']);
});
