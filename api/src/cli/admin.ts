import { parseArgs } from 'node:util';
import { staffAccounts, units } from '@hotline/db';
import { openDatabaseOrExit } from './open-database.ts';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { CreateAccountInput, CreateUnitInput, insertAccount, insertUnit } from '../domain/staff/accounts.ts';
import { generatePassword } from '../domain/staff/passwords.ts';
import { seedReferenceData } from '../seed/seed.ts';
import { type ModelFigures, retrainWithReport } from '../jobs/intake-retraining.ts';

const USAGE = `hotline12345 管理命令 (npm run admin -- <命令> [选项])

  migrate                                   应用数据库迁移（并在空库上载入示范市配置）
  create-admin --username 名 [--name 姓名] [--password 密码]
                                            创建管理员；不给密码则生成并打印
  create-unit --id 编码 --name 名称 --kind bureau|utility|district_government|street_office|other
              [--district 区编码] [--street 街道编码]
  create-account --username 名 --name 姓名 --role operator|dispatcher|unit_handler|supervisor|editor|admin
                 [--unit 单位编码] [--password 密码]
  list-units                                列出承办单位
  list-accounts                             列出工作人员账号
  retrain-intake                            用受理/派单时的更正重新训练受理模型，报告训练前后的准确率；
                                            运行中的实例一小时内随之重训

数据库取自环境变量：DATABASE_URL（PostgreSQL），未设置时为 DATA_DIR 下的内嵌 PGlite。
内嵌数据库同一时间只能由一个进程打开：使用 PGlite 时请先停止 npm start。`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string' },
    unit: { type: 'string' },
    id: { type: 'string' },
    kind: { type: 'string' },
    district: { type: 'string' },
    street: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const command = positionals[0];
if (!command || values.help) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 1);
}

const config = loadConfig();
const database = await openDatabaseOrExit(config);

try {
  await database.migrate();
  const db = database.db;
  switch (command) {
    case 'migrate': {
      const seeded = await seedReferenceData(db);
      console.log(`数据库迁移已完成（${database.engine}）${seeded ? '；已载入示范市配置' : ''}`);
      break;
    }
    case 'create-admin':
    case 'create-account': {
      const password = values.password ?? generatePassword(16);
      const input = CreateAccountInput.parse({
        username: values.username,
        displayName: values.name ?? values.username,
        role: command === 'create-admin' ? 'admin' : values.role,
        ...(values.unit ? { unitId: values.unit } : {}),
        password,
      });
      const account = await insertAccount(db, input);
      console.log(`已创建 ${account.roleLabel} ${account.username}${values.password ? '' : `，初始密码：${password}`}`);
      break;
    }
    case 'create-unit': {
      const unit = await insertUnit(
        db,
        CreateUnitInput.parse({
          id: values.id,
          name: values.name,
          kind: values.kind,
          ...(values.district ? { districtCode: values.district } : {}),
          ...(values.street ? { streetCode: values.street } : {}),
        }),
      );
      console.log(`已创建承办单位 ${unit.id}（${unit.name}）`);
      break;
    }
    case 'retrain-intake': {
      const report = await retrainWithReport(db, `admin-cli-${process.pid}`);
      const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
      const line = (label: string, a: ModelFigures, b: ModelFigures) =>
        console.log(
          `${label}（${a.messages} 条）：分类 ${pct(a.category)} → ${pct(b.category)}，诉求类型 ${pct(a.type)} → ${pct(b.type)}，紧急识别 ${pct(a.urgentRecall)} → ${pct(b.urgentRecall)}，误报 ${pct(a.falseAlarms)} → ${pct(b.falseAlarms)}`,
        );
      console.log(`受理模型已重训：${report.corrections} 张工单的更正，共 ${report.examples} 条训练样本`);
      line('测试集（未参与训练，仅模型）', report.test.before, report.test.after);
      if (report.corrections > 0) line('被更正的工单（已学入）', report.corrected.before, report.corrected.after);
      console.log(`知识库：${report.learnedQuestions} 条按知识条目直接答复的市民问法，由各实例在重训时学入答复匹配。`);
      console.log('运行中的实例将在一小时内按此重训。');
      break;
    }
    case 'list-units':
      for (const u of await db.select().from(units).orderBy(asc(units.kind), asc(units.id))) {
        console.log(`${u.id.padEnd(32)} ${u.kind.padEnd(20)} ${u.name}${u.active ? '' : '（已停用）'}`);
      }
      break;
    case 'list-accounts':
      for (const a of await db.select().from(staffAccounts).orderBy(asc(staffAccounts.username))) {
        console.log(`${a.username.padEnd(24)} ${a.role.padEnd(14)} ${a.unitId ?? ''} ${a.active ? '' : '（已停用）'}${a.demo ? '（演示）' : ''}`);
      }
      break;
    default:
      console.error(`未知命令：${command}\n\n${USAGE}`);
      process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof z.ZodError) {
    console.error(`参数有误：\n${error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  } else if (error instanceof DomainError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
} finally {
  await database.close();
}
