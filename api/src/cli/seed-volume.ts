import { parseArgs } from 'node:util';
import { openDatabase, DataDirLockedError } from '@hotline/db';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { seedReferenceData } from '../seed/seed.ts';
import { seedVolume } from '../seed/volume.ts';

const USAGE = `npm run seed:volume -- [--tickets 200000] [--days 365] [--seed 12345] [--database-url postgres://…]

向数据库写入一个中等城市一年的工单（开发与压测用）：各状态、渠道、类型、分类、承办单位、区和街道、
紧急程度，事件与评价都与工单状态机一致。数据库取 --database-url，否则 DATABASE_URL（PostgreSQL），
都未设置时为 DATA_DIR 下的内嵌 PGlite（请先停止 npm start）。空库会先迁移并载入示范市配置。`;

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '200000' },
    days: { type: 'string', default: '365' },
    seed: { type: 'string', default: '12345' },
    'database-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const Args = z.object({
  tickets: z.coerce.number({ error: '--tickets 应为正整数' }).int().min(1).max(5_000_000),
  days: z.coerce.number({ error: '--days 应为正整数' }).int().min(1).max(3_650),
  seed: z.coerce.number({ error: '--seed 应为整数' }).int(),
});
const args = Args.safeParse(values);
if (!args.success) {
  console.error(`参数有误：${args.error.issues.map((i) => i.message).join('；')}\n\n${USAGE}`);
  process.exit(2);
}

const config = loadConfig({ ...process.env, ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}) });
let database;
try {
  database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
} catch (error) {
  console.error(error instanceof DataDirLockedError ? error.message : `无法打开数据库：${(error as Error).message}`);
  process.exit(1);
}
try {
  await database.migrate();
  if (await seedReferenceData(database.db)) console.log('空库：已载入示范市的区、街道、分类、承办单位和派单规则');
  console.log(`写入 ${args.data.tickets} 件工单（${args.data.days} 天，${database.engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}）…`);
  let lastPrint = 0;
  const started = performance.now();
  const result = await seedVolume(database.db, {
    ...args.data,
    onProgress(done, total) {
      const now = performance.now();
      if (now - lastPrint < 2_000 && done < total) return;
      lastPrint = now;
      const rate = Math.round(done / ((now - started) / 1000));
      console.log(`  ${done}/${total} 件（${Math.round((done / total) * 100)}%），${rate} 件/秒`);
    },
  });
  const seconds = result.ms / 1000;
  const rows = result.tickets + result.events + result.dispatches;
  console.log(`完成：${result.tickets} 件工单、${result.events} 条事件、${result.dispatches} 条派单记录、${result.links} 条重复工单关联，用时 ${seconds.toFixed(1)} 秒`);
  console.log(`速度：${Math.round(result.tickets / seconds)} 件工单/秒，${Math.round(rows / seconds)} 行/秒（写入占 ${(result.writeMs / 1000).toFixed(1)} 秒）`);
  console.log(`各状态：${Object.entries(result.byStatus).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join('，')}`);
} finally {
  await database.close();
}
