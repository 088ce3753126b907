import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { errorName, isTransient } from './errors';
import { logWarning } from './log';
import { clientOptions, TimeLeft } from './sdk-clients';

const MAX_ATTEMPTS = 3;

/**
 * What CloudFormation says of the request's own stack and resource (the role may read nothing else
 * of CloudFormation's). The client is loaded on first use: a request that needs neither does not pay for it.
 */
export class CloudFormationReader {
  private client?: CloudFormationClient;

  constructor(private readonly timeLeft: TimeLeft, private readonly options: () => { abortSignal: AbortSignal }) {}

  /** DescribeStacks: the stack's status; null when it cannot be read (an error other than throttling, 5xx or a timeout). */
  public async stackStatus(stackId: string): Promise<string | null> {
    const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    return this.read(async (client) => {
      const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackId }), this.options());
      return Stacks?.[0]?.StackStatus;
    });
  }

  /**
   * DescribeStackResource: the resource's status (CREATE_IN_PROGRESS while its Create is awaited);
   * 'NONE' when the stack has no such resource, null when it cannot be read.
   */
  public async resourceStatus(stackId: string, logicalResourceId: string): Promise<string | null> {
    const { DescribeStackResourceCommand } = await import('@aws-sdk/client-cloudformation');
    return this.read(async (client) => {
      const command = new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: logicalResourceId });
      return (await client.send(command, this.options())).StackResourceDetail?.ResourceStatus;
    }, 'NONE');
  }

  public destroy(): void {
    this.client?.destroy();
  }

  private async read(call: (client: CloudFormationClient) => Promise<string | undefined>, missing?: string): Promise<string | null> {
    const { CloudFormationClient: Client } = await import('@aws-sdk/client-cloudformation');
    this.client ??= new Client(clientOptions(MAX_ATTEMPTS, this.timeLeft));
    try {
      return (await call(this.client)) ?? null;
    } catch (error) {
      if (isTransient(error)) {
        throw error;
      }
      if (missing !== undefined && errorName(error) === 'ValidationError') {
        return missing;
      }
      logWarning({ requestType: 'any', step: 'cloudformation-status-unknown', error: String((error as Error).message) });
      return null;
    }
  }
}
