import { ApplicationFailure } from '@temporalio/common';
import type { AlertEvent } from '../../common/alert-types';
import { dayWorkflowId } from '../../common/workflow-ids';
import { postWebhook } from '../../lib/alerts/post-webhook';
import { webhookBody } from '../../lib/alerts/webhook-body';
import { AlertDeliveryError } from '../../lib/errors';

export interface SendAlertInput {
  readonly exportName: string;
  readonly date: string;
  readonly event: AlertEvent;
  readonly reason: string;
  /** When the event happened (workflow time): the same on every attempt. */
  readonly at: string;
}

/** Where an alert goes and how the Web UI link is made: the worker's settings (the URL never leaves the worker). */
export interface AlertTarget {
  readonly webhookUrl: (exportName: string) => string | undefined;
  readonly webUi: (workflowId: string) => string;
}

/**
 * POSTs one event to the export's webhook (docs/contract.md §10). A refused POST (4xx other than 408/409/425/429)
 * is not retried; unreachable receivers and 5xx answers are, with the step's backoff. Returns false when the export
 * has no webhook.
 */
export async function sendAlert(target: AlertTarget, input: SendAlertInput): Promise<boolean> {
  const url = target.webhookUrl(input.exportName);
  if (url === undefined) return false;
  const workflowId = dayWorkflowId(input.exportName, input.date);
  const body = webhookBody({ ...input, workflowId, webUi: target.webUi(workflowId) });
  try {
    await postWebhook(url, body);
  } catch (err) {
    if (err instanceof AlertDeliveryError && err.permanent) {
      throw ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: true });
    }
    throw err;
  }
  return true;
}
