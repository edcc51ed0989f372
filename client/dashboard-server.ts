import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  agentAnswer,
  agentIdsAnswer,
  BadRequestError,
  calendarAnswer,
  exportsAnswer,
  unavailable,
  type ApiAnswer,
  type DashboardContext,
} from './dashboard-api';

/** client/dashboard-page/, found from client/ and from dist/client/ alike. */
function pageDir(): string {
  for (const dir of [path.join(__dirname, 'dashboard-page'), path.resolve(__dirname, '../../client/dashboard-page')]) {
    if (existsSync(dir)) return dir;
  }
  throw new Error('client/dashboard-page not found');
}

/** The only files served: the page and uPlot from node_modules (nothing from a CDN: the page works offline). */
function staticFiles(): Map<string, { file: string; type: string }> {
  const page = pageDir();
  return new Map([
    ['/', { file: path.join(page, 'index.html'), type: 'text/html; charset=utf-8' }],
    ['/dashboard.js', { file: path.join(page, 'dashboard.js'), type: 'text/javascript; charset=utf-8' }],
    ['/dashboard.css', { file: path.join(page, 'dashboard.css'), type: 'text/css; charset=utf-8' }],
    ['/vendor/uPlot.js', { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript' }],
    ['/vendor/uPlot.css', { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css' }],
  ]);
}

const HEADERS = {
  // Everything from this server and nothing else: a page that loaded a CDN script would break here, not in prod.
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The dashboard's HTTP server, listening on host:port (port 0: any free port). Read-only: GET and HEAD only. */
export async function startDashboard(ctx: DashboardContext, host: string, port: number): Promise<Server> {
  const files = staticFiles();
  const server = createServer((req, res) => {
    handle(ctx, files, req, res).catch((err: unknown) => send(res, unavailable(err)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** The URL the server answers on. */
export function dashboardUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
}

async function handle(
  ctx: DashboardContext,
  files: Map<string, { file: string; type: string }>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, { status: 405, body: { error: 'the dashboard is read-only: GET only' } });
  }
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const file = files.get(url.pathname);
  if (file) {
    res.writeHead(200, { ...HEADERS, 'Content-Type': file.type, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file.file));
    return;
  }
  send(res, await api(ctx, url));
}

async function api(ctx: DashboardContext, url: URL): Promise<ApiAnswer> {
  const agent = /^\/api\/agents\/([^/]+)$/.exec(url.pathname);
  try {
    if (url.pathname === '/api/exports') return exportsAnswer(ctx);
    if (url.pathname === '/api/calendar') return await calendarAnswer(ctx, url.searchParams);
    if (url.pathname === '/api/agents') return await agentIdsAnswer(ctx, url.searchParams);
    if (agent) return await agentAnswer(ctx, decodeURIComponent(agent[1]!), url.searchParams);
  } catch (err) {
    if (err instanceof BadRequestError) return { status: err.status, body: { error: err.message } };
    if (err instanceof URIError) return { status: 400, body: { error: `not a valid path: ${url.pathname}` } };
    return unavailable(err);
  }
  return { status: 404, body: { error: `nothing at ${url.pathname}` } };
}

function send(res: ServerResponse, answer: ApiAnswer): void {
  if (res.headersSent) return void res.end();
  res.writeHead(answer.status, {
    ...HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(answer.body));
}
