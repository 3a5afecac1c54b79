export { loadConfig, type Config } from './config.ts';
export { createApp, type App } from './http/app.ts';
export { createLogger } from './http/logger.ts';
export { start, type Running } from './server.ts';
