import { AlertDeliveryError } from '../errors';
import type { WebhookBody } from './webhook-body';

/** Statuses worth another attempt: the receiver is busy, rate-limits or timed out. Other 4xx will not change. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/**
 * POSTs one alert as JSON. Resolves on a 2xx answer; otherwise throws AlertDeliveryError (permanent for a 4xx other
 * than RETRYABLE_4XX). Error messages never hold the URL: it is a secret (docs/contract.md §10).
 */
export async function postWebhook(url: string, body: WebhookBody, timeoutMs = 10_000): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : (err as Error).name;
    throw new AlertDeliveryError(`alert ${body.id}: the webhook could not be reached (${code})`, undefined, false);
  }
  await res.body?.cancel();
  if (res.ok) return;
  const permanent = res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status);
  throw new AlertDeliveryError(`alert ${body.id}: the webhook answered HTTP ${res.status}`, res.status, permanent);
}
