import { SynthesizedApp } from './cloud-assembly';

/** A resource that exists locally (in the emulator, or played in-process), as Ref and Fn::GetAtt see it. */
export interface DeployedResource {
  /** What Ref returns. */
  readonly physicalId: string;
  /** Where the value comes from, for the explanation of a resolved value. */
  readonly origin: string;
  /** What Fn::GetAtt returns; undefined for an attribute the resource does not have. */
  attribute(name: string): unknown;
}

export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
}

/**
 * What CloudFormation does with the intrinsic functions of a template, for the resources deployed
 * locally: Ref, Fn::GetAtt, Fn::ImportValue (across stacks, through the exporting stack's Outputs),
 * Fn::Join, Fn::Sub and Fn::Select. Anything else fails loudly rather than being guessed.
 */
export class LocalDeployment {
  private readonly resources = new Map<string, DeployedResource>();

  constructor(private readonly app: SynthesizedApp, private readonly pseudo: PseudoParameters) {}

  deploy(stackName: string, logicalId: string, resource: DeployedResource): void {
    this.resources.set(`${stackName}/${logicalId}`, resource);
  }

  remove(stackName: string, logicalId: string): void {
    this.resources.delete(`${stackName}/${logicalId}`);
  }

  /**
   * Resolves a template value in the context of a stack. `trace`, when given, receives one line per
   * hop (import, output, reference), in the order they were followed.
   */
  resolve(stackName: string, value: unknown, trace?: string[]): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(stackName, v, trace));
    }
    if (typeof value !== 'object' || value === null) {
      return value;
    }
    const keys = Object.keys(value);
    const intrinsic = keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')) ? keys[0] : undefined;
    if (!intrinsic) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(stackName, v, trace)]));
    }
    const argument = (value as Record<string, unknown>)[intrinsic];
    switch (intrinsic) {
      case 'Ref':
        return this.ref(stackName, String(argument), trace);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.*)/);
        return this.getAtt(stackName, String(logicalId), String(attribute), trace);
      }
      case 'Fn::ImportValue':
        return this.importValue(String(this.resolve(stackName, argument, trace)), trace);
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (this.resolve(stackName, parts, trace) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (this.resolve(stackName, list, trace) as unknown[])[Number(this.resolve(stackName, index, trace))];
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(argument) ? argument as [string, Record<string, unknown>] : [String(argument), {}];
        return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          if (name in variables) return String(this.resolve(stackName, variables[name], trace));
          const [logicalId, attribute] = name.split(/\.(.*)/);
          return String(attribute ? this.getAtt(stackName, logicalId, attribute, trace) : this.ref(stackName, logicalId, trace));
        });
      }
      default:
        throw new Error(`${stackName}: ${intrinsic} is not supported by this local deployment`);
    }
  }

  private ref(stackName: string, name: string, trace?: string[]): string {
    switch (name) {
      case 'AWS::Region': return this.pseudo.region;
      case 'AWS::AccountId': return this.pseudo.accountId;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return stackName;
    }
    const resource = this.deployed(stackName, name, `Ref ${name}`);
    trace?.push(`{ Ref: ${name} } -> ${resource.physicalId} (${resource.origin})`);
    return resource.physicalId;
  }

  private getAtt(stackName: string, logicalId: string, attribute: string, trace?: string[]): unknown {
    const resource = this.deployed(stackName, logicalId, `Fn::GetAtt ${logicalId}.${attribute}`);
    const value = resource.attribute(attribute);
    if (value === undefined) {
      throw new Error(`${stackName}: Fn::GetAtt ${logicalId}.${attribute}: the resource has no attribute ${attribute}`);
    }
    trace?.push(`{ Fn::GetAtt: [${logicalId}, ${attribute}] } -> ${value} (${resource.origin})`);
    return value;
  }

  private importValue(exportName: string, trace?: string[]): unknown {
    for (const stack of this.app.stacks) {
      for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Export && this.resolve(stack.name, output.Export.Name) === exportName) {
          trace?.push(`{ Fn::ImportValue: ${exportName} } -> the export of stack ${stack.name}, Output ${outputId} = ${JSON.stringify(output.Value)}`);
          return this.resolve(stack.name, output.Value, trace);
        }
      }
    }
    throw new Error(`Fn::ImportValue ${exportName}: no stack exports it`);
  }

  private deployed(stackName: string, logicalId: string, what: string): DeployedResource {
    const resource = this.resources.get(`${stackName}/${logicalId}`);
    if (!resource) {
      throw new Error(`${stackName}: ${what}: ${logicalId} is not deployed locally`);
    }
    return resource;
  }
}
