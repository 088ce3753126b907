/** The statuses DescribeEventTracker reports. */
export type TrackerStatus =
  | 'CREATE PENDING'
  | 'CREATE IN_PROGRESS'
  | 'ACTIVE'
  | 'CREATE FAILED'
  | 'DELETE PENDING'
  | 'DELETE IN_PROGRESS';

/** A tracker status, plus `DELETED` once the tracker is gone (ResourceNotFoundException from then on). */
export type TrackerLifecycleStatus = TrackerStatus | 'DELETED';

export interface StatusChange {
  readonly status: TrackerLifecycleStatus;
  /** When the tracker entered this status (clock ms). */
  readonly at: number;
}

/**
 * Everything needed to compute a tracker's status at any instant. Durations are captured when the
 * phase starts, so changing the emulator's timings later never rewrites a running lifecycle.
 */
export interface TrackerTimeline {
  readonly createdAt: number;
  readonly createPendingMs: number;
  readonly createInProgressMs: number;
  readonly outcome: 'ACTIVE' | 'CREATE FAILED';
  deletion?: { readonly requestedAt: number; readonly pendingMs: number; readonly inProgressMs: number };
  /** Set when the tracker was removed out of band (behind the stack's back): gone at once. */
  removedAt?: number;
}

function plannedChanges(timeline: TrackerTimeline): StatusChange[] {
  const { createdAt, createPendingMs, createInProgressMs, outcome, deletion, removedAt } = timeline;
  // A phase configured to last 0 ms can never be observed, so it is not part of the history.
  const phases = (start: number, steps: Array<[TrackerLifecycleStatus, number]>, last: TrackerLifecycleStatus): StatusChange[] => {
    const changes: StatusChange[] = [];
    let at = start;
    for (const [status, durationMs] of steps) {
      if (durationMs > 0) changes.push({ status, at });
      at += durationMs;
    }
    return changes.concat({ status: last, at });
  };
  let changes = phases(createdAt, [['CREATE PENDING', createPendingMs], ['CREATE IN_PROGRESS', createInProgressMs]], outcome);
  if (deletion) {
    const { requestedAt, pendingMs, inProgressMs } = deletion;
    // Deletion is only accepted from ACTIVE or CREATE FAILED, so the outcome stays in the history.
    changes = changes.filter(change => change.at <= requestedAt)
      .concat(phases(requestedAt, [['DELETE PENDING', pendingMs], ['DELETE IN_PROGRESS', inProgressMs]], 'DELETED'));
  }
  if (removedAt !== undefined) {
    // Only a live tracker can be removed, so every planned change from removedAt on is superseded.
    changes = changes.filter(change => change.at < removedAt).concat({ status: 'DELETED', at: removedAt });
  }
  return changes;
}

/** Every status the tracker has entered up to `now`, oldest first. */
export function statusHistory(timeline: TrackerTimeline, now: number): StatusChange[] {
  const changes = plannedChanges(timeline);
  const past = changes.filter(change => change.at <= now);
  // The first status is entered at creation even if the clock reads a hair earlier.
  return past.length > 0 ? past : changes.slice(0, 1);
}

export function statusAt(timeline: TrackerTimeline, now: number): StatusChange {
  const history = statusHistory(timeline, now);
  return history[history.length - 1];
}
