import type { Claim } from './proof';

export const Status = {
  CREATE_PENDING: 'CREATE PENDING',
  CREATE_IN_PROGRESS: 'CREATE IN_PROGRESS',
  ACTIVE: 'ACTIVE',
  CREATE_FAILED: 'CREATE FAILED',
  DELETE_PENDING: 'DELETE PENDING',
  DELETE_IN_PROGRESS: 'DELETE IN_PROGRESS',
} as const;

export function isCreating(status: string): boolean {
  return status === Status.CREATE_PENDING || status === Status.CREATE_IN_PROGRESS;
}

export function isDeleting(status: string): boolean {
  return status === Status.DELETE_PENDING || status === Status.DELETE_IN_PROGRESS;
}

/** A tracker as Personalize showed it. A listing shows name and status; a look at it adds the rest. */
export interface Tracker {
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly details?: {
    readonly datasetGroupArn: string;
    readonly trackingId: string;
    readonly claim: Claim;
    /** Every tag, the handler's own included. */
    readonly tags: ReadonlyMap<string, string>;
  };
}

/** A tracker whose details are known. */
export type Described = Tracker & { readonly details: NonNullable<Tracker['details']> };

/**
 * What the handler has seen so far in this invocation. For each slot: undefined = not looked at yet,
 * null = looked, nothing there. A tracker may fill several slots.
 */
export interface Observation {
  /** The tracker at the physical id (Update, Delete). */
  readonly physical?: Tracker | null;
  /** The tracker of the dataset group asked for (Personalize allows one). */
  readonly inGroup?: Tracker | null;
  /** The tracker with the name asked for (names are unique per account and region). */
  readonly named?: Tracker | null;
  /** The tracker named by takeOverEventTrackerArn. */
  readonly takeOver?: Tracker | null;
  /** The stack's status (DescribeStacks); null when it could not be read. */
  readonly stackStatus?: string | null;
  /** The resource's own status (DescribeStackResource; 'NONE' if the stack has no such resource); null when it could not be read. */
  readonly resourceStatus?: string | null;
  /** In a rollback: the tracker of the dataset group the update being rolled back asked for. */
  readonly leftBehind?: Tracker | null;
  /**
   * What CreateEventTracker answered in this invocation when it created nothing: a tracker exists with
   * the name or in the dataset group (though none may show yet), or the dataset group is not ACTIVE.
   */
  readonly createRefused?: 'exists' | 'group-not-active';
}
