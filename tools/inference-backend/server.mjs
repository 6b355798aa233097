#!/usr/bin/env node
// OpenAI-compatible chat completions server for tests and local runs. It has no dependencies so it
// is reached over HTTP exactly like vLLM/Ollama/TGI would be, and never shares code with the caller.
//
//   node server.mjs [--port 8090] [--host 127.0.0.1] [--name backend] [--models a,b]
//                   [--latency-ms 50] [--tokens-per-second 200]
//
// Prints one JSON line {"listening": port, "name": ...} on stdout once ready (port 0 = any free port).
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

function parseArgs(argv) {
  const opts = { port: 8090, host: '127.0.0.1', name: 'inference-backend', models: [], latencyMs: 50, tokensPerSecond: 200 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    switch (flag) {
      case '--port':
        opts.port = Number(value);
        break;
      case '--host':
        opts.host = value;
        break;
      case '--name':
        opts.name = value;
        break;
      case '--models':
        opts.models = value.split(',').filter(Boolean);
        break;
      case '--latency-ms':
        opts.latencyMs = Number(value);
        break;
      case '--tokens-per-second':
        opts.tokensPerSecond = Number(value);
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0) throw new Error('--port must be a non-negative integer');
  if (!(opts.tokensPerSecond > 0)) throw new Error('--tokens-per-second must be > 0');
  if (!(opts.latencyMs >= 0)) throw new Error('--latency-ms must be >= 0');
  return opts;
}

// Rough tokenizer (≈4 characters per token), the same rule used for prompt and completion so the
// reported usage is internally consistent.
const countTokens = (text) => Math.max(1, Math.ceil(text.length / 4));

function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

function completionPieces(opts, model, messages, maxTokens) {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = `[${opts.name}/${model}] ${contentText(lastUser?.content ?? '')}`;
  const words = text.split(/(?<=\s)/);
  const pieces = words.slice(0, maxTokens);
  return { pieces, finishReason: pieces.length < words.length ? 'length' : 'stop' };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sendError(res, status, message, type = 'invalid_request_error') {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type } }));
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 4 * 1024 * 1024) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function startServer(opts) {
  const stats = { requests: 0, streamed: 0, promptTokens: 0, completionTokens: 0, byModel: {} };

  async function chatCompletions(req, res) {
    let body;
    try {
      body = await readJson(req);
    } catch (e) {
      return sendError(res, e.status ?? 400, 'invalid JSON body');
    }
    const { model, messages, stream } = body ?? {};
    if (typeof model !== 'string' || !model) return sendError(res, 400, '"model" is required');
    if (opts.models.length && !opts.models.includes(model))
      return sendError(res, 404, `model "${model}" is not served here`, 'not_found_error');
    if (!Array.isArray(messages) || messages.length === 0) return sendError(res, 400, '"messages" must be a non-empty array');
    const maxTokens =
      Number.isInteger(body.max_tokens) && body.max_tokens > 0
        ? body.max_tokens
        : Number.isInteger(body.max_completion_tokens) && body.max_completion_tokens > 0
          ? body.max_completion_tokens
          : 256;
    const promptTokens = messages.reduce((n, m) => n + countTokens(contentText(m?.content ?? '')), 0);
    const { pieces, finishReason } = completionPieces(opts, model, messages, maxTokens);
    const usage = { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length };
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    let aborted = false;
    res.on('close', () => {
      if (!res.writableFinished) aborted = true;
    });

    stats.requests++;
    await sleep(opts.latencyMs);
    const perToken = 1000 / opts.tokensPerSecond;
    const headers = { 'x-backend-name': opts.name };
    if (stream) {
      stats.streamed++;
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (delta, finish, extra = {}) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: opts.name, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const p of pieces) {
        if (aborted) return;
        await sleep(perToken);
        res.write(chunk({ content: p }, null));
      }
      res.write(chunk({}, finishReason));
      if (body.stream_options?.include_usage) {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: opts.name, choices: [], usage })}\n\n`,
        );
      }
      res.end('data: [DONE]\n\n');
    } else {
      await sleep(perToken * pieces.length);
      if (aborted) return;
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: opts.name,
          choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: finishReason }],
          usage,
        }),
      );
    }
    stats.promptTokens += usage.prompt_tokens;
    stats.completionTokens += usage.completion_tokens;
    const m = (stats.byModel[model] ??= { requests: 0, promptTokens: 0, completionTokens: 0 });
    m.requests++;
    m.promptTokens += usage.prompt_tokens;
    m.completionTokens += usage.completion_tokens;
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      chatCompletions(req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'internal error', 'server_error');
        else res.destroy();
      });
    } else if (req.method === 'GET' && path === '/v1/models') {
      const data = (opts.models.length ? opts.models : ['test-model']).map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: opts.name,
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data }));
    } else if (req.method === 'GET' && path === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: opts.name, ...stats }));
    } else if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    } else {
      sendError(res, 404, 'not found', 'not_found_error');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}

const isMain = import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(String(e.message));
    process.exit(2);
  }
  const server = await startServer(opts);
  console.log(JSON.stringify({ listening: server.address().port, name: opts.name }));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
