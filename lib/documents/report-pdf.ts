/**
 * The reports as PDFs: one layout per kind (title, period, the rows as
 * tables, totals), the charts drawn by lib/reports/charts as PNG (pdf-lib
 * draws no SVG), and an owner statement's bill attachments after it: an image
 * a page each, a PDF's own pages copied in. Everything is a function of the
 * report and the attachments' bytes (the document's dates are the as-of day),
 * so the same report renders the same bytes.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { divideRoundHalfUp, formatMoney } from '../../domain/money';
import type { Delinquency, IncomeStatement, Occupancy, OwnerStatement, OwnerStatementProperty, RentRoll, Report, TenantLedger, VendorTaxSummary } from '../../contracts/reports.schema';
import { collectionsChartSvg, expensesByCategoryChartSvg, monthLabel, occupancyChartSvg, svgSize, svgToPng } from '../reports/charts';
import { bpsToPercent } from '../reports/csv';
import { DocumentWriter, sha256, type RenderedDocument, type TableColumn, type TableRow } from './pdf';

/** A file attached to the report (a bill's scan or PDF), appended after it. */
export interface ReportAttachment {
  title: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Amounts print without the currency code; each document says once which currency they are in. */
const moneyIn = (currency: string) => (minor: number) => formatMoney(minor, currency).replace(`${currency} `, '');
const short = (id: string) => id.slice(0, 8);
const words = (s: string) => s.replaceAll('_', ' ');
const percent = (bps: number) => `${bpsToPercent(bps)}%`;

/** Columns from [header, width, align]; the last takes the width left over. */
function cols(w: DocumentWriter, ...spec: [string, number, ('left' | 'right')?][]): TableColumn[] {
  const fixed = spec.slice(0, -1).reduce((n, [, width]) => n + width, 0);
  return spec.map(([header, width, align], i) => ({ header, width: i === spec.length - 1 ? w.contentWidth - fixed : width, ...(align ? { align } : {}) }));
}

/** The title and a label/value block under it (who, what period, which currency). */
function masthead(w: DocumentWriter, report: Report, facts: [string, string][]) {
  w.heading(report.title, 16);
  w.table(cols(w, ['', 130], ['', 0]), [...facts, ['As of', report.asOf] as [string, string], ['Currency', `All amounts in ${report.currency}`] as [string, string]].map((cells) => ({ cells })), {
    size: 9.5,
    padding: 0,
  });
}

/** A chart placed at the size it was drawn for (px as pt), never wider than the page. */
async function chart(w: DocumentWriter, svg: string) {
  const size = svgSize(svg);
  await w.figure({ bytes: await svgToPng(svg), format: 'png' }, { width: Math.min(w.contentWidth, size.width) });
}

/** Expense amounts as spending (positive), whichever sign the source keeps them in. */
function byCategory(items: { account: string; amountMinor: number }[]): { category: string; amountMinor: number }[] {
  const sums = new Map<string, number>();
  for (const i of items) sums.set(i.account, (sums.get(i.account) ?? 0) + i.amountMinor);
  const total = [...sums.values()].reduce((n, v) => n + v, 0);
  return [...sums].map(([category, amountMinor]) => ({ category: words(category), amountMinor: total < 0 ? -amountMinor : amountMinor }));
}

// ---------------------------------------------------------------- rent roll

function rentRoll(w: DocumentWriter, r: RentRoll) {
  const money = moneyIn(r.currency);
  const t = r.totals;
  masthead(w, r, [['Units', `${t.units}: ${t.occupied} occupied, ${t.noticeGiven} under notice, ${t.vacant} vacant`]]);
  const rows: TableRow[] = r.rows.map((x) => ({
    cells: [
      `${x.propertyAddress}${x.unitLabel ? `, ${x.unitLabel}` : ''}`,
      words(x.status),
      x.tenants.join(', '),
      x.startDate ? `${x.startDate} – ${x.endDate ?? 'open'}` : '',
      x.rentMinor === null ? '' : money(x.rentMinor),
      money(x.depositHeldMinor),
      money(x.balanceMinor),
    ],
  }));
  rows.push({ cells: [`Total (${t.units} units)`, '', '', '', money(t.rentMinor), money(t.depositHeldMinor), money(t.balanceMinor)], bold: true, ruleAbove: true });
  w.table(cols(w, ['Property / unit', 112], ['Status', 50], ['Tenants', 92], ['Term', 78], ['Rent', 50, 'right'], ['Deposit held', 50, 'right'], ['Balance', 0, 'right']), rows, { size: 8 });
  w.paragraph('Balance: what the tenant owes as of the day; negative when in credit.', 8.5);
}

// ---------------------------------------------------------------- delinquency

function delinquency(w: DocumentWriter, r: Delinquency) {
  const money = moneyIn(r.currency);
  masthead(w, r, [['Leases in arrears', String(r.rows.length)]]);
  const b = (x: Delinquency['totals']) => [money(x.current), money(x.days31to60), money(x.days61to90), money(x.over90), money(x.total)];
  const rows: TableRow[] = r.rows.map((x) => ({ cells: [`${x.propertyAddress}${x.unitLabel ? `, ${x.unitLabel}` : ''}`, x.tenants.join(', '), ...b(x.buckets)] }));
  rows.push({ cells: ['Total', '', ...b(r.totals)], bold: true, ruleAbove: true });
  w.table(cols(w, ['Property / unit', 124], ['Tenants', 100], ['0–30', 52, 'right'], ['31–60', 52, 'right'], ['61–90', 52, 'right'], ['Over 90', 52, 'right'], ['Total', 0, 'right']), rows, {
    size: 8,
    groups: [
      { label: '', span: 2 },
      { label: 'Days past due', span: 5 },
    ],
  });
  const diff = r.ledgerReceivableMinor - r.totals.total;
  w.paragraph(`Tenant receivable in the ledger for these leases: ${money(r.ledgerReceivableMinor)}${diff === 0 ? ', equal to the total above.' : `, ${money(diff)} more than the total above.`}`, 9);
}

// ---------------------------------------------------------------- occupancy

async function occupancy(w: DocumentWriter, r: Occupancy) {
  const money = moneyIn(r.currency);
  const properties = [...new Set(r.rows.map((x) => x.propertyId))];
  masthead(w, r, [
    ['Period', `${monthLabel(r.from)} to ${monthLabel(r.to)}`],
    ['Properties', String(properties.length)],
  ]);
  if (r.rows.length) await chart(w, await occupancyChartSvg(r.rows));
  w.heading('By property and month', 11);
  const rows: TableRow[] = r.rows.map((x, i) => {
    // The address once per property (a line above each but the first), as a ledger prints its account once.
    const first = i === 0 || r.rows[i - 1]!.propertyId !== x.propertyId;
    return {
      cells: [first ? x.propertyAddress : '', monthLabel(x.month), String(x.units), String(x.unitDays), String(x.occupiedUnitDays), percent(x.physicalBps), money(x.potentialRentMinor), money(x.collectedMinor), percent(x.economicBps)],
      ...(first && i > 0 ? { ruleAbove: true } : {}),
    };
  });
  if (properties.length > 1) {
    const months = [...new Set(r.rows.map((x) => x.month))].sort();
    months.forEach((month, i) => {
      const of = r.rows.filter((x) => x.month === month);
      const sum = (f: (x: (typeof of)[number]) => number) => of.reduce((n, x) => n + f(x), 0);
      const [unitDays, occupied, potential, collected] = [sum((x) => x.unitDays), sum((x) => x.occupiedUnitDays), sum((x) => x.potentialRentMinor), sum((x) => x.collectedMinor)];
      rows.push({
        cells: [i === 0 ? 'All properties' : '', monthLabel(month), String(sum((x) => x.units)), String(unitDays), String(occupied), unitDays ? percent(bps(occupied, unitDays)) : '', money(potential), money(collected), potential ? percent(bps(collected, potential)) : ''],
        bold: true,
        ...(i === 0 ? { ruleAbove: true } : {}),
      });
    });
  }
  w.table(
    cols(w, ['Property', 100], ['Month', 50], ['Units', 30, 'right'], ['Unit days', 40, 'right'], ['Occupied unit days', 50, 'right'], ['Physical', 50, 'right'], ['Potential rent', 56, 'right'], ['Collected', 56, 'right'], ['Economic', 0, 'right']),
    rows.length ? rows : [{ cells: ['No units in the period.', '', '', '', '', '', '', '', ''] }],
    { size: 8 },
  );
  w.keepTogether(40);
  w.paragraph('Physical: occupied unit-days over unit-days. Economic: rent and other receipts collected (net of returned payments) over the rent the units would earn at their lease rent.', 8.5);
}

/** a / b in basis points, rounded half up (integers only, as the report's own are). */
const bps = (a: number, b: number) => (a < 0 ? -Number(divideRoundHalfUp(BigInt(-a) * 10_000n, BigInt(b))) : Number(divideRoundHalfUp(BigInt(a) * 10_000n, BigInt(b))));

// ---------------------------------------------------------------- owner statement

async function ownerStatement(w: DocumentWriter, r: OwnerStatement) {
  const money = moneyIn(r.currency);
  masthead(w, r, [
    ['Owner', r.ownerName],
    ['Statement for', `${monthLabel(r.month)} (${r.from} to ${r.to})`],
    ['Properties', String(r.properties.length)],
  ]);
  if (r.properties.length > 1) {
    w.heading('Summary', 12);
    const rows: TableRow[] = r.properties.map((p) => ({
      cells: [p.propertyAddress, money(p.openingMinor), money(p.totals.incomeMinor), money(p.totals.expensesMinor), money(p.totals.managementFeesMinor), money(p.totals.contributionsMinor), money(p.totals.distributionsMinor), money(p.closingMinor)],
    }));
    const m = 54;
    w.table(cols(w, ['Property', w.contentWidth - 7 * m], ['Opening', m, 'right'], ['Income', m, 'right'], ['Expenses', m, 'right'], ['Mgmt. fees', m, 'right'], ['Contrib.', m, 'right'], ['Distrib.', m, 'right'], ['Closing', 0, 'right']), rows, { size: 8 });
    w.paragraph('Contrib.: owner contributions; Distrib.: distributions to owners. Each property follows.', 8.5);
  }
  for (const p of r.properties) await statementProperty(w, r, p);
}

async function statementProperty(w: DocumentWriter, r: OwnerStatement, p: OwnerStatementProperty) {
  const money = moneyIn(r.currency);
  w.keepTogether(160);
  w.rule();
  w.heading(p.propertyAddress, 12.5);
  const blank = ['', '', '', ''];
  const rows: TableRow[] = [{ cells: [r.from, 'Opening balance', '', '', '', money(p.openingMinor)], bold: true }];
  const section = (name: string, lines: TableRow[], totalLabel: string, totalMinor: number) => {
    rows.push({ cells: ['', name, ...blank], bold: true, shaded: true, keepWithNext: true });
    rows.push(...(lines.length ? lines : [{ cells: ['', 'None.', ...blank] }]));
    if (lines.length) rows.push({ cells: ['', totalLabel, '', '', '', money(totalMinor)], bold: true, ruleAbove: true });
  };
  const plain = (l: OwnerStatementProperty['income'][number]): TableRow => ({ cells: [l.date, l.description, '', l.reference ?? '', '', money(l.amountMinor)] });
  section('Income', p.income.map(plain), 'Total income', p.totals.incomeMinor);
  section(
    'Expenses',
    p.expenses.map((l) => ({
      cells: [
        l.date,
        `${l.description} (${words(l.account)})`,
        l.vendor ?? '',
        [l.reference, l.billId && `bill ${short(l.billId)}`, l.workOrderId && `work order ${short(l.workOrderId)}`].filter(Boolean).join('\n'),
        l.attachmentIds.length ? String(l.attachmentIds.length) : '',
        money(l.amountMinor),
      ],
    })),
    'Total expenses',
    p.totals.expensesMinor,
  );
  section('Management fees', p.managementFees.map(plain), 'Total management fees', p.totals.managementFeesMinor);
  section('Owner contributions', p.contributions.map(plain), 'Total contributions', p.totals.contributionsMinor);
  section('Distributions to owners', p.distributions.map(plain), 'Total distributions', p.totals.distributionsMinor);
  rows.push({ cells: [r.to, 'Closing balance', '', '', '', money(p.closingMinor)], bold: true, ruleAbove: true });
  // Reference doubles as the bill / work order column; "Att." counts the bill's attachments that follow the statement.
  w.table(cols(w, ['Date', 60], ['Description', 164], ['Vendor', 84], ['Reference', 92], ['Att.', 24, 'right'], ['Amount', 0, 'right']), rows, { size: 8 });

  w.keepTogether(90);
  w.table(cols(w, ['', 300], ['', 0, 'right']), [
    { cells: ['Closing balance', money(p.closingMinor)], bold: true },
    { cells: ['Reserve held for the property', money(p.reserveMinor)] },
    { cells: ["Tenants' deposits held (not in the balances above)", money(p.depositsHeldMinor)] },
    { cells: ['Your share of the property', percent(p.shareBps)], ruleAbove: true },
    { cells: ['Distributed to you this month', money(p.ownerDistributionsMinor)], bold: true },
  ], { size: 9 });

  const categories = byCategory(p.expenses);
  if (categories.length) await chart(w, await expensesByCategoryChartSvg(categories, r.currency));
}

// ---------------------------------------------------------------- income statement

async function incomeStatement(w: DocumentWriter, r: IncomeStatement) {
  const money = moneyIn(r.currency);
  masthead(w, r, [
    ['Property', r.propertyAddress ?? 'All properties'],
    ['Period', `${monthLabel(r.from)} to ${monthLabel(r.to)}`],
  ]);
  // Accounts in the order they first appear, summed over the period.
  const sum = (pick: (m: IncomeStatement['months'][number]) => { account: string; amountMinor: number }[]) => {
    const out = new Map<string, number>();
    for (const m of r.months) for (const a of pick(m)) out.set(a.account, (out.get(a.account) ?? 0) + a.amountMinor);
    return [...out];
  };
  const income = sum((m) => m.income);
  const expenses = sum((m) => m.expenses);
  const total = (xs: [string, number][]) => xs.reduce((n, [, v]) => n + v, 0);
  w.heading('For the period', 12);
  w.table(cols(w, ['Account', 330], ['Amount', 0, 'right']), [
    { cells: ['Income', ''], bold: true, shaded: true, keepWithNext: true },
    ...income.map(([a, v]) => ({ cells: [words(a), money(v)] })),
    { cells: ['Total income', money(total(income))], bold: true, ruleAbove: true },
    { cells: ['Expenses', ''], bold: true, shaded: true, keepWithNext: true },
    ...expenses.map(([a, v]) => ({ cells: [words(a), money(v)] })),
    { cells: ['Total expenses', money(total(expenses))], bold: true, ruleAbove: true },
    { cells: ['Net income', money(r.months.reduce((n, m) => n + m.netIncomeMinor, 0))], bold: true, ruleAbove: true },
  ], { size: 9 });

  w.heading('By month', 12);
  const line = (label: string, m: { income: number; expenses: number; net: number; cash: IncomeStatement['months'][number]['cash'] }) => [
    label,
    money(m.income),
    money(m.expenses),
    money(m.net),
    money(m.cash.receiptsMinor),
    money(m.cash.paymentsMinor),
    money(m.cash.contributionsMinor),
    money(m.cash.distributionsMinor),
    money(m.cash.netMinor),
  ];
  const months = r.months.map((m) => ({ month: m.month, income: total(m.income.map((a) => [a.account, a.amountMinor])), expenses: total(m.expenses.map((a) => [a.account, a.amountMinor])), net: m.netIncomeMinor, cash: m.cash }));
  const all = months.reduce(
    (t, m) => ({
      income: t.income + m.income,
      expenses: t.expenses + m.expenses,
      net: t.net + m.net,
      cash: {
        receiptsMinor: t.cash.receiptsMinor + m.cash.receiptsMinor,
        paymentsMinor: t.cash.paymentsMinor + m.cash.paymentsMinor,
        contributionsMinor: t.cash.contributionsMinor + m.cash.contributionsMinor,
        distributionsMinor: t.cash.distributionsMinor + m.cash.distributionsMinor,
        netMinor: t.cash.netMinor + m.cash.netMinor,
      },
    }),
    { income: 0, expenses: 0, net: 0, cash: { receiptsMinor: 0, paymentsMinor: 0, contributionsMinor: 0, distributionsMinor: 0, netMinor: 0 } },
  );
  const m = 54;
  w.table(
    cols(w, ['Month', 52], ['Income', m, 'right'], ['Expenses', m, 'right'], ['Net income', m, 'right'], ['Receipts', m, 'right'], ['Payments', m, 'right'], ['Contrib.', m, 'right'], ['Distrib.', m, 'right'], ['Net cash', 0, 'right']),
    [...months.map((x) => ({ cells: line(monthLabel(x.month), x) })), { cells: line('Total', all), bold: true, ruleAbove: true }],
    {
      size: 8,
      groups: [
        { label: '', span: 1 },
        { label: 'Income statement', span: 3 },
        { label: 'Cash flow', span: 5 },
      ],
    },
  );

  // Income booked against cash received shows collection; the categories show where the money went.
  if (months.length) await chart(w, await collectionsChartSvg(months.map((x) => ({ month: x.month, chargedMinor: x.income, collectedMinor: x.cash.receiptsMinor })), r.currency));
  const categories = byCategory(expenses.map(([account, amountMinor]) => ({ account, amountMinor })));
  if (categories.length) await chart(w, await expensesByCategoryChartSvg(categories, r.currency));
}

// ---------------------------------------------------------------- tenant ledger

function tenantLedger(w: DocumentWriter, r: TenantLedger) {
  const money = moneyIn(r.currency);
  masthead(w, r, [
    ['Premises', `${r.propertyAddress}${r.unitLabel ? `, ${r.unitLabel}` : ''}`],
    ['Tenants', r.tenants.join(', ')],
    ['Lease', r.leaseId],
    ['Period', `${r.from} to ${r.asOf}`],
  ]);
  const amount = (minor: number) => (minor ? money(minor) : '');
  w.table(
    cols(w, ['Date', 60], ['Kind', 74], ['Description', 170], ['Charge', 60, 'right'], ['Payment', 60, 'right'], ['Balance', 0, 'right']),
    [
      { cells: [r.from, '', 'Opening balance', '', '', money(r.openingMinor)], bold: true },
      ...r.lines.map((l) => ({ cells: [l.date, words(l.kind), l.description, amount(l.chargeMinor), amount(l.paymentMinor), money(l.balanceMinor)] })),
      { cells: [r.asOf, '', 'Closing balance', '', '', money(r.closingMinor)], bold: true, ruleAbove: true },
    ],
    { size: 8 },
  );
}

// ---------------------------------------------------------------- vendor tax summary

function vendorTax(w: DocumentWriter, r: VendorTaxSummary) {
  const money = moneyIn(r.currency);
  const flagged = r.rows.filter((x) => x.flagged).length;
  masthead(w, r, [
    ['Tax year', String(r.year)],
    ['1099-NEC threshold', money(r.thresholdMinor)],
    ['Reportable vendors', `${r.rows.filter((x) => x.reportable).length} (${flagged} without a tax id on file)`],
  ]);
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  w.table(
    cols(w, ['Vendor', 200], ['Paid', 84, 'right'], ['Reportable', 60], ['Tax id (W-9) on file', 70], ['Action', 0]),
    [
      ...r.rows.map((x) => ({ cells: [x.name, money(x.paidMinor), yes(x.reportable), yes(x.taxIdOnFile), x.flagged ? 'ask for a W-9' : ''], bold: x.flagged })),
      { cells: ['Total paid', money(r.rows.reduce((n, x) => n + x.paidMinor, 0)), '', '', ''], bold: true, ruleAbove: true },
    ],
    { size: 8.5 },
  );
  if (flagged) w.paragraph('Rows in bold: reportable vendors with no tax id on file. Ask each for a W-9 before filing.', 9);
}

// ---------------------------------------------------------------- attachments

type Prepared =
  | { kind: 'image'; title: string; image: { bytes: Uint8Array; format: 'jpg' | 'png' } }
  | { kind: 'pdf'; title: string; doc: PDFDocument }
  | { kind: 'skipped'; title: string; why: string };

/** Reads an attachment before anything is drawn, so the list of attachments can say what follows and what could not be read. */
async function prepare(a: ReportAttachment): Promise<Prepared> {
  const type = a.contentType.toLowerCase().split(';')[0]!.trim();
  try {
    if (type === 'application/pdf') return { kind: 'pdf', title: a.title, doc: await PDFDocument.load(a.bytes, { updateMetadata: false }) };
    if (type.startsWith('image/')) {
      const meta = await sharp(a.bytes).metadata();
      // A camera's JPEG is kept as taken unless it is stored turned (EXIF orientation): pdf-lib would draw it sideways.
      if ((type === 'image/jpeg' || type === 'image/jpg') && (meta.orientation ?? 1) === 1) return { kind: 'image', title: a.title, image: { bytes: a.bytes, format: 'jpg' } };
      if (type === 'image/png') return { kind: 'image', title: a.title, image: { bytes: a.bytes, format: 'png' } };
      return { kind: 'image', title: a.title, image: { bytes: await asPng(a.bytes), format: 'png' } };
    }
    return { kind: 'skipped', title: a.title, why: `${type} is not printable` };
  } catch {
    return { kind: 'skipped', title: a.title, why: 'could not be read' };
  }
}

/** Any image sharp reads as PNG, upright, at most 2400 px a side (a full page at 200 dpi). */
async function asPng(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await sharp(bytes).rotate().resize({ width: 2400, height: 2400, fit: 'inside', withoutEnlargement: true }).png().toBuffer());
}

