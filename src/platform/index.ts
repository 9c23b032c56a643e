// Cross-cutting pieces every module may use: errors, ids, the clock, who is asking.
export { type Actor, requireActor, requireAdmin, type StaffRole } from './actor.ts';
export { type Clock, systemClock } from './clock.ts';
export * from './errors.ts';
export { newId, newToken, sha256 } from './ids.ts';
export { refuseUnreadableText } from './input.ts';
export { type JobDefinition, type JobQueue, type JobsLog, jobQueue } from './jobs.ts';
export { type KeptRead, keptRead } from './kept.ts';
