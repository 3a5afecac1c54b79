import { DataDirLockedError } from '@hotline/db';
import { loadConfig } from './config.ts';
import { SHUTDOWN_GRACE_MS, start } from './server.ts';

// `npm start`: the whole system on its embedded defaults.
process.env.ASTRO_TELEMETRY_DISABLED ??= '1';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

try {
  const running = await start(config);
  const lines = [
    '',
    '  12345 市民服务热线 hotline12345 已启动',
    `  地址:       ${running.url}`,
    `  接口文档:   ${running.url}/api/openapi.json`,
    `  数据库:     ${running.database.engine === 'pglite' ? `内嵌 PGlite（${config.dataDir}/pglite）` : 'PostgreSQL（DATABASE_URL）'}`,
  ];
  lines.push(`  聊天渠道:   ${running.bots.statusLines().join('；')}`);
  if (running.seeded) lines.push('  已载入示范市的演示配置（区、街道、分类、承办单位、派单规则）');
  if (running.demoAccounts.length > 0) {
    lines.push('', '  演示账号（仅演示模式；DEMO=0 时停用）:');
    for (const a of running.demoAccounts) lines.push(`    ${a.roleLabel.padEnd(6, '　')} ${a.username.padEnd(18)} 密码 ${a.password}`);
  }
  lines.push('', '  按 Ctrl+C 停止', '');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.logger.info('shutting down', { signal });
    // Requests get SHUTDOWN_GRACE_MS, then Meilisearch and the database close:
    // seconds, but over 9 s on a loaded machine, and exiting while PGlite
    // closes risks its files, so the last resort comes late (README: give
    // supervisors 30 s).
    const force = setTimeout(() => {
      running.logger.error('shutdown did not finish in time; exiting', { signal });
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 20_000);
    force.unref();
    try {
      await running.close();
    } catch (error) {
      running.logger.error('shutdown failed', { error: String((error as Error)?.stack ?? error).slice(0, 2000) });
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Under `npm start` the parent is npm, which passes SIGTERM and SIGINT on
  // (the script execs this process), but a SIGKILL of npm passes nothing: this
  // process would run on orphaned, holding the data directory. So stop when
  // the parent changes. Only under npm: `nohup node api/src/main.ts &` must
  // survive its shell.
  if (process.env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      void stop('parent exited');
    }, 500);
    watch.unref();
  }
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(`\n启动失败：${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`\n启动失败：端口 ${config.port} 已被占用。请停止占用它的程序，或设置 PORT 使用其他端口，例如 PORT=8081 npm start\n`);
  } else {
    console.error('\n启动失败：', error);
  }
  process.exit(1);
}