async function appendAttachments(w: DocumentWriter, attachments: ReportAttachment[]) {
  // One at a time, so objects are numbered (and the bytes hashed) the same on every render.
  const prepared: Prepared[] = [];
  for (const a of attachments) prepared.push(await prepare(a));
  w.keepTogether(60);
  w.heading('Attachments', 12);
  w.table(
    cols(w, ['No.', 30], ['Title', 300], ['Follows as', 0]),
    prepared.map((p, i) => ({
      cells: [String(i + 1), p.title, p.kind === 'image' ? 'one page' : p.kind === 'pdf' ? `${p.doc.getPageCount()} page${p.doc.getPageCount() === 1 ? '' : 's'}` : `not included: ${p.why}`],
    })),
    { size: 8.5 },
  );
  for (const [i, p] of prepared.entries()) {
    if (p.kind === 'image') {
      w.newPage();
      w.heading(`Attachment ${i + 1}: ${p.title}`, 12);
      // An image pdf-lib cannot parse (a PNG variant it lacks) is drawn from sharp's re-encoding instead.
      await w.figure(p.image, { fitHere: true }).catch(async () => w.figure({ bytes: await asPng(p.image.bytes), format: 'png' }, { fitHere: true }));
    } else if (p.kind === 'pdf') {
      const pages = await w.doc.copyPages(p.doc, p.doc.getPageIndices());
      for (const page of pages) w.doc.addPage(page);
    }
  }
}

// ---------------------------------------------------------------- the document

export async function renderReportPdf(report: Report, opts: { attachments?: ReportAttachment[] } = {}): Promise<RenderedDocument> {
  const w = await DocumentWriter.create(report.title);
  // The document's dates are the books' day, not the clock's: the same report, the same bytes.
  const asOf = new Date(`${report.asOf}T00:00:00.000Z`);
  w.doc.setCreationDate(asOf);
  w.doc.setModificationDate(asOf);
  w.doc.setSubject(`${report.kind} as of ${report.asOf}`);
  switch (report.kind) {
    case 'rent-roll':
      rentRoll(w, report);
      break;
    case 'delinquency':
      delinquency(w, report);
      break;
    case 'occupancy':
      await occupancy(w, report);
      break;
    case 'owner-statement':
      await ownerStatement(w, report);
      break;
    case 'income-statement':
      await incomeStatement(w, report);
      break;
    case 'tenant-ledger':
      tenantLedger(w, report);
      break;
    case 'vendor-tax-summary':
      vendorTax(w, report);
      break;
  }
  if (opts.attachments?.length) await appendAttachments(w, opts.attachments);
  const bytes = await w.bytes();
  return { bytes, sha256: sha256(bytes), pages: w.doc.getPageCount() };
}
