/**
 * The reports rendered: CSV to the byte for a couple of kinds (quoting, CRLF,
 * money as major units), the charts as SVG from Vega (titles, axes, the same
 * string twice), and every kind as a PDF parsed back (titles and figures,
 * the same bytes twice, an owner statement's attachments after it).
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import {
  ReportSchema,
  type Delinquency,
  type IncomeStatement,
  type Occupancy,
  type OccupancyRow,
  type OwnerStatement,
  type RentRoll,
  type Report,
  type TenantLedger,
  type VendorTaxSummary,
} from '../../contracts/reports.schema';
import { renderReportPdf } from '../../lib/documents/report-pdf';
import { collectionsChartSvg, expensesByCategoryChartSvg, monthLabel, occupancyChartSvg, svgToPng } from '../../lib/reports/charts';
import { bpsToPercent, reportCsv } from '../../lib/reports/csv';
import { readPdf } from '../support/pdf-text';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const squash = (s: string) => s.replace(/\s+/g, '');
const textOf = async (bytes: Uint8Array) => {
  const { pages, text } = await readPdf(bytes);
  return { pages, text, all: squash(text.join(' ')) };
};

const rentRoll: RentRoll = {
  kind: 'rent-roll',
  title: 'Rent roll',
  currency: 'USD',
  asOf: '2026-03-31',
  rows: [
    { propertyId: id(1), propertyAddress: '12 Elm St, Ames', unitLabel: 'A', status: 'occupied', leaseId: id(11), tenants: ['Zoë Ångström'], startDate: '2025-06-01', endDate: '2026-05-31', rentMinor: 150_000, depositHeldMinor: 150_000, balanceMinor: 2_500 },
    { propertyId: id(1), propertyAddress: '12 Elm St, Ames', unitLabel: 'B', status: 'vacant', leaseId: null, tenants: [], startDate: null, endDate: null, rentMinor: null, depositHeldMinor: 0, balanceMinor: 0 },
  ],
  totals: { units: 2, occupied: 1, noticeGiven: 0, vacant: 1, rentMinor: 150_000, depositHeldMinor: 150_000, balanceMinor: 2_500 },
};

const delinquency: Delinquency = {
  kind: 'delinquency',
  title: 'Delinquency',
  currency: 'USD',
  asOf: '2026-03-31',
  rows: [
    {
      leaseId: id(11),
      propertyId: id(1),
      propertyAddress: '12 Elm St, Ames',
      unitLabel: 'A',
      tenants: ['Ann Lee', 'Bo "Bear" Kim'],
      buckets: { current: 150_000, days31to60: 75_050, days61to90: 0, over90: 1_000, total: 226_050 },
    },
    { leaseId: id(12), propertyId: id(2), propertyAddress: '4 Oak Ave', unitLabel: null, tenants: ['Cy Dunn'], buckets: { current: 0, days31to60: 0, days61to90: 0, over90: 99_999, total: 99_999 } },
  ],
  totals: { current: 150_000, days31to60: 75_050, days61to90: 0, over90: 100_999, total: 326_049 },
  ledgerReceivableMinor: 326_049,
};

const occupancyRow = (n: number, address: string, month: string, physicalBps: number, economicBps: number): OccupancyRow => ({
  propertyId: id(n),
  propertyAddress: address,
  month,
  units: 4,
  unitDays: 120,
  occupiedUnitDays: (120 * physicalBps) / 10_000,
  physicalBps,
  potentialRentMinor: 600_000,
  collectedMinor: (600_000 * economicBps) / 10_000,
  economicBps,
});
const occupancy: Occupancy = {
  kind: 'occupancy',
  title: 'Occupancy',
  currency: 'USD',
  asOf: '2026-03-31',
  from: '2026-01',
  to: '2026-03',
  rows: [
    occupancyRow(1, '12 Elm St, Ames', '2026-01', 7500, 7000),
    occupancyRow(1, '12 Elm St, Ames', '2026-02', 8750, 8500),
    occupancyRow(1, '12 Elm St, Ames', '2026-03', 10000, 9525),
    occupancyRow(2, '4 Oak Ave', '2026-01', 5000, 5000),
    occupancyRow(2, '4 Oak Ave', '2026-02', 7500, 6000),
    occupancyRow(2, '4 Oak Ave', '2026-03', 7500, 7500),
  ],
};

const BILL = id(31);
const ownerStatement: OwnerStatement = {
  kind: 'owner-statement',
  title: 'Owner statement, March 2026',
  currency: 'USD',
  asOf: '2026-03-31',
  ownerId: id(21),
  ownerName: 'Dana Whitfield',
  month: '2026-03',
  from: '2026-03-01',
  to: '2026-03-31',
  properties: [
    {
      propertyId: id(1),
      propertyAddress: '12 Elm St, Ames',
      shareBps: 5000,
      openingMinor: 500_000,
      income: [{ date: '2026-03-01', description: 'Rent, unit A', amountMinor: 150_000, reference: 'inv-1001' }],
      expenses: [
        { date: '2026-03-09', description: 'Leaking trap replaced', amountMinor: -23_456, reference: 'INV-77', account: 'repairs', vendor: 'Pipe & Sons, LLC', billId: BILL, workOrderId: id(41), attachmentIds: [id(51), id(52)] },
        { date: '2026-03-15', description: 'Water and sewer', amountMinor: -8_000, reference: null, account: 'utilities', vendor: 'City of Ames', billId: id(32), workOrderId: null, attachmentIds: [] },
      ],
      managementFees: [{ date: '2026-03-31', description: 'Management fee 8%', amountMinor: -12_000, reference: null }],
      contributions: [],
      distributions: [{ date: '2026-03-31', description: 'Owner distribution', amountMinor: -300_000, reference: 'ach-9' }],
      totals: { incomeMinor: 150_000, expensesMinor: -31_456, managementFeesMinor: -12_000, contributionsMinor: 0, distributionsMinor: -300_000 },
      closingMinor: 306_544,
      reserveMinor: 100_000,
      depositsHeldMinor: 150_000,
      ownerDistributionsMinor: 150_000,
    },
  ],
};

const incomeStatement: IncomeStatement = {
  kind: 'income-statement',
  title: 'Income statement',
  currency: 'USD',
  asOf: '2026-02-28',
  propertyId: id(1),
  propertyAddress: '12 Elm St, Ames',
  from: '2026-01',
  to: '2026-02',
  months: [
    {
      month: '2026-01',
      income: [{ account: 'rental_income', amountMinor: 300_000 }],
      expenses: [
        { account: 'repairs', amountMinor: 40_000 },
        { account: 'utilities', amountMinor: 10_000 },
      ],
      netIncomeMinor: 250_000,
      cash: { receiptsMinor: 280_000, paymentsMinor: 50_000, contributionsMinor: 0, distributionsMinor: 200_000, netMinor: 30_000 },
    },
    {
      month: '2026-02',
      income: [
        { account: 'rental_income', amountMinor: 300_000 },
        { account: 'fee_income', amountMinor: 5_000 },
      ],
      expenses: [{ account: 'management_fees', amountMinor: 24_400 }],
      netIncomeMinor: 280_600,
      cash: { receiptsMinor: 320_000, paymentsMinor: 24_400, contributionsMinor: 10_000, distributionsMinor: 250_000, netMinor: 55_600 },
    },
  ],
};

const tenantLedger: TenantLedger = {
  kind: 'tenant-ledger',
  title: 'Tenant ledger',
  currency: 'USD',
  asOf: '2026-03-31',
  leaseId: id(11),
  propertyAddress: '12 Elm St, Ames',
  unitLabel: 'A',
  tenants: ['Zoë Ångström'],
  from: '2026-01-01',
  openingMinor: 0,
  lines: [
    { date: '2026-03-01', kind: 'rent_charged', description: 'Rent, March', chargeMinor: 150_000, paymentMinor: 0, balanceMinor: 150_000 },
    { date: '2026-03-03', kind: 'payment_received', description: 'Card payment', chargeMinor: 0, paymentMinor: 147_500, balanceMinor: 2_500 },
  ],
  closingMinor: 2_500,
};

const vendorTax: VendorTaxSummary = {
  kind: 'vendor-tax-summary',
  title: 'Vendor tax summary 2025',
  currency: 'USD',
  asOf: '2025-12-31',
  year: 2025,
  thresholdMinor: 60_000,
  rows: [
    { vendorId: id(61), name: 'Pipe & Sons, LLC', paidMinor: 123_456, reportable: true, taxIdOnFile: false, flagged: true },
    { vendorId: id(62), name: 'Quick "Fix" Co', paidMinor: 45_000, reportable: false, taxIdOnFile: true, flagged: false },
  ],
};

const REPORTS: Report[] = [rentRoll, delinquency, occupancy, ownerStatement, incomeStatement, tenantLedger, vendorTax];

describe('report fixtures', () => {
  it.each(REPORTS.map((r) => [r.kind, r] as const))('%s is a valid report', (_kind, report) => {
    expect(ReportSchema.safeParse(report).success).toBe(true);
  });
});

describe('reportCsv', () => {
  it('writes the vendor tax summary as RFC 4180, names with commas and quotes quoted', () => {
    expect(reportCsv(vendorTax)).toBe(
      [
        'vendor_id,vendor,paid,currency,reportable,tax_id_on_file,flagged',
        `${id(61)},"Pipe & Sons, LLC",1234.56,USD,yes,no,yes`,
        `${id(62)},"Quick ""Fix"" Co",450.00,USD,no,yes,no`,
        '',
      ].join('\r\n'),
    );
  });

  it('writes the delinquency buckets in major units and a totals row', () => {
    expect(reportCsv(delinquency).split('\r\n')).toEqual([
      'property,unit,lease_id,tenants,current_0_30,days_31_60,days_61_90,over_90,total,currency',
      `"12 Elm St, Ames",A,${id(11)},"Ann Lee; Bo ""Bear"" Kim",1500.00,750.50,0.00,10.00,2260.50,USD`,
      `4 Oak Ave,,${id(12)},Cy Dunn,0.00,0.00,0.00,999.99,999.99,USD`,
      'Total,,,,1500.00,750.50,0.00,1009.99,3260.49,USD',
      '',
    ]);
  });

  it('writes one row per statement line, per month and account, per ledger line, per occupancy row', () => {
    const lines = (r: Report) => reportCsv(r).split('\r\n').slice(1, -1);
    expect(lines(ownerStatement)).toEqual([
      '"12 Elm St, Ames",income,2026-03-01,"Rent, unit A",1500.00,USD,inv-1001',
      '"12 Elm St, Ames",expense,2026-03-09,Leaking trap replaced,-234.56,USD,INV-77',
      '"12 Elm St, Ames",expense,2026-03-15,Water and sewer,-80.00,USD,',
      '"12 Elm St, Ames",management fee,2026-03-31,Management fee 8%,-120.00,USD,',
      '"12 Elm St, Ames",distribution,2026-03-31,Owner distribution,-3000.00,USD,ach-9',
    ]);
    expect(lines(incomeStatement)).toHaveLength(6);
    expect(lines(incomeStatement)[4]).toBe('2026-02,income,fee_income,50.00,USD');
    expect(lines(tenantLedger)[1]).toBe('2026-03-03,payment_received,Card payment,0.00,1475.00,25.00,USD');
    expect(lines(occupancy)[2]).toBe('"12 Elm St, Ames",2026-03,4,120,120,100.00,6000.00,5715.00,95.25,USD');
    expect(lines(rentRoll).at(-1)).toBe('Total,2 units,occupied 1; notice given 0; vacant 1,,,,,1500.00,1500.00,25.00,USD');
  });

  it('prints basis points as percentages by integer arithmetic', () => {
    expect([bpsToPercent(0), bpsToPercent(5), bpsToPercent(9525), bpsToPercent(10_000), bpsToPercent(-250)]).toEqual(['0.00', '0.05', '95.25', '100.00', '-2.50']);
  });

  it('is the same text every time', () => {
    for (const r of REPORTS) expect(reportCsv(r)).toBe(reportCsv(structuredClone(r)));
  });
});

describe('charts', () => {
  const points = [
    { month: '2026-02', chargedMinor: 305_000, collectedMinor: 320_000 },
    { month: '2026-01', chargedMinor: 300_000, collectedMinor: 280_000 },
  ];
  const categories = [
    { category: 'repairs', amountMinor: 40_000 },
    { category: 'utilities', amountMinor: 10_000 },
  ];

  it('draws occupancy per property with titles and axes, the same SVG every time', async () => {
    const svg = await occupancyChartSvg(occupancy.rows);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Occupancy by month and property', 'Occupancy (%)', 'Month', 'Physical occupancy', 'Economic occupancy', '4 Oak Ave', 'Jan 2026']) expect(svg).toContain(text);
    expect(await occupancyChartSvg(structuredClone(occupancy.rows))).toBe(svg);
  });

  it('adds up occupancy by month when there are more than six properties', async () => {
    const rows = Array.from({ length: 7 }, (_, n) => occupancyRow(n + 1, `${n + 1} Pine St`, '2026-01', 5000 + n * 500, 6000));
    const svg = await occupancyChartSvg(rows);
    expect(svg).toContain('All 7 properties');
    expect(svg).not.toContain('3 Pine St');
  });

  it('draws collections and expenses with titles and axes, the same SVG every time', async () => {
    const collections = await collectionsChartSvg(points, 'USD');
    const expenses = await expensesByCategoryChartSvg(categories, 'USD');
    for (const text of ['Charged and collected by month', 'Amount (USD)', 'Month', 'Jan 2026', 'Collected']) expect(collections).toContain(text);
    for (const text of ['Expenses by category', 'Amount (USD)', 'Category', 'repairs', '400.00']) expect(expenses).toContain(text);
    expect(await collectionsChartSvg([...points].reverse(), 'USD')).toBe(collections);
    expect(await expensesByCategoryChartSvg([...categories].reverse(), 'USD')).toBe(expenses);
    expect(monthLabel('2026-12')).toBe('Dec 2026');
  });

  it('rasterizes an SVG to a PNG of the width asked', async () => {
    const png = await svgToPng(await expensesByCategoryChartSvg(categories, 'USD'), 900);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width]).toEqual(['png', 900]);
  });
});

describe('renderReportPdf', () => {
  it.each(REPORTS.map((r) => [r.kind, r] as const))('renders the %s, the same bytes twice', async (_kind, report) => {
    const a = await renderReportPdf(report);
    const b = await renderReportPdf(structuredClone(report));
    expect(b.sha256).toBe(a.sha256);
    const { pages, all } = await textOf(a.bytes);
    expect(pages).toBe(a.pages);
    expect(all).toContain(squash(report.title));
    expect(all).toContain(squash(`As of ${report.asOf}`));
  });

  it('prints the figures of each kind', async () => {
    const figures: [Report, string[]][] = [
      [rentRoll, ['Zoë Ångström', '1,500.00', '25.00', 'Total (2 units)', 'vacant']],
      [delinquency, ['Days past due', '2,260.50', '1,009.99', '3,260.49', 'equal to the total above']],
      [occupancy, ['95.25%', '5,715.00', 'All properties', 'Jan 2026']],
      [incomeStatement, ['Net income', '5,306.00', 'fee income', 'Cash flow', '856.00']],
      [tenantLedger, ['Opening balance', 'Card payment', '1,475.00', 'Closing balance']],
      [vendorTax, ['Pipe & Sons, LLC', '1,234.56', 'ask for a W-9', '1,684.56']],
    ];
    for (const [report, expected] of figures) {
      const { all } = await textOf((await renderReportPdf(report)).bytes);
      for (const text of expected) expect(all).toContain(squash(text));
    }
  });

  it('lays out an owner statement: each section, the balances, the vendor and bill reference', async () => {
    const { all } = await textOf((await renderReportPdf(ownerStatement)).bytes);
    for (const text of [
      'Dana Whitfield',
      'Opening balance',
      '5,000.00',
      'Pipe & Sons, LLC',
      `bill ${BILL.slice(0, 8)}`,
      'Management fees',
      'Distributions to owners',
      'Closing balance',
      '3,065.44',
      'Reserve held for the property',
      '1,000.00',
      "Tenants' deposits held",
      'Your share of the property',
      '50.00%',
      'Distributed to you this month',
    ]) {
      expect(all).toContain(squash(text));
    }
  });

  it('appends an image attachment as a page and a PDF attachment by its pages', async () => {
    const png = new Uint8Array(await sharp({ create: { width: 400, height: 600, channels: 3, background: '#c8d2dc' } }).png().toBuffer());
    const invoice = await PDFDocument.create();
    const page = invoice.addPage([595, 842]);
    page.drawText('Invoice INV-77 from Pipe and Sons', { x: 50, y: 780, size: 14, font: await invoice.embedFont(StandardFonts.Helvetica) });
    const invoicePdf = await invoice.save();

    const plain = await renderReportPdf(ownerStatement);
    const attachments = [
      { title: 'Receipt photo, INV-77', contentType: 'image/png', bytes: png },
      { title: 'Invoice INV-77', contentType: 'application/pdf', bytes: invoicePdf },
      { title: 'Notes', contentType: 'text/plain', bytes: new TextEncoder().encode('n/a') },
      { title: 'Meter photo', contentType: 'image/webp', bytes: new Uint8Array(await sharp({ create: { width: 300, height: 200, channels: 3, background: '#888888' } }).webp().toBuffer()) },
    ];
    const rendered = await renderReportPdf(ownerStatement, { attachments });
    const { pages, text } = await textOf(rendered.bytes);
    expect(pages).toBe(rendered.pages);
    // The statement, ending with the list of attachments, then a page for the PNG, the invoice's one page, a page for the WebP (drawn as PNG).
    const listedOn = text.findIndex((t) => squash(t).includes(squash('not included: text/plain is not printable')));
    expect(listedOn + 1).toBeGreaterThanOrEqual(plain.pages);
    expect(pages).toBe(listedOn + 1 + 3);
    expect(squash(text[pages - 3]!)).toContain(squash('Attachment 1: Receipt photo, INV-77'));
    expect(squash(text[pages - 2]!)).toContain(squash('Invoice INV-77 from Pipe and Sons'));
    expect(squash(text[pages - 1]!)).toContain(squash('Attachment 4: Meter photo'));
    expect((await renderReportPdf(ownerStatement, { attachments })).sha256).toBe(rendered.sha256);
  });
});
