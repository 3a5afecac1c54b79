import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import type { DomainContext } from '../domain/context.ts';
import { DomainError } from '../domain/errors.ts';
import { exportEntries } from '../domain/knowledge/export-entries.ts';
import { importEntries } from '../domain/knowledge/import-entries.ts';
import { KnowledgeService } from '../domain/knowledge/knowledge-service.ts';
import { KB_TOPICS } from '../domain/knowledge/outbox.ts';
import { OutboxWorker } from '../domain/outbox/outbox-worker.ts';
import { loadRules } from '../domain/settings/rules.ts';
import { createLogger } from '../http/logger.ts';
import { connectSearch } from '../search-server.ts';
import { openDatabaseOrExit } from './open-database.ts';
import { seedReferenceData } from '../seed/seed.ts';

const USAGE = `hotline12345 知识库命令 (npm run kb -- <命令>)

  import <file.jsonl> [--replace]   导入知识条目（JSON Lines，全部成功或全部不导入；
                                    --replace：文件成为全部已发布条目，其余归档）
  export [file.jsonl]               导出已发布条目（不给文件名则输出到标准输出）
  rebuild                           从数据库重建搜索索引
  reconcile [--fix]                 核对数据库与搜索索引，--fix 修复差异

数据库与搜索服务取自环境变量 DATABASE_URL、DATA_DIR、MEILI_URL（未设置时启动内嵌 Meilisearch）。
使用内嵌数据库时请先停止 npm start。`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { replace: { type: 'boolean' }, fix: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
const [command, file] = positionals;
if (!command || values.help) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 1);
}

const config = loadConfig();
const logger = createLogger('warn');
const database = await openDatabaseOrExit(config);
const needsSearch = command !== 'export';
const search = needsSearch ? await connectSearch(config, logger) : { connection: null, embedded: null };
const kb = new KnowledgeService({ db: database.db, meili: search.connection });

try {
  await database.migrate();
  await seedReferenceData(database.db);
  const ctx: DomainContext = { db: database.db, actor: { kind: 'system', job: `kb-cli:${osUser()}` }, now: () => new Date(), rules: await loadRules(database.db) };
  switch (command) {
    case 'import': {
      if (!file) throw new DomainError('VALIDATION', '请指定要导入的文件：npm run kb -- import <file.jsonl>');
      const result = await importEntries(ctx, readFileSync(file, 'utf8'), { replace: !!values.replace });
      console.log(`导入完成：新增 ${result.created.length}，更新 ${result.updated.length}，未变 ${result.unchanged}，归档 ${result.archived.length}`);
      if (search.connection) {
        // Index now rather than at the next start of the app.
        const worker = new OutboxWorker(database.db).onBatch(KB_TOPICS.entryChanged, (m) => kb.syncEntries(m.map((x) => String(x.payload.entryId))));
        await kb.prepareIndex().catch(() => undefined);
        await worker.drain();
      }
      break;
    }
    case 'export': {
      const text = await exportEntries(ctx);
      if (file) {
        writeFileSync(file, text);
        console.log(`已导出 ${text.split('\n').filter(Boolean).length} 条到 ${file}`);
      } else process.stdout.write(text);
      break;
    }
    case 'rebuild': {
      const { documents } = await kb.rebuild();
      console.log(`索引已重建：${documents} 条`);
      break;
    }
    case 'reconcile': {
      const report = await kb.reconcile();
      console.log(
        report.inSync
          ? `数据库与索引一致（${report.documents} 条）`
          : `不一致：索引缺少 ${report.missing.length} 条 ${report.missing.join(' ')}；多出 ${report.extra.length} 条 ${report.extra.join(' ')}；内容过期 ${report.stale.length} 条 ${report.stale.join(' ')}`,
      );
      if (!report.inSync && values.fix) {
        const { repaired } = await kb.prepareIndex();
        console.log(`已修复 ${repaired} 条`);
      } else if (!report.inSync) process.exitCode = 2;
      break;
    }
    default:
      console.error(`未知命令：${command}\n\n${USAGE}`);
      process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof DomainError) {
    console.error(error.message);
    if (Array.isArray(error.details)) for (const d of error.details.slice(0, 50)) console.error(`  ${d.path}: ${d.message}`);
  } else console.error(error);
  process.exitCode = 1;
} finally {
  await search.embedded?.stop();
  await database.close();
}

/** The operating-system user who ran the command: the version history says who published what. */
function osUser(): string {
  try {
    return userInfo().username || String(process.getuid?.() ?? 'unknown');
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
