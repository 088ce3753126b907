import { App, Tags } from 'aws-cdk-lib';
import { IngestStack } from './ingest-stack';
import { PersonalizeStack } from './personalize-stack';

export interface ExampleStacks {
  readonly personalize: PersonalizeStack;
  readonly ingest: IngestStack;
}

/** The two stacks of the example, environment-agnostic: deploy them to any account and region. */
export function addExampleStacks(app: App): ExampleStacks {
  const personalize = new PersonalizeStack(app, 'EventTrackerExample-Personalize', {
    description: 'Amazon Personalize dataset group, Interactions dataset and event tracker (cdk-personalize-event-tracker example)',
  });
  const ingest = new IngestStack(app, 'EventTrackerExample-Ingest', {
    description: 'Records interactions with the event tracker of EventTrackerExample-Personalize (cdk-personalize-event-tracker example)',
    tracker: personalize.tracker,
  });
  Tags.of(app).add('example', 'cdk-personalize-event-tracker');
  return { personalize, ingest };
}
