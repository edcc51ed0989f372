/** Thrown when settings are missing or invalid; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Thrown when a command-line argument is malformed or impossible; entry points exit with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown when a ClickHouse request fails; `code` is the server's error code when it sent one. */
export class ClickHouseQueryError extends Error {
  override readonly name = 'ClickHouseQueryError';
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown when an S3 request fails; `permanent` says whether retrying can help. */
export class S3RequestError extends Error {
  override readonly name: string = 'S3RequestError';
  constructor(
    message: string,
    readonly awsCode: string | undefined,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown when a long step reports no progress (rows read, rows or bytes written) for longer than it may. */
export class StalledWorkError extends Error {
  override readonly name = 'StalledWorkError';
  constructor(
    message: string,
    readonly stalledMs: number,
  ) {
    super(message);
  }
}

/** Thrown when a delivered object does not match what was written (size, SHA-256 or row count). */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

/**
 * Thrown when the alert webhook refuses a POST or cannot be reached. The message names the status or the network
 * error's code, never the URL (a secret, docs/contract.md §10); `permanent` says whether retrying can help.
 */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}
