import * as cdk from 'aws-cdk-lib';
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag rule that does not apply, and why. `appliesTo` narrows it to the findings named. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: ReadonlyArray<string>;
}

/**
 * Suppresses findings on the resources of one type under `scope`, without the library depending on
 * cdk-nag, in both ways cdk-nag reads them:
 * - cdk-nag 2: the `cdk_nag` metadata that its NagSuppressions writes;
 * - cdk-nag 3: aws-cdk-lib's `Validations.of(resource).acknowledge()`, one acknowledgment per
 *   finding (`AwsSolutions-IAM5[Resource::*]`), since cdk-nag 3 matches neither metadata nor prefixes.
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
    for (const { id, reason, appliesTo } of suppressions) {
      for (const findingId of appliesTo ? appliesTo.map((finding) => `${id}[${finding}]`) : [id]) {
        acknowledge(construct, findingId, reason);
      }
    }
  }
}

interface ValidationsClass {
  of(scope: IConstruct): { acknowledge(acknowledgment: { id: string; reason: string }): void };
}

/**
 * `Validations` exists from aws-cdk-lib 2.258.0 on, and the library supports older versions
 * (which only cdk-nag 2 runs on): it is looked up when the library runs, not imported.
 */
function acknowledge(construct: IConstruct, id: string, reason: string): void {
  const validations = (cdk as unknown as { Validations?: ValidationsClass }).Validations;
  if (typeof validations?.of === 'function') {
    validations.of(construct).acknowledge({ id, reason });
  }
}
