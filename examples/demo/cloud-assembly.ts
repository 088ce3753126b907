import * as path from 'path';
import { AssetManifestArtifact, CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Record<string, any>;
}

export interface TemplateOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
}

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, TemplateOutput>;
}

/** One stack of a synthesized cloud assembly (cdk.out): its template and the assets it points at. */
export class SynthesizedStack {
  constructor(private readonly artifact: CloudFormationStackArtifact) {}

  get name(): string {
    return this.artifact.stackName;
  }

  get template(): Template {
    return this.artifact.template;
  }

  resourcesOfType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.template.Resources).filter(([, resource]) => resource.Type === type);
  }

  /** The one resource of this type, or an error saying how many there are. */
  onlyResourceOfType(type: string): [string, TemplateResource] {
    const found = this.resourcesOfType(type);
    if (found.length !== 1) {
      throw new Error(`Expected exactly one ${type} in ${this.name}, found ${found.length}`);
    }
    return found[0];
  }

  resource(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) {
      throw new Error(`${this.name} has no resource ${logicalId}`);
    }
    return resource;
  }

  /** The file or folder in cdk.out that an asset's S3 object key (e.g. a Lambda Code.S3Key) is published from. */
  assetSource(objectKey: string): string {
    for (const manifest of this.artifact.dependencies.filter((a): a is AssetManifestArtifact => a instanceof AssetManifestArtifact)) {
      for (const asset of Object.values(manifest.contents.files ?? {})) {
        if (Object.values(asset.destinations).some((d) => d.objectKey === objectKey) && asset.source.path) {
          return path.join(path.dirname(manifest.file), asset.source.path);
        }
      }
    }
    throw new Error(`No asset of ${this.name} is published as ${objectKey}`);
  }
}

/** The stacks of a cloud assembly, read with aws-cdk-lib's own reader. */
export class SynthesizedApp {
  readonly stacks: SynthesizedStack[];

  constructor(readonly directory: string) {
    this.stacks = new CloudAssembly(directory).stacks.map((artifact) => new SynthesizedStack(artifact));
  }

  stack(name: string): SynthesizedStack {
    const stack = this.stacks.find((s) => s.name === name);
    if (!stack) {
      throw new Error(`No stack ${name} in ${this.directory} (found ${this.stacks.map((s) => s.name).join(', ')})`);
    }
    return stack;
  }
}
