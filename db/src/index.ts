export * from './client.ts';
export * from './enums.ts';
export * from './ids.ts';
export { safeErrorFields } from './log-safe-error.ts';
export { DataDirLockedError } from './pglite-lock.ts';
export * from './schema/index.ts';
