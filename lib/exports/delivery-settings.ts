/**
 * What an export may set beyond lib/config.ts's export and schedule sections: its alert webhook (docs/contract.md
 * §10), which only the worker reads. Its format, columns, data-quality limit and deadline are export settings there.
 */
import { z } from 'zod';
import { alertWebhookUrl } from '../config';

/** Variables whose values are never shown: the webhook URL is a secret (docs/contract.md §10). */
export const DELIVERY_SECRETS: ReadonlySet<string> = new Set(['ALERT_WEBHOOK_URL']);

export const deliverySchema = z.object({ ALERT_WEBHOOK_URL: alertWebhookUrl });

export type DeliverySettings = z.output<typeof deliverySchema>;
