import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a hold rule sees of one request: method, path with query, headers and (for small bodies) the body text. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * An HTTP proxy on loopback in front of ClickHouse or MinIO for one worker process. It forwards every request
 * unchanged (the Host header too, so S3 signatures still match), except that requests matching the current hold rule
 * are kept open and unanswered: the worker's activity is then provably inside that request, and the test can kill the
 * worker or a service at that moment. `cut()` drops the held connections, as a dying server would.
 */
export class HoldingProxy {
  private holdRule: ((req: SeenRequest) => boolean) | undefined;
  private readonly held: { req: SeenRequest; res: ServerResponse; forward: () => void }[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly server: Server;
  private url_ = '';

  private constructor(upstream: URL) {
    this.server = createServer((req, res) => this.handle(upstream, req, res));
  }

  /** Where the worker should connect: http://127.0.0.1:<port>. */
  get url(): string {
    return this.url_;
  }

  /** Starts a proxy to `target` (http://host:port) on a free loopback port. */
  static async start(target: string): Promise<HoldingProxy> {
    const proxy = new HoldingProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url_ = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** Holds every request from now on that matches `rule` (replaces the previous rule). */
  hold(rule: (req: SeenRequest) => boolean): void {
    this.holdRule = rule;
  }

  /** The requests held so far. */
  get heldRequests(): readonly SeenRequest[] {
    return this.held.map((h) => h.req);
  }

  /** Resolves once at least one request is held. */
  async whenHeld(timeoutMs = 60_000): Promise<SeenRequest> {
    if (this.held[0]) return this.held[0].req;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no request was held within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.held[0]!.req;
  }

  /** Stops holding and forwards the held requests to the target as they are. */
  release(): void {
    this.holdRule = undefined;
    for (const h of this.held.splice(0)) h.forward();
  }

  /** Stops holding and drops the held connections unanswered (the worker sees the socket close). */
  cut(): void {
    this.holdRule = undefined;
    for (const h of this.held.splice(0)) h.res.socket?.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: body.length < 1_000_000 ? body.toString('utf8') : '',
      };
      const forward = () => forwardTo(upstream, seen, body, res);
      if (this.holdRule?.(seen)) {
        this.held.push({ req: seen, res, forward });
        for (const wake of this.waiters.splice(0)) wake();
      } else {
        forward();
      }
    });
  }
}

function forwardTo(upstream: URL, seen: SeenRequest, body: Buffer, res: ServerResponse): void {
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: seen.method, path: seen.url, headers: seen.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('error', () => res.socket?.destroy());
    },
  );
  // A target that is down or dies mid-answer: the worker sees its connection drop, as without the proxy.
  out.on('error', () => res.socket?.destroy());
  out.end(body);
}
