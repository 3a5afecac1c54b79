import ExcelJS from 'exceljs';
import { formatInstant, type RecurringProblem, type Report } from './report.ts';

/**
 * The report as a spreadsheet: one sheet per part, rates as numbers formatted
 * as percentages (so the office can sort, chart and total them), counts beside
 * them so every rate can be checked.
 */
export async function reportXlsx(report: Report): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '12345 市民服务热线';
  book.title = `12345 热线${report.period.label}`;
  book.created = new Date(report.generatedAt);

  const overview = sheet(book, '总体情况', [
    ['指标', 22],
    ['本期', 12],
    ['本期分子', 12],
    ['本期分母', 12],
    ['上期', 12],
    ['上期分子', 12],
    ['上期分母', 12],
    ['变化（百分点）', 16],
  ]);
  overview.addRow(['受理量', report.received.current, null, null, report.received.previous]);
  for (const f of report.figures) overview.addRow([f.label, f.current.rate, f.current.numerator, f.current.denominator, f.previous.rate, f.previous.numerator, f.previous.denominator, f.change]);
  percent(overview, [2, 5]);
  overview.addRow([]);
  overview.addRow([`统计期 ${report.period.from} 至 ${report.period.to}${report.partial ? '（未结束）' : ''}，上期 ${report.previous.from} 至 ${report.previous.to}，生成于 ${formatInstant(report.generatedAt)}`]);

  const categories = sheet(book, '诉求分类', [
    ['分类', 24],
    ['本期', 10],
    ['上期', 10],
  ]);
  for (const c of report.topCategories) categories.addRow([c.label, c.current, c.previous]);

  const ranking = sheet(book, '单位考核', [
    ['名次', 8],
    ['承办单位', 24],
    ['接收', 8],
    ['按期办结率', 12],
    ['联系率', 10],
    ['过程满意率', 12],
    ['结果满意率', 12],
    ['解决率', 10],
    ['超期', 8],
    ['退回', 8],
    ['重办', 8],
    ['得分', 8],
  ]);
  for (const u of report.rankings.units) {
    const r = u.rates;
    ranking.addRow([u.rank, u.unitName, u.received, r.onTimeCompletion.rate, r.contact.rate, r.processSatisfaction.rate, r.resultSatisfaction.rate, r.resolution.rate, u.overdue, u.returned, u.reopened, u.score]);
  }
  percent(ranking, [4, 5, 6, 7, 8]);

  const warnings = sheet(book, '热点预警', [
    ['预警', 40],
    ['状态', 10],
    ['工单数', 8],
    ['首次预警', 18],
    ['指派单位', 20],
    ['原因', 50],
    ['示例工单', 60],
  ]);
  for (const w of report.warnings) warnings.addRow([w.title, w.statusLabel, w.tickets, formatInstant(w.firstFiredAt), w.assignedUnit, w.reason, w.examples.map((e) => `${e.ticketNo} ${e.title}`).join('\n')]);

  problemSheet(sheet(book, '反复出现的问题', PROBLEM_COLUMNS), report.recurring);
  if (report.hardProblems) problemSheet(sheet(book, '疑难问题清单', PROBLEM_COLUMNS), report.hardProblems);

  return Buffer.from(await book.xlsx.writeBuffer());
}

const PROBLEM_COLUMNS: [string, number][] = [
  ['问题', 40],
  ['分类', 16],
  ['地点', 16],
  ['工单数', 8],
  ['未办结', 8],
  ['超期', 8],
  ['未解决', 8],
  ['重办', 8],
  ['承办单位', 24],
  ['首次', 12],
  ['最近', 12],
  ['示例工单', 60],
];

function problemSheet(ws: ExcelJS.Worksheet, list: RecurringProblem[]) {
  for (const p of list)
    ws.addRow([
      p.title,
      p.category,
      p.place,
      p.tickets,
      p.open,
      p.overdue,
      p.unresolved,
      p.reopened,
      p.units.join('、'),
      formatInstant(p.firstAt).slice(0, 10),
      formatInstant(p.lastAt).slice(0, 10),
      p.examples.map((e) => `${e.ticketNo} ${e.title}`).join('\n'),
    ]);
}

function sheet(book: ExcelJS.Workbook, name: string, columns: [string, number][]): ExcelJS.Worksheet {
  const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map(([header, width]) => ({ header, width }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

function percent(ws: ExcelJS.Worksheet, columns: number[]) {
  for (const c of columns) ws.getColumn(c).numFmt = '0.0%';
}
