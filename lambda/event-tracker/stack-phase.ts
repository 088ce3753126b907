import type { Request } from './request';

/**
 * The statuses during which CloudFormation sends each request type, from the CloudFormation User
 * Guide, "Stack status codes". A Create is told by the resource's own status (CREATE_IN_PROGRESS),
 * since the stack's would also pass a Create that arrives again while a later update runs. An
 * Update: the stack's, in an update or its rollback. A Delete: the stack's, while the stack is
 * deleted, in the cleanup after an update or its rollback (replaced or removed resources, and those
 * the failed update created), or while a failed creation rolls back; UPDATE_ROLLBACK_IN_PROGRESS is
 * accepted too, so that a rollback never fails on a status the guide does not pin down.
 */
const AWAITED: Record<Request['type'], readonly string[]> = {
  Create: ['CREATE_IN_PROGRESS'],
  Update: ['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS'],
  Delete: ['DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS'],
};

/**
 * Whether CloudFormation can still be waiting for this request, by the status above (the resource's
 * for a Create, the stack's otherwise). A request that arrives again after CloudFormation moved on
 * (a late delivery) must change nothing. null: the status could not be read, and the request goes on.
 */
export function isAwaited(type: Request['type'], status: string | null): boolean {
  return status === null || AWAITED[type].includes(status);
}

/** An Update in this status is CloudFormation's rollback of a failed update, not a user's deployment. */
export function isUpdateRollback(stackStatus: string | null): boolean {
  return stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS';
}

/** A Delete in this status removes what the stack operation being rolled back brought in. */
export function rollsBackWhatCameIn(stackStatus: string | null): boolean {
  return stackStatus === 'ROLLBACK_IN_PROGRESS' || stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS'
    || stackStatus === 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
}
