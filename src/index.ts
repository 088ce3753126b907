export * from './event-tracker';
export * from './existing-dataset-group';
