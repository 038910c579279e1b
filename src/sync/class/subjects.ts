// Names of one class world on the NATS server. A class code (what the teacher hands out) names the
// class's JetStream stream, its subjects and its snapshot bucket; class-server/classes.conf grants
// each class's users exactly these names, so keep the two in step.
import { assert } from '../../domain/index.ts';

/** Lowercase letters, digits and '-', so it fits a subject token, a stream name and a bucket name. */
const classCodePattern = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export function isClassCode(value: unknown): value is string {
  return typeof value === 'string' && classCodePattern.test(value);
}

export type ClassNames = {
  readonly code: string;
  /** JetStream stream holding the class world's command log, in the order every replica applies it. */
  readonly stream: string;
  /** Subject every signed command is published on (one subject: one total order). */
  readonly commandSubject: string;
  /** Replicas publish their (sequence, digest) checkpoints here (core NATS, not stored). */
  readonly checkpointSubject: string;
  /** Object store bucket holding the latest snapshot of the world. */
  readonly snapshotBucket: string;
};

export function classNames(code: string): ClassNames {
  assert(isClassCode(code), `class code ${code} is lowercase letters, digits and '-'`);
  return {
    code,
    // '-' is not allowed in a stream name; codes have no '_', so the mapping stays one to one.
    stream: `SETTLELAB_${code.toUpperCase().replaceAll('-', '_')}`,
    commandSubject: `settlelab.${code}.cmd`,
    checkpointSubject: `settlelab.${code}.checkpoint`,
    snapshotBucket: `settlelab-${code}-snapshots`,
  };
}
