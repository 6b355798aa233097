import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ElicitResultSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * A real MCP server (SDK, Streamable HTTP, stateful) whose tools talk back to the client: `ask_name`
 * elicits a name, `count_up` sends progress and a log message. Unlike server-everything, the
 * elicitation tool is listed for every client, so the orchestrator's registry discovers it.
 */
export class AskingUpstream {
  private http!: HttpServer;
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();
  url = '';

  private build(): Server {
    const server = new Server({ name: 'asker', version: '1.0.0' }, { capabilities: { tools: {}, logging: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        { name: 'ask_name', description: 'Asks the user for a name and greets them', inputSchema: { type: 'object', properties: {} } },
        { name: 'count_up', description: 'Counts to three with progress', inputSchema: { type: 'object', properties: {} } },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
      if (req.params.name === 'ask_name') {
        const answer = await extra.sendRequest(
          {
            method: 'elicitation/create',
            params: {
              message: 'Your name?',
              requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
            },
          },
          ElicitResultSchema,
        );
        const name = answer.action === 'accept' ? String(answer.content?.['name']) : `(${answer.action})`;
        return { content: [{ type: 'text', text: `Hello, ${name}` }] };
      }
      const token = req.params._meta?.progressToken;
      for (let i = 1; i <= 3; i++) {
        if (token !== undefined)
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3 } });
      }
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'counted' } });
      return { content: [{ type: 'text', text: 'counted to 3' }] };
    });
    return server;
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => {
      void (async () => {
        const id = req.headers['mcp-session-id'];
        let transport = typeof id === 'string' ? this.sessions.get(id) : undefined;
        if (!transport) {
          transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (sid) => void this.sessions.set(sid, transport!),
          });
          await this.build().connect(transport);
        }
        await transport.handleRequest(req, res, req.method === 'POST' ? await readBody(req) : undefined);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/mcp`;
  }

  async stop(): Promise<void> {
    for (const t of this.sessions.values()) await t.close().catch(() => undefined);
    this.http.closeAllConnections();
    await new Promise((r) => this.http.close(r));
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}
