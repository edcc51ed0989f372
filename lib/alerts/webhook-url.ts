import type { ConfiguredExport } from '../exports/configured-exports';

/** The worker's alert settings: the secret webhook URL stays in the worker (docs/contract.md §10). */
export interface AlertConfig {
  readonly worker: { readonly ALERT_WEBHOOK_URL?: string | undefined };
}

/**
 * The webhook URL that receives export `exportName`'s alerts, or undefined when none is set (no alerts): the export's
 * own `webhook` in EXPORTS_FILE, else ALERT_WEBHOOK_URL (docs/contract.md §11). `exports` is what the worker read at
 * start; an export it does not know (started by a client with another file) gets ALERT_WEBHOOK_URL.
 */
export function alertWebhookUrl(
  config: AlertConfig,
  exportName: string,
  exports: readonly Pick<ConfiguredExport, 'name' | 'delivery'>[] = [],
): string | undefined {
  const own = exports.find((e) => e.name === exportName);
  return own ? own.delivery.ALERT_WEBHOOK_URL : config.worker.ALERT_WEBHOOK_URL;
}
