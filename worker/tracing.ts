import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { Context } from '@temporalio/activity';
import type { InjectedSinks } from '@temporalio/worker';
import { tracingEndpoint } from './tracing-endpoint';

/** What the worker adds when tracing is on: activity interceptors, the workflow span sink, and a flush at exit. */
export interface Tracing {
  readonly activityInterceptors: ((ctx: Context) => {
    inbound: OpenTelemetryActivityInboundInterceptor;
    outbound: OpenTelemetryActivityOutboundInterceptor;
  })[];
  readonly sinks: InjectedSinks<Record<string, never>>;
  readonly endpoint: string;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing of workflows and activities (Temporal's interceptors), exported over OTLP/HTTP, when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the exporter reads the standard
 * OTEL_EXPORTER_OTLP_* variables (headers, timeout) itself. OTEL_SERVICE_NAME names the service (default
 * agent-metrics-worker). Without an endpoint: undefined. The worker loads this module only when an endpoint is set.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  const endpoint = tracingEndpoint(env);
  if (!endpoint) return undefined;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? 'agent-metrics-worker' });
  const processor: SpanProcessor = new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1_000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
  // Activities read their workflow's span context from Temporal headers in W3C trace-context form, and run inside it.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    endpoint,
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: { exporter: makeWorkflowExporter(processor, resource) } as unknown as InjectedSinks<Record<string, never>>,
    shutdown: () => provider.shutdown(),
  };
}
