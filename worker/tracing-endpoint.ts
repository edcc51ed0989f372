/**
 * Where traces go (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT), or undefined: tracing off.
 * Apart from worker/tracing.ts so that a worker without tracing never loads the OpenTelemetry SDK.
 */
export function tracingEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT) || undefined;
}
