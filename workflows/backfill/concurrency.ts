import { condition } from '@temporalio/workflow';

/** At most `limit` day runs at once: `acquire` waits (durably, on workflow state) for a free slot. */
export class ConcurrencyLimit {
  private inUse = 0;

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    await condition(() => this.inUse < this.limit);
    this.inUse += 1;
  }

  release(): void {
    this.inUse -= 1;
  }
}
