import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatChange, formatInstant, formatRate, type RecurringProblem, type Report } from './report.ts';

/**
 * The report as a PDF for printing and filing. Chinese needs a CJK font and
 * the machine may have none, so the font comes from npm (Noto Sans SC) and is
 * embedded as a subset of the glyphs used; text stays text (searchable, and
 * copyable into the office's own documents).
 */
const require = createRequire(import.meta.url);
const FONT = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const BOLD = require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');

const MARGIN = 48;
const GREY = '#555555';

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

export async function reportPdf(report: Report): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `12345 热线${report.period.label}`, Author: '12345 市民服务热线', Subject: '办理情况报告' },
    lang: 'zh-CN',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', BOLD);
  const width = doc.page.width - MARGIN * 2;

  const heading = (text: string) => {
    ensureSpace(doc, 60);
    doc.moveDown(0.8).font('bold').fontSize(13).fillColor('black').text(text, MARGIN, doc.y).moveDown(0.3);
  };
  const note = (text: string) => doc.font('body').fontSize(9).fillColor(GREY).text(text, MARGIN, doc.y, { width }).fillColor('black');

  doc.font('bold').fontSize(18).text(`12345 市民服务热线 ${report.period.label}`, { align: 'center' });
  doc.moveDown(0.3);
  note(
    `统计期：${report.period.from} 至 ${report.period.to}${report.partial ? '（未结束，为截至生成时的数据）' : ''}；对比上期：${report.previous.from} 至 ${report.previous.to}；生成时间：${formatInstant(report.generatedAt)}`,
  );

  heading('一、总体情况');
  doc.font('body').fontSize(10).text(`本期受理 ${report.received.current} 件，上期 ${report.received.previous} 件。`, MARGIN, doc.y);
  doc.moveDown(0.3);
  table(
    doc,
    [{ header: '指标', width: 110 }, { header: '本期', width: 70, align: 'right' }, { header: '计数', width: 110, align: 'right' }, { header: '上期', width: 70, align: 'right' }, { header: '变化', width: 139, align: 'right' }],
    report.figures.map((f) => [f.label, formatRate(f.current), `${f.current.numerator} / ${f.current.denominator}`, formatRate(f.previous), formatChange(f.change)]),
  );

  if (report.topCategories.length > 0) {
    heading('二、诉求分类前十');
    table(
      doc,
      [{ header: '分类', width: 260 }, { header: '本期', width: 120, align: 'right' }, { header: '上期', width: 119, align: 'right' }],
      report.topCategories.map((c) => [c.label, String(c.current), String(c.previous)]),
    );
  }

  heading('三、承办单位考核排名');
  const w = report.rankings.weights;
  note(`得分为各项比率的加权平均（按期办结 ${w.onTimeCompletion}、联系 ${w.contact}、过程满意 ${w.processSatisfaction}、结果满意 ${w.resultSatisfaction}、解决 ${w.resolution}）；本期接收少于 ${report.rankings.minimumTickets} 件的单位不排名。`);
  doc.moveDown(0.2);
  if (report.rankings.units.length === 0) doc.font('body').fontSize(10).text('本期没有派给承办单位的工单。', MARGIN, doc.y);
  else
    table(
      doc,
      [
        { header: '名次', width: 30, align: 'right' },
        { header: '承办单位', width: 118 },
        { header: '接收', width: 36, align: 'right' },
        { header: '按期办结', width: 50, align: 'right' },
        { header: '结果满意', width: 50, align: 'right' },
        { header: '解决', width: 45, align: 'right' },
        { header: '超期', width: 32, align: 'right' },
        { header: '退回', width: 32, align: 'right' },
        { header: '重办', width: 32, align: 'right' },
        { header: '得分', width: 74, align: 'right' },
      ],
      report.rankings.units.map((u) => [
        u.rank === null ? '—' : String(u.rank),
        u.unitName,
        String(u.received),
        formatRate(u.rates.onTimeCompletion),
        formatRate(u.rates.resultSatisfaction),
        formatRate(u.rates.resolution),
        String(u.overdue),
        String(u.returned),
        String(u.reopened),
        u.score === null ? '—' : u.score.toFixed(1),
      ]),
    );

  heading('四、热点预警');
  if (report.warnings.length === 0) doc.font('body').fontSize(10).text('本期没有新的预警。', MARGIN, doc.y);
  for (const warning of report.warnings) {
    ensureSpace(doc, 70);
    doc.font('bold').fontSize(10.5).text(`${warning.title}（${warning.statusLabel}，${warning.tickets} 件${warning.assignedUnit ? `，指派 ${warning.assignedUnit}` : ''}）`, MARGIN, doc.y, { width });
    note(`${formatInstant(warning.firstFiredAt)}　${warning.reason}`);
    examples(doc, warning.examples);
  }

  heading('五、反复出现的问题');
  problems(doc, report.recurring, '本期没有 3 件以上的重复诉求。');

  if (report.hardProblems) {
    heading('六、疑难问题清单（提交政府常务会议研究）');
    note('本季度反复出现、且仍有超期未办、被评价未解决或重办的问题。');
    doc.moveDown(0.2);
    problems(doc, report.hardProblems, '本季度没有符合条件的疑难问题。');
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.font('body').fontSize(8).fillColor(GREY).text(`${report.period.label}　第 ${i + 1} 页，共 ${range.count} 页`, MARGIN, doc.page.height - MARGIN + 14, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function problems(doc: PDFKit.PDFDocument, list: RecurringProblem[], empty: string) {
  if (list.length === 0) {
    doc.font('body').fontSize(10).text(empty, MARGIN, doc.y);
    return;
  }
  const width = doc.page.width - MARGIN * 2;
  list.forEach((p, i) => {
    ensureSpace(doc, 70);
    doc.font('bold').fontSize(10.5).fillColor('black').text(`${i + 1}. ${p.title}`, MARGIN, doc.y, { width });
    const facts = [p.category, p.place, `${p.tickets} 件`, p.open ? `未办结 ${p.open}` : null, p.overdue ? `超期 ${p.overdue}` : null, p.unresolved ? `未解决 ${p.unresolved}` : null, p.reopened ? `重办 ${p.reopened}` : null, p.units.length ? `承办：${p.units.join('、')}` : null];
    doc.font('body').fontSize(9).fillColor(GREY).text(`${facts.filter(Boolean).join('　')}　${formatInstant(p.firstAt).slice(0, 10)} 至 ${formatInstant(p.lastAt).slice(0, 10)}`, MARGIN, doc.y, { width }).fillColor('black');
    examples(doc, p.examples);
  });
}

function examples(doc: PDFKit.PDFDocument, list: { ticketNo: string; title: string; statusLabel: string }[]) {
  const width = doc.page.width - MARGIN * 2 - 12;
  for (const e of list) doc.font('body').fontSize(9).fillColor('black').text(`· ${e.ticketNo}　${e.title}（${e.statusLabel}）`, MARGIN + 12, doc.y, { width });
  doc.moveDown(0.4);
}

function ensureSpace(doc: PDFKit.PDFDocument, height: number) {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function table(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][]) {
  const rowHeight = 17;
  const drawRow = (cells: string[], bold: boolean) => {
    ensureSpace(doc, rowHeight + 4);
    const y = doc.y;
    let x = MARGIN;
    doc.font(bold ? 'bold' : 'body').fontSize(9);
    cells.forEach((cell, i) => {
      const col = columns[i]!;
      doc.text(cell, x + 2, y + 4, { width: col.width - 4, align: col.align ?? 'left', lineBreak: false, ellipsis: true });
      x += col.width;
    });
    const total = columns.reduce((s, c) => s + c.width, 0);
    doc.moveTo(MARGIN, y + rowHeight).lineTo(MARGIN + total, y + rowHeight).lineWidth(bold ? 0.8 : 0.3).strokeColor(bold ? '#333333' : '#bbbbbb').stroke();
    doc.x = MARGIN;
    doc.y = y + rowHeight;
  };
  drawRow(columns.map((c) => c.header), true);
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.3);
}
