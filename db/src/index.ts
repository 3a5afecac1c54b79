export * from './client.ts';
export * from './enums.ts';
export * from './ids.ts';
export { DataDirLockedError } from './pglite-lock.ts';
export * from './schema/index.ts';
