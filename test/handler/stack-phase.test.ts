import { isAwaited, isUpdateRollback, rollsBackWhatCameIn } from '../../lambda/event-tracker/stack-phase';

// The exhaustive check (decide-*.exhaustive.test.ts) runs each request type in the statuses below;
// a status that cannot be read (null) is the one case it leaves out, because it acts as the forward one.

test.each(['Create', 'Update', 'Delete'] as const)('an unreadable stack status lets a %s go on, as a forward request', (type) => {
  expect(isAwaited(type, null)).toBe(true);
  expect(isUpdateRollback(null)).toBe(false);
  expect(rollsBackWhatCameIn(null)).toBe(false);
});

test.each([
  // A Create is told by the resource's status: a Create of this resource arriving again while the stack updates it is late.
  ['Create', 'CREATE_IN_PROGRESS', true], ['Create', 'UPDATE_IN_PROGRESS', false], ['Create', 'CREATE_COMPLETE', false], ['Create', 'CREATE_FAILED', false], ['Create', 'NONE', false],
  ['Update', 'UPDATE_IN_PROGRESS', true], ['Update', 'UPDATE_ROLLBACK_IN_PROGRESS', true], ['Update', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', false], ['Update', 'UPDATE_ROLLBACK_COMPLETE', false],
  ['Delete', 'DELETE_IN_PROGRESS', true], ['Delete', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', true], ['Delete', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', true],
  ['Delete', 'ROLLBACK_IN_PROGRESS', true], ['Delete', 'UPDATE_IN_PROGRESS', false], ['Delete', 'UPDATE_COMPLETE', false],
] as const)('a %s in %s is awaited: %s', (type, status, awaited) => {
  expect(isAwaited(type, status)).toBe(awaited);
});
