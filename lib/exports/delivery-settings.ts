/**
 * The settings of docs/contract.md §9–§10 an export may set: the output format, optional columns, delivery deadline
 * and alert webhook. Checked here only for their form, so EXPORTS_FILE accepts and resolves them; the features that
 * use them define them fully in lib/config.ts, which then replaces this schema.
 */
import { z } from 'zod';

export const OUTPUT_FORMATS = ['csv', 'csv.gz', 'jsonl', 'jsonl.gz', 'parquet'] as const;

/** Variables whose values are never shown: the webhook URL is a secret (docs/contract.md §10). */
export const DELIVERY_SECRETS: ReadonlySet<string> = new Set(['ALERT_WEBHOOK_URL']);

export const deliverySchema = z.object({
  OUTPUT_FORMAT: z.enum(OUTPUT_FORMATS, { error: `expected one of ${OUTPUT_FORMATS.join(', ')}` }).default('csv'),
  METRIC_COLUMNS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .refine((cs) => cs.every((c) => /^[a-z][a-z0-9_]*$/.test(c)), 'expected a list of column names'),
  DELIVERY_DEADLINE: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time of day as HH:MM, such as 07:00')
    .optional(),
  ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
});

export type DeliverySettings = z.output<typeof deliverySchema>;
