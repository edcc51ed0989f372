import type { AgentMetricsRow } from '../csv-format';
import type { LeftOut } from '../../common/export-types';

/** One agent's row of the metrics query (agentMetricsSql or its batch form); 64-bit integers arrive as strings. */
export interface MetricsRow {
  agent_id: string;
  calls: string;
  avg_cents: string;
  p90_cents: string;
  conversations: string;
  negative_duration: string;
  other_status: string;
}

/** Counts a day's metrics rows as they stream by: agents, included calls and the rows left out, by reason. */
export class MetricsTally {
  agentRows = 0;
  includedCalls = 0;
  private conversations = 0;
  private negativeDuration = 0;
  private otherStatus = 0;

  /** Counts one row; returns the agent's file row, or undefined for an agent without an included call. */
  add(r: MetricsRow): AgentMetricsRow | undefined {
    this.conversations += Number(r.conversations);
    this.negativeDuration += Number(r.negative_duration);
    this.otherStatus += Number(r.other_status);
    const calls = Number(r.calls);
    if (calls === 0) return undefined;
    this.agentRows += 1;
    this.includedCalls += calls;
    return { agentId: r.agent_id, calls, avgCents: Number(r.avg_cents), p90Cents: Number(r.p90_cents) };
  }

  /** Rows of the day not in the file; never below 0, should rows arrive between the count and the query. */
  leftOut(sourceRows: number): LeftOut {
    return {
      duplicateRows: this.conversations === 0 ? 0 : Math.max(0, sourceRows - this.conversations),
      negativeDuration: this.negativeDuration,
      otherStatus: this.otherStatus,
    };
  }
}
