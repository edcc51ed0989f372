import { ApplicationFailure } from '@temporalio/common';
import type { ComputeResult, DataQuality, ExportDayInput } from './export-types';

export const DATA_QUALITY_ERROR = 'DataQualityError';

const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;

/** The day's data-quality figures (docs/contract.md §9), from what compute counted. */
export function dataQuality(computed: Omit<ComputeResult, 'metricsKey'>): DataQuality {
  const { sourceRows, leftOut } = computed;
  const conversations = Math.max(0, sourceRows - leftOut.duplicateRows);
  return {
    rowsRead: sourceRows,
    versionsCollapsed: leftOut.duplicateRows,
    negativeDuration: leftOut.negativeDuration,
    otherStatus: leftOut.otherStatus,
    durationMismatches: computed.durationMismatches ?? 0,
    leftOutShare: conversations === 0 ? 0 : leftOut.negativeDuration / conversations,
  };
}

/**
 * The day's figures, judged against DQ_MAX_LEFT_OUT_SHARE: over the limit, DQ_MODE=fail throws a non-retryable
 * DataQualityError naming the share (nothing is published), DQ_MODE=warn returns the figures with a warning that
 * the manifest records and `status` shows. Without a limit, nothing is judged.
 */
export function judgeDataQuality(
  input: Pick<ExportDayInput, 'date' | 'dq'>,
  computed: Omit<ComputeResult, 'metricsKey'>,
): DataQuality {
  const figures = dataQuality(computed);
  const limit = input.dq;
  if (!limit || figures.leftOutShare <= limit.maxLeftOutShare) return figures;
  const conversations = computed.sourceRows - computed.leftOut.duplicateRows;
  const what =
    `${percent(figures.leftOutShare)} of ${input.date}'s conversations (${figures.negativeDuration} of ` +
    `${conversations}) left out for a negative duration, over DQ_MAX_LEFT_OUT_SHARE=${limit.maxLeftOutShare}`;
  if (limit.mode === 'fail') {
    throw ApplicationFailure.create({ message: `data quality: ${what}`, type: DATA_QUALITY_ERROR, nonRetryable: true });
  }
  return { ...figures, warning: what };
}
