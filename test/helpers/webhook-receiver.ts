import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBody } from '../../lib/alerts/webhook-body';

/** A real HTTP server on loopback that records alert POSTs and answers each with the next of `failFirst`, then 200. */
export interface WebhookReceiver {
  /** The URL to give as ALERT_WEBHOOK_URL; its path holds a random token, to search histories for. */
  readonly url: string;
  /** Every POST's body, answered 200 or not, in order. */
  readonly received: WebhookBody[];
  /** The bodies answered 200: what the receiver accepted. */
  accepted(): WebhookBody[];
  /** Waits until `n` POSTs were accepted (or fails after `timeoutMs`). */
  until(n: number, timeoutMs?: number): Promise<WebhookBody[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(token: string, failFirst: number[] = []): Promise<WebhookReceiver> {
  const received: WebhookBody[] = [];
  const statuses: number[] = [];
  const answers = [...failFirst];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = req.method === 'POST' && req.url === `/hooks/${token}` ? (answers.shift() ?? 200) : 404;
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf-8') || 'null') as WebhookBody);
      statuses.push(status);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = () => received.filter((_, i) => statuses[i] === 200);
  return {
    url: `http://127.0.0.1:${port}/hooks/${token}`,
    received,
    accepted,
    async until(n, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (accepted().length < n) {
        if (Date.now() > end) throw new Error(`the receiver got ${accepted().length} of ${n} alerts`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return accepted();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
