/** The worker's alert settings: the secret webhook URL stays in the worker (docs/contract.md §10). */
export interface AlertConfig {
  readonly worker: { readonly ALERT_WEBHOOK_URL?: string | undefined };
}

/**
 * The webhook URL that receives export `exportName`'s alerts, or undefined when none is set (no alerts). Today every
 * export uses ALERT_WEBHOOK_URL; a per-export `webhook` (docs/contract.md §11) takes its place here.
 */
export function alertWebhookUrl(config: AlertConfig, exportName: string): string | undefined {
  void exportName;
  return config.worker.ALERT_WEBHOOK_URL;
}
