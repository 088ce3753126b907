import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag rule that does not apply, and why. `appliesTo` narrows it to the findings named. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: ReadonlyArray<string | { readonly regex: string }>;
}

/**
 * Writes suppressions on the resources of one type under `scope` in the metadata format cdk-nag reads (what NagSuppressions writes), so users
 * who run cdk-nag see no finding for what this library creates, without the library depending on it.
 */
export function addNagSuppressions(
  scope: IConstruct,
  suppressions: NagSuppression[],
  resourceType: string,
  filter: (resource: CfnResource) => boolean = () => true,
): void {
  for (const construct of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(construct) || construct.cfnResourceType !== resourceType || !filter(construct)) {
      continue;
    }
    const existing = construct.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    construct.addMetadata('cdk_nag', {
      rules_to_suppress: [
        ...existing,
        ...suppressions.map(({ id, reason, appliesTo }) => ({ id, reason, ...(appliesTo ? { applies_to: appliesTo } : {}) })),
      ],
    });
  }
}
