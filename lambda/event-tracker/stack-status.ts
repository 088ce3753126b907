import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { isTransient } from './errors';
import { logWarning } from './log';
import { clientOptions, TimeLeft } from './sdk-clients';

/**
 * DescribeStacks on the request's own stack (the role may call nothing else of CloudFormation's).
 * The client is loaded on first use: a request that never needs the stack's status does not pay for it.
 */
const MAX_ATTEMPTS = 3;

export class StackStatusReader {
  private client?: CloudFormationClient;

  constructor(private readonly timeLeft: TimeLeft, private readonly options: () => { abortSignal: AbortSignal }) {}

  /** The stack's status; null when it cannot be read (an error other than throttling, 5xx or a timeout). */
  public async read(stackId: string): Promise<string | null> {
    const { CloudFormationClient: Client, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    this.client ??= new Client(clientOptions(MAX_ATTEMPTS, this.timeLeft));
    try {
      const { Stacks } = await this.client.send(new DescribeStacksCommand({ StackName: stackId }), this.options());
      return Stacks?.[0]?.StackStatus ?? null;
    } catch (error) {
      if (isTransient(error)) {
        throw error;
      }
      logWarning({ requestType: 'any', step: 'stack-status-unknown', error: String((error as Error).message) });
      return null;
    }
  }

  public destroy(): void {
    this.client?.destroy();
  }
}
