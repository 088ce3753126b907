import { ProviderDefinition } from './provider';
import { seconds } from './story';
import { CloudFormationStack, OperationResult, StackStatus, Template, TemplateProperties } from '../../test/driver';
import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

export interface TrackerStackOptions {
  readonly stackName: string;
  /** The stack's synthesized template: the custom resource and its Provider. */
  readonly template: unknown;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly provider: ProviderDefinition;
  readonly emulator: PersonalizeEmulator;
  /** Multiplies every duration the template declares (poll interval, Lambda timeouts). */
  readonly timeScale: number;
}

/** One line of what happened during a stack operation, in time order. */
export interface TimelineLine {
  readonly at: number;
  readonly text: string;
}

export interface OperationReport {
  readonly result: OperationResult;
  readonly durationMs: number;
  /** CloudFormation events, handler invocations and tracker statuses, merged in time order. */
  readonly lines: string[];
}

/**
 * The tracker's custom resource, played by the local CloudFormation driver: the Provider as the
 * template declares it (aws-cdk-lib's framework functions, the waiter state machine, the handler
 * module from cdk.out), every duration the template declares scaled by timeScale.
 */
export class TrackerStack {
  readonly cfn: CloudFormationStack;

  constructor(private readonly options: TrackerStackOptions) {
    this.cfn = new CloudFormationStack({
      template: options.template as Template,
      customResource: options.logicalId,
      userCode: () => options.provider.handlerFile,
      timeScale: options.timeScale,
      stackName: options.stackName,
      logicalResourceId: options.logicalId,
      resourceType: options.resourceType,
      region: options.emulator.region,
      account: options.emulator.accountId,
    });
  }

  create(properties: TemplateProperties): Promise<OperationReport> {
    return this.operation('CREATE_COMPLETE', () => this.cfn.create(properties));
  }

  update(properties: TemplateProperties): Promise<OperationReport> {
    return this.operation('UPDATE_COMPLETE', () => this.cfn.update(properties));
  }

  delete(): Promise<OperationReport> {
    return this.operation('DELETE_COMPLETE', () => this.cfn.delete());
  }

  private async operation(expected: StackStatus, run: () => Promise<OperationResult>): Promise<OperationReport> {
    const startedAt = Date.now();
    const firstEntry = this.cfn.timeline.length;
    const result = await run();
    const entries = this.cfn.timeline.slice(firstEntry);
    const lines: TimelineLine[] = [];
    for (const entry of entries) {
      if (entry.kind === 'stack-event' && entry.logicalResourceId === this.options.logicalId) {
        const physicalId = entry.physicalResourceId ? ` [${entry.physicalResourceId.split(':').pop()}]` : '';
        lines.push({ at: entry.at, text: `CloudFormation  ${entry.status.padEnd(18)} ${entry.logicalResourceId}${physicalId}${entry.reason ? `: ${entry.reason}` : ''}` });
      } else if (entry.kind === 'invocation') {
        lines.push({ at: entry.at, text: `${`${entry.handler}${entry.handler === 'isComplete' ? ` #${entry.attempt}` : ''}`.padEnd(16)}${describeInvocation(entry.result, entry.error)} (${seconds(entry.durationMs)})` });
      }
    }
    for (const tracker of this.options.emulator.trackers({ includeDeleted: true })) {
      for (const change of this.options.emulator.statusHistory(tracker.arn)) {
        if (change.at >= startedAt) {
          lines.push({ at: change.at, text: `Personalize     ${change.status.padEnd(18)} tracker ${tracker.name}` });
        }
      }
    }
    lines.sort((a, b) => a.at - b.at);
    const report = {
      result,
      durationMs: Date.now() - startedAt,
      lines: lines.map((line) => `+${((line.at - startedAt) / 1000).toFixed(2)} s  ${line.text}`),
    };
    if (result.status !== expected) {
      const handlerLogs = this.cfn.logs.slice(-10).map((l) => `    ${l.text}`).join('\n');
      throw new Error(`Stack ${this.options.stackName} ended ${result.status} instead of ${expected}.\n${report.lines.join('\n')}\nLast handler log lines:\n${handlerLogs}`);
    }
    return report;
  }
}

function describeInvocation(result: any, error: { errorMessage: string } | undefined): string {
  if (error) return `failed: ${error.errorMessage}`;
  if (result && 'IsComplete' in result) return result.IsComplete ? 'complete' : 'not complete yet';
  return `answered, PhysicalResourceId ${String(result?.PhysicalResourceId ?? '(none)').split(':').pop()}`;
}
