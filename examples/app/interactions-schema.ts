/**
 * The Avro schema of an Interactions dataset: who (USER_ID) did what (EVENT_TYPE) to which item
 * (ITEM_ID), and when (TIMESTAMP, in epoch seconds). PutEvents fills these fields from `userId`,
 * `eventList[].eventType`, `eventList[].itemId` and `eventList[].sentAt`.
 */
export const INTERACTIONS_SCHEMA = {
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
};
